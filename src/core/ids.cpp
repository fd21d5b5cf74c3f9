#include "core/ids.h"

namespace harness::core {
namespace {
constexpr char kHex[] = "0123456789abcdef";
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
}  // namespace

std::string uuid_v4(uint64_t hi, uint64_t lo) {
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

std::string uuid_v4(Rng& rng) {
  const uint64_t hi = rng.next_u64();
  return uuid_v4(hi, rng.next_u64());
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
