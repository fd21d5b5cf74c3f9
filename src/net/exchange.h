// One HTTP request being served by net::HttpServer (http_server.h), as its handler sees it: the
// parsed request, the response to fill, and the ways the exchange can end. Light on purpose (no
// Asio here) so request pipelines and fault executors can use it without the transport.
//
// Every method is called on the loop thread that serves the connection: the handler is invoked
// there, and after() runs its function there. Exactly one ending is used per exchange: reply()
// or one of the socket actions (reset, close_silently, send_raw_and_close, park).
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <httplib.h>

namespace harness::net {

// How a parked connection ended.
enum class ParkEnd { PeerClosed, Expired, Shutdown };

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

  // True once an ending was used.
  virtual bool finished() const = 0;

 protected:
  virtual ~Exchange() = default;
};

}  // namespace harness::net
