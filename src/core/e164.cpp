// Address checks return reasons, not booleans, because the mock echoes them in 40310/40325
// details and a tester needs to see *why* an address was refused.
#include "core/e164.h"

#include <cstdio>

namespace harness::core {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Printable ASCII is shown as itself; anything else as a byte value so the reason stays readable
// and valid UTF-8 even when the input is not.
std::string show_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
  return buf;
}

struct CallingCode {
  std::string_view prefix;
  std::string_view region;
};

// A modest table: the regions the mock's whitelisted_destinations checks are likely to meet.
// Longest prefix wins (e.g. +353 IE before +35x unknowns).
constexpr CallingCode kCallingCodes[] = {
    {"1", "US"},    {"7", "RU"},    {"20", "EG"},   {"27", "ZA"},   {"30", "GR"},   {"31", "NL"},
    {"32", "BE"},   {"33", "FR"},   {"34", "ES"},   {"36", "HU"},   {"39", "IT"},   {"40", "RO"},
    {"41", "CH"},   {"43", "AT"},   {"44", "GB"},   {"45", "DK"},   {"46", "SE"},   {"47", "NO"},
    {"48", "PL"},   {"49", "DE"},   {"51", "PE"},   {"52", "MX"},   {"54", "AR"},   {"55", "BR"},
    {"56", "CL"},   {"57", "CO"},   {"60", "MY"},   {"61", "AU"},   {"62", "ID"},   {"63", "PH"},
    {"64", "NZ"},   {"65", "SG"},   {"66", "TH"},   {"81", "JP"},   {"82", "KR"},   {"84", "VN"},
    {"86", "CN"},   {"90", "TR"},   {"91", "IN"},   {"92", "PK"},   {"234", "NG"},  {"254", "KE"},
    {"351", "PT"},  {"352", "LU"},  {"353", "IE"},  {"354", "IS"},  {"358", "FI"},  {"372", "EE"},
    {"380", "UA"},  {"420", "CZ"},  {"421", "SK"},  {"852", "HK"},  {"886", "TW"},  {"966", "SA"},
    {"971", "AE"},  {"972", "IL"},
};

}  // namespace

std::optional<std::string> e164_problem(std::string_view number) {
  if (number.empty()) return "is empty";
  if (number[0] != '+') return "must start with '+'";
  for (size_t i = 1; i < number.size(); ++i) {
    if (!is_digit(number[i]))
      return "contains a non-digit character " + show_char(number[i]) + " at position " + std::to_string(i);
  }
  const size_t n = number.size() - 1;
  if (n >= 1 && number[1] == '0') return "country code cannot start with 0";
  if (n < 8 || n > 15) return "must have 8 to 15 digits after '+' (has " + std::to_string(n) + ")";
  return std::nullopt;
}

bool is_short_code(std::string_view s) {
  if (s.size() < 3 || s.size() > 8) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

std::optional<std::string> alphanumeric_sender_problem(std::string_view s) {
  if (s.empty()) return "is empty";
  if (s.size() > 11) return "must be at most 11 characters (has " + std::to_string(s.size()) + ")";
  bool letter = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (is_alpha(c)) {
      letter = true;
    } else if (!is_digit(c) && c != ' ') {
      return "contains " + show_char(c) + " at position " + std::to_string(i) +
             "; only letters, digits and spaces are allowed";
    }
  }
  if (!letter) return "must contain at least one letter";
  return std::nullopt;
}

AddressKind classify_address(std::string_view s) {
  if (!s.empty() && s[0] == '+') return is_e164(s) ? AddressKind::E164 : AddressKind::Invalid;
  if (is_short_code(s)) return AddressKind::ShortCode;
  if (!alphanumeric_sender_problem(s)) return AddressKind::Alphanumeric;
  return AddressKind::Invalid;
}

std::string region_of(std::string_view e164) {
  if (!is_e164(e164)) return "";
  const std::string_view digits = e164.substr(1);
  std::string_view best;
  size_t best_len = 0;
  for (const auto& cc : kCallingCodes) {
    if (cc.prefix.size() > best_len && digits.substr(0, cc.prefix.size()) == cc.prefix) {
      best = cc.region;
      best_len = cc.prefix.size();
    }
  }
  return std::string(best);
}

}  // namespace harness::core
