// Writing one HTTP/1.1 request into a byte string. Owns only the bytes: no sockets. Requests
// are keep-alive by default (the server closes when it wants to; the response parser says so).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harness::loadgen::http {

struct Request {
  std::string method = "POST";
  std::string target = "/";             // path and query
  std::string host;                     // Host header value ("127.0.0.1:8080")
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  std::string body;
};

// Appends the serialised request to `out` (Content-Length always written for POST/PUT/PATCH or
// a non-empty body).
void write_request(const Request& r, std::string& out);

// Splits "http://host:port/base" into host, port and path prefix ("" when none). Only plain
// http: the harness talks to loopback mocks and proxies; TLS would be a second Transport.
struct Url {
  std::string host;
  std::string port;
  std::string path;     // without trailing '/', "" for the root
  std::string host_header() const { return host + ":" + port; }
};
bool parse_url(std::string_view url, Url& out, std::string& error);

}  // namespace harness::loadgen::http
