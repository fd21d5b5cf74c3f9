#include "http/socket_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace harness::mock {
namespace {

thread_local int t_socket = kNoSocket;
thread_local bool t_released = false;

// Waits for `events` on `sock` for at most `ms` milliseconds. >0 ready, 0 timeout, <0 error.
int wait_for(int sock, short events, int ms) {
  pollfd p{sock, events, 0};
  int r;
  do {
    r = ::poll(&p, 1, ms);
  } while (r < 0 && errno == EINTR);
  if (r > 0 && (p.revents & (POLLERR | POLLNVAL))) return -1;
  return r;
}

void ip_and_port(const sockaddr_storage& ss, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

// A buffered stream over one connected socket; it outlives single requests, so pipelined bytes
// already read are not lost between requests on a keep-alive connection.
class FdStream final : public httplib::Stream {
 public:
  FdStream(int sock, int read_ms, int write_ms) : sock_(sock), read_ms_(read_ms), write_ms_(write_ms) {}

  // A response is written in pieces (status line and headers, then the body); they are gathered
  // and sent together when httplib is done with the request or reads again (an interim
  // "100 Continue" must go out before the body is read), so a small answer is one send().
  bool is_readable() const override {
    if (!flush()) return false;
    return pos_ < len_ || wait_for(sock_, POLLIN, read_ms_) > 0;
  }
  bool is_writable() const override {
    return !t_released && wait_for(sock_, POLLOUT, write_ms_) > 0;
  }

  ssize_t read(char* ptr, size_t size) override {
    if (t_released || !flush()) return -1;
    if (pos_ < len_) {
      const size_t n = std::min(size, len_ - pos_);
      std::memcpy(ptr, buf_ + pos_, n);
      pos_ += n;
      return static_cast<ssize_t>(n);
    }
    if (wait_for(sock_, POLLIN, read_ms_) <= 0) return -1;
    if (size >= sizeof buf_) return recv_retry(ptr, size);
    const ssize_t n = recv_retry(buf_, sizeof buf_);
    if (n <= 0) return n;
    len_ = static_cast<size_t>(n);
    pos_ = std::min(size, len_);
    std::memcpy(ptr, buf_, pos_);
    return static_cast<ssize_t>(pos_);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (t_released) return -1;
    if (out_.size() + size <= kGather) {
      out_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    if (!flush()) return -1;
    if (size <= kGather) {
      out_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    return send_all(ptr, size) ? static_cast<ssize_t>(size) : -1;
  }

  // Sends what write() gathered. False when the peer is gone, the write deadline passed or the
  // socket was handed to a fault (then nothing more may be written).
  bool flush() const {
    if (out_.empty()) return true;
    const bool ok = !t_released && send_all(out_.data(), out_.size());
    out_.clear();
    return ok;
  }

  // httplib asks for both addresses on every request; they cannot change on one connection.
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (remote_port_ < 0) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) ip_and_port(ss, remote_ip_, remote_port_);
    }
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (local_port_ < 0) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) ip_and_port(ss, local_ip_, local_port_);
    }
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return sock_; }

  bool has_buffered() const { return pos_ < len_; }

 private:
  static constexpr size_t kGather = 16 * 1024;

  // Non-blocking sends, waiting (up to the write timeout) only when the socket buffer is full.
  bool send_all(const char* p, size_t n) const {
    while (n > 0) {
      const ssize_t k = ::send(sock_, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (k > 0) {
        p += k;
        n -= static_cast<size_t>(k);
      } else if (k < 0 && errno == EINTR) {
        continue;
      } else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (wait_for(sock_, POLLOUT, write_ms_) <= 0) return false;
      } else {
        return false;
      }
    }
    return true;
  }

  ssize_t recv_retry(char* p, size_t n) {
    ssize_t r;
    do {
      r = ::recv(sock_, p, n, 0);
    } while (r < 0 && errno == EINTR);
    return r;
  }

  int sock_;
  int read_ms_;
  int write_ms_;
  char buf_[8192];
  size_t pos_ = 0;
  size_t len_ = 0;
  mutable std::string out_;   // gathered response bytes, not sent yet
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
};

}  // namespace

int SocketServer::current_socket() { return t_socket; }
void SocketServer::release_current_socket() { t_released = true; }
bool SocketServer::current_socket_released() { return t_released; }

bool SocketServer::process_and_close_socket(socket_t sock) {
  t_socket = sock;
  t_released = false;
  const int read_ms = static_cast<int>(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000);
  const int write_ms = static_cast<int>(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000);
  FdStream strm(sock, read_ms, write_ms);
  bool ret = false;
  size_t count = keep_alive_max_count_;
  // Idle keep-alive connections poll in short slices so stop() is noticed quickly.
  constexpr int kSliceMs = 100;
  const long idle_slices = static_cast<long>(keep_alive_timeout_sec_) * 1000 / kSliceMs;
  while (svr_sock_ != INVALID_SOCKET && count > 0) {
    bool ready = strm.has_buffered();
    for (long i = 0; !ready && i <= idle_slices && svr_sock_ != INVALID_SOCKET; ++i) {
      const int r = wait_for(sock, POLLIN, kSliceMs);
      if (r < 0) break;
      ready = r > 0;
    }
    if (!ready) break;
    bool connection_closed = false;
    ret = process_request(strm, count == 1, connection_closed, nullptr);
    if (!strm.flush()) ret = false;
    if (!ret || connection_closed || t_released) break;
    --count;
  }
  if (!t_released) {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  t_socket = kNoSocket;
  t_released = false;
  return ret;
}

}  // namespace harness::mock
