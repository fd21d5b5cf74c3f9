// A time-ordered task schedule on an Asio event loop: each task is a timer (or, when due now, a
// post), and a small fixed set of loop threads runs every task and every webhook attempt's I/O
// (the HTTP client shares the loop, see io()). A task never blocks a loop thread: an attempt is
// started, and its result arrives later as another handler. This is the one place of the webhook
// engine that reads a steady clock (a timer implementation, STYLE rule 6); event timestamps come
// from the injected core::Clock elsewhere.
// Admission is bounded: `admit` refuses new work when `capacity` tasks are pending, and the
// caller counts the refusal. Follow-up work of an admitted task (`follow`) is always accepted,
// so a retry can never be lost to overflow. `close()` hands back whatever never ran, `join()`
// stops the loop threads.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace asio {
class io_context;
}

namespace harness::mock {

class Scheduler {
 public:
  using Task = std::function<void()>;
  // Called instead of the task when the scheduler is closed before it ran.
  using Abandon = std::function<void()>;

  // `threads` loop threads (at least 1).
  Scheduler(size_t threads, size_t capacity);
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
