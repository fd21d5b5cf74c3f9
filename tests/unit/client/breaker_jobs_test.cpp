#include <gtest/gtest.h>

#include "client/circuit_breaker.h"
#include "client/jobs.h"

namespace harness::client {
namespace {

using std::chrono::milliseconds;

Error make(ErrorKind k, int status = 0) {
  Error e;
  e.type = k;
  e.http_status = status;
  return e;
}

TEST(CircuitBreaker, OpensAfterThresholdAndHalfOpensAfterCooldown) {
  core::ManualClock clock;
  CircuitBreaker b(clock, {3, milliseconds(1000), 1});
  Error e5 = make(ErrorKind::Api, 502);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow());
    b.record(&e5);
  }
  EXPECT_EQ(b.state(), BreakerState::Closed);
  ASSERT_TRUE(b.allow());
  b.record(&e5);
  EXPECT_EQ(b.state(), BreakerState::Open);
  EXPECT_FALSE(b.allow());
  clock.advance(milliseconds(999));
  EXPECT_FALSE(b.allow());
  clock.advance(milliseconds(1));
  EXPECT_EQ(b.state(), BreakerState::HalfOpen);
  EXPECT_TRUE(b.allow());    // one probe
  EXPECT_FALSE(b.allow());   // only one
  b.record(nullptr);
  EXPECT_EQ(b.state(), BreakerState::Closed);
}

TEST(CircuitBreaker, FailedProbeReopens) {
  core::ManualClock clock;
  CircuitBreaker b(clock, {1, milliseconds(100), 1});
  Error net = make(ErrorKind::Network);
  ASSERT_TRUE(b.allow());
  b.record(&net);
  EXPECT_EQ(b.state(), BreakerState::Open);
  clock.advance(milliseconds(100));
  ASSERT_TRUE(b.allow());
  b.record(&net);
  EXPECT_EQ(b.state(), BreakerState::Open);
  EXPECT_FALSE(b.allow());
}

TEST(CircuitBreaker, ClientErrorsDoNotCount) {
  core::ManualClock clock;
  CircuitBreaker b(clock, {1, milliseconds(100), 1});
  for (auto k : {ErrorKind::Validation, ErrorKind::Authentication, ErrorKind::RateLimit}) {
    Error e = make(k, 400);
    b.record(&e);
  }
  Error nf = make(ErrorKind::Api, 404);
  b.record(&nf);
  EXPECT_EQ(b.state(), BreakerState::Closed);
}

TEST(DecideJob, SnoozesOnRateLimitForRetryAfter) {
  core::Rng rng(1);
  Error e = make(ErrorKind::RateLimit, 429);
  e.retry_after = milliseconds(4000);
  JobDecision d = decide_job(&e, 1, {}, rng);
  EXPECT_EQ(d.action, JobAction::Snooze);
  EXPECT_EQ(d.delay, milliseconds(4000));
  // Snoozing does not depend on the attempt budget.
  EXPECT_EQ(decide_job(&e, 99, {}, rng).action, JobAction::Snooze);
}

TEST(DecideJob, DiscardsValidationAndAuthentication) {
  core::Rng rng(1);
  Error v = make(ErrorKind::Validation, 400), a = make(ErrorKind::Authentication, 401);
  EXPECT_EQ(decide_job(&v, 1, {}, rng).action, JobAction::Discard);
  EXPECT_EQ(decide_job(&a, 1, {}, rng).action, JobAction::Discard);
}

TEST(DecideJob, RetriesTransientUntilMaxAttempts) {
  core::Rng rng(1);
  JobSettings s;
  s.max_attempts = 3;
  Error e = make(ErrorKind::Api, 500), n = make(ErrorKind::Network);
  EXPECT_EQ(decide_job(&e, 1, s, rng).action, JobAction::Retry);
  EXPECT_EQ(decide_job(&n, 2, s, rng).action, JobAction::Retry);
  EXPECT_EQ(decide_job(&e, 3, s, rng).action, JobAction::Discard);
}

TEST(DecideJob, AmbiguousIsReconciledAndSuccessCompletes) {
  core::Rng rng(1);
  Error n = make(ErrorKind::Network);
  n.ambiguous = true;
  EXPECT_EQ(decide_job(&n, 1, {}, rng).action, JobAction::Reconcile);
  EXPECT_EQ(decide_job(nullptr, 1, {}, rng).action, JobAction::Complete);
}

TEST(UniqueJobs, RejectsDuplicatesWithinTtl) {
  core::ManualClock clock;
  UniqueJobs u(clock, milliseconds(1000));
  EXPECT_TRUE(u.acquire("k"));
  EXPECT_FALSE(u.acquire("k"));
  EXPECT_TRUE(u.acquire("other"));
  clock.advance(milliseconds(1000));
  EXPECT_TRUE(u.acquire("k"));
  u.release("k");
  EXPECT_TRUE(u.acquire("k"));
}

}  // namespace
}  // namespace harness::client
