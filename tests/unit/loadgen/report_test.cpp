#include "loadgen/report/report.h"

#include <gtest/gtest.h>

#include <map>

#include "core/rng.h"
#include "loadgen/report/render.h"
#include "loadgen/run/modes.h"

using namespace harness::loadgen;
using harness::core::Histogram;
using harness::core::Rng;

namespace {

// Spreads values over the whole 1 us .. 1 h range, heavy-tailed like latencies.
int64_t draw_latency(Rng& rng) {
  const double u = rng.next_double();
  return std::max<int64_t>(1, static_cast<int64_t>(std::pow(10.0, u * 9.5)));
}

Report report_with(uint32_t shard, uint64_t seed, uint64_t samples, Histogram* all) {
  Report r;
  r.mode = "send";
  r.shards = {shard};
  r.shard_count = 2;
  r.started_unix_ms = 1000 + shard;
  r.elapsed_seconds = 10 + shard;
  r.intended_rate = 100;
  Rng rng(seed);
  for (uint64_t i = 0; i < samples; ++i) {
    const int64_t v = draw_latency(rng);
    r.run.corrected.record(v);
    r.run.uncorrected.record(v / 2 + 1);
    r.run.first_attempt.record(v);
    all->record(v);
    r.run.timeline.at(static_cast<int64_t>(i % 10) * 1'000'000'000).coarse[coarse_bucket(v)]++;
  }
  r.run.planned = r.run.issued = r.run.completed = samples;
  r.run.ok = samples - 3;
  r.run.errors.status = 3;
  r.run.errors.timeout = shard;
  r.run.status_counts = {{200, samples - 3}, {503, 3}};
  WebhookStats w;
  w.registered = samples;
  w.duplicates = shard + 1;
  w.to_sent.record(1000 + shard);
  r.webhooks = w;
  return r;
}

}  // namespace

TEST(ReportMergeTest, MergedHistogramIsExactlyTheHistogramOfAllSamples) {
  Histogram all;
  const Report a = report_with(0, 11, 50000, &all);
  const Report b = report_with(1, 12, 30000, &all);
  // Through JSON, as shard files travel.
  auto ra = report_from_json(report_to_json(a));
  auto rb = report_from_json(report_to_json(b));
  ASSERT_TRUE(ra.ok()) << ra.error();
  ASSERT_TRUE(rb.ok()) << rb.error();
  const auto m = merge_reports({ra.value(), rb.value()});
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_TRUE(m.value().run.corrected == all);
  EXPECT_EQ(m.value().run.corrected.total_count(), 80000u);
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99, 100.0})
    EXPECT_EQ(m.value().run.corrected.value_at_percentile(p), all.value_at_percentile(p)) << p;
  EXPECT_EQ(m.value().run.corrected.max(), all.max());
  EXPECT_EQ(m.value().run.completed, 80000u);
  EXPECT_EQ(m.value().run.errors.timeout, 1u);
  EXPECT_EQ(m.value().run.status_counts.at(503), 6u);
  EXPECT_EQ(m.value().webhooks->duplicates, 3u);
  EXPECT_EQ(m.value().webhooks->to_sent.total_count(), 2u);
  EXPECT_EQ(m.value().shards, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(m.value().started_unix_ms, 1000);
  EXPECT_DOUBLE_EQ(m.value().elapsed_seconds, 11);
  EXPECT_DOUBLE_EQ(m.value().intended_rate, 200);
  Timeline t = a.run.timeline;
  t += b.run.timeline;
  EXPECT_TRUE(m.value().run.timeline == t);
}

TEST(ReportMergeTest, JsonRoundTripIsLossless) {
  Histogram all;
  const Report a = report_with(0, 5, 1000, &all);
  const auto back = report_from_json(report_to_json(a));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(report_to_json(back.value()), report_to_json(a));
}

TEST(ReportMergeTest, RejectsTheSameShardTwiceAndMixedModes) {
  Histogram all;
  const Report a = report_with(0, 1, 10, &all);
  EXPECT_FALSE(merge_reports({a, a}).ok());
  Report b = report_with(1, 2, 10, &all);
  b.mode = "inbound";
  EXPECT_FALSE(merge_reports({a, b}).ok());
  EXPECT_FALSE(merge_reports({}).ok());
}

TEST(ReportMergeTest, RejectsOtherSchemaVersionsAndMalformedFiles) {
  Histogram all;
  auto j = report_to_json(report_with(0, 1, 10, &all));
  j["schema_version"] = 99;
  EXPECT_FALSE(report_from_json(j).ok());
  j["schema_version"] = kReportSchemaVersion;
  j["run"].erase("histograms");
  EXPECT_FALSE(report_from_json(j).ok());
}

TEST(RenderTest, HtmlIsSelfContainedWithCharts) {
  Histogram all;
  const Report a = report_with(0, 3, 2000, &all);
  const std::string html = html_report(a, {});
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Throughput by completion second"), std::string::npos);
  EXPECT_NE(html.find("Latency by due second"), std::string::npos);
  EXPECT_NE(html.find("Latency by percentile"), std::string::npos);
  // The summary comes first, as a table of key numbers, and the page scales with the window.
  EXPECT_LT(html.find("<h2>Summary</h2>"), html.find("<svg"));
  for (const char* key : {"achieved rate", "errors by kind", "corrected (from due time)", "uncorrected (from send)",
                          "name='viewport'", "viewBox="})
    EXPECT_NE(html.find(key), std::string::npos) << key;
  EXPECT_EQ(html.find("max-width:820px"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
}

TEST(RenderTest, TextSummaryShowsCountsAndBothLatencies) {
  Histogram all;
  const Report a = report_with(0, 3, 2000, &all);
  const std::string t = text_summary(a, {});
  EXPECT_NE(t.find("completed 2000"), std::string::npos);
  EXPECT_NE(t.find("corrected"), std::string::npos);
  EXPECT_NE(t.find("uncorrected"), std::string::npos);
  EXPECT_NE(t.find("duplicate events 1"), std::string::npos);
  EXPECT_EQ(format_us(850), "850us");
  EXPECT_EQ(format_us(1250), "1.25ms");
  EXPECT_EQ(format_us(2'000'000), "2.00s");
}

TEST(CoarseBucketTest, BucketsArePowersOfTwo) {
  EXPECT_EQ(coarse_bucket(0), 0);
  EXPECT_EQ(coarse_bucket(1), 1);
  EXPECT_EQ(coarse_bucket(2), 2);
  EXPECT_EQ(coarse_bucket(3), 2);
  EXPECT_EQ(coarse_bucket(1024), 11);
  EXPECT_EQ(coarse_bucket(INT64_MAX), kCoarseBuckets - 1);
  std::array<uint64_t, kCoarseBuckets> c{};
  c[coarse_bucket(100)] = 99;
  c[coarse_bucket(1'000'000)] = 1;
  EXPECT_EQ(coarse_percentile(c, 99), 128);
  EXPECT_EQ(coarse_percentile(c, 100), int64_t{1} << 20);
}

// Inbound chaos is a pure function of (fractions, seed, send index): the same seed picks the
// same sends, the fractions hold, and a duplicate always carries an earlier ordinary event.
TEST(ChaosPlanTest, SeededFractionsAndDuplicatesOfEarlierEvents) {
  harness::loadgen::InboundChaos c;
  c.duplicate = 0.2;
  c.forged = 0.1;
  c.stale = 0.05;
  const harness::loadgen::ChaosPlan a(c, 7), b(c, 7), other(c, 8);
  std::map<harness::loadgen::EventKind, int> n;
  int differ = 0;
  for (uint64_t i = 0; i < 20000; ++i) {
    const auto s = a.slot(i);
    EXPECT_EQ(s.kind, b.slot(i).kind);
    differ += s.kind != other.slot(i).kind;
    ++n[s.kind];
    if (s.kind == harness::loadgen::EventKind::Duplicate) {
      ASSERT_LT(s.event, i);
      EXPECT_EQ(a.slot(s.event).kind, harness::loadgen::EventKind::Normal);
    } else {
      EXPECT_EQ(s.event, i);
    }
  }
  EXPECT_GT(differ, 1000);
  EXPECT_NEAR(n[harness::loadgen::EventKind::Forged], 2000, 200);
  EXPECT_NEAR(n[harness::loadgen::EventKind::Stale], 1000, 150);
  EXPECT_NEAR(n[harness::loadgen::EventKind::Duplicate], 4000, 400);
}
