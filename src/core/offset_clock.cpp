#include "core/offset_clock.h"

namespace harness::core {

bool OffsetClock::advance(Duration by) {
  if (by < Duration::zero() || by > kMaxClockLead) return false;
  const auto step = std::chrono::duration_cast<TimePoint::duration>(by).count();
  const auto max = std::chrono::duration_cast<TimePoint::duration>(kMaxClockLead).count();
  TimePoint::rep cur = offset_.load();
  do {
    if (cur > max - step) return false;   // cur + step > max, without overflowing
  } while (!offset_.compare_exchange_weak(cur, cur + step));
  return true;
}

ClockStep advance_clock(Clock& clock, Duration by) {
  if (by < Duration::zero()) return ClockStep::Backwards;
  if (auto* offset = dynamic_cast<OffsetClock*>(&clock)) {
    return offset->advance(by) ? ClockStep::Moved : ClockStep::TooFar;
  }
  if (auto* manual = dynamic_cast<ManualClock*>(&clock)) {
    // A ManualClock may be anywhere (its start is fixed): the limit is a lead over the system
    // clock, checked without overflowing. Two steps at once may pass it by one step, which a
    // 64-bit TimePoint still holds.
    const TimePoint limit = std::chrono::system_clock::now() + kMaxClockLead;
    const TimePoint at = manual->now();
    if (by > kMaxClockLead || at > limit || limit - at < by) return ClockStep::TooFar;
    manual->advance(by);
    return ClockStep::Moved;
  }
  return ClockStep::NotAdvanceable;
}

bool clock_is_advanceable(const Clock& clock) {
  return dynamic_cast<const OffsetClock*>(&clock) != nullptr || dynamic_cast<const ManualClock*>(&clock) != nullptr;
}

}  // namespace harness::core
