// Reading a request's headers on every request without the multimap's own look-up, whose
// comparator lower-cases every character through the locale: a request has a handful of
// headers, and a scan with an ASCII comparison is cheaper.
#pragma once
#include <string>
#include <string_view>
#include <httplib.h>

namespace harness::mock {

inline char ascii_lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

inline bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower_char(a[i]) != ascii_lower_char(b[i])) return false;
  return true;
}

// The first value of a header by case-insensitive name (what get_header_value returns); nullptr
// when absent.
inline const std::string* find_header(const httplib::Headers& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (iequals_ascii(k, name)) return &v;
  return nullptr;
}

// "Bearer <token>" (scheme case-insensitive). "" when missing or malformed.
inline std::string bearer_token(const httplib::Request& req) {
  const std::string* found = find_header(req.headers, "Authorization");
  if (!found || found->size() < 8) return {};
  std::string_view h = *found;
  if (!iequals_ascii(h.substr(0, 7), "bearer ")) return {};
  std::string_view token = h.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.find_first_of(" \t") != std::string_view::npos) return {};
  return std::string(token);
}

}  // namespace harness::mock
