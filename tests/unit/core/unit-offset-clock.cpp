#include <gtest/gtest.h>

#include <thread>
#include <vector>
#include "core/offset_clock.h"

using namespace harness::core;
using namespace std::chrono;

TEST(OffsetClockTest, ReadsTheSystemTimeUntilAdvanced) {
  OffsetClock clock;
  EXPECT_EQ(clock.offset(), Duration::zero());
  const auto before = system_clock::now();
  const auto now = clock.now();
  const auto after = system_clock::now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

TEST(OffsetClockTest, AdvanceMovesItAheadOfTheSystemClock) {
  OffsetClock clock;
  ASSERT_TRUE(clock.advance(minutes(11)));
  EXPECT_EQ(clock.offset(), minutes(11));
  const auto before = system_clock::now();
  const auto now = clock.now();
  const auto after = system_clock::now();
  EXPECT_LE(before + minutes(11), now);
  EXPECT_LE(now, after + minutes(11));
  ASSERT_TRUE(clock.advance(Duration::zero()));
  ASSERT_TRUE(clock.advance(milliseconds(1500)));
  EXPECT_EQ(clock.offset(), minutes(11) + milliseconds(1500));
}

TEST(OffsetClockTest, NeverMovesBackwardsOrPastTheLimit) {
  OffsetClock clock;
  ASSERT_TRUE(clock.advance(seconds(5)));
  EXPECT_FALSE(clock.advance(-nanoseconds(1)));
  EXPECT_FALSE(clock.advance(kMaxClockLead + nanoseconds(1)));
  EXPECT_FALSE(clock.advance(Duration::max()));
  EXPECT_EQ(clock.offset(), seconds(5));
  // Up to the limit in total, not one nanosecond more.
  ASSERT_TRUE(clock.advance(kMaxClockLead - seconds(5)));
  EXPECT_EQ(clock.offset(), kMaxClockLead);
  EXPECT_FALSE(clock.advance(nanoseconds(1)));
  EXPECT_TRUE(clock.advance(Duration::zero()));
  EXPECT_EQ(clock.offset(), kMaxClockLead);
}

TEST(OffsetClockTest, ConcurrentAdvancesAllCount) {
  OffsetClock clock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(clock.advance(milliseconds(1)));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.offset(), seconds(4));
}

TEST(OffsetClockTest, AdvanceClockMovesOffsetAndManualClocksOnly) {
  OffsetClock offset;
  EXPECT_TRUE(clock_is_advanceable(offset));
  EXPECT_EQ(advance_clock(offset, minutes(3)), ClockStep::Moved);
  EXPECT_EQ(offset.offset(), minutes(3));
  EXPECT_EQ(advance_clock(offset, -seconds(1)), ClockStep::Backwards);
  EXPECT_EQ(advance_clock(offset, kMaxClockLead), ClockStep::TooFar);
  EXPECT_EQ(offset.offset(), minutes(3));

  ManualClock manual;
  const auto start = manual.now();
  EXPECT_TRUE(clock_is_advanceable(manual));
  EXPECT_EQ(advance_clock(manual, minutes(11)), ClockStep::Moved);
  EXPECT_EQ(manual.now(), start + minutes(11));
  EXPECT_EQ(advance_clock(manual, -minutes(1)), ClockStep::Backwards);
  EXPECT_EQ(advance_clock(manual, Duration::max()), ClockStep::TooFar);
  EXPECT_EQ(manual.now(), start + minutes(11));

  SystemClock system;
  EXPECT_FALSE(clock_is_advanceable(system));
  EXPECT_EQ(advance_clock(system, seconds(1)), ClockStep::NotAdvanceable);
}
