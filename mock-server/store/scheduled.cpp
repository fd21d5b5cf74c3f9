#include "store/scheduled.h"

#include <climits>

namespace harness::mock {

ScheduledSends::ScheduledSends(const core::Clock& clock, Fire fire, std::chrono::milliseconds tick)
    : clock_(clock), fire_(std::move(fire)), tick_(tick) {}

ScheduledSends::~ScheduledSends() { stop(); }

void ScheduledSends::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
    stopped_.store(true);
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

bool ScheduledSends::add(ScheduledSend s) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (by_time_.size() >= kMaxPending) return false;
    const auto at = s.send_at;
    by_id_[{s.tenant, s.message_id}] = at;
    Key key{at, s.tenant, s.message_id};
    by_time_.emplace(std::move(key), std::move(s));
    earliest_.store(std::get<0>(by_time_.begin()->first).time_since_epoch().count());
    if (!ticker_.joinable() && !stopping_) ticker_ = std::thread([this] { run(); });
  }
  cv_.notify_all();
  return true;
}

ScheduledSends::CancelResult ScheduledSends::cancel(const std::string& tenant, const std::string& message_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = by_id_.find({tenant, message_id});
  if (it == by_id_.end()) return CancelResult::NotScheduled;
  if (it->second - clock_.now() <= std::chrono::duration_cast<core::Duration>(kCancelCutoff)) {
    return CancelResult::TooLate;
  }
  by_time_.erase(Key{it->second, tenant, message_id});
  by_id_.erase(it);
  earliest_.store(by_time_.empty() ? INT64_MAX : std::get<0>(by_time_.begin()->first).time_since_epoch().count());
  return CancelResult::Cancelled;
}

std::vector<ScheduledSend> ScheduledSends::take_due() {
  std::lock_guard<std::mutex> lk(mu_);
  return take_due_locked();
}

std::vector<ScheduledSend> ScheduledSends::take_due_locked() {
  std::vector<ScheduledSend> due;
  const auto now = clock_.now();
  while (!by_time_.empty() && std::get<0>(by_time_.begin()->first) <= now) {
    auto node = by_time_.extract(by_time_.begin());
    by_id_.erase({node.mapped().tenant, node.mapped().message_id});
    due.push_back(std::move(node.mapped()));
  }
  earliest_.store(by_time_.empty() ? INT64_MAX : std::get<0>(by_time_.begin()->first).time_since_epoch().count());
  return due;
}

void ScheduledSends::fire_due() {
  if (stopped_.load()) return;
  if (clock_.now().time_since_epoch().count() < earliest_.load(std::memory_order_relaxed)) return;
  for (auto& s : take_due()) fire_(std::move(s));
}

size_t ScheduledSends::fire_after(const std::function<bool()>& step) {
  std::vector<ScheduledSend> due;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!step() || stopping_) return 0;
    due = take_due_locked();
  }
  for (auto& s : due) fire_(std::move(s));
  return due.size();
}

void ScheduledSends::clear() {
  std::lock_guard<std::mutex> lk(mu_);
  by_time_.clear();
  by_id_.clear();
  earliest_.store(INT64_MAX);
}

size_t ScheduledSends::pending() const {
  std::lock_guard<std::mutex> lk(mu_);
  return by_time_.size();
}

void ScheduledSends::run() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stopping_) {
    if (by_time_.empty()) {
      cv_.wait(lk, [this] { return stopping_ || !by_time_.empty(); });
      continue;
    }
    // The clock is injected (it may jump), so it is looked at every tick rather than slept on.
    cv_.wait_for(lk, tick_);
    if (stopping_) break;
    lk.unlock();
    fire_due();
    lk.lock();
  }
}

}  // namespace harness::mock
