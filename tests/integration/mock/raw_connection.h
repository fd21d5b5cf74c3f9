// A raw TCP client for tests that must see the bytes and the ending of a connection (what an HTTP
// client library would hide): send exactly these bytes, read until a condition, the peer's close
// or a bounded wait, and tell an orderly close from a reset.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <string>

#include "support/socket_io.h"

namespace harness::mock::testing {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send_all(const std::string& s) { return harness::testing::send_all(fd_, s); }
  // Reads until `done(received)` holds, the peer closes, or `limit` passes.
  template <typename Done>
  std::string read_until(Done done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(received_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) {
        eof_ = true;
        break;
      }
      if (n < 0) {
        reset_ = errno == ECONNRESET;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }
  // Reads to the end of the connection (bounded by `limit`).
  std::string read_to_end(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    return read_until([](const std::string&) { return false; }, limit);
  }
  bool eof() const { return eof_; }      // the peer closed in order
  bool reset() const { return reset_; }  // the peer reset the connection
  bool ended() const { return eof_ || reset_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  bool reset_ = false;
  std::string received_;
};

}  // namespace harness::mock::testing
