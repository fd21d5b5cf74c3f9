// A scriptable TCP peer on 127.0.0.1 for HTTP client tests: each accepted connection runs
// `behaviour` on its own thread with a blocking socket. stop() (and the destructor) shuts every
// connection down and joins. Counts connections, requests read and the most connections open at
// once.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/socket_io.h"

namespace harness::testing {

class Peer {
 public:
  struct Conn {
    int fd;
    Peer* peer;
    std::string buffered;
    // Reads one request (headers + Content-Length body); false when the client closed.
    bool read_request() {
      for (;;) {
        const size_t head_end = buffered.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          size_t length = 0;
          std::string head = buffered.substr(0, head_end);
          for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          const size_t cl = head.find("content-length:");
          if (cl != std::string::npos) length = std::stoul(head.substr(cl + 15));
          if (buffered.size() >= head_end + 4 + length) {
            buffered.erase(0, head_end + 4 + length);
            ++peer->requests;
            return true;
          }
        }
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        buffered.append(buf, static_cast<size_t>(n));
      }
    }
    bool send_all(const std::string& s) { return harness::testing::send_all(fd, s); }
    // Waits until the client closes (or the peer stops).
    void hold() {
      char buf[4096];
      while (::recv(fd, buf, sizeof buf, 0) > 0) {}
    }
  };
  using Behaviour = std::function<void(Conn&)>;

  explicit Peer(Behaviour b) : behaviour_(std::move(b)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, SOMAXCONN);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~Peer() { stop(); }

  void stop() {
    if (stopping_.exchange(true)) return;
    accept_thread_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  bool stopping() const { return stopping_.load(); }

  std::atomic<int> connections{0};
  std::atomic<int> requests{0};
  std::atomic<int> open_now{0};
  std::atomic<int> most_open{0};

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections;
      const int now = ++open_now;
      int prev = most_open.load();
      while (now > prev && !most_open.compare_exchange_weak(prev, now)) {}
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(fd);
      threads_.emplace_back([this, fd] {
        Conn c{fd, this, {}};
        behaviour_(c);
        --open_now;
        std::lock_guard<std::mutex> l(mu_);
        fds_.erase(std::find(fds_.begin(), fds_.end(), fd));
        ::close(fd);
      });
    }
  }

  Behaviour behaviour_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
};

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

// A Peer behaviour: reads one full request, then closes without answering ("request sent, no
// response"); the peer's `requests` counts what arrived.
inline void close_after_request(Peer::Conn& c) { c.read_request(); }

inline std::string ok_response(const std::string& body = "{}", bool close = false) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + (close ? "\r\nConnection: close" : "") + "\r\n\r\n" + body;
}

}  // namespace harness::testing
