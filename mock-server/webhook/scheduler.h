// A time-ordered task schedule on an Asio event loop: each task is a timer (or, when due now, a
// post), and a small fixed set of loop threads runs every task and every webhook attempt's I/O
// (the HTTP client shares the loop, see io()). A task never blocks a loop thread: an attempt is
// started, and its result arrives later as another handler.
// Time comes from the injected core::Clock: a task admitted with `delay` is due at now() + delay.
// Its timer waits for the time left; a timer that fires before the clock has reached the due time
// (a ManualClock that did not move) waits again for what is left, and wake() runs at once every
// task the clock has reached, so tests move a ManualClock instead of waiting.
// Admission is bounded: `admit` refuses new work when `capacity` tasks are pending, and the
// caller counts the refusal. Follow-up work of an admitted task (`follow`) is always accepted,
// so a retry can never be lost to overflow. `close()` hands back whatever never ran, `join()`
// stops the loop threads.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include "core/clock.h"

namespace asio {
class io_context;
}

namespace harness::mock {

// Real time for pacing when no clock is injected: the system time read once, then moved by the
// steady clock, so a step of the wall clock never stretches or cuts a pending delay.
class SteadyPacingClock final : public core::Clock {
 public:
  core::TimePoint now() const override {
    return base_ + std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::steady_clock::now() - start_);
  }

 private:
  core::TimePoint base_ = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class Scheduler {
 public:
  using Task = std::function<void()>;
  // Called instead of the task when the scheduler is closed before it ran.
  using Abandon = std::function<void()>;

  // `threads` loop threads (at least 1); `clock` paces every delay and must outlive the scheduler.
  Scheduler(size_t threads, size_t capacity, const core::Clock& clock);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // New work: false (and not queued) when the queue is full or the scheduler is closed.
  bool admit(std::chrono::nanoseconds delay, Task task, Abandon abandon = {});
  // Work that continues an admitted task: queued even beyond capacity (false only once closed).
  bool follow(std::chrono::nanoseconds delay, Task task, Abandon abandon = {});

  // Refuses new work and calls the Abandon of every pending task (on the calling thread);
  // returns how many there were. The loop keeps running (I/O in flight can still complete or be
  // cut). Idempotent.
  size_t close();
  // Stops and joins the loop threads; handlers not run by then are dropped. Idempotent.
  void join();
  // close() then join().
  size_t stop();

  // Runs (on the loop) every pending task whose due time the clock has reached, without waiting
  // for its timer: after a ManualClock moved.
  void wake();

  size_t pending() const;
  size_t running() const;
  size_t capacity() const { return capacity_; }
  size_t workers() const { return workers_; }
  // The loop: I/O objects (the webhook HTTP client) run their handlers on its threads.
  asio::io_context& io();

 private:
  struct Impl;
  bool push(std::chrono::nanoseconds delay, Task task, Abandon abandon, bool bounded);

  size_t capacity_;
  size_t workers_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace harness::mock
