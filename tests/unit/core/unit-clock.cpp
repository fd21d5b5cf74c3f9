#include <gtest/gtest.h>

#include "core/clock.h"

using namespace harness::core;
using namespace std::chrono;

namespace {
TimePoint at_ms(int64_t ms) { return TimePoint(duration_cast<TimePoint::duration>(milliseconds(ms))); }
}  // namespace

TEST(CoreClockTest, FormatsContractExample) {
  // 2025-03-01T12:00:03.148Z = 1740830403 s + 148 ms
  EXPECT_EQ(format_rfc3339(at_ms(1740830403148)), "2025-03-01T12:00:03.148+00:00");
  EXPECT_EQ(format_rfc3339(at_ms(0)), "1970-01-01T00:00:00.000+00:00");
}

TEST(CoreClockTest, FormatsEveryFieldWithItsWidth) {
  // Across the range a TimePoint (nanoseconds in 64 bits) holds: 1677 to 2262.
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("1700-01-01T00:00:00Z")), "1700-01-01T00:00:00.000+00:00");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2200-12-31T23:59:59.999Z")), "2200-12-31T23:59:59.999+00:00");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2026-10-05T09:08:07.006Z")), "2026-10-05T09:08:07.006+00:00");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2026-11-30T19:58:40.990Z")), "2026-11-30T19:58:40.990+00:00");
}

TEST(CoreClockTest, FormatsBeforeEpochAndLeapDay) {
  EXPECT_EQ(format_rfc3339(at_ms(-1)), "1969-12-31T23:59:59.999+00:00");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-02-29T23:59:59.5Z")), "2024-02-29T23:59:59.500+00:00");
}

TEST(CoreClockTest, ParsesZAndOffsets) {
  const auto base = parse_rfc3339("2025-03-01T12:00:03.148+00:00");
  ASSERT_TRUE(base);
  EXPECT_EQ(*base, at_ms(1740830403148));
  EXPECT_EQ(parse_rfc3339("2025-03-01T12:00:03.148Z"), base);
  EXPECT_EQ(parse_rfc3339("2025-03-01T13:30:03.148+01:30"), base);
  EXPECT_EQ(parse_rfc3339("2025-03-01T07:00:03.148-05:00"), base);
  EXPECT_EQ(parse_rfc3339("2025-03-01t12:00:03.148z"), base);
}

TEST(CoreClockTest, ParsesZeroToNineFractionDigits) {
  EXPECT_EQ(parse_rfc3339("2025-03-01T12:00:03Z"), at_ms(1740830403000));
  EXPECT_EQ(parse_rfc3339("2025-03-01T12:00:03.1Z"), at_ms(1740830403100));
  const auto ns = parse_rfc3339("2025-03-01T12:00:03.123456789Z");
  ASSERT_TRUE(ns);
  EXPECT_EQ(duration_cast<nanoseconds>(ns->time_since_epoch()).count() % 1000000000, 123456789);
}

TEST(CoreClockTest, RoundTripsFormattedValues) {
  for (int64_t ms : {int64_t{0}, int64_t{951782400000}, int64_t{1740830403148}, int64_t{4102444799999}}) {
    EXPECT_EQ(parse_rfc3339(format_rfc3339(at_ms(ms))), at_ms(ms)) << ms;
  }
}

TEST(CoreClockTest, RejectsImpossibleDates) {
  EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));
  for (const char* s : {"2025-02-30T00:00:00Z",
                        "2025-02-29T00:00:00Z",   // 2025 is not a leap year
                        "2100-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
                        "2025-04-31T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T23:60:00Z",
                        "2025-03-01T23:59:60Z", "2025-03-01T12:00:00+24:00"})
    EXPECT_FALSE(parse_rfc3339(s)) << s;
}

TEST(CoreClockTest, RejectsGarbage) {
  for (const char* s : {"", "garbage", "2025-03-01", "2025-03-01T12:00:03", "2025-03-01 12:00:03Z",
                        "2025-03-01T12:00:03.Z", "2025-03-01T12:00:03.1234567890Z", "2025-03-01T12:00:03+0100",
                        "2025-03-01T12:00:03Z ", " 2025-03-01T12:00:03Z", "2025-3-01T12:00:03Z",
                        "2025-03-01T12:00:03.148+00:00x", "+2025-03-01T12:00:03Z", "2025-03-01T12:0a:03Z"}) {
    EXPECT_FALSE(parse_rfc3339(s)) << s;
  }
}

TEST(CoreClockTest, UnixSecondsFloors) {
  EXPECT_EQ(unix_seconds(at_ms(1740830403999)), 1740830403);
  EXPECT_EQ(unix_seconds(at_ms(-1)), -1);
}

TEST(CoreClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock c;
  EXPECT_EQ(unix_seconds(c.now()), 1740830400);
  c.advance(milliseconds(1500));
  EXPECT_EQ(format_rfc3339(c.now()), "2025-03-01T12:00:01.500+00:00");
  c.set(at_ms(0));
  EXPECT_EQ(unix_seconds(c.now()), 0);
}
