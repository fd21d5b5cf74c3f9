#include "webhook/scheduler.h"

#include <algorithm>
#include <asio.hpp>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace harness::mock {

struct Scheduler::Impl : std::enable_shared_from_this<Scheduler::Impl> {
  Impl(size_t threads, const core::Clock& c)
      : clock(c), io(static_cast<int>(threads)), guard(asio::make_work_guard(io)) {}

  struct Item {
    Task task;
    Abandon abandon;
    core::TimePoint due;
  };

  // Runs the task of `id` unless close() (or an earlier fire) took it first.
  void fire(uint64_t id) {
    Task task;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = items.find(id);
      if (it == items.end()) return;
      task = std::move(it->second.task);
      items.erase(it);
      ++running;
    }
    task();
    task = nullptr;   // release captured state before the count drops
    std::lock_guard<std::mutex> lock(mu);
    --running;
  }

  void post(uint64_t id) {
    asio::post(io, [weak = weak_from_this(), id] {
      if (auto impl = weak.lock()) impl->fire(id);
    });
  }

  // A timer for the time left until `id` is due; when it fires, the clock decides.
  void arm(uint64_t id, core::Duration wait) {
    auto timer = std::make_shared<asio::steady_timer>(io, wait);
    timer->async_wait([weak = weak_from_this(), id, timer](const asio::error_code& ec) {
      if (ec) return;
      if (auto impl = weak.lock()) impl->on_timer(id);
    });
  }

  void on_timer(uint64_t id) {
    core::Duration left{0};
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = items.find(id);
      if (it == items.end()) return;   // ran (wake) or closed
      left = it->second.due - clock.now();
    }
    if (left > core::Duration::zero()) return arm(id, left);
    fire(id);
  }

  const core::Clock& clock;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard;
  std::vector<std::thread> threads;
  mutable std::mutex mu;
  std::unordered_map<uint64_t, Item> items;   // pending: scheduled, not yet run
  uint64_t next_id = 0;
  size_t running = 0;
  bool closed = false;
  bool joined = false;
};

Scheduler::Scheduler(size_t threads, size_t capacity, const core::Clock& clock)
    : capacity_(capacity == 0 ? 1 : capacity), workers_(threads == 0 ? 1 : threads),
      impl_(std::make_shared<Impl>(workers_, clock)) {
  impl_->threads.reserve(workers_);
  for (size_t i = 0; i < workers_; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->io.run(); });
  }
}

Scheduler::~Scheduler() { stop(); }

asio::io_context& Scheduler::io() { return impl_->io; }

bool Scheduler::admit(std::chrono::nanoseconds delay, Task task, Abandon abandon) {
  return push(delay, std::move(task), std::move(abandon), true);
}

bool Scheduler::follow(std::chrono::nanoseconds delay, Task task, Abandon abandon) {
  return push(delay, std::move(task), std::move(abandon), false);
}

bool Scheduler::push(std::chrono::nanoseconds delay, Task task, Abandon abandon, bool bounded) {
  const bool now = delay.count() <= 0;
  const core::TimePoint due =
      now ? core::TimePoint{} : impl_->clock.now() + std::chrono::duration_cast<core::TimePoint::duration>(delay);
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->closed) return false;
    if (bounded && impl_->items.size() >= capacity_) return false;
    id = impl_->next_id++;
    impl_->items.emplace(id, Impl::Item{std::move(task), std::move(abandon), due});
  }
  if (now) impl_->post(id);
  else impl_->arm(id, delay);
  return true;
}

void Scheduler::wake() {
  std::vector<std::pair<core::TimePoint, uint64_t>> due;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    const core::TimePoint t = impl_->clock.now();
    for (const auto& [id, item] : impl_->items) {
      if (item.due <= t) due.emplace_back(item.due, id);
    }
  }
  // In due order (ids break ties in admission order), so one loop thread runs them in that order.
  std::sort(due.begin(), due.end());
  for (const auto& d : due) impl_->post(d.second);
}

size_t Scheduler::close() {
  std::vector<Impl::Item> left;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->closed = true;
    left.reserve(impl_->items.size());
    for (auto& [id, item] : impl_->items) left.push_back(std::move(item));
    impl_->items.clear();
  }
  for (auto& item : left) {
    if (item.abandon) item.abandon();
  }
  return left.size();
}

void Scheduler::join() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->joined) return;
    impl_->joined = true;
  }
  impl_->guard.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (!t.joinable()) continue;
    if (t.get_id() == std::this_thread::get_id()) t.detach();   // stopped from a task
    else t.join();
  }
  impl_->threads.clear();
}

size_t Scheduler::stop() {
  const size_t n = close();
  join();
  return n;
}

size_t Scheduler::pending() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->items.size();
}

size_t Scheduler::running() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->running;
}

}  // namespace harness::mock
