// The dispatcher's schedule: due-time order, bounded admission, shutdown hands back what never ran.
#include "webhook/scheduler.h"

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace harness::mock {
namespace {

using namespace std::chrono_literals;

TEST(SchedulerTest, RunsTasksInDueOrder) {
  Scheduler s(1, 100);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> order;
  auto add = [&](int v) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(v);
    cv.notify_all();
  };
  // Admitted in reverse order of their due times.
  ASSERT_TRUE(s.admit(60ms, [&] { add(3); }));
  ASSERT_TRUE(s.admit(40ms, [&] { add(2); }));
  ASSERT_TRUE(s.admit(20ms, [&] { add(1); }));
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return order.size() == 3; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(SchedulerTest, AdmissionIsBoundedButFollowUpsAreNot) {
  Scheduler s(1, 2);
  EXPECT_TRUE(s.admit(1h, [] {}));
  EXPECT_TRUE(s.admit(1h, [] {}));
  EXPECT_FALSE(s.admit(1h, [] {}));   // full: refused, the caller counts it
  EXPECT_TRUE(s.follow(1h, [] {}));   // a retry of admitted work is never lost
  EXPECT_EQ(s.pending(), 3u);
}

TEST(SchedulerTest, StopAbandonsPendingTasksAndRefusesNewOnes) {
  Scheduler s(2, 10);
  std::atomic<int> ran{0}, abandoned{0};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(s.admit(1h, [&] { ++ran; }, [&] { ++abandoned; }));
  }
  ASSERT_TRUE(s.admit(0ms, [&] { ++ran; }, [&] { ++abandoned; }));
  // Wait (bounded) for the immediate task.
  for (int i = 0; i < 500 && ran.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(s.stop(), 4u);
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(abandoned.load(), 4);
  EXPECT_FALSE(s.admit(0ms, [] {}));
  EXPECT_FALSE(s.follow(0ms, [] {}));
  EXPECT_EQ(s.stop(), 0u);   // idempotent
}

TEST(SchedulerTest, ManyWorkersRunEverything) {
  Scheduler s(4, 100000);
  std::atomic<int> ran{0};
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(s.admit(std::chrono::microseconds(i % 50), [&] { ++ran; }));
  for (int i = 0; i < 2000 && ran.load() < 5000; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(ran.load(), 5000);
}

}  // namespace
}  // namespace harness::mock
