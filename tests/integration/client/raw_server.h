// A raw TCP listener on 127.0.0.1:0 for faults cpp-httplib's server cannot produce: it reads one
// full HTTP request (headers + Content-Length body), counts it, then closes the socket without
// answering - the "request sent, no response" case.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

namespace harness::testing {

// A loopback port that was bound and closed without listen(): connecting to it is refused.
inline int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class CloseAfterRequestServer {
 public:
  CloseAfterRequestServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    t_ = std::thread([this] { loop(); });
  }
  ~CloseAfterRequestServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    t_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }

 private:
  void loop() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string buf;
      char tmp[4096];
      size_t need = std::string::npos;
      while (true) {
        ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) break;
        buf.append(tmp, static_cast<size_t>(n));
        auto hdr_end = buf.find("\r\n\r\n");
        if (hdr_end != std::string::npos && need == std::string::npos) {
          size_t cl = 0;
          auto p = buf.find("Content-Length: ");
          if (p != std::string::npos && p < hdr_end) cl = std::strtoul(buf.c_str() + p + 16, nullptr, 10);
          need = hdr_end + 4 + cl;
        }
        if (need != std::string::npos && buf.size() >= need) {
          ++requests_;
          break;
        }
      }
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread t_;
};

}  // namespace harness::testing
