// A seeded random generator whose draws are identical on every platform and standard library
// (splitmix64 seeding + xoshiro256**; doubles from the top 53 bits). Never use std::
// distributions for anything that must be reproducible from a seed.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace harness::core {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next_u64();
  double next_double();                 // uniform in [0, 1)
  uint64_t uniform(uint64_t n);         // uniform in [0, n); n == 0 -> 0; unbiased
  bool chance(double p);                // true with probability p (p <= 0 never, p >= 1 always)
  // An independent sub-stream named by `stream` (e.g. a rule name): same seed + same name give
  // the same stream, so adding a rule does not shift the draws of the others.
  Rng fork(std::string_view stream) const;
  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

// FNV-1a 64-bit: a stable hash for stream names and sharding.
uint64_t stable_hash(std::string_view s);
// The same hash continued over more bytes, so the hash of a concatenation needs no copy:
// stable_hash_more(stable_hash(a), b) == stable_hash(a + b).
uint64_t stable_hash_more(uint64_t h, std::string_view s);
// stable_hash of the parts' concatenation.
uint64_t stable_hash_of(std::initializer_list<std::string_view> parts);

}  // namespace harness::core
