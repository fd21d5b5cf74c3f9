#include "http/faults.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace harness::mock {

// ---- parking lot ------------------------------------------------------------------------------

ParkingLot::ParkingLot(size_t max_parked) : max_(max_parked) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread([this] { loop(); });
}

ParkingLot::~ParkingLot() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  wake();
  thread_.join();
  for (const auto& e : pending_) ::close(e.fd);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void ParkingLot::wake() {
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

bool ParkingLot::park(int fd, std::chrono::milliseconds cap) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (count_ >= max_ || stop_ || wake_fd_ < 0) {
      ::close(fd);
      return false;
    }
    ++count_;
    pending_.push_back({fd, std::chrono::steady_clock::now() + cap});
  }
  wake();
  return true;
}

size_t ParkingLot::parked() const {
  std::lock_guard<std::mutex> lk(mu_);
  return count_;
}

void ParkingLot::loop() {
  std::vector<Entry> held;
  std::vector<pollfd> pfds;
  char sink[4096];
  for (;;) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (stop_) break;
      held.insert(held.end(), pending_.begin(), pending_.end());
      pending_.clear();
    }
    const auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::seconds(1);
    pfds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    for (const auto& e : held) {
      pfds.push_back(pollfd{e.fd, POLLIN, 0});
      next = std::min(next, e.deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    const int n = ::poll(pfds.data(), pfds.size(), static_cast<int>(std::max<int64_t>(0, wait) + 1));
    if (n < 0 && errno != EINTR) break;
    if (pfds[0].revents & POLLIN) {
      uint64_t v;
      (void)!::read(wake_fd_, &v, sizeof v);
    }
    const auto after = std::chrono::steady_clock::now();
    size_t closed = 0;
    std::vector<Entry> keep;
    keep.reserve(held.size());
    for (size_t i = 0; i < held.size(); ++i) {
      const short re = pfds[i + 1].revents;
      bool gone = false;
      if (re & (POLLIN | POLLHUP | POLLERR)) {
        // Drain whatever the client still sends (e.g. a pipelined request); 0 or an error means
        // the client gave up, which is what a hang waits for.
        const ssize_t r = ::recv(held[i].fd, sink, sizeof sink, MSG_DONTWAIT);
        gone = r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        if (gone) closed_by_peer_.fetch_add(1);
      }
      if (!gone && after >= held[i].deadline) {
        gone = true;
        expired_.fetch_add(1);
      }
      if (gone) {
        ::close(held[i].fd);
        ++closed;
      } else {
        keep.push_back(held[i]);
      }
    }
    held.swap(keep);
    if (closed) {
      std::lock_guard<std::mutex> lk(mu_);
      count_ -= closed;
    }
  }
  for (const auto& e : held) ::close(e.fd);
}

// ---- actions ----------------------------------------------------------------------------------

namespace faults {

const char kMalformedResponse[] = "HTTP/1.1 2OO OK\r\nContent-Length: nope\r\n\r\n{garbage";

bool detach(int fd) {
  const int dummy = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (dummy < 0) return false;
  const int r = ::dup2(dummy, fd);
  ::close(dummy);
  return r == fd;
}

bool reset(int fd) {
  const linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  return detach(fd);   // the last reference to the connection goes away -> RST
}

bool close_empty(int fd) {
  ::shutdown(fd, SHUT_RDWR);
  return detach(fd);
}

bool send_malformed(int fd) {
  const size_t len = sizeof kMalformedResponse - 1;
  size_t off = 0;
  while (off < len) {
    const ssize_t w = ::send(fd, kMalformedResponse + off, len - off, MSG_NOSIGNAL);
    if (w <= 0) break;
    off += static_cast<size_t>(w);
  }
  ::shutdown(fd, SHUT_WR);
  return detach(fd);
}

HangResult hang(int fd, ParkingLot& lot, std::chrono::milliseconds cap) {
  const int keep = ::dup(fd);
  if (keep < 0) return HangResult::Failed;
  if (!detach(fd)) {
    ::close(keep);
    return HangResult::Failed;
  }
  return lot.park(keep, cap) ? HangResult::Parked : HangResult::Overflow;
}

}  // namespace faults

namespace {
template <class Counter, class Action>
bool counted(Counter& counter, Action&& action) {
  counter.fetch_add(1);
  if (action()) return true;
  counter.fetch_sub(1);
  return false;
}
}  // namespace

bool SocketFaultExecutor::execute(FaultKind kind, int sock) {
  if (sock < 0) return false;
  bool ok = false;
  switch (kind) {
    case FaultKind::None:
      return false;
    case FaultKind::Timeout:
      switch (faults::hang(sock, lot_, std::chrono::milliseconds(cap_ms_.load()))) {
        case faults::HangResult::Parked: stats_.timeouts.fetch_add(1); ok = true; break;
        // A full lot closed the connection instead (Envoy's max_active_faults): no answer either.
        case faults::HangResult::Overflow: stats_.overflow.fetch_add(1); ok = true; break;
        case faults::HangResult::Failed: break;
      }
      break;
    // Counted before the socket is closed: the client sees the close at once, and a report read
    // right after it must already include this fault. Undone if the fault could not be carried out.
    case FaultKind::ConnectionReset:
      ok = counted(stats_.resets, [&] { return faults::reset(sock); });
      break;
    case FaultKind::EmptyResponse:
      ok = counted(stats_.empty, [&] { return faults::close_empty(sock); });
      break;
    case FaultKind::MalformedResponse:
      ok = counted(stats_.malformed, [&] { return faults::send_malformed(sock); });
      break;
    case FaultKind::AcceptThenDrop:
      // The request was processed; the answer is lost: close without a byte.
      ok = counted(stats_.dropped, [&] { return faults::close_empty(sock); });
      break;
  }
  if (!ok) stats_.failed.fetch_add(1);
  return ok;
}

}  // namespace harness::mock
