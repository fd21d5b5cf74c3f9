#include "webhook/scheduler.h"

namespace harness::mock {

Scheduler::Scheduler(size_t workers, size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  if (workers == 0) workers = 1;
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
}

Scheduler::~Scheduler() { stop(); }

bool Scheduler::admit(std::chrono::nanoseconds delay, Task task, Abandon abandon) {
  return push(delay, std::move(task), std::move(abandon), true);
}

bool Scheduler::follow(std::chrono::nanoseconds delay, Task task, Abandon abandon) {
  return push(delay, std::move(task), std::move(abandon), false);
}

bool Scheduler::push(std::chrono::nanoseconds delay, Task task, Abandon abandon, bool bounded) {
  if (delay.count() < 0) delay = std::chrono::nanoseconds(0);
  const SteadyTime due = std::chrono::steady_clock::now() + delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    if (bounded && heap_.size() >= capacity_) return false;
    heap_.push(Item{due, seq_++, std::move(task), std::move(abandon)});
  }
  // One wake-up is enough: whichever worker wakes re-reads the top of the heap and either runs
  // it or waits until its due time (waking all of them costs a context switch each).
  cv_.notify_one();
  return true;
}

void Scheduler::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (stopping_) return;
    if (heap_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const SteadyTime due = heap_.top().due;
    if (std::chrono::steady_clock::now() < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    // priority_queue::top is const; the task is moved out before pop.
    Item item = std::move(const_cast<Item&>(heap_.top()));
    heap_.pop();
    ++running_;
    lock.unlock();
    item.task();
    item = Item{};   // release captured state outside the lock
    lock.lock();
    --running_;
  }
}

size_t Scheduler::stop() {
  std::vector<Item> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return 0;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!heap_.empty()) {
      left.push_back(std::move(const_cast<Item&>(heap_.top())));
      heap_.pop();
    }
  }
  for (auto& item : left) {
    if (item.abandon) item.abandon();
  }
  return left.size();
}

size_t Scheduler::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heap_.size();
}

size_t Scheduler::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

}  // namespace harness::mock
