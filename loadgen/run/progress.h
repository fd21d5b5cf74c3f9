// Live counters one worker publishes for the progress line: relaxed atomics written by the
// worker's own thread only and read by the main thread, so nothing on the hot path locks. The
// exact figures come from RunStats after join; these are for watching a run, not for reports.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include "loadgen/report/stats.h"

namespace harness::loadgen {

struct alignas(64) LiveCounters {
  std::atomic<uint64_t> issued{0}, completed{0}, errors{0}, in_flight{0};
  std::array<std::atomic<uint64_t>, kCoarseBuckets> coarse{};   // corrected latency, cumulative

  void add(std::atomic<uint64_t>& c, uint64_t n = 1) { c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
};

// A snapshot summed over workers.
struct LiveSnapshot {
  uint64_t issued = 0, completed = 0, errors = 0, in_flight = 0;
  std::array<uint64_t, kCoarseBuckets> coarse{};
};

}  // namespace harness::loadgen
