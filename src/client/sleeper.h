// Sleeper: the only place the client waits. Tests inject one that advances a ManualClock, so
// retry schedules are checked without sleeping.
#pragma once
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace harness::client {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void sleep(std::chrono::milliseconds d) = 0;
};

class RealSleeper final : public Sleeper {
 public:
  void sleep(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

// Advances a ManualClock instead of waiting and records each requested delay.
class ManualSleeper final : public Sleeper {
 public:
  explicit ManualSleeper(core::ManualClock& clock) : clock_(clock) {}
  void sleep(std::chrono::milliseconds d) override {
    std::lock_guard<std::mutex> lk(mu_);
    slept_.push_back(d);
    clock_.advance(d);
  }
  std::vector<std::chrono::milliseconds> slept() const {
    std::lock_guard<std::mutex> lk(mu_);
    return slept_;
  }

 private:
  core::ManualClock& clock_;
  mutable std::mutex mu_;
  std::vector<std::chrono::milliseconds> slept_;
};

}  // namespace harness::client
