// A time-ordered task schedule run by a fixed pool of worker threads: a min-heap on the due
// time; idle workers wait on a condition variable until the earliest task is due. This is the
// one place of the webhook engine that reads a steady clock (a timer implementation, STYLE
// rule 6); event timestamps come from the injected core::Clock elsewhere.
// Admission is bounded: `admit` refuses new work when `capacity` tasks are pending, and the
// caller counts the refusal. Follow-up work of an admitted task (`follow`) is always accepted,
// so a retry can never be lost to overflow. `stop()` hands back whatever never ran.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace harness::mock {

class Scheduler {
 public:
  using Task = std::function<void()>;
  // Called instead of the task when the scheduler stops before it ran.
  using Abandon = std::function<void()>;

  Scheduler(size_t workers, size_t capacity);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // New work: false (and not queued) when the queue is full or the scheduler stopped.
  bool admit(std::chrono::nanoseconds delay, Task task, Abandon abandon = {});
  // Work that continues an admitted task: queued even beyond capacity (false only once stopped).
  bool follow(std::chrono::nanoseconds delay, Task task, Abandon abandon = {});

  // Stops the workers after their current task; calls the Abandon of every pending task and
  // returns how many there were. Idempotent.
  size_t stop();

  size_t pending() const;
  size_t running() const;
  size_t capacity() const { return capacity_; }
  size_t workers() const { return threads_.size(); }

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Item {
    SteadyTime due;
    uint64_t seq;
    Task task;
    Abandon abandon;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  bool push(std::chrono::nanoseconds delay, Task task, Abandon abandon, bool bounded);
  void run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Item, std::vector<Item>, Later> heap_;
  uint64_t seq_ = 0;
  size_t running_ = 0;
  size_t capacity_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace harness::mock
