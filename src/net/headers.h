// Header look-ups for the hot path of every request: a request or response has a handful of
// headers, and a scan with an ASCII case-insensitive comparison is cheaper than the multimap's own
// look-up, whose comparator lower-cases every character through the locale.
#pragma once
#include <string>
#include <string_view>
#include <httplib.h>

namespace harness::net {

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// Equal but for ASCII letter case (header names and tokens are ASCII).
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// The first value of a header by case-insensitive name (what get_header_value returns); nullptr
// when absent.
inline const std::string* find_header(const httplib::Headers& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (iequals(k, name)) return &v;
  return nullptr;
}

}  // namespace harness::net
