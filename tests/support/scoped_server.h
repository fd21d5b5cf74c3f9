// Test support: a cpp-httplib server on 127.0.0.1 and an ephemeral port, always joined.
#pragma once
#include <httplib.h>
#include "net/listen.h"
#include <string>
#include <thread>

namespace harness::testing {

class ScopedServer {
 public:
  explicit ScopedServer(httplib::Server& s) : s_(s) {
    s_.set_tcp_nodelay(true);
    s_.set_keep_alive_max_count(100000);
    port_ = harness::net::bind_server(s_, "127.0.0.1", 0);
    t_ = std::thread([this] { s_.listen_after_bind(); });
    while (!s_.is_running()) std::this_thread::yield();
  }
  ~ScopedServer() {
    s_.stop();
    if (t_.joinable()) t_.join();
  }
  ScopedServer(const ScopedServer&) = delete;
  ScopedServer& operator=(const ScopedServer&) = delete;
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server& s_;
  int port_ = -1;
  std::thread t_;
};

}  // namespace harness::testing
