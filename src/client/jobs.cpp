#include "client/jobs.h"

#include <algorithm>

namespace harness::client {

std::string_view to_string(JobAction a) {
  switch (a) {
    case JobAction::Complete: return "complete";
    case JobAction::Snooze: return "snooze";
    case JobAction::Retry: return "retry";
    case JobAction::Discard: return "discard";
    case JobAction::Reconcile: return "reconcile";
  }
  return "discard";
}

JobDecision decide_job(const Error* err, int attempt, const JobSettings& s, core::Rng& rng) {
  if (!err) return {JobAction::Complete, Millis(0), "sent"};
  switch (err->type) {
    case ErrorKind::Validation:
      return {JobAction::Discard, Millis(0), "validation error: " + err->code};
    case ErrorKind::Authentication:
      return {JobAction::Discard, Millis(0), "authentication error: " + err->code};
    case ErrorKind::RateLimit: {
      Millis d = err->retry_after.value_or(s.snooze_without_hint);
      return {JobAction::Snooze, std::min(d, s.max_snooze), "rate limited"};
    }
    case ErrorKind::Network:
      if (err->ambiguous) return {JobAction::Reconcile, Millis(0), "sent without an answer"};
      break;
    case ErrorKind::Api:
      if (!err->retryable())
        return {JobAction::Discard, Millis(0),
                "HTTP " + std::to_string(err->http_status) + " is not retryable"};
      break;
  }
  if (attempt >= s.max_attempts)
    return {JobAction::Discard, Millis(0), "max attempts reached: " + err->summary()};
  RetryPolicy p(s.backoff);
  return {JobAction::Retry, p.backoff(attempt, rng), "transient: " + err->code};
}

bool UniqueJobs::acquire(const std::string& key) {
  std::lock_guard<std::mutex> lk(mu_);
  const auto now = clock_.now();
  auto it = held_.find(key);
  if (it != held_.end() && now - it->second < ttl_) return false;
  held_[key] = now;
  return true;
}

void UniqueJobs::release(const std::string& key) {
  std::lock_guard<std::mutex> lk(mu_);
  held_.erase(key);
}

}  // namespace harness::client
