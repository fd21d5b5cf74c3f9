// One HTTP request being served by net::HttpServer (http_server.h), as its handler sees it: the
// parsed request, the response to fill, and the ways the exchange can end. Light on purpose (no
// Asio here) so request pipelines and fault executors can use it without the transport.
//
// Every method is called on the loop thread that serves the connection: the handler is invoked
// there, and after() runs its function there. Exactly one ending is used per exchange: reply(),
// stream() or one of the socket actions (reset, close_silently, send_raw_and_close, park).
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <httplib.h>

namespace harness::net {

// How a parked connection ended.
enum class ParkEnd { PeerClosed, Expired, Shutdown };

// A long-lived response (Server-Sent Events). Costs its socket and a timer, no thread.
struct StreamOptions {
  // Bytes written through the handle and not yet taken by the peer's socket. A write that would
  // go beyond it ends the stream (StreamEnd::Overflow): a subscriber that does not read never
  // grows the server's memory past this.
  size_t max_queued_bytes = 256 * 1024;
  // The socket's kernel send buffer (SO_SNDBUF), so a peer that stops reading also holds little
  // kernel memory (Linux's autotuning would let it grow to megabytes). 0 = the kernel's choice.
  int socket_send_buffer = 64 * 1024;
  // Written when nothing else was for this long (an SSE comment keeps proxies and the browser's
  // connection alive, and finds peers that left without a FIN). 0 = never.
  std::chrono::milliseconds heartbeat{15000};
  std::string heartbeat_bytes = ":\n\n";
};

// Why a stream ended.
enum class StreamEnd {
  PeerClosed,     // the peer closed or reset the connection
  Overflow,       // more than max_queued_bytes were waiting for the peer
  WriteTimeout,   // a write was not taken by the peer within the server's write_timeout
  Closed,         // StreamHandle::close()
  Shutdown,       // the server stopped
};

// Writes to a stream; thread-safe (the bytes are handed to the connection's loop).
class StreamHandle {
 public:
  virtual ~StreamHandle() = default;
  // Queues `bytes` for the peer. false once the stream has ended (or this write would overflow
  // it, which ends it).
  virtual bool write(std::string bytes) = 0;
  // Ends the stream: what is queued is written, then the connection is closed (FIN).
  virtual void close() = 0;
  virtual bool open() const = 0;
  // Bytes queued now (written through write() and not yet taken by the socket).
  virtual size_t queued_bytes() const = 0;
};

class Exchange {
 public:
  httplib::Request req;    // method, path (decoded), params, headers, body, version, target
  httplib::Response res;   // status -1 is sent as 200

  // Sends `res` in one write (Content-Length from the body; no body for HEAD). The connection
  // stays open for the next request unless the client or a "Connection: close" header said not.
  virtual void reply() = 0;
  // Runs `fn` on this connection's loop after `delay` (a timer: no thread waits). Not run when
  // the connection is closed first (server stop); the exchange stays open meanwhile.
  virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;

  // Socket actions (faults). Each ends the exchange and the connection without an HTTP answer.
  virtual void reset() = 0;                                  // SO_LINGER 0, close: the peer gets RST
  virtual void close_silently() = 0;                         // FIN without a byte
  virtual void send_raw_and_close(std::string_view bytes) = 0;   // these bytes, then FIN
  // Holds the connection without answering: reads and discards until the peer closes or `cap`
  // passes, then closes. Costs a socket, no thread. `on_end` is called once, on the loop.
  virtual void park(std::chrono::milliseconds cap, std::function<void(ParkEnd)> on_end) = 0;

  // Answers with `res`'s status and headers but no Content-Length, then keeps the connection
  // for what is written through the returned handle: the body runs until either side closes
  // ("Connection: close"). What the peer sends meanwhile is read and discarded. `on_end` is
  // called once, on the loop, when the stream ends (never for a stream that could not start).
  // nullptr when the exchange had already ended.
  virtual std::shared_ptr<StreamHandle> stream(StreamOptions opts, std::function<void(StreamEnd)> on_end) = 0;

  // True once an ending was used.
  virtual bool finished() const = 0;

 protected:
  virtual ~Exchange() = default;
};

}  // namespace harness::net
