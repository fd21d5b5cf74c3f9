#include "loadgen/plan/plan.h"

#include <gtest/gtest.h>

#include <set>

using namespace harness::loadgen;
using namespace std::chrono_literals;

namespace {
Plan constant(double rate, Nanos d) {
  Plan p;
  p.stages = {Stage{d, rate, rate}};
  return p;
}
}  // namespace

TEST(PlanTest, ConstantRateIsEvenlySpacedFromZero) {
  const Plan p = constant(1000, 1s);
  EXPECT_EQ(due_at(p, 0), Nanos(0));
  EXPECT_EQ(due_at(p, 1), Nanos(1'000'000));
  EXPECT_EQ(due_at(p, 999), Nanos(999'000'000));
  EXPECT_FALSE(due_at(p, 1000));   // 1000 sends in [0, 1s); the 1001st would be at 1 s
  EXPECT_EQ(planned_count(p), 1000u);
}

TEST(PlanTest, MaxCountStopsThePlanEarly) {
  Plan p = constant(1000, 10s);
  p.max_count = 5;
  EXPECT_TRUE(due_at(p, 4));
  EXPECT_FALSE(due_at(p, 5));
  EXPECT_EQ(planned_count(p), 5u);
}

TEST(PlanTest, RampCountsTheIntegralOfTheRate) {
  Plan p;
  p.stages = {Stage{10s, 0, 200}, Stage{5s, 200, 200}};
  // 0->200/s over 10 s = 1000 sends, then 1000 more.
  EXPECT_EQ(planned_count(p), 2000u);
  Cursor c(p);
  uint64_t n = 0;
  Nanos last{-1};
  uint64_t first_half = 0;
  while (auto t = c.next()) {
    EXPECT_GE(*t, last);
    last = *t;
    if (*t < 5s) ++first_half;
    ++n;
  }
  EXPECT_EQ(n, 2000u);
  EXPECT_EQ(first_half, 250u);   // integral of the ramp over its first half: a quarter
  EXPECT_LT(last, 15s);
}

TEST(PlanTest, SplitInterleavesExactlyAndSumsToTheWhole) {
  const Plan whole = constant(300, 2s);
  std::multiset<int64_t> whole_times, parts_times;
  for (uint64_t k = 0; auto t = due_at(whole, k); ++k) whole_times.insert(t->count());
  for (uint32_t part = 0; part < 3; ++part) {
    const Plan s = split(whole, part, 3);
    Cursor c(s);
    while (auto t = c.next()) parts_times.insert(t->count());
  }
  ASSERT_EQ(whole_times.size(), 600u);
  ASSERT_EQ(parts_times.size(), whole_times.size());
  auto a = whole_times.begin();
  for (auto b = parts_times.begin(); b != parts_times.end(); ++a, ++b) EXPECT_NEAR(*a, *b, 2);
}

TEST(PlanTest, SplitTwiceKeepsGlobalIndexesUnique) {
  Plan whole = constant(100, 1s);
  whole.max_count = 77;
  std::set<uint64_t> seqs;
  uint64_t total = 0;
  for (uint32_t shard = 0; shard < 2; ++shard)
    for (uint32_t w = 0; w < 3; ++w) {
      const Plan p = split(split(whole, shard, 2), w, 3);
      Cursor c(p);
      while (c.next()) {
        seqs.insert(global_index(p, c.issued() - 1));
        ++total;
      }
      EXPECT_EQ(planned_count(p), c.issued());
    }
  EXPECT_EQ(total, 77u);
  EXPECT_EQ(seqs.size(), 77u);
  EXPECT_EQ(*seqs.rbegin(), 76u);
}

TEST(PlanTest, PoissonIsSeededAndNearTheRate) {
  Plan p = constant(2000, 5s);
  p.arrival = Arrival::Poisson;
  p.seed = 42;
  Cursor a(p), b(p);
  uint64_t n = 0;
  while (auto t = a.next()) {
    EXPECT_EQ(t, b.next());
    ++n;
  }
  // 10,000 expected; a Poisson count has sd 100, so 5 sd either way.
  EXPECT_GT(n, 9500u);
  EXPECT_LT(n, 10500u);
  EXPECT_EQ(due_at(p, 17), [&] { Cursor c(p); std::optional<Nanos> t; for (int i = 0; i <= 17; ++i) t = c.next(); return t; }());
  p.seed = 43;
  Cursor other(p);
  Cursor again(Plan{constant(2000, 5s).stages, Arrival::Poisson, 42});
  EXPECT_NE(other.next(), again.next());
}

TEST(PlanTest, PoissonSplitDividesTheCountExactly) {
  Plan p = constant(1000, 10s);
  p.arrival = Arrival::Poisson;
  p.max_count = 101;
  uint64_t total = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    Cursor c(split(p, i, 4));
    while (c.next()) ++total;
  }
  EXPECT_EQ(total, 101u);
}

TEST(ParseStagesTest, AcceptsRampsAndConstants) {
  const auto r = parse_stages("10s:0-2000,30s:2k/s,500ms:100-0");
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.stages.size(), 3u);
  EXPECT_EQ(r.stages[0].duration, 10s);
  EXPECT_DOUBLE_EQ(r.stages[0].rate_from, 0);
  EXPECT_DOUBLE_EQ(r.stages[0].rate_to, 2000);
  EXPECT_DOUBLE_EQ(r.stages[1].rate_from, 2000);
  EXPECT_DOUBLE_EQ(r.stages[1].rate_to, 2000);
  EXPECT_EQ(r.stages[2].duration, 500ms);
  EXPECT_DOUBLE_EQ(r.stages[2].rate_to, 0);
}

TEST(ParseStagesBadConfigTest, RejectsMalformedStages) {
  for (const char* bad : {"", "10s", "10s:", "x:100", "10s:abc", "10s:-5", "0s:100", "10s:100,", "10s:1-"})
    EXPECT_NE(parse_stages(bad).error, "") << bad;
}
