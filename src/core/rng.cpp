// splitmix64 expands the seed into the xoshiro256** state (the seeding its authors recommend);
// every operation is plain 64-bit integer arithmetic, so draws are identical everywhere.
#include "core/rng.h"

namespace harness::core {
namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

uint64_t Rng::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::next_double() {
  // Top 53 bits -> exactly representable multiples of 2^-53 in [0, 1).
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

uint64_t Rng::uniform(uint64_t n) {
  if (n == 0) return 0;
  // Rejection sampling: discard the top partial range so every residue is equally likely.
  const uint64_t limit = (~uint64_t{0}) - ((~uint64_t{0}) % n + 1) % n;
  for (;;) {
    const uint64_t x = next_u64();
    if (x <= limit) return x % n;
  }
}

bool Rng::chance(double p) {
  if (!(p > 0.0)) return false;   // also catches NaN
  if (p >= 1.0) return true;
  return next_double() < p;
}

Rng Rng::fork(std::string_view stream) const {
  // Depends only on the seed and the name, never on how many draws were made from *this.
  uint64_t x = seed_ ^ stable_hash(stream);
  return Rng(splitmix64(x));
}

uint64_t stable_hash(std::string_view s) { return stable_hash_more(0xcbf29ce484222325ULL, s); }

uint64_t stable_hash_more(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t stable_hash_of(std::initializer_list<std::string_view> parts) {
  uint64_t h = stable_hash({});
  for (std::string_view p : parts) h = stable_hash_more(h, p);
  return h;
}

}  // namespace harness::core
