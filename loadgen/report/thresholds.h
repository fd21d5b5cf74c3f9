// Pass/fail criteria for CI: "p99<50ms", "p99.9<=1s", "duplicate_events==0", "error_rate<1%"
// (also written "errors<1%"), "ok_rate>=99%" (also "ok>=99%").
// Owns parsing a threshold (validated before the run starts) and evaluating it on a Report.
// Metric names are listed in loadgen/REPORT.md; latencies take us/ms/s units and are compared
// in microseconds, rates take an optional '%'.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "core/expected.h"
#include "loadgen/report/report.h"

namespace harness::loadgen {

enum class CmpOp { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

struct Threshold {
  std::string text;     // as given
  std::string metric;
  CmpOp op = CmpOp::Less;
  double value = 0;     // latency metrics: microseconds; error_rate, ok_rate: percent
  std::string deprecation;   // set when the text used a deprecated alias: warn, still evaluate
};

core::Expected<Threshold, std::string> parse_threshold(std::string_view text);
// The metric's value in the report; nullopt when the report has no such figure (e.g. webhook
// metrics of a run without the receiver), which fails the threshold.
std::optional<double> metric_value(const Report& r, const std::string& metric);
bool is_known_metric(const std::string& metric);

// How a metric's value reads: latencies in microseconds (printed 850us / 1.25ms / 2.00s),
// percentages, rates per second, or plain counts.
enum class MetricUnit { Latency, Percent, PerSecond, Count };
MetricUnit unit_of(const std::string& metric);

struct ThresholdResult {
  Threshold threshold;
  std::optional<double> actual;
  bool pass = false;
};
std::vector<ThresholdResult> evaluate(const std::vector<Threshold>& ts, const Report& r);

// True when one of the thresholds judges errors (errors, error_rate, ok_rate, or a count of one
// kind of error).
bool covers_errors(const std::vector<ThresholdResult>& ts);

}  // namespace harness::loadgen
