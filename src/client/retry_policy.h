// RetryPolicy: a pure function from (error, attempt, elapsed, rng) to "retry after d",
// "give up" or "ambiguous". No clock reads and no sleeping here; the caller owns both.
//   - RateLimit: wait Retry-After (else x-ratelimit-reset, already folded into Error::retry_after
//     by error_from_http), capped by max_retry_after; without a hint, exponential backoff.
//   - Api 5xx/408 and Network connect failures: exponential backoff with equal jitter,
//     cap = min(max_delay, base_delay * 2^(attempt-1)), delay = cap/2 + uniform[0, cap/2].
//   - Network ambiguous (sent, no answer): never a blind resend -> Ambiguous, unless the request
//     is idempotent (GET, or carries an idempotency key), then it is treated as a connect failure.
//   - Validation, Authentication, other 4xx: give up.
// Limits: max_attempts in total, and a total deadline measured from the first attempt.
#pragma once
#include <chrono>
#include <string>

#include "client/error.h"
#include "core/rng.h"

namespace harness::client {

using Millis = std::chrono::milliseconds;

struct RetrySettings {
  int max_attempts = 4;                 // including the first attempt; 1 = no retries
  Millis base_delay{200};
  Millis max_delay{10000};
  Millis total_deadline{60000};         // no retry may start after first attempt + deadline
  Millis max_retry_after{60000};        // the SDKs ignore Retry-After above 60 s (contract §5.1)
  bool honour_retry_after = true;
};

enum class RetryVerdict { Retry, GiveUp, Ambiguous };
std::string_view to_string(RetryVerdict v);

struct RetryDecision {
  RetryVerdict verdict = RetryVerdict::GiveUp;
  Millis delay{0};
  std::string reason;                   // why, for logs and tests
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetrySettings s = {}) : s_(s) {}
  // `attempt` is the 1-based number of the attempt that just failed with `e`;
  // `elapsed` is the time since the first attempt started.
  RetryDecision decide(const Error& e, int attempt, Millis elapsed, bool idempotent,
                       core::Rng& rng) const;
  // Equal-jitter backoff for the retry after `attempt`: within [cap/2, cap].
  Millis backoff(int attempt, core::Rng& rng) const;
  // The cap of that backoff (no jitter), for tests and docs.
  Millis backoff_cap(int attempt) const;
  const RetrySettings& settings() const { return s_; }

 private:
  RetrySettings s_;
};

}  // namespace harness::client
