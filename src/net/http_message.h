// HTTP/1.1 on the wire, for the project's asynchronous client (http_client.h): writing a request
// into bytes, splitting an http(s) URL into origin and target, and an incremental response parser
// built on libhttp-parser (the parser wrk and Node.js 10 used). No sockets here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harness::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "POST";
  std::string target = "/";   // path and query
  std::string host;           // Host header value ("127.0.0.1:8080")
  HeaderList headers;         // extra headers, in order
  std::string body;
};

// Appends the serialised request to `out`. Content-Length is always written for POST/PUT/PATCH
// or a non-empty body. Requests are keep-alive (the server closes when it wants to).
void write_request(const Request& r, std::string& out);

// scheme://host:port: what a connection pool is keyed by.
struct Origin {
  bool tls = false;
  std::string host;   // without brackets for IPv6 literals
  std::string port;   // always set ("80"/"443" by default)
  std::string key() const;           // "https://host:port"
  std::string host_header() const;   // "host:port" (brackets kept for IPv6)
};

struct HttpUrl {
  Origin origin;
  std::string target;   // path and query, "/" at least
};

// "http(s)://host[:port][/path][?query]" -> origin and target; nullopt for another scheme, no
// host or a bad port. A fragment is dropped.
std::optional<HttpUrl> parse_http_url(std::string_view url);

// Feed it bytes as they arrive, in any split; it says when one response is complete. Framing by
// Content-Length, chunked, or until EOF; interim 1xx responses are skipped. The body is kept up
// to `body_limit` bytes: past that the parser stops with Done and truncated() (the rest of the
// body is never read, so the connection cannot be reused). Headers are limited to 64 KiB. Bytes
// past the end of a response stay unconsumed (`consumed` says how many were used).
class ResponseParser {
 public:
  enum class State { NeedMore, Done, Error };
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  explicit ResponseParser(size_t body_limit = SIZE_MAX);
  ~ResponseParser();
  ResponseParser(ResponseParser&&) noexcept;
  ResponseParser& operator=(ResponseParser&&) noexcept;

  State feed(std::string_view data, size_t& consumed);
  // A response framed by the connection's end completes here; anything else is an Error.
  State on_eof();
  void reset();

  State state() const;
  int status() const;
  bool keep_alive() const;
  // The kept part of the body (at most body_limit bytes).
  const std::string& body() const;
  std::string take_body();
  bool truncated() const;
  // Body bytes seen (kept or not).
  uint64_t body_bytes() const;
  // Retry-After in seconds (delta-seconds form only); -1 when absent or not a number.
  int64_t retry_after_seconds() const;
  const std::string& error() const;
  size_t body_limit() const;
  void set_body_limit(size_t limit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness::net
