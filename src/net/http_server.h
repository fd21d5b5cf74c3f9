// An HTTP/1.1 server on an event loop (standalone Asio; asio::ssl for HTTPS). A small fixed set
// of loop threads serves every connection: each connection is a socket on one loop, requests are
// parsed with http_parser (the parser of nginx's ancestor and of wrk) into an httplib::Request,
// handed to the handler as an Exchange, and answered in one write. Keep-alive and pipelining:
// requests on one connection are served one after the other, in order.
//
// Nothing blocks a loop thread: a handler that must wait arms a timer (Exchange::after). The
// transport enforces its limits itself and answers what it refuses through the refusal handler
// (which fills the response; the connection is closed after it):
//   request line longer than max_request_line_bytes -> 414
//   header names + values over max_header_bytes, or more than max_headers fields -> 431
//   body over max_body_bytes, by Content-Length or while a chunked body arrives -> 413 (a body
//     is never buffered beyond the limit)
//   a request not complete within request_timeout of its first byte (slowloris) -> 408
//   bytes that are not HTTP -> 400
// A keep-alive connection without a request for idle_timeout is closed; a response the peer
// does not take within write_timeout is dropped with the connection. Beyond max_connections
// open connections, a new one is accepted and closed at once, without a byte.
//
// A streaming response (Exchange::stream, for Server-Sent Events) holds its socket and one timer:
// its bytes wait in a buffer bounded by StreamOptions::max_queued_bytes (beyond it the stream
// ends), a write the peer does not take within write_timeout ends it too, and a heartbeat is
// written after StreamOptions::heartbeat of silence.
//
// stop() closes the listener and every connection (in flight, delayed, parked, streaming) and
// joins the loop threads; it does not wait for peers.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include "net/exchange.h"

namespace harness::net {

struct ServerLimits {
  size_t max_request_line_bytes = 8192;
  size_t max_header_bytes = 16384;
  size_t max_headers = 100;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds write_timeout{10000};
  size_t max_connections = 10000;
};

struct ServerTls {
  std::string cert_path;   // PEM certificate (chain)
  std::string key_path;    // PEM private key
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                    // 0 = ephemeral; read the bound one with HttpServer::port()
  int threads = 0;                 // loop threads; 0 = the number of cores
  ServerLimits limits;
  std::optional<ServerTls> tls;
};

// Called on a loop thread for every complete request. The exchange may be kept (it keeps its
// connection) until one of its endings is used.
using RequestHandler = std::function<void(const std::shared_ptr<Exchange>&)>;
// Fills `res` for a request the transport refuses (res.status is already the HTTP status:
// 400, 408, 413, 414 or 431). `req` holds what was parsed so far (method and path may be empty).
using RefusalHandler =
    std::function<void(const httplib::Request& req, httplib::Response& res, const std::string& detail)>;

struct ServerCounters {
  uint64_t accepted = 0;
  uint64_t rejected_over_limit = 0;   // closed at once: max_connections reached
  uint64_t refused = 0;               // answered by the refusal handler
  uint64_t open = 0;                  // connections open now
  uint64_t streams = 0;               // of which streaming a response (Exchange::stream)
};

class HttpServer {
 public:
  HttpServer(ServerOptions opts, RequestHandler handler, RefusalHandler refuse);
  ~HttpServer();   // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the loop threads. nullopt once serving, else a one-line reason.
  std::optional<std::string> start();
  // Stops accepting, closes every connection and joins the loops. Idempotent; quick whatever
  // the peers do.
  void stop();
  int port() const;
  int threads() const;
  ServerCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness::net
