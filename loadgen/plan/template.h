// Templated fields of generated messages: "+1312555{rand:4}", "load {seq} from shard {shard}".
// Owns parsing a template once and expanding it per send; pure (the Rng is passed in).
//   {seq}      the global send index (unique over workers and shards)
//   {seq:N}    the same, zero-padded to N digits
//   {shard}    this shard's index
//   {rand:N}   N random decimal digits (1-18)
//   {{ / }}    literal braces
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "core/rng.h"

namespace harness::loadgen {

class Template {
 public:
  // Empty error on success.
  static Template parse(std::string_view text, std::string& error);
  void expand(uint64_t seq, uint32_t shard, core::Rng& rng, std::string& out) const;
  std::string expand(uint64_t seq, uint32_t shard, core::Rng& rng) const;
  bool is_constant() const;
  bool uses_rand() const;
  bool empty() const { return parts_.empty(); }

 private:
  enum class Kind { Literal, Seq, Shard, Rand };
  struct Part {
    Kind kind;
    std::string text;   // Literal
    int width = 0;      // Seq padding, Rand digits
  };
  std::vector<Part> parts_;
};

}  // namespace harness::loadgen
