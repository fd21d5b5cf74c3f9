// The mock's clock over HTTP (Stripe's test clocks, for the mock), so a test in any language
// moves time instead of waiting for it:
//   GET  /_mock/clock          {"data":{"now", "offset_seconds", "advanceable"}}
//   POST /_mock/clock/advance  {"seconds": 660} or {"duration": "11m"} (core::parse_duration)
// The clock only moves forward. An advance fires at once, before its answer, every scheduled
// message whose send_at the clock has reached (ScheduledSends::fire_after), and says how many.
// Whatever else reads the mock's clock (metrics windows, rate-limit windows, retention, event
// timestamps) sees the new time on its next read; webhook pacing and retries run on real time
// and do not jump.
#pragma once
#include <memory>
#include "control/control_api.h"
#include "core/clock.h"
#include "store/scheduled.h"

namespace harness::mock {

struct ClockRouteDeps {
  ControlApi& control;
  // The mock's clock: an OffsetClock (the default), a ManualClock, or an embedder's own clock,
  // which GET shows and POST answers 422 for (it cannot be moved).
  core::Clock& clock;
  // The scheduled messages fired on an advance (nullptr: none to fire).
  std::weak_ptr<ScheduledSends> scheduled;
};

void register_clock_control(const ClockRouteDeps& deps);

}  // namespace harness::mock
