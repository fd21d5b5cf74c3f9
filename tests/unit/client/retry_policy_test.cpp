#include "client/retry_policy.h"

#include <gtest/gtest.h>

namespace harness::client {
namespace {

Error make(ErrorKind k, int status = 0) {
  Error e;
  e.type = k;
  e.http_status = status;
  return e;
}

TEST(RetryPolicy, NeverRetriesValidationOrAuthentication) {
  RetryPolicy p;
  core::Rng rng(1);
  EXPECT_EQ(p.decide(make(ErrorKind::Validation, 400), 1, Millis(0), true, rng).verdict,
            RetryVerdict::GiveUp);
  EXPECT_EQ(p.decide(make(ErrorKind::Authentication, 401), 1, Millis(0), true, rng).verdict,
            RetryVerdict::GiveUp);
}

TEST(RetryPolicy, RateLimitWaitsExactlyRetryAfter) {
  RetryPolicy p;
  core::Rng rng(1);
  Error e = make(ErrorKind::RateLimit, 429);
  e.retry_after = Millis(2500);
  RetryDecision d = p.decide(e, 1, Millis(0), false, rng);
  EXPECT_EQ(d.verdict, RetryVerdict::Retry);
  EXPECT_EQ(d.delay, Millis(2500));
}

TEST(RetryPolicy, RateLimitAboveCapGivesUp) {
  RetrySettings s;
  s.max_retry_after = Millis(1000);
  RetryPolicy p(s);
  core::Rng rng(1);
  Error e = make(ErrorKind::RateLimit, 429);
  e.retry_after = Millis(5000);
  EXPECT_EQ(p.decide(e, 1, Millis(0), false, rng).verdict, RetryVerdict::GiveUp);
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

TEST(RetryPolicy, Non5xxApiErrorsAreFinal) {
  RetryPolicy p;
  core::Rng rng(1);
  EXPECT_EQ(p.decide(make(ErrorKind::Api, 404), 1, Millis(0), true, rng).verdict,
            RetryVerdict::GiveUp);
  EXPECT_EQ(p.decide(make(ErrorKind::Api, 408), 1, Millis(0), true, rng).verdict,
            RetryVerdict::Retry);
}

TEST(RetryPolicy, ConnectFailureRetries) {
  RetryPolicy p;
  core::Rng rng(1);
  EXPECT_EQ(p.decide(make(ErrorKind::Network), 1, Millis(0), false, rng).verdict,
            RetryVerdict::Retry);
}

TEST(RetryPolicy, AmbiguousIsNeverBlindlyResent) {
  RetryPolicy p;
  core::Rng rng(1);
  Error e = make(ErrorKind::Network);
  e.ambiguous = true;
  EXPECT_EQ(p.decide(e, 1, Millis(0), false, rng).verdict, RetryVerdict::Ambiguous);
  // With an idempotent request (GET or idempotency key) a resend is safe.
  EXPECT_EQ(p.decide(e, 1, Millis(0), true, rng).verdict, RetryVerdict::Retry);
}

TEST(RetryPolicy, StopsAtMaxAttempts) {
  RetrySettings s;
  s.max_attempts = 3;
  RetryPolicy p(s);
  core::Rng rng(1);
  EXPECT_EQ(p.decide(make(ErrorKind::Api, 500), 2, Millis(0), false, rng).verdict,
            RetryVerdict::Retry);
  EXPECT_EQ(p.decide(make(ErrorKind::Api, 500), 3, Millis(0), false, rng).verdict,
            RetryVerdict::GiveUp);
}

TEST(RetryPolicy, StopsAtTotalDeadline) {
  RetrySettings s;
  s.total_deadline = Millis(5000);
  RetryPolicy p(s);
  core::Rng rng(1);
  Error e = make(ErrorKind::RateLimit, 429);
  e.retry_after = Millis(2000);
  EXPECT_EQ(p.decide(e, 1, Millis(2900), false, rng).verdict, RetryVerdict::Retry);
  RetryDecision d = p.decide(e, 1, Millis(3500), false, rng);
  EXPECT_EQ(d.verdict, RetryVerdict::GiveUp);
  EXPECT_NE(d.reason.find("deadline"), std::string::npos);
}

TEST(RetryPolicy, IgnoresRetryAfterWhenConfigured) {
  RetrySettings s;
  s.honour_retry_after = false;
  s.base_delay = Millis(10);
  s.max_delay = Millis(10);
  RetryPolicy p(s);
  core::Rng rng(1);
  Error e = make(ErrorKind::RateLimit, 429);
  e.retry_after = Millis(30000);
  RetryDecision d = p.decide(e, 1, Millis(0), false, rng);
  EXPECT_EQ(d.verdict, RetryVerdict::Retry);
  EXPECT_LE(d.delay, Millis(10));
}

}  // namespace
}  // namespace harness::client
