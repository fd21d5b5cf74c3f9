// Job-queue patterns for sending from a background queue (the Elixir client's Oban recipes):
//   success              -> Complete
//   rate_limit           -> Snooze for Retry-After (does not consume an attempt)
//   validation / auth    -> Discard (resending cannot help)
//   network connect, 5xx -> Retry with equal-jitter backoff, up to max_attempts, then Discard
//   ambiguous            -> Reconcile (look for the matching message.sent webhook first)
//   other 4xx            -> Discard
// plus UniqueJobs: an in-memory guard against enqueuing the same key twice within a TTL. The
// durable variant lives in the reference service's SQLite outbox (UNIQUE key column).
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "client/error.h"
#include "client/retry_policy.h"
#include "core/clock.h"
#include "core/rng.h"

namespace harness::client {

enum class JobAction { Complete, Snooze, Retry, Discard, Reconcile };
std::string_view to_string(JobAction a);

struct JobDecision {
  JobAction action = JobAction::Complete;
  Millis delay{0};
  std::string reason;
};

struct JobSettings {
  int max_attempts = 5;                  // attempts that count (snoozes do not)
  Millis snooze_without_hint{1000};      // 429 without Retry-After / x-ratelimit-reset
  Millis max_snooze{60000};
  RetrySettings backoff{};               // base/max delay for Retry
};

// `err` null means success; `attempt` is the 1-based counted attempt that just ran.
JobDecision decide_job(const Error* err, int attempt, const JobSettings& s, core::Rng& rng);

class UniqueJobs {
 public:
  UniqueJobs(const core::Clock& clock, std::chrono::milliseconds ttl) : clock_(clock), ttl_(ttl) {}
  // true when `key` was not held (or its hold expired); it is then held for ttl.
  bool acquire(const std::string& key);
  void release(const std::string& key);

 private:
  const core::Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, core::TimePoint> held_;
};

}  // namespace harness::client
