#include <gtest/gtest.h>

#include "core/units.h"

using namespace harness::core;
using namespace std::chrono;

TEST(CoreUnitsTest, ParsesDurations) {
  EXPECT_EQ(parse_duration("500us"), microseconds(500));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("2s"), seconds(2));
  EXPECT_EQ(parse_duration("1m"), minutes(1));
  EXPECT_EQ(parse_duration("1h"), hours(1));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("10ns"), nanoseconds(10));
  EXPECT_EQ(parse_duration("3"), seconds(3));
}

TEST(CoreUnitsTest, RejectsBadDurations) {
  for (const char* s : {"", "s", "-1s", "1x", "1.2.3s", "1 s", "abc", "1e3s", "99999999999h", "nan", "inf"})
    EXPECT_FALSE(parse_duration(s)) << s;
}

TEST(CoreUnitsTest, ParsesRates) {
  EXPECT_DOUBLE_EQ(*parse_rate_per_second("50/s"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_rate_per_second("3000/m"), 50.0);
  EXPECT_DOUBLE_EQ(*parse_rate_per_second("10/h"), 10.0 / 3600);
  EXPECT_DOUBLE_EQ(*parse_rate_per_second("2k/s"), 2000.0);
  for (const char* s : {"", "50", "50/", "/s", "50/d", "x/s", "-5/s", "5k/"})
    EXPECT_FALSE(parse_rate_per_second(s)) << s;
}

TEST(CoreUnitsTest, ParsesCounts) {
  EXPECT_EQ(parse_count("10k"), 10000u);
  EXPECT_EQ(parse_count("1M"), 1000000u);
  EXPECT_EQ(parse_count("42"), 42u);
  EXPECT_EQ(parse_count("1.5k"), 1500u);
  for (const char* s : {"", "k", "1.5", "-3", "10q", "1e3", "99999999999999999999G"})
    EXPECT_FALSE(parse_count(s)) << s;
}

TEST(CoreUnitsTest, FormatsDurations) {
  EXPECT_EQ(format_duration(microseconds(1250)), "1.25ms");
  EXPECT_EQ(format_duration(seconds(2)), "2s");
  EXPECT_EQ(format_duration(microseconds(850)), "850us");
  EXPECT_EQ(format_duration(nanoseconds(12)), "12ns");
  EXPECT_EQ(format_duration(minutes(3)), "3m");
  EXPECT_EQ(format_duration(hours(2)), "2h");
}
