// Scheduled messages (POST /v2/messages/schedule, or send_at on POST /v2/messages): each is stored
// at once with status `scheduled` and waits here until its send_at on the mock's clock (the
// injected core::Clock, so a test moves it by advancing a ManualClock). Due entries fire on a
// small ticker thread, started with the first entry and idle (no wake-ups) while nothing waits,
// and on demand (fire_due) before every read that could see them, so a read after a clock step
// never finds a due message still waiting. Whoever takes an entry out of this registry (firing
// or cancelling) alone decides that message's fate: a cancel and its firing can never both win.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>
#include "core/clock.h"
#include "store/hooks.h"

namespace harness::mock {

// What a scheduled message needs when it fires: who, where its webhooks go (the profile's URLs
// and secret are read again then), and the outcome a scenario chose when it was accepted.
struct ScheduledSend {
  std::string tenant;
  std::string message_id;
  core::TimePoint send_at{};
  std::string profile_id;
  WebhookRouting routing;                  // as of scheduling; the profile part refreshed on firing
  std::optional<std::string> final_status;
  std::vector<int> final_errors;
};

class ScheduledSends {
 public:
  // Telnyx's documented window for send_at, and its limit on messages waiting at once.
  static constexpr auto kMinLead = std::chrono::minutes(5);
  static constexpr auto kMaxLead = std::chrono::hours(24 * 5);
  static constexpr auto kCancelCutoff = std::chrono::minutes(1);   // cancel only while further away
  static constexpr size_t kMaxPending = 1000000;

  using Fire = std::function<void(ScheduledSend&&)>;
  // `fire` runs on the ticker thread or on whichever thread calls fire_due(), never under a lock
  // of this registry. `tick` is how often the ticker looks at the clock while entries wait.
  ScheduledSends(const core::Clock& clock, Fire fire,
                 std::chrono::milliseconds tick = std::chrono::milliseconds(100));
  ~ScheduledSends();   // stop()
  // Stops and joins the ticker (fire is not called after it returns); pending entries stay.
  // Idempotent.
  void stop();
  ScheduledSends(const ScheduledSends&) = delete;
  ScheduledSends& operator=(const ScheduledSends&) = delete;

  // false when kMaxPending entries already wait.
  bool add(ScheduledSend s);
  enum class CancelResult { Cancelled, NotScheduled, TooLate };
  // Takes the entry out unless it is due within kCancelCutoff of now (TooLate, it stays).
  CancelResult cancel(const std::string& tenant, const std::string& message_id);
  // Fires every entry whose send_at has come, on the calling thread. Cheap when none has.
  void fire_due();
  // Runs `step` (a move of the clock; true when it moved) under this registry's lock, then fires
  // on the calling thread every entry due by then, so neither the ticker nor a read takes one of
  // them first (POST /_mock/clock/advance). How many it fired.
  size_t fire_after(const std::function<bool()>& step);
  // Drops every entry (POST /_mock/reset: their messages are gone).
  void clear();
  size_t pending() const;

 private:
  using Key = std::tuple<core::TimePoint, std::string, std::string>;   // send_at, tenant, id
  void run();
  std::vector<ScheduledSend> take_due();
  std::vector<ScheduledSend> take_due_locked();   // mu_ held

  const core::Clock& clock_;
  Fire fire_;
  const std::chrono::milliseconds tick_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<Key, ScheduledSend> by_time_;
  std::map<std::pair<std::string, std::string>, core::TimePoint> by_id_;   // (tenant, id) -> send_at
  // Earliest send_at (nanoseconds since the epoch) while entries wait; max() when none.
  std::atomic<int64_t> earliest_{INT64_MAX};
  bool stopping_ = false;
  std::atomic<bool> stopped_{false};
  std::thread ticker_;   // started by the first add()
};

}  // namespace harness::mock
