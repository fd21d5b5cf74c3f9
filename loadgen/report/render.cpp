#include "loadgen/report/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace harness::loadgen {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

constexpr double kPercentiles[] = {50, 75, 90, 99, 99.9, 99.99, 100};

void latency_table(std::ostringstream& o, const char* name, const core::Histogram& h) {
  o << "  " << name;
  if (h.total_count() == 0) {
    o << "  (no samples)\n";
    return;
  }
  o << "  n=" << h.total_count() << "  mean=" << format_us(h.mean());
  for (double p : kPercentiles) {
    if (p == 100) o << "  max=" << format_us(static_cast<double>(h.max()));
    else o << "  p" << fmt("%g", p) << "=" << format_us(static_cast<double>(h.value_at_percentile(p)));
  }
  o << "\n";
}

}  // namespace

std::string format_us(double us) {
  if (us < 1000) return fmt("%.0fus", us);
  if (us < 1e6) return fmt("%.2fms", us / 1e3);
  return fmt("%.2fs", us / 1e6);
}

std::string format_metric(const std::string& metric, double v) {
  switch (unit_of(metric)) {
    case MetricUnit::Latency: return format_us(v);
    case MetricUnit::Percent: return fmt("%.2f%%", v);
    case MetricUnit::PerSecond: return fmt("%.1f/s", v);
    case MetricUnit::Count: break;
  }
  return v == std::floor(v) && std::fabs(v) < 1e15 ? fmt("%.0f", v) : fmt("%g", v);
}

std::string error_warning(const Report& r, const std::vector<ThresholdResult>& thresholds) {
  const uint64_t errors = r.run.errors.total();
  if (errors == 0 || covers_errors(thresholds)) return {};
  const auto rate = metric_value(r, "error_rate");
  return "warning: " + std::to_string(errors) + " requests failed (" + format_metric("error_rate", rate.value_or(0)) +
         ") and no threshold covers errors; add one, e.g. --threshold 'error_rate<1%'";
}

std::string text_summary(const Report& r, const std::vector<ThresholdResult>& thresholds) {
  std::ostringstream o;
  const auto& s = r.run;
  o << "telnyx-loadgen " << r.mode << (r.closed_loop ? " (closed loop)" : " (open loop)")
    << ", shards " << r.shards.size() << "/" << r.shard_count << ", " << fmt("%.2f", r.elapsed_seconds) << " s\n";
  o << "  requests: planned " << s.planned << ", issued " << s.issued << ", completed " << s.completed
    << ", ok " << s.ok << ", unsent " << s.unsent << ", retries " << s.retries;
  if (s.probes > 0) o << ", probes " << s.probes;
  o << "\n";
  if (r.elapsed_seconds > 0) {
    o << "  rate: " << fmt("%.1f", static_cast<double>(s.ok) / r.elapsed_seconds) << " ok/s";
    if (r.intended_rate > 0) o << " (intended " << fmt("%.1f", r.intended_rate) << "/s)";
    o << "\n";
  }
  o << "  errors: connect " << s.errors.connect << ", read " << s.errors.read << ", write "
    << s.errors.write << ", timeout " << s.errors.timeout << ", status " << s.errors.status << "\n";
  if (!s.status_counts.empty()) {
    o << "  status:";
    for (const auto& [code, n] : s.status_counts) o << " " << code << "=" << n;
    o << "\n";
  }
  o << "latency (corrected: from the intended send time):\n";
  latency_table(o, "corrected  ", s.corrected);
  latency_table(o, "uncorrected", s.uncorrected);
  if (s.retries > 0) latency_table(o, "first-try  ", s.first_attempt);
  if (r.webhooks) {
    const auto& w = *r.webhooks;
    o << "webhooks: registered " << w.registered << ", events " << w.events << " (sent " << w.sent_events
      << ", finalized " << w.finalized_events << ", other " << w.received_events << ")\n"
      << "  duplicate events " << w.duplicates << ", out-of-order " << w.out_of_order << ", orphans " << w.orphans
      << ", missing sent " << w.missing_sent << ", missing finalized " << w.missing_finalized
      << ", bad signatures " << w.bad_signatures << ", malformed " << w.malformed
      << ", acks failed on purpose " << w.acks_failed << "\n";
    latency_table(o, "send->sent     ", w.to_sent);
    latency_table(o, "send->finalized", w.to_finalized);
  }
  if (r.inbound) {
    const auto& in = *r.inbound;
    o << "inbound: events " << in.events << " (acknowledged " << in.injected << "), duplicates sent "
      << in.duplicates_sent << ", forged sent " << in.forged_sent << ", stale sent " << in.stale_sent << "\n"
      << "  acks: failed " << in.acks_failed << ", late " << in.acks_late << "\n"
      << "  replies: matched " << in.replies_matched << ", missing " << in.replies_missing
      << ", double " << in.double_replies << "\n"
      << "  findings " << in.findings() << ": forged accepted " << in.forged_accepted << ", stale accepted "
      << in.stale_accepted << ", replies to forged/stale " << in.probe_replies << "\n";
    latency_table(o, "event->reply", in.reply_latency);
  }
  if (!thresholds.empty()) {
    o << "thresholds:\n";
    for (const auto& t : thresholds)
      o << "  " << (t.pass ? "PASS " : "FAIL ") << t.threshold.text << "  (actual "
        << (t.actual ? format_metric(t.threshold.metric, *t.actual) : std::string("n/a")) << ")\n";
  }
  const std::string warn = error_warning(r, thresholds);
  if (!warn.empty()) o << warn << "\n";
  return o.str();
}

std::string progress_line(const LiveSnapshot& now, const LiveSnapshot& before, double elapsed_s,
                          double interval_s) {
  const double rate = interval_s > 0 ? static_cast<double>(now.completed - before.completed) / interval_s : 0;
  return fmt("[%6.1fs] ", elapsed_s) + "rate " + fmt("%.0f", rate) + "/s  issued " +
         std::to_string(now.issued) + "  in-flight " + std::to_string(now.in_flight) + "  errors " +
         std::to_string(now.errors) + "  p99<=" +
         format_us(static_cast<double>(coarse_percentile(now.coarse, 99)));
}

namespace {

// A small line chart: series of (x, y) with a shared axis, y linear from 0.
struct Series {
  std::string name, color;
  std::vector<std::pair<double, double>> pts;
};

std::string svg_chart(const std::string& title, const std::string& xlabel, const std::string& ylabel,
                      const std::vector<Series>& series, bool log_x, const std::vector<std::pair<double, std::string>>& xticks) {
  const double W = 760, H = 300, L = 70, R = 20, T = 30, B = 45;
  double xmin = 1e300, xmax = -1e300, ymax = 0;
  for (const auto& s : series)
    for (const auto& [x, y] : s.pts) {
      xmin = std::min(xmin, x); xmax = std::max(xmax, x); ymax = std::max(ymax, y);
    }
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H << "' role='img'>"
    << "<text x='" << W / 2 << "' y='18' text-anchor='middle' font-weight='bold'>" << html_escape(title) << "</text>";
  if (xmin > xmax) {
    o << "<text x='" << W / 2 << "' y='" << H / 2 << "' text-anchor='middle'>no data</text></svg>";
    return o.str();
  }
  if (xmax == xmin) xmax = xmin + 1;
  if (ymax <= 0) ymax = 1;
  auto fx = [&](double x) {
    return log_x ? L + (std::log10(x) - std::log10(xmin)) / (std::log10(xmax) - std::log10(xmin)) * (W - L - R)
                 : L + (x - xmin) / (xmax - xmin) * (W - L - R);
  };
  auto fy = [&](double y) { return H - B - y / ymax * (H - T - B); };
  o << "<rect x='" << L << "' y='" << T << "' width='" << W - L - R << "' height='" << H - T - B
    << "' fill='none' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    const double y = ymax * i / 4;
    o << "<text x='" << L - 5 << "' y='" << fy(y) + 4 << "' text-anchor='end' font-size='11'>"
      << html_escape(ylabel == "latency" ? format_us(y) : fmt("%.0f", y)) << "</text>"
      << "<line x1='" << L << "' x2='" << W - R << "' y1='" << fy(y) << "' y2='" << fy(y) << "' stroke='#eee'/>";
  }
  for (const auto& [x, label] : xticks)
    if (x >= xmin && x <= xmax)
      o << "<text x='" << fx(x) << "' y='" << H - B + 15 << "' text-anchor='middle' font-size='11'>"
        << html_escape(label) << "</text>";
  o << "<text x='" << (L + W - R) / 2 << "' y='" << H - 8 << "' text-anchor='middle' font-size='12'>"
    << html_escape(xlabel) << "</text>";
  int legend = 0;
  for (const auto& s : series) {
    o << "<polyline fill='none' stroke='" << s.color << "' stroke-width='1.5' points='";
    for (const auto& [x, y] : s.pts) o << fmt("%.1f", fx(x)) << "," << fmt("%.1f", fy(y)) << " ";
    o << "'/>";
    o << "<text x='" << L + 10 + 170 * legend++ << "' y='" << T + 15 << "' fill='" << s.color
      << "' font-size='12'>" << html_escape(s.name) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace

std::string html_report(const Report& r, const std::vector<ThresholdResult>& thresholds) {
  std::ostringstream o;
  o << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>telnyx-loadgen report</title>"
    << "<style>body{font-family:sans-serif;margin:2em;max-width:820px}pre{background:#f6f6f6;padding:1em;"
       "overflow-x:auto}.pass{color:#080}.fail{color:#b00}</style></head><body>"
    << "<h1>telnyx-loadgen report</h1>";
  if (!thresholds.empty()) {
    o << "<h2>Thresholds</h2><ul>";
    for (const auto& t : thresholds)
      o << "<li class='" << (t.pass ? "pass" : "fail") << "'>" << (t.pass ? "PASS " : "FAIL ")
        << html_escape(t.threshold.text) << " (actual " << (t.actual ? format_metric(t.threshold.metric, *t.actual) : "n/a") << ")</li>";
    o << "</ul>";
  }
  o << "<h2>Summary</h2><pre>" << html_escape(text_summary(r, thresholds)) << "</pre>";

  // Latency over time, by the second in which the sends were due.
  Series mean{"mean (corrected)", "#1f77b4", {}}, p99{"p99 (log2 bucket bound)", "#d62728", {}},
      mx{"max", "#7f7f7f", {}};
  Series sent{"sent/s", "#1f77b4", {}}, okk{"ok/s", "#2ca02c", {}}, err{"errors/s", "#d62728", {}};
  std::vector<std::pair<double, std::string>> tticks;
  const auto& slots = r.run.timeline.slots;
  for (size_t i = 0; i < slots.size(); ++i) {
    const auto& s = slots[i];
    const double t = static_cast<double>(i);
    uint64_t n = 0;
    for (auto c : s.coarse) n += c;
    if (n > 0) {
      mean.pts.emplace_back(t, static_cast<double>(s.latency_sum_us) / static_cast<double>(n));
      p99.pts.emplace_back(t, static_cast<double>(coarse_percentile(s.coarse, 99)));
      mx.pts.emplace_back(t, static_cast<double>(s.latency_max_us));
    }
    sent.pts.emplace_back(t, static_cast<double>(s.sent));
    okk.pts.emplace_back(t, static_cast<double>(s.ok));
    err.pts.emplace_back(t, static_cast<double>(s.errors));
  }
  const size_t step = std::max<size_t>(1, slots.size() / 10);
  for (size_t i = 0; i < slots.size(); i += step) tticks.emplace_back(static_cast<double>(i), std::to_string(i) + "s");
  o << "<h2>Latency over time</h2>" << svg_chart("latency by due second", "seconds since start", "latency", {mean, p99, mx}, false, tticks);
  o << "<h2>Throughput over time</h2>" << svg_chart("requests per second", "seconds since start", "count", {sent, okk, err}, false, tticks);

  // Percentile distribution (HDR style: x = 1/(1-p), log scale), corrected vs uncorrected.
  auto dist = [](const std::string& name, const std::string& color, const core::Histogram& h) {
    Series s{name, color, {}};
    if (h.total_count() == 0) return s;
    for (double p : {0.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999})
      s.pts.emplace_back(1.0 / (1.0 - p / 100.0), static_cast<double>(h.value_at_percentile(p)));
    return s;
  };
  const std::vector<std::pair<double, std::string>> pticks = {
      {1, "0%"}, {2, "50%"}, {10, "90%"}, {100, "99%"}, {1000, "99.9%"}, {10000, "99.99%"}, {100000, "99.999%"}};
  std::vector<Series> ds = {dist("corrected", "#d62728", r.run.corrected), dist("uncorrected", "#1f77b4", r.run.uncorrected)};
  if (r.webhooks) {
    ds.push_back(dist("send->sent", "#2ca02c", r.webhooks->to_sent));
    ds.push_back(dist("send->finalized", "#9467bd", r.webhooks->to_finalized));
  }
  o << "<h2>Latency by percentile</h2>" << svg_chart("latency distribution", "percentile", "latency", ds, true, pticks);
  o << "<p>Corrected latency is charged from the time the plan said each request was due, so a "
       "stalled server cannot hide the requests it delayed (coordinated omission); uncorrected "
       "latency is measured from the actual write, for contrast.</p></body></html>\n";
  return o.str();
}

}  // namespace harness::loadgen
