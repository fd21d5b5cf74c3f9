// Socket-level faults (Decision::Kind::Fault), carried out on the connected socket the HTTP layer
// hands over (FaultExecutor seam). Owns the parking lot: hung connections (`fault: timeout`) are
// dup()ed into one poll() thread that holds them until the client closes or the cap expires, so a
// thousand hanging requests hold no worker thread. The HTTP library keeps its fd number, but a
// fresh unconnected socket is dup2()ed over it: its later writes fail harmlessly and its close()
// closes the dummy while the real connection lives on (or dies) exactly as the fault requires.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>
#include "http/fault_executor.h"

namespace harness::mock {

class ParkingLot {
 public:
  explicit ParkingLot(size_t max_parked = 16384);
  ~ParkingLot();   // closes every parked connection
  ParkingLot(const ParkingLot&) = delete;
  ParkingLot& operator=(const ParkingLot&) = delete;

  // Takes ownership of `fd`; closes it when the peer closes or after `cap`. False (and `fd`
  // closed) when the lot is full.
  bool park(int fd, std::chrono::milliseconds cap);
  size_t parked() const;
  uint64_t expired() const { return expired_.load(); }
  uint64_t closed_by_peer() const { return closed_by_peer_.load(); }

 private:
  struct Entry {
    int fd;
    std::chrono::steady_clock::time_point deadline;   // the lot is a timer: it reads a real clock
  };
  void loop();
  void wake();

  const size_t max_;
  mutable std::mutex mu_;
  std::vector<Entry> pending_;          // handed over, not yet polled
  size_t count_ = 0;                    // pending + polled
  bool stop_ = false;
  int wake_fd_ = -1;                    // eventfd
  std::atomic<uint64_t> expired_{0}, closed_by_peer_{0};
  std::thread thread_;
};

// Low-level actions, each on the HTTP library's fd number, which stays valid (now a dummy).
namespace faults {
bool detach(int fd);                       // dup2 a fresh unconnected socket over `fd`
bool reset(int fd);                        // SO_LINGER {1,0}, then detach: the peer gets RST
bool close_empty(int fd);                  // FIN without a byte, then detach
bool send_malformed(int fd);               // not-HTTP bytes, FIN, then detach
// Parks a dup, then detaches. Overflow: the lot was full and the connection was closed instead.
enum class HangResult { Parked, Overflow, Failed };
HangResult hang(int fd, ParkingLot& lot, std::chrono::milliseconds cap);
extern const char kMalformedResponse[];
}  // namespace faults

struct FaultStats {
  std::atomic<uint64_t> timeouts{0}, resets{0}, empty{0}, malformed{0}, dropped{0}, overflow{0}, failed{0};
};

class SocketFaultExecutor final : public FaultExecutor {
 public:
  explicit SocketFaultExecutor(size_t max_parked = 16384) : lot_(max_parked) {}
  bool execute(FaultKind kind, int sock) override;
  void set_timeout_cap(std::chrono::milliseconds cap) { cap_ms_.store(cap.count()); }
  size_t parked() const { return lot_.parked(); }
  const FaultStats& stats() const { return stats_; }
  ParkingLot& lot() { return lot_; }

 private:
  ParkingLot lot_;
  std::atomic<int64_t> cap_ms_{30000};
  FaultStats stats_;
};

}  // namespace harness::mock
