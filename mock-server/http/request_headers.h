// The API key of a request, read with the ASCII header scan of net/headers.h.
#pragma once
#include <string>
#include <string_view>
#include <httplib.h>
#include "net/headers.h"

namespace harness::mock {

// "Bearer <token>" (scheme case-insensitive). "" when missing or malformed.
inline std::string bearer_token(const httplib::Request& req) {
  const std::string* found = net::find_header(req.headers, "Authorization");
  if (!found || found->size() < 8) return {};
  std::string_view h = *found;
  if (!net::iequals(h.substr(0, 7), "bearer ")) return {};
  std::string_view token = h.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.find_first_of(" \t") != std::string_view::npos) return {};
  return std::string(token);
}

}  // namespace harness::mock
