#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/histogram.h"
#include "core/rng.h"

using namespace harness::core;

namespace {
// Exact percentile of a sorted sample with the same rank rule as the histogram (ceil).
int64_t exact_percentile(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}
}  // namespace

TEST(CoreHistogramTest, EmptyHistogram) {
  Histogram h;
  EXPECT_EQ(h.total_count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.stddev(), 0.0);
  EXPECT_EQ(h.value_at_percentile(99), 0);
}

TEST(CoreHistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (int64_t v = 1; v <= 2000; ++v) ASSERT_TRUE(h.record(v));
  EXPECT_EQ(h.value_at_percentile(50), 1000);
  EXPECT_EQ(h.value_at_percentile(100), 2000);
  EXPECT_EQ(h.min(), 1);
  EXPECT_DOUBLE_EQ(h.mean(), 1000.5);
}

TEST(CoreHistogramTest, PercentilesWithinOneTenthPercent) {
  Rng rng(42);
  Histogram h;
  std::vector<int64_t> all;
  for (int i = 0; i < 50000; ++i) {
    // Log-uniform over 1 us .. 1 h to exercise every bucket range.
    const double e = rng.next_double() * std::log(3.6e9);
    const int64_t v = std::max<int64_t>(1, static_cast<int64_t>(std::exp(e)));
    all.push_back(v);
    ASSERT_TRUE(h.record(v));
  }
  for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const double exact = static_cast<double>(exact_percentile(all, p));
    const double got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_LE(std::fabs(got - exact), exact * 0.001 + 1) << "p" << p;
  }
  EXPECT_EQ(h.max(), *std::max_element(all.begin(), all.end()));
  EXPECT_EQ(h.min(), *std::min_element(all.begin(), all.end()));
  double mean = 0;
  for (auto v : all) mean += static_cast<double>(v);
  mean /= static_cast<double>(all.size());
  EXPECT_NEAR(h.mean(), mean, mean * 0.001);
}

TEST(CoreHistogramTest, MergeEqualsHistogramOfAllSamples) {
  Rng rng(7);
  Histogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const int64_t v = static_cast<int64_t>(rng.uniform(5'000'000)) + 1;
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.record(-5);
  all.record(-5);
  ASSERT_TRUE(a.add(b));
  EXPECT_EQ(a, all);
  EXPECT_EQ(a.value_at_percentile(99.9), all.value_at_percentile(99.9));
  EXPECT_EQ(a.out_of_range(), 1u);
}

TEST(CoreHistogramTest, MergeRefusesDifferentConfiguration) {
  Histogram a(1, 1000000, 3), b(1, 1000000, 2);
  b.record(5);
  EXPECT_FALSE(a.add(b));
  EXPECT_EQ(a.total_count(), 0u);
}

TEST(CoreHistogramTest, OutOfRangeIsCountedNotRecorded) {
  Histogram h(1, 1000, 3);
  EXPECT_FALSE(h.record(-1));
  EXPECT_FALSE(h.record(1001));
  EXPECT_TRUE(h.record(1000));
  EXPECT_TRUE(h.record(0));   // below lowest: first bucket
  EXPECT_EQ(h.out_of_range(), 2u);
  EXPECT_EQ(h.total_count(), 2u);
  EXPECT_EQ(h.min(), 0);
}

TEST(CoreHistogramTest, RecordCorrectedAddsMissingSamples) {
  Histogram h;
  ASSERT_TRUE(h.record_corrected(1000, 100));
  // 1000, 900, ..., 100: ten samples.
  EXPECT_EQ(h.total_count(), 10u);
  EXPECT_EQ(h.min(), 100);
  EXPECT_EQ(h.max(), 1000);
  Histogram plain;
  plain.record_corrected(1000, 0);
  EXPECT_EQ(plain.total_count(), 1u);
  Histogram below;
  below.record_corrected(50, 100);
  EXPECT_EQ(below.total_count(), 1u);
}

TEST(CoreHistogramTest, RecordWithCountAndReset) {
  Histogram h;
  h.record(10, 5);
  EXPECT_EQ(h.total_count(), 5u);
  EXPECT_EQ(h.stddev(), 0.0);
  h.reset();
  EXPECT_EQ(h.total_count(), 0u);
  EXPECT_EQ(h, Histogram());
}

TEST(CoreHistogramTest, StddevOfTwoPoints) {
  Histogram h;
  h.record(100);
  h.record(300);
  EXPECT_DOUBLE_EQ(h.mean(), 200.0);
  EXPECT_DOUBLE_EQ(h.stddev(), 100.0);
}

TEST(CoreHistogramTest, JsonRoundTripIsExactAndSparse) {
  Rng rng(3);
  Histogram h;
  for (int i = 0; i < 1000; ++i) h.record(static_cast<int64_t>(rng.uniform(3'600'000'000ULL)));
  h.record(-1);
  const json j = h.to_json();
  EXPECT_LE(j["counts"].size(), 1000u);
  const auto back = Histogram::from_json(json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), h);
  EXPECT_EQ(back.value().value_at_percentile(50), h.value_at_percentile(50));
}

TEST(CoreHistogramTest, FromJsonRejectsBadInput) {
  Histogram h;
  h.record(42);
  const json good = h.to_json();
  auto bad = [&](auto mutate) {
    json j = good;
    mutate(j);
    return !Histogram::from_json(j).ok();
  };
  EXPECT_TRUE(Histogram::from_json(good).ok());
  EXPECT_TRUE(bad([](json& j) { j = json::array(); }));
  EXPECT_TRUE(bad([](json& j) { j.erase("lowest"); }));
  EXPECT_TRUE(bad([](json& j) { j["significant_digits"] = 9; }));
  EXPECT_TRUE(bad([](json& j) { j["highest"] = 1; }));
  EXPECT_TRUE(bad([](json& j) { j["total"] = 2; }));                       // counts do not add up
  EXPECT_TRUE(bad([](json& j) { j["total"] = "1"; }));
  EXPECT_TRUE(bad([](json& j) { j["counts"] = json::parse("[[99999999, 1]]"); j["total"] = 1; }));
  EXPECT_TRUE(bad([](json& j) { j["counts"] = json::parse("[[1]]"); }));
  EXPECT_TRUE(bad([](json& j) { j["counts"] = json::parse("[[-1, 1]]"); }));
  EXPECT_TRUE(bad([](json& j) { j["max"] = 1; j["min"] = 5; }));
  EXPECT_TRUE(bad([](json& j) { j["lowest"] = int64_t{1} << 62; j["highest"] = INT64_MAX; }));
}

TEST(CoreHistogramTest, ExtremeConfigurationsAreClampedNotUndefined) {
  Histogram huge(int64_t{1} << 62, INT64_MAX, 5);
  EXPECT_LE(huge.lowest(), int64_t{1} << 40);
  EXPECT_LE(huge.highest(), int64_t{1} << 62);
  EXPECT_TRUE(huge.record(huge.highest()));
  EXPECT_FALSE(huge.record(INT64_MAX));
  Histogram tiny(-5, -10, 0);
  EXPECT_EQ(tiny.lowest(), 1);
  EXPECT_EQ(tiny.highest(), 2);
  EXPECT_EQ(tiny.significant_digits(), 1);
  EXPECT_TRUE(tiny.record(2));
  EXPECT_EQ(tiny.value_at_percentile(100), 2);
}

TEST(CoreHistogramTest, ConstantMemoryForDefaultRange) {
  Histogram h;
  EXPECT_EQ(h.lowest(), 1);
  EXPECT_EQ(h.highest(), 3'600'000'000LL);
  EXPECT_EQ(h.significant_digits(), 3);
  EXPECT_TRUE(h.record(3'600'000'000LL));
  EXPECT_LE(std::fabs(static_cast<double>(h.value_at_percentile(100)) - 3.6e9), 3.6e9 * 0.001);
}
