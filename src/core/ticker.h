// A thread that calls one function every `interval` until the Ticker is destroyed. The wait is on
// a condition variable, not a sleep, so destruction wakes and joins the thread at once; the
// function is never running once the destructor returns. Declare a Ticker member last, so that it
// stops before the members its function uses are destroyed.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace harness::core {

class Ticker {
 public:
  // A non-positive interval starts no thread.
  Ticker(std::chrono::nanoseconds interval, std::function<void()> tick) {
    if (interval <= std::chrono::nanoseconds::zero()) return;
    thread_ = std::thread([this, interval, tick = std::move(tick)] {
      std::unique_lock<std::mutex> lk(mu_);
      while (!cv_.wait_for(lk, interval, [this] { return stop_; })) {
        lk.unlock();
        tick();
        lk.lock();
      }
    });
  }
  ~Ticker() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  bool running() const { return thread_.joinable(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace harness::core
