#include "client/retry_policy.h"

#include <algorithm>

namespace harness::client {

std::string_view to_string(RetryVerdict v) {
  switch (v) {
    case RetryVerdict::Retry: return "retry";
    case RetryVerdict::GiveUp: return "give_up";
    case RetryVerdict::Ambiguous: return "ambiguous";
  }
  return "give_up";
}

Millis RetryPolicy::backoff_cap(int attempt) const {
  // base * 2^(attempt-1), saturating at max_delay without overflowing.
  long long cap = s_.base_delay.count();
  for (int i = 1; i < attempt && cap < s_.max_delay.count(); ++i) cap *= 2;
  return Millis(std::min<long long>(cap, s_.max_delay.count()));
}

Millis RetryPolicy::backoff(int attempt, core::Rng& rng) const {
  // Equal jitter: half the cap is a floor, the other half is random. Full jitter could draw a
  // retry within milliseconds of a 5xx, which is what the mock's retries_without_backoff verdict
  // flags; the floor keeps retries spread and never hasty.
  const long long cap = backoff_cap(attempt).count();
  const long long floor = cap / 2;
  return Millis(floor + static_cast<long long>(rng.uniform(static_cast<uint64_t>(cap - floor) + 1)));
}

RetryDecision RetryPolicy::decide(const Error& e, int attempt, Millis elapsed, bool idempotent,
                                  core::Rng& rng) const {
  RetryDecision d;
  Millis delay{0};
  switch (e.type) {
    case ErrorKind::Validation:
      d.reason = "validation errors are never retried";
      return d;
    case ErrorKind::Authentication:
      d.reason = "authentication errors are never retried";
      return d;
    case ErrorKind::RateLimit:
      if (s_.honour_retry_after && e.retry_after) {
        if (*e.retry_after > s_.max_retry_after) {
          d.reason = "Retry-After exceeds max_retry_after";
          return d;
        }
        delay = *e.retry_after;
        d.reason = "rate limited: waiting Retry-After";
      } else {
        delay = backoff(attempt, rng);
        d.reason = "rate limited without a hint: backoff";
      }
      break;
    case ErrorKind::Network:
      if (e.ambiguous && !idempotent) {
        d.verdict = RetryVerdict::Ambiguous;
        d.reason = "request may have been processed: reconcile instead of resending";
        return d;
      }
      delay = backoff(attempt, rng);
      d.reason = e.ambiguous ? "idempotent request, no answer: backoff" : "connect failure: backoff";
      break;
    case ErrorKind::Api:
      if (!e.retryable()) {
        d.reason = "HTTP " + std::to_string(e.http_status) + " is not retryable";
        return d;
      }
      delay = backoff(attempt, rng);
      d.reason = "server error: backoff";
      break;
  }
  if (attempt >= s_.max_attempts) {
    d.reason = "max attempts reached (" + std::to_string(s_.max_attempts) + ")";
    return d;
  }
  if (elapsed + delay > s_.total_deadline) {
    d.reason = "total deadline would be exceeded";
    return d;
  }
  d.verdict = RetryVerdict::Retry;
  d.delay = delay;
  return d;
}

}  // namespace harness::client
