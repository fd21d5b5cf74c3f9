// Rendering a Report for people: the final text summary, the live progress line, and the
// self-contained HTML page (inline SVG, no scripts, no network). Pure: strings in, strings out.
#pragma once
#include <string>
#include <vector>
#include "loadgen/report/report.h"
#include "loadgen/report/thresholds.h"
#include "loadgen/run/progress.h"

namespace harness::loadgen {

// "850us", "1.25ms", "2.00s"
std::string format_us(double us);

// A metric's value with its unit: "1.25ms", "0.50%", "812.3/s", "12".
std::string format_metric(const std::string& metric, double v);
// Non-empty when the run had errors and no threshold judges them, or (inbound) events were never
// acknowledged and no events_failed threshold judges them: the warning(s) to print, one a line.
std::string error_warning(const Report& r, const std::vector<ThresholdResult>& thresholds);

std::string text_summary(const Report& r, const std::vector<ThresholdResult>& thresholds);
// One line: elapsed, rate over the last interval, in flight, errors, p99 so far (coarse).
std::string progress_line(const LiveSnapshot& now, const LiveSnapshot& before, double elapsed_s,
                          double interval_s);
std::string html_report(const Report& r, const std::vector<ThresholdResult>& thresholds);

}  // namespace harness::loadgen
