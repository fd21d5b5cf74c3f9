// A clock a test harness may move forward: the system time plus an offset that only grows
// (Stripe's test clocks, for the mock). With no offset it reads exactly as SystemClock, so a
// process that uses it behaves as on the system clock until someone advances it.
// advance_clock() moves either it or a ManualClock, the clocks the mock's control API can move.
#pragma once
#include <atomic>
#include <chrono>
#include "core/clock.h"

namespace harness::core {

// How far ahead of the system clock a clock may be moved: about a century. A TimePoint holds
// nanoseconds in 64 bits (up to the year 2262), so nothing this far ahead overflows.
constexpr Duration kMaxClockLead = std::chrono::hours(24 * 36525);

class OffsetClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::system_clock::now() + TimePoint::duration(offset_.load());
  }
  // How far this clock is ahead of the system clock.
  Duration offset() const { return std::chrono::duration_cast<Duration>(TimePoint::duration(offset_.load())); }
  // Moves the clock forward by `by` (zero is allowed). false, and nothing moves, when `by` is
  // negative or the offset would pass kMaxClockLead. Thread-safe: one atomic.
  bool advance(Duration by);

 private:
  std::atomic<TimePoint::rep> offset_{0};
};

enum class ClockStep {
  Moved,
  Backwards,        // a negative step: harness clocks never go back
  TooFar,           // beyond kMaxClockLead ahead of the system clock
  NotAdvanceable,   // neither an OffsetClock nor a ManualClock
};
// Moves `clock` forward by `by` when it is an OffsetClock or a ManualClock.
ClockStep advance_clock(Clock& clock, Duration by);
// Whether advance_clock can move `clock`.
bool clock_is_advanceable(const Clock& clock);

}  // namespace harness::core
