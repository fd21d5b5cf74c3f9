// An asynchronous HTTP/1.1 client on an Asio event loop, shared by telnyx-mock's webhook engine
// and telnyx-loadgen. A request costs a socket and a timer, never a thread.
//  - One connection pool per origin (scheme://host:port) with a bound on connections; requests
//    beyond it wait in the origin's queue (no thread is held). Keep-alive connections are reused.
//    A slow or dead origin only fills its own pool: other origins are never delayed.
//  - One timeout for the WHOLE request (connect, TLS handshake, write and read), armed when the
//    request leaves the queue: a peer that accepts and never answers, or drips a byte a second,
//    fails at that deadline, whatever the per-read progress.
//  - Response bodies are kept up to a cap; past it the reading stops, the response is reported
//    as truncated, and the connection is closed (never reused).
//  - https through asio::ssl (OpenSSL): no CA file = no certificate verification.
//  - A request is never resent by the client. A reused keep-alive connection that closes before
//    any response byte is reported as ClientError::ClosedBeforeResponse; the caller decides.
//    (An idle connection the peer closes is noticed while idle and dropped before it is chosen.)
// Thread-safe: send() may be called from any thread; the io_context may run on several threads.
// Callbacks run on a loop thread, never inside send().
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include "net/http_message.h"

namespace asio {
class io_context;
}

namespace harness::net {

struct ClientOptions {
  size_t max_connections_per_origin = 64;   // open connections (busy + idle) per origin
  size_t max_connecting_per_origin = 8;     // connections being opened at once per origin (a burst
                                            // must not overflow a small listen backlog)
  // Growth pacing. The first max_connecting_per_origin connections open on demand; beyond them,
  // when > 0, a new connection opens only once the oldest queued request has waited this long,
  // and at most one per grow_after / 4. A receiver that serves each connection with a thread
  // (and keeps idle keep-alive connections) then gets no more connections than its load needs;
  // a slow receiver still gets as many as max_connections_per_origin within a second or so.
  // 0: open on demand up to the bound (a load generator wants exactly that).
  std::chrono::nanoseconds grow_after{0};
  size_t max_body_bytes = 64 * 1024;        // response body kept; the rest is never read
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(30);   // idle keep-alive connections
  std::string ca_cert_file;                 // https: empty = no certificate verification
};

enum class ClientError {
  None,
  Timeout,               // the whole-request deadline passed
  Connect,               // resolve or TCP connect failed
  Tls,                   // TLS handshake or certificate verification failed
  Write,                 // the request could not be written
  ClosedBeforeResponse,  // the connection closed (or reset) before any response byte
  Read,                  // the connection failed in the middle of the response
  BadResponse,           // not HTTP/1.x framing
  Aborted,               // shutdown() cut the request
};
// "timeout", "connection", "tls", "write", "connection closed before response", "read",
// "bad response", "aborted".
std::string_view error_name(ClientError e);

struct Response {
  int status = 0;
  bool keep_alive = false;
  std::string body;                // at most max_body_bytes
  uint64_t body_bytes_seen = 0;    // read from the socket (kept or not)
  bool body_truncated = false;
  int64_t retry_after_seconds = -1;
};

struct Result {
  ClientError error = ClientError::None;
  std::string detail;                  // the system's wording, for logs
  Response response;                   // status 0 unless a response arrived
  std::chrono::nanoseconds elapsed{0}; // from leaving the queue to completion
  std::chrono::nanoseconds queued{0};  // time spent waiting for a connection
  bool reused_connection = false;
  bool ok() const { return error == ClientError::None; }
};

using Callback = std::function<void(Result&)>;

struct ClientStats {
  uint64_t requests = 0;             // send() calls
  uint64_t completed = 0;            // callbacks with a response
  uint64_t failed = 0;               // callbacks with an error
  uint64_t connections_opened = 0;
  uint64_t reused = 0;               // requests that went out on a kept-alive connection
  uint64_t bytes_read = 0;           // from sockets (TLS: decrypted bytes)
  uint64_t truncated = 0;            // responses cut at max_body_bytes
  size_t open_connections = 0;
  size_t in_flight = 0;              // requests on a connection
  size_t queued = 0;                 // requests waiting for one
  size_t peak_connections_per_origin = 0;
};

class HttpClient {
 public:
  HttpClient(asio::io_context& io, ClientOptions options = {});
  ~HttpClient();   // shutdown(); callbacks still queued in the loop may run later
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `wire` is the whole request (write_request). `timeout` bounds it from the moment it leaves
  // the queue. The callback runs exactly once.
  void send(const Origin& origin, std::string wire, std::chrono::nanoseconds timeout, Callback cb);

  // Cuts everything: queued and in-flight requests complete with Aborted (on the loop), every
  // connection is closed, later sends complete with Aborted. Idempotent; does not wait.
  void shutdown();

  ClientStats stats() const;
  const ClientOptions& options() const;

 private:
  std::shared_ptr<struct ClientState> state_;
};

}  // namespace harness::net
