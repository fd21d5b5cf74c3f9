// The arrival schedule of an open-loop run (wrk2): when send k is DUE, as a pure function of the
// plan and k. Owns: stages (constant rate or linear ramps), Poisson arrivals, the count and
// duration bounds, and splitting a plan over workers and shards. Does not own clocks, sockets or
// sending: the run layer asks `due_at` and compares with its own monotonic clock.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "core/rng.h"

namespace harness::loadgen {

using Nanos = std::chrono::nanoseconds;

// One stage: the rate moves linearly from rate_from to rate_to (per second) over `duration`.
// A constant stage has rate_from == rate_to.
struct Stage {
  Nanos duration{0};
  double rate_from = 0;
  double rate_to = 0;
};

enum class Arrival { Uniform, Poisson };

struct Plan {
  std::vector<Stage> stages;       // total duration = sum of stage durations
  Arrival arrival = Arrival::Uniform;
  uint64_t seed = 1;               // Poisson draws only
  // Uniform: bound on the GLOBAL index (see stride/offset). Poisson: bound on this plan's own
  // sends (split divides it). Either way the run stops after this many sends.
  uint64_t max_count = UINT64_MAX;
  // This plan's send k is global send k * stride + offset of the whole (unsplit) plan. A Uniform
  // plan split over workers interleaves exactly (no bursts, counts sum exactly); the global
  // index is also the {seq} of the send, unique over workers and shards.
  uint64_t stride = 1;
  uint64_t offset = 0;
};

inline uint64_t global_index(const Plan& p, uint64_t k) { return k * p.stride + p.offset; }

// Sum of the stage durations.
Nanos plan_duration(const Plan& p);
// Expected number of sends in [0, t) (the integral of the rate), capped by nothing.
double expected_sends(const Plan& p, Nanos t);
// Total sends the plan will issue: min(max_count, floor(expected_sends(duration))) for Uniform;
// for Poisson the realised count depends on draws, so this is the Uniform figure (an estimate).
uint64_t planned_count(const Plan& p);

// Offset from the run start at which send k (0-based) is due; nullopt once the plan is over
// (k >= max_count or the due time falls past the last stage). Uniform: the k-th point where the
// integral of the rate reaches k. Poisson: the same time warp applied to a unit-rate Poisson
// process, so ramps stay ramps. Pure: same plan and k, same answer. Poisson is O(k) here; the
// run layer uses Cursor, which is O(1) per step and gives the same sequence.
std::optional<Nanos> due_at(const Plan& p, uint64_t k);

// Walks the plan in order: next() returns due_at(p, 0), due_at(p, 1), ... in O(1) each.
class Cursor {
 public:
  explicit Cursor(Plan p);
  std::optional<Nanos> next();
  uint64_t issued() const { return k_; }
  const Plan& plan() const { return p_; }

 private:
  Plan p_;
  core::Rng rng_;
  uint64_t k_ = 0;
  double unit_time_ = 0;   // Poisson: cumulative unit-rate arrival time
  bool done_ = false;
};

// The share of `p` that one of `parts` equal parts runs (part in [0, parts)): rates divided by
// `parts`, max_count split so the parts sum exactly to the whole, seed forked per part.
Plan split(const Plan& p, uint32_t part, uint32_t parts);

// Parses a stage list "10s:0-2000,30s:2000,5s:2000-0" (duration:rate or duration:from-to;
// rates in units of core::parse_rate_per_second, a bare number meaning per second).
// Error text on failure.
struct StagesOrError {
  std::vector<Stage> stages;
  std::string error;
};
StagesOrError parse_stages(std::string_view spec);

}  // namespace harness::loadgen
