// core::append_json_number against nlohmann's dump(): the same text for the values a message
// carries, the same value and layout in no more characters for any other double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/message_json.h"
#include "core/rng.h"

namespace harness::core {
namespace {

std::string written(double d) {
  std::string out;
  append_json_number(out, d);
  return out;
}

TEST(JsonNumberTest, TableMatchesNlohmann) {
  const double table[] = {0.0,
                          -0.0,
                          1.0,
                          -1.0,
                          0.1,
                          -0.1,
                          0.2,
                          0.3,
                          1.5,
                          2.25,
                          0.98,
                          1.0 / 3.0,
                          2.0 / 3.0,
                          1e-7,
                          -1e-7,
                          1.25e-7,
                          0.001,
                          0.0001,
                          0.00012,
                          0.00001,
                          12.5,
                          100.0,
                          1200.0,
                          123456.789,
                          4503599627370496.0,   // 2^52
                          999999999999999.0,
                          1e15,
                          1e16,
                          1.5e16,
                          1e20,
                          1.2345678901234568e+20,
                          1e100,
                          -3.75e-300,
                          std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::min(),
                          std::numeric_limits<double>::denorm_min(),
                          std::numeric_limits<double>::epsilon(),
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::quiet_NaN()};
  for (const double d : table) EXPECT_EQ(written(d), json(d).dump()) << "value " << d;
  EXPECT_EQ(written(0.0), "0.0");
  EXPECT_EQ(written(-0.0), "-0.0");
  EXPECT_EQ(written(1e-7), "1e-07");
  EXPECT_EQ(written(1e20), "1e+20");
  EXPECT_EQ(written(std::nan("")), "null");
  EXPECT_EQ(written(0.97369), "0.97369");   // dump(): 0.9736900000000001
}

TEST(JsonNumberTest, RatiosSecondsAndPricesMatchNlohmann) {
  // The values a message carries: seconds and ratios in thousandths, prices in ten-thousandths.
  for (int i = -20000; i <= 20000; ++i) {
    EXPECT_EQ(written(i / 1000.0), json(i / 1000.0).dump()) << i;
    EXPECT_EQ(written(i / 10000.0), json(i / 10000.0).dump()) << i;
  }
}

// nlohmann's Grisu2 is not always shortest (it writes 0.97369 as 0.9736900000000001, about one
// short decimal in 1,500), so for arbitrary doubles the promise is the same value in the same
// layout, never in more characters.
TEST(JsonNumberTest, SeededDoublesOfEveryMagnitudeReadBackAndAreNeverLonger) {
  Rng rng(20260412);
  for (int i = 0; i < 200000; ++i) {
    const double mantissa = rng.next_double() * 10.0;
    const int exponent = static_cast<int>(rng.next_double() * 600.0) - 300;
    const double d = (i % 2 ? -1.0 : 1.0) * mantissa * std::pow(10.0, exponent);
    const std::string out = written(d);
    const std::string theirs = json(d).dump();
    ASSERT_EQ(json::parse(out).get<double>(), d) << out;
    ASSERT_LE(out.size(), theirs.size()) << out << " vs " << theirs;
    ASSERT_EQ(out.find('e') == std::string::npos, theirs.find('e') == std::string::npos) << out << " vs " << theirs;
  }
}

}  // namespace
}  // namespace harness::core
