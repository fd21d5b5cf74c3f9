#include "loadgen/report/thresholds.h"
#include "loadgen/report/render.h"

#include <gtest/gtest.h>

using namespace harness::loadgen;

namespace {
Report sample() {
  Report r;
  r.mode = "send";
  r.elapsed_seconds = 10;
  for (int i = 1; i <= 1000; ++i) r.run.corrected.record(i * 100);   // 100 us .. 100 ms
  r.run.uncorrected.record(500);
  r.run.completed = 1000;
  r.run.ok = 990;
  r.run.errors.status = 10;
  WebhookStats w;
  w.duplicates = 0;
  w.missing_finalized = 2;
  r.webhooks = w;
  return r;
}
}  // namespace

TEST(ThresholdTest, ParsesLatencyWithUnits) {
  auto t = parse_threshold("p99<50ms");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t.value().metric, "p99");
  EXPECT_EQ(t.value().op, CmpOp::Less);
  EXPECT_DOUBLE_EQ(t.value().value, 50000);
  t = parse_threshold("uncorrected_p99.9 <= 1.5s");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t.value().metric, "uncorrected_p99.9");
  EXPECT_EQ(t.value().op, CmpOp::LessEqual);
  EXPECT_DOUBLE_EQ(t.value().value, 1.5e6);
  t = parse_threshold("error_rate<1%");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_DOUBLE_EQ(t.value().value, 1);
}

TEST(ThresholdTest, EvaluatesAgainstAReport) {
  const Report r = sample();
  std::vector<Threshold> ts;
  for (const char* s : {"p99<200ms", "p50>=10ms", "duplicates==0", "missing==0", "error_rate<=1%", "rate>=99",
                        "uncorrected_max<1ms", "errors!=10"})
    ts.push_back(parse_threshold(s).value());
  const auto res = evaluate(ts, r);
  EXPECT_TRUE(res[0].pass);
  EXPECT_TRUE(res[1].pass);
  EXPECT_TRUE(res[2].pass);
  EXPECT_FALSE(res[3].pass);      // 2 finalized events missing
  EXPECT_TRUE(res[4].pass);       // exactly 1 %
  EXPECT_TRUE(res[5].pass);       // 99 ok/s
  EXPECT_TRUE(res[6].pass);
  EXPECT_FALSE(res[7].pass);
  EXPECT_NEAR(*res[0].actual, 99000, 100);
}

TEST(ThresholdTest, MissingFigureFails) {
  Report r = sample();
  r.webhooks.reset();
  const auto res = evaluate({parse_threshold("duplicates==0").value(), parse_threshold("sent_p99<1s").value()}, r);
  EXPECT_FALSE(res[0].pass);
  EXPECT_FALSE(res[0].actual.has_value());
  EXPECT_FALSE(res[1].pass);
}

TEST(ThresholdBadConfigTest, RejectsMalformedThresholds) {
  for (const char* bad : {"p99", "<50ms", "p99<50", "p99<fast", "latency<5ms", "duplicates==x", "p101<1s",
                          "duplicates==-1", "pxx<1ms", "error_rate<abc%"})
    EXPECT_FALSE(parse_threshold(bad).ok()) << bad;
}

namespace {

// loadgen's webhook duplicates are named apart from the mock's SMS `duplicates` verdict; the old
// name still works, with a deprecation the CLI prints.
TEST(ThresholdTest, DuplicatesIsADeprecatedAliasOfDuplicateEvents) {
  const auto current = parse_threshold("duplicate_events==0");
  ASSERT_TRUE(current.ok());
  EXPECT_TRUE(current.value().deprecation.empty());
  const auto old = parse_threshold("duplicates==0");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old.value().metric, "duplicate_events");
  EXPECT_NE(old.value().deprecation.find("duplicate_events"), std::string::npos);
}

}  // namespace

// The spelling: a percentage of errors or of ok answers is their rate.
TEST(ThresholdTest, ErrorAndOkPercentagesAreRates) {
  auto t = parse_threshold("errors<1%");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t.value().metric, "error_rate");
  t = parse_threshold("ok>=99%");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(t.value().metric, "ok_rate");
  EXPECT_EQ(parse_threshold("errors<5").value().metric, "errors");   // a count without '%'
  Report r = sample();   // 990 ok, 10 status errors of 1,000
  r.run.completed += 20; // and 20 probes refused, which neither rate counts
  r.run.probes = 20;
  const auto res = evaluate({parse_threshold("errors<1%").value(), parse_threshold("ok>=99%").value(),
                             parse_threshold("ok_rate>99.5").value()}, r);
  EXPECT_FALSE(res[0].pass);   // exactly 1 %
  EXPECT_DOUBLE_EQ(*res[0].actual, 1.0);
  EXPECT_TRUE(res[1].pass);
  EXPECT_DOUBLE_EQ(*res[1].actual, 99.0);
  EXPECT_FALSE(res[2].pass);
}

TEST(ThresholdTest, ActualValuesPrintWithTheirUnits) {
  EXPECT_EQ(format_metric("p99", 3503710), "3.50s");
  EXPECT_EQ(format_metric("sent_p50", 1250), "1.25ms");
  EXPECT_EQ(format_metric("error_rate", 0.5), "0.50%");
  EXPECT_EQ(format_metric("rate", 812.34), "812.3/s");
  EXPECT_EQ(format_metric("errors", 12), "12");
  const Report r = sample();
  const std::string s = text_summary(r, evaluate({parse_threshold("p99<1ms").value()}, r));
  const size_t at = s.find("FAIL p99<1ms  (actual 99.0");   // p99 of 100 us .. 100 ms: 99.0Nms
  ASSERT_NE(at, std::string::npos) << s;
  EXPECT_EQ(s.substr(at + 27, 4), "ms)\n") << s;
}

// Errors with no threshold judging them: the summary says so; a covering threshold silences it.
TEST(ThresholdTest, ErrorsWithoutAnErrorThresholdWarn) {
  Report r = sample();
  const auto latency_only = evaluate({parse_threshold("p99<1s").value()}, r);
  EXPECT_NE(error_warning(r, latency_only).find("10 requests failed (1.00%)"), std::string::npos);
  EXPECT_NE(text_summary(r, latency_only).find("warning: 10 requests failed"), std::string::npos);
  EXPECT_EQ(error_warning(r, evaluate({parse_threshold("errors<2%").value()}, r)), "");
  EXPECT_EQ(error_warning(r, evaluate({parse_threshold("status_errors==0").value()}, r)), "");
  r.run.errors = ErrorCounts{};
  EXPECT_EQ(error_warning(r, latency_only), "");
}

// The achieved rate counts answered probes (forged and stale events refused as they should be):
// the intended rate's plan includes them, so leaving them out read the run as slower than it was.
TEST(ThresholdTest, AchievedRateCountsAnsweredProbes) {
  Report r = sample();   // 990 ok in 10 s
  r.intended_rate = 101;
  r.run.completed += 20;
  r.run.probes = 20;
  EXPECT_DOUBLE_EQ(achieved_rate(r), 101.0);
  const auto res = evaluate({parse_threshold("rate>=101").value()}, r);
  EXPECT_TRUE(res[0].pass);
  EXPECT_DOUBLE_EQ(*res[0].actual, 101.0);
  EXPECT_NE(text_summary(r, {}).find("rate: 101.0 answered/s (ok and probes) (intended 101.0/s)"), std::string::npos)
      << text_summary(r, {});
  EXPECT_NE(html_report(r, {}).find("(100.0%), probes included"), std::string::npos);
  r.elapsed_seconds = 0;
  EXPECT_DOUBLE_EQ(achieved_rate(r), 0.0);
}
