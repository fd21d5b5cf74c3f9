// Version-4 UUID text from two 64-bit draws, without printf: ids are minted on every request
// (x-request-id) and every message, so this sits on the hot path. Same layout as core::uuid_v4
// (lower-case 8-4-4-4-12, version nibble 4, variant 10xx).
#pragma once
#include <cstdint>
#include <string>
#include "core/rng.h"

namespace harness::mock {

inline std::string fast_uuid_v4(uint64_t hi, uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  char nib[32];
  for (int i = 0; i < 16; ++i) nib[i] = kHex[(hi >> (60 - 4 * i)) & 0xf];
  for (int i = 0; i < 16; ++i) nib[16 + i] = kHex[(lo >> (60 - 4 * i)) & 0xf];
  nib[12] = '4';                                   // version
  nib[16] = kHex[8 | ((lo >> 60) & 0x3)];          // variant 10xx
  std::string out(36, '-');
  int j = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) ++j;
    out[j++] = nib[i];
  }
  return out;
}

inline std::string fast_uuid_v4(core::Rng& rng) {
  const uint64_t hi = rng.next_u64();
  return fast_uuid_v4(hi, rng.next_u64());
}

}  // namespace harness::mock
