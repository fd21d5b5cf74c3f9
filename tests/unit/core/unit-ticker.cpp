#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/ticker.h"

using harness::core::Ticker;
using namespace std::chrono;

namespace {

// Counts ticks; wait_for_ticks blocks (on a condition variable, at most a minute) until n came.
struct Counter {
  std::mutex mu;
  std::condition_variable cv;
  int ticks = 0;
  void tick() {
    std::lock_guard<std::mutex> lk(mu);
    ++ticks;
    cv.notify_all();
  }
  bool wait_for_ticks(int n) {
    std::unique_lock<std::mutex> lk(mu);
    return cv.wait_for(lk, minutes(1), [&] { return ticks >= n; });
  }
};

}  // namespace

TEST(TickerTest, CallsItsFunctionEveryInterval) {
  Counter c;
  Ticker t(milliseconds(1), [&c] { c.tick(); });
  EXPECT_TRUE(t.running());
  EXPECT_TRUE(c.wait_for_ticks(3));
}

TEST(TickerTest, DestructionWakesAWaitingTickerAtOnce) {
  // With an hour's interval, a destructor that waited for the interval would hang the test until
  // ctest's timeout; it returns at once, and the function never ran.
  Counter c;
  { Ticker t(hours(1), [&c] { c.tick(); }); }
  EXPECT_EQ(c.ticks, 0);
}

TEST(TickerTest, ANonPositiveIntervalStartsNoThread) {
  Counter c;
  Ticker zero(nanoseconds(0), [&c] { c.tick(); });
  Ticker negative(seconds(-1), [&c] { c.tick(); });
  EXPECT_FALSE(zero.running());
  EXPECT_FALSE(negative.running());
}
