// Socket-level faults (Decision::Kind::Fault), carried out on the connection the HTTP layer hands
// over (FaultExecutor seam) with the event-loop transport's socket actions: a reset is SO_LINGER 0
// and close, an empty response a close without a byte, a malformed response garbage bytes then
// close. A hung request (`fault: timeout`) is parked on its loop: the connection is read and
// discarded until the client closes or the cap expires, costing a socket and no thread. On HTTPS
// the actions apply to the TCP connection under TLS (the garbage is sent inside TLS).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include "scenario/fault_executor.h"

namespace harness::mock {

// How many connections are parked, and how the parked ones ended.
class ParkedConnections {
 public:
  size_t parked() const { return parked_.load(); }
  uint64_t expired() const { return expired_.load(); }
  uint64_t closed_by_peer() const { return closed_by_peer_.load(); }

 private:
  friend class SocketFaultExecutor;
  std::atomic<size_t> parked_{0};
  std::atomic<uint64_t> expired_{0}, closed_by_peer_{0};
};

namespace faults {
extern const char kMalformedResponse[];
}  // namespace faults

struct FaultStats {
  std::atomic<uint64_t> timeouts{0}, resets{0}, empty{0}, malformed{0}, dropped{0}, overflow{0}, failed{0};
};

class SocketFaultExecutor final : public FaultExecutor {
 public:
  // Beyond `max_parked` hung connections, a `timeout` fault closes the connection instead
  // (counted as overflow), as Envoy's max_active_faults does.
  explicit SocketFaultExecutor(size_t max_parked = 16384) : max_parked_(max_parked) {}
  bool execute(FaultKind kind, net::Exchange& conn, std::function<void()> on_client_gave_up) override;
  void set_timeout_cap(std::chrono::milliseconds cap) { cap_ms_.store(cap.count()); }
  size_t parked() const { return lot_->parked(); }
  const FaultStats& stats() const { return stats_; }
  const ParkedConnections& lot() const { return *lot_; }

 private:
  const size_t max_parked_;
  std::shared_ptr<ParkedConnections> lot_ = std::make_shared<ParkedConnections>();
  std::atomic<int64_t> cap_ms_{30000};
  FaultStats stats_;
};

}  // namespace harness::mock
