// telnyx-loadgen's target URLs (--url, --mock, --keys-from). The request bytes are written by the
// request factories (run/send_mode.cpp) or net::write_request; the shared client in src/net/
// sends them.
#pragma once
#include <string>
#include <string_view>

namespace harness::loadgen::http {

// Splits "http://host:port/base" into host, port and path prefix ("" when none). Only plain
// http: the harness talks to loopback mocks and proxies.
struct Url {
  std::string host;
  std::string port;
  std::string path;     // without trailing '/', "" for the root
  std::string host_header() const { return host + ":" + port; }
};
bool parse_url(std::string_view url, Url& out, std::string& error);

}  // namespace harness::loadgen::http
