#include "client/retry_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace harness::client {
namespace {

Error make(ErrorKind k, int status = 0) {
  Error e;
  e.type = k;
  e.http_status = status;
  return e;
}

// One decision a row: the error, where the attempt stands, and the verdict the policy owes it.
struct VerdictCase {
  const char* name;
  ErrorKind kind;
  int status;
  bool ambiguous;
  long long retry_after_ms;   // 0: no Retry-After
  int attempt;
  bool idempotent;            // GET, or a request with an idempotency key
  int max_attempts;
  long long max_retry_after_ms;
  RetryVerdict expected;
};

const VerdictCase kVerdicts[] = {
    {"validation_is_final", ErrorKind::Validation, 400, false, 0, 1, true, 4, 60000, RetryVerdict::GiveUp},
    {"authentication_is_final", ErrorKind::Authentication, 401, false, 0, 1, true, 4, 60000, RetryVerdict::GiveUp},
    {"not_found_is_final", ErrorKind::Api, 404, false, 0, 1, true, 4, 60000, RetryVerdict::GiveUp},
    {"request_timeout_retries", ErrorKind::Api, 408, false, 0, 1, true, 4, 60000, RetryVerdict::Retry},
    {"connect_failure_retries", ErrorKind::Network, 0, false, 0, 1, false, 4, 60000, RetryVerdict::Retry},
    // A request that may have been processed is never blindly resent; an idempotent one may be.
    {"ambiguous_is_not_resent", ErrorKind::Network, 0, true, 0, 1, false, 4, 60000, RetryVerdict::Ambiguous},
    {"ambiguous_idempotent_retries", ErrorKind::Network, 0, true, 0, 1, true, 4, 60000, RetryVerdict::Retry},
    {"server_error_below_max_attempts", ErrorKind::Api, 500, false, 0, 2, false, 3, 60000, RetryVerdict::Retry},
    {"server_error_at_max_attempts", ErrorKind::Api, 500, false, 0, 3, false, 3, 60000, RetryVerdict::GiveUp},
    {"retry_after_above_cap", ErrorKind::RateLimit, 429, false, 5000, 1, false, 4, 1000, RetryVerdict::GiveUp},
};

class RetryVerdicts : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(RetryVerdicts, DecidesAsTheTableSays) {
  const VerdictCase& c = GetParam();
  RetrySettings s;
  s.max_attempts = c.max_attempts;
  s.max_retry_after = Millis(c.max_retry_after_ms);
  RetryPolicy p(s);
  core::Rng rng(1);
  Error e = make(c.kind, c.status);
  e.ambiguous = c.ambiguous;
  if (c.retry_after_ms) e.retry_after = Millis(c.retry_after_ms);
  EXPECT_EQ(p.decide(e, c.attempt, Millis(0), c.idempotent, rng).verdict, c.expected);
}

INSTANTIATE_TEST_SUITE_P(RetryPolicy, RetryVerdicts, ::testing::ValuesIn(kVerdicts),
                         [](const ::testing::TestParamInfo<VerdictCase>& info) { return info.param.name; });

// A first attempt answered 429 with `retry_after`, `elapsed` after the first attempt went out.
RetryDecision rate_limited(const RetrySettings& s, Millis retry_after, Millis elapsed = Millis(0)) {
  Error e = make(ErrorKind::RateLimit, 429);
  e.retry_after = retry_after;
  core::Rng rng(1);
  return RetryPolicy(s).decide(e, 1, elapsed, false, rng);
}

TEST(RetryPolicy, RateLimitWaitsExactlyRetryAfter) {
  const RetryDecision d = rate_limited(RetrySettings{}, Millis(2500));
  EXPECT_EQ(d.verdict, RetryVerdict::Retry);
  EXPECT_EQ(d.delay, Millis(2500));
}

TEST(RetryPolicy, ServerErrorsBackOffWithinTheFullJitterCap) {
  RetrySettings s;
  s.base_delay = Millis(100);
  s.max_delay = Millis(1000);
  s.max_attempts = 10;
  RetryPolicy p(s);
  core::Rng rng(42);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    RetryDecision d = p.decide(make(ErrorKind::Api, 503), attempt, Millis(0), false, rng);
    ASSERT_EQ(d.verdict, RetryVerdict::Retry);
    EXPECT_LE(d.delay, p.backoff_cap(attempt));
    EXPECT_GE(d.delay.count(), 0);
  }
  EXPECT_EQ(p.backoff_cap(1), Millis(100));
  EXPECT_EQ(p.backoff_cap(2), Millis(200));
  EXPECT_EQ(p.backoff_cap(4), Millis(800));
  EXPECT_EQ(p.backoff_cap(5), Millis(1000));
  EXPECT_EQ(p.backoff_cap(60), Millis(1000));   // no overflow
}

TEST(RetryPolicy, JitterIsDeterministicForASeedAndSpreads) {
  RetryPolicy p;
  core::Rng a(7), b(7);
  std::vector<long long> xs;
  for (int i = 0; i < 20; ++i) {
    Millis x = p.backoff(5, a), y = p.backoff(5, b);
    EXPECT_EQ(x, y);
    EXPECT_GE(x, p.backoff_cap(5) / 2);   // never a hasty retry: half the cap is a floor
    EXPECT_LE(x, p.backoff_cap(5));
    xs.push_back(x.count());
  }
  std::sort(xs.begin(), xs.end());
  EXPECT_LT(xs.front(), xs.back());   // jittered, not a constant
}

TEST(RetryPolicy, StopsAtTotalDeadline) {
  RetrySettings s;
  s.total_deadline = Millis(5000);
  EXPECT_EQ(rate_limited(s, Millis(2000), Millis(2900)).verdict, RetryVerdict::Retry);
  const RetryDecision d = rate_limited(s, Millis(2000), Millis(3500));
  EXPECT_EQ(d.verdict, RetryVerdict::GiveUp);
  EXPECT_NE(d.reason.find("deadline"), std::string::npos);
}

TEST(RetryPolicy, IgnoresRetryAfterWhenConfigured) {
  RetrySettings s;
  s.honour_retry_after = false;
  s.base_delay = Millis(10);
  s.max_delay = Millis(10);
  const RetryDecision d = rate_limited(s, Millis(30000));
  EXPECT_EQ(d.verdict, RetryVerdict::Retry);
  EXPECT_LE(d.delay, Millis(10));
}

}  // namespace
}  // namespace harness::client
