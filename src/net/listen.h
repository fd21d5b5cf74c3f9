// Binding a cpp-httplib server the way a load-facing server must be bound. cpp-httplib 0.11
// listens with a backlog of 5 and sets SO_REUSEPORT: a burst of new connections then stalls in
// SYN retransmissions (1 s, 3 s, ...) and a second process can silently share a fixed port. This
// helper binds with SO_REUSEADDR only (a busy port is reported as busy) and raises the backlog
// to SOMAXCONN once bound. Every server of the project binds through it.
#pragma once
#include <httplib.h>
#include <sys/socket.h>
#include <memory>
#include <string>

namespace harness::net {

// port 0 picks a free port. Returns the bound port, or -1 when the address cannot be bound.
inline int bind_server(httplib::Server& server, const std::string& host, int port,
                       int backlog = SOMAXCONN) {
  auto listening = std::make_shared<int>(-1);
  server.set_socket_options([listening](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    *listening = sock;   // the last socket tried is the one that bound
  });
  const int bound = port == 0 ? server.bind_to_any_port(host)
                              : (server.bind_to_port(host, port) ? port : -1);
  if (bound > 0 && *listening >= 0) ::listen(*listening, backlog);
  return bound > 0 ? bound : -1;
}

}  // namespace harness::net
