// CircuitBreaker (optional): closed -> open after `failure_threshold` consecutive failures;
// open rejects calls for `open_for`; then half-open lets `half_open_probes` calls through; one
// success closes it, one failure re-opens it. Only failures that say "the service is unwell"
// count (network, 5xx); validation, authentication and 429 are the caller's problem and do not.
// Thread-safe; time comes from the injected Clock.
#pragma once
#include <chrono>
#include <mutex>
#include <string_view>

#include "client/error.h"
#include "core/clock.h"

namespace harness::client {

struct BreakerSettings {
  int failure_threshold = 5;
  std::chrono::milliseconds open_for{30000};
  int half_open_probes = 1;
};

enum class BreakerState { Closed, Open, HalfOpen };
std::string_view to_string(BreakerState s);

class CircuitBreaker {
 public:
  CircuitBreaker(const core::Clock& clock, BreakerSettings s = {}) : clock_(clock), s_(s) {}
  // true: go ahead (and report the outcome); false: fail fast without sending.
  bool allow();
  void record_success();
  void record_failure();
  // record_failure() for failures that count, record_success() otherwise.
  void record(const Error* e);
  BreakerState state() const;
  static bool counts_as_failure(const Error& e);

 private:
  void maybe_half_open_locked();
  const core::Clock& clock_;
  BreakerSettings s_;
  mutable std::mutex mu_;
  BreakerState state_ = BreakerState::Closed;
  int consecutive_failures_ = 0;
  int probes_in_flight_ = 0;
  core::TimePoint opened_at_{};
};

}  // namespace harness::client
