// An httplib::Server that serves each connection itself (keep-alive loop + buffered socket
// stream) so the HTTP layer knows which socket the current request arrived on. Connections are
// handled synchronously on one worker thread, so the socket lives in a thread_local for the
// duration of the connection: current_socket() is valid inside any handler. The fault executor
// uses it to reset, close or stall the connection (scenario faults); release_current_socket()
// hands the socket over so the server neither writes to it nor closes it afterwards.
// TLS connections go through httplib::SSLServer instead and have no current socket.
#pragma once
#include <httplib.h>

namespace harness::mock {

constexpr int kNoSocket = -1;

class SocketServer : public httplib::Server {
 public:
  // The socket of the connection the calling worker thread is serving, or kNoSocket.
  static int current_socket();
  // The caller (a fault executor) now owns the current socket and will close it.
  static void release_current_socket();
  static bool current_socket_released();

 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace harness::mock
