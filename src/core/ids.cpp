#include "core/ids.h"

namespace harness::core {
namespace {
constexpr char kHex[] = "0123456789abcdef";
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
}  // namespace

std::string uuid_v4(Rng& rng) {
  uint64_t hi = rng.next_u64();
  uint64_t lo = rng.next_u64();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                               // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;        // variant 10xx
  unsigned char b[16];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!is_hex(s[i])) {
      return false;
    }
  }
  return true;
}

std::string numeric_id(Rng& rng, int digits) {
  if (digits < 1) digits = 1;
  std::string out;
  out.reserve(static_cast<size_t>(digits));
  out += static_cast<char>('1' + rng.uniform(9));   // no leading zero: it must read as a number
  for (int i = 1; i < digits; ++i) out += static_cast<char>('0' + rng.uniform(10));
  return out;
}

}  // namespace harness::core
