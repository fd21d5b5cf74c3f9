// The dispatcher's schedule, paced by an injected clock: due-time order, bounded admission,
// shutdown hands back what never ran. A ManualClock moves time; nothing here sleeps.
#include "webhook/scheduler.h"

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>
#include "core/clock.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;

// What the tasks ran, in order; waits (bounded) for a count instead of sleeping.
class Ran {
 public:
  void add(int v) {
    std::lock_guard<std::mutex> lock(mu_);
    values_.push_back(v);
    cv_.notify_all();
  }
  // The values once there are `n` of them (fails the test after 10 s: the tasks never ran).
  std::vector<int> when(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 10s, [&] { return values_.size() >= n; })) << "only " << values_.size() << " ran";
    return values_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> values_;
};

TEST(SchedulerTest, RunsTasksWhenTheInjectedClockReachesThemInDueOrder) {
  core::ManualClock clock;
  Scheduler s(1, 100, clock);
  Ran ran;
  // Admitted in reverse order of their due times; hours, so no real timer fires during the test.
  ASSERT_TRUE(s.admit(3h, [&] { ran.add(3); }));
  ASSERT_TRUE(s.admit(2h, [&] { ran.add(2); }));
  ASSERT_TRUE(s.admit(1h, [&] { ran.add(1); }));
  clock.advance(1h);
  s.wake();
  // A task due now goes behind the woken one on the single loop thread: when it has run, so has
  // everything wake() released, and nothing else.
  ASSERT_TRUE(s.admit(0ms, [&] { ran.add(0); }));
  EXPECT_EQ(ran.when(2), (std::vector<int>{1, 0}));
  EXPECT_EQ(s.pending(), 2u);
  clock.advance(2h);
  s.wake();
  EXPECT_EQ(ran.when(4), (std::vector<int>{1, 0, 2, 3}));
  EXPECT_EQ(s.pending(), 0u);
}

TEST(SchedulerTest, WakeBeforeTheClockMovedRunsNothing) {
  core::ManualClock clock;
  Scheduler s(1, 100, clock);
  Ran ran;
  ASSERT_TRUE(s.admit(1ms, [&] { ran.add(1); }));
  clock.advance(999us);
  s.wake();
  ASSERT_TRUE(s.admit(0ms, [&] { ran.add(0); }));
  EXPECT_EQ(ran.when(1), (std::vector<int>{0}));
  EXPECT_EQ(s.pending(), 1u);
  clock.advance(1us);
  s.wake();
  EXPECT_EQ(ran.when(2), (std::vector<int>{0, 1}));
}

TEST(SchedulerTest, AdmissionIsBoundedButFollowUpsAreNot) {
  core::ManualClock clock;
  Scheduler s(1, 2, clock);
  EXPECT_TRUE(s.admit(1h, [] {}));
  EXPECT_TRUE(s.admit(1h, [] {}));
  EXPECT_FALSE(s.admit(1h, [] {}));   // full: refused, the caller counts it
  EXPECT_TRUE(s.follow(1h, [] {}));   // a retry of admitted work is never lost
  EXPECT_EQ(s.pending(), 3u);
}

TEST(SchedulerTest, StopAbandonsPendingTasksAndRefusesNewOnes) {
  core::ManualClock clock;
  Scheduler s(2, 10, clock);
  Ran ran;
  std::atomic<int> abandoned{0};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(s.admit(1h, [&] { ran.add(1); }, [&] { ++abandoned; }));
  }
  ASSERT_TRUE(s.admit(0ms, [&] { ran.add(0); }, [&] { ++abandoned; }));
  EXPECT_EQ(ran.when(1), (std::vector<int>{0}));
  EXPECT_EQ(s.stop(), 4u);
  EXPECT_EQ(abandoned.load(), 4);
  EXPECT_FALSE(s.admit(0ms, [] {}));
  EXPECT_FALSE(s.follow(0ms, [] {}));
  EXPECT_EQ(s.stop(), 0u);   // idempotent
}

TEST(SchedulerTest, ManyWorkersRunEverythingOnTheSystemClock) {
  core::SystemClock clock;
  Scheduler s(4, 100000, clock);
  std::atomic<int> count{0};
  Ran ran;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(s.admit(std::chrono::microseconds(i % 50), [&] {
      if (++count == 5000) ran.add(5000);
    }));
  }
  EXPECT_EQ(ran.when(1), (std::vector<int>{5000}));
}

}  // namespace
}  // namespace harness::mock
