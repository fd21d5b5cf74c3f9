#include "loadgen/http/request.h"

namespace harness::loadgen::http {

bool parse_url(std::string_view url, Url& out, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    error = url.substr(0, 8) == "https://" ? "https is not supported (plain http only): " + std::string(url)
                                           : "URL must start with http://: " + std::string(url);
    return false;
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (authority.empty()) {
    error = "URL has no host: " + std::string(url);
    return false;
  }
  const size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    out.host = std::string(authority);
    out.port = "80";
  } else {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
    if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos ||
        out.port.size() > 5 || std::stoi(out.port) == 0 || std::stoi(out.port) > 65535) {
      error = "URL has a bad port: " + std::string(url);
      return false;
    }
  }
  if (out.host.empty()) {
    error = "URL has no host: " + std::string(url);
    return false;
  }
  out.path = std::string(path);
  return true;
}

}  // namespace harness::loadgen::http
