#include "loadgen/report/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <tuple>

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
  std::string out;
  const uint64_t errors = r.run.errors.total();
  if (errors > 0 && !covers_errors(thresholds)) {
    const auto rate = metric_value(r, "error_rate");
    out = "warning: " + std::to_string(errors) + " requests failed (" + format_metric("error_rate", rate.value_or(0)) +
          ") and no threshold covers errors; add one, e.g. --threshold 'error_rate<1%'";
  }
  // Inbound status events are not requests of the run: their failures need their own threshold.
  const uint64_t failed = r.inbound ? r.inbound->events_failed() : 0;
  const bool judged = std::any_of(thresholds.begin(), thresholds.end(),
                                  [](const ThresholdResult& t) { return t.threshold.metric == "events_failed"; });
  if (failed > 0 && !judged) {
    if (!out.empty()) out += '\n';
    out += "warning: " + std::to_string(failed) +
           " events were never acknowledged (every attempt failed) and no threshold covers them; add "
           "--threshold 'events_failed==0'";
  }
  return out;
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
    o << "  rate: " << fmt("%.1f", achieved_rate(r)) << (s.probes ? " answered/s (ok and probes)" : " ok/s");
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
      << in.stale_accepted << ", replies to forged/stale " << in.probe_replies << ", replays accepted past the tolerance "
      << in.replay_accepted << "\n";
    o << "  events by type (delivered/acked/failed): message.received " << in.received_delivered << "/"
      << in.received_acked << "/" << in.received_failed << ", message.sent " << in.sent_delivered << "/" << in.sent_acked
      << "/" << in.sent_failed << ", message.finalized " << in.finalized_delivered << "/" << in.finalized_acked << "/"
      << in.finalized_failed << " (failed outcomes " << in.finalized_outcome_failed << ")\n"
      << "  chaos: status copies duplicate " << in.status_duplicates_sent << ", forged " << in.status_forged_sent
      << ", stale " << in.status_stale_sent << "; reordered " << in.reordered << ", delayed " << in.delayed
      << "; replays " << in.replays_sent << " (refused " << in.replays_refused << ", acked within the tolerance "
      << in.replays_acked << ")\n";
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

// A line chart in inline SVG that scales with the page (viewBox, width 100%): series of (x, y)
// on shared axes, y linear from 0 with round ticks, a legend above the plot.
struct Series {
  std::string name, color;
  std::vector<std::pair<double, double>> pts;
  bool dashed = false;
};

enum class YUnit { Count, PerSecond, Latency };

std::string y_label(YUnit u, double v) {
  if (u == YUnit::Latency) return format_us(v);
  if (v >= 1e6) return fmt("%.1fM", v / 1e6);
  if (v >= 1e4) return fmt("%.0fk", v / 1e3);
  if (v >= 1e3) return fmt("%.1fk", v / 1e3);
  return fmt("%g", v);
}

// A round step (1, 2 or 5 x 10^k) giving about `n` intervals up to `max`.
double nice_step(double max, int n) {
  const double raw = max / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string svg_chart(const std::string& title, const std::string& xlabel, const std::string& ylabel, YUnit yunit,
                      const std::vector<Series>& series, bool log_x,
                      const std::vector<std::pair<double, std::string>>& xticks) {
  const double W = 1000, H = 360, L = 80, R = 20, T = 56, B = 52;
  double xmin = 1e300, xmax = -1e300, ymax = 0;
  for (const auto& s : series)
    for (const auto& [x, y] : s.pts) {
      xmin = std::min(xmin, x); xmax = std::max(xmax, x); ymax = std::max(ymax, y);
    }
  std::ostringstream o;
  o << "<figure><svg viewBox='0 0 " << W << " " << H << "' xmlns='http://www.w3.org/2000/svg' role='img' "
    << "aria-label='" << html_escape(title) << "' font-size='14'>"
    << "<text x='" << L << "' y='20' font-weight='bold' font-size='16'>" << html_escape(title) << "</text>";
  if (xmin > xmax) {
    o << "<text x='" << W / 2 << "' y='" << H / 2 << "' text-anchor='middle'>no data</text></svg></figure>";
    return o.str();
  }
  if (xmax == xmin) xmax = xmin + 1;
  if (ymax <= 0) ymax = 1;
  const double step = nice_step(ymax, 5);
  const double ytop = std::ceil(ymax / step) * step;
  auto fx = [&](double x) {
    return log_x ? L + (std::log10(x) - std::log10(xmin)) / (std::log10(xmax) - std::log10(xmin)) * (W - L - R)
                 : L + (x - xmin) / (xmax - xmin) * (W - L - R);
  };
  auto fy = [&](double y) { return H - B - y / ytop * (H - T - B); };
  for (double y = 0; y <= ytop + step / 2; y += step) {
    o << "<line x1='" << L << "' x2='" << W - R << "' y1='" << fmt("%.1f", fy(y)) << "' y2='" << fmt("%.1f", fy(y))
      << "' stroke='" << (y == 0 ? "#888" : "#e4e4e4") << "'/>"
      << "<text x='" << L - 8 << "' y='" << fmt("%.1f", fy(y) + 5) << "' text-anchor='end' fill='#333'>"
      << html_escape(y_label(yunit, y)) << "</text>";
  }
  o << "<line x1='" << L << "' x2='" << L << "' y1='" << T << "' y2='" << H - B << "' stroke='#888'/>";
  for (const auto& [x, label] : xticks)
    if (x >= xmin && x <= xmax)
      o << "<line x1='" << fmt("%.1f", fx(x)) << "' x2='" << fmt("%.1f", fx(x)) << "' y1='" << H - B << "' y2='"
        << H - B + 5 << "' stroke='#888'/><text x='" << fmt("%.1f", fx(x)) << "' y='" << H - B + 22
        << "' text-anchor='middle' fill='#333'>" << html_escape(label) << "</text>";
  o << "<text x='" << (L + W - R) / 2 << "' y='" << H - 6 << "' text-anchor='middle' fill='#333'>"
    << html_escape(xlabel) << "</text>"
    << "<text transform='translate(18," << (T + H - B) / 2 << ") rotate(-90)' text-anchor='middle' fill='#333'>"
    << html_escape(ylabel) << "</text>";
  double lx = L;
  for (const auto& s : series) {
    o << "<polyline fill='none' stroke='" << s.color << "' stroke-width='2'"
      << (s.dashed ? " stroke-dasharray='6 4'" : "") << " points='";
    for (const auto& [x, y] : s.pts) o << fmt("%.1f", fx(x)) << "," << fmt("%.1f", fy(y)) << " ";
    o << "'/>";
    o << "<rect x='" << lx << "' y='32' width='14' height='4' fill='" << s.color << "'/>"
      << "<text x='" << lx + 20 << "' y='39' fill='#333'>" << html_escape(s.name) << "</text>";
    lx += 40 + 8.0 * static_cast<double>(s.name.size());
  }
  o << "</svg></figure>";
  return o.str();
}

std::string pct(uint64_t n, uint64_t of) {
  return of ? fmt("%.2f%%", 100.0 * static_cast<double>(n) / static_cast<double>(of)) : std::string("-");
}

// One row of the summary table: name, value, note.
void row(std::ostringstream& o, const std::string& name, const std::string& value, const std::string& note = "",
         const char* cls = nullptr) {
  o << "<tr" << (cls ? std::string(" class='") + cls + "'" : std::string()) << "><th>" << html_escape(name)
    << "</th><td class='num'>" << html_escape(value) << "</td><td>" << html_escape(note) << "</td></tr>";
}

void latency_rows(std::ostringstream& o, const std::string& name, const core::Histogram& h) {
  o << "<tr><th>" << html_escape(name) << "</th>";
  if (h.total_count() == 0) {
    o << "<td class='num'>0</td><td colspan='7'>no samples</td></tr>";
    return;
  }
  o << "<td class='num'>" << h.total_count() << "</td><td class='num'>" << format_us(h.mean()) << "</td>";
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9})
    o << "<td class='num'>" << format_us(static_cast<double>(h.value_at_percentile(p))) << "</td>";
  o << "<td class='num'>" << format_us(static_cast<double>(h.max())) << "</td></tr>";
}

}  // namespace

std::string html_report(const Report& r, const std::vector<ThresholdResult>& thresholds) {
  const auto& s = r.run;
  std::ostringstream o;
  o << "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
    << "<meta name='viewport' content='width=device-width, initial-scale=1'><title>telnyx-loadgen report</title>"
    << "<style>"
       "body{font-family:system-ui,sans-serif;margin:0 auto;padding:1.5em;max-width:1400px;color:#222;line-height:1.4}"
       "h1{margin:0 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}"
       ".meta{color:#555}.verdict{padding:.6em 1em;border-radius:6px;font-weight:bold;margin:1em 0}"
       ".verdict.pass{background:#e6f4e6;color:#064}.verdict.fail{background:#fbe4e4;color:#900}"
       ".verdict.warn{background:#fff4d6;color:#7a5200}"
       ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:1.2em}"
       "table{border-collapse:collapse;width:100%}th,td{padding:.3em .6em;border-bottom:1px solid #eee;text-align:left;"
       "vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
       "tr.bad td,tr.bad th{color:#b00}tr.pass td:first-child{color:#064}tr.fail td:first-child{color:#b00}"
       ".wide{overflow-x:auto}figure{margin:1em 0}svg{width:100%;height:auto;display:block}"
       "pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
       "</style></head><body>";
  o << "<h1>telnyx-loadgen report</h1><p class='meta'>" << html_escape(r.mode)
    << (r.closed_loop ? " (closed loop)" : " (open loop)") << ", " << fmt("%.2f", r.elapsed_seconds) << " s, shards "
    << r.shards.size() << "/" << r.shard_count << "</p>";

  // Verdict first: thresholds, then the unjudged-errors warning.
  bool all_pass = true;
  for (const auto& t : thresholds) all_pass = all_pass && t.pass;
  const std::string warn = error_warning(r, thresholds);
  if (!thresholds.empty())
    o << "<div class='verdict " << (all_pass ? "pass" : "fail") << "'>" << (all_pass ? "PASS" : "FAIL") << ": "
      << std::count_if(thresholds.begin(), thresholds.end(), [](const auto& t) { return t.pass; }) << " of "
      << thresholds.size() << " thresholds met</div>";
  if (!warn.empty()) {
    std::string w = html_escape(warn);
    for (size_t at = w.find('\n'); at != std::string::npos; at = w.find('\n', at)) w.replace(at, 1, "<br>");
    o << "<div class='verdict warn'>" << w << "</div>";
  }

  // The summary: k6-style key numbers, errors by kind and status, latency percentiles.
  const uint64_t judged = s.completed + s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout - s.probes;
  o << "<h2>Summary</h2><div class='grid'><div><table>";
  row(o, "requests issued", std::to_string(s.issued), "planned " + std::to_string(s.planned) + ", unsent " + std::to_string(s.unsent));
  row(o, "ok (2xx)", std::to_string(s.ok), pct(s.ok, judged));
  row(o, "errors", std::to_string(s.errors.total()), pct(s.errors.total(), judged), s.errors.total() ? "bad" : nullptr);
  if (r.elapsed_seconds > 0)
    row(o, "achieved rate", fmt("%.1f/s", achieved_rate(r)),
        r.intended_rate > 0 ? "intended " + fmt("%.1f/s", r.intended_rate) + " (" +
                                  fmt("%.1f%%", 100.0 * achieved_rate(r) / r.intended_rate) + ")" + (s.probes ? ", probes included" : "")
                            : std::string("closed loop: as fast as answers came"));
  if (s.retries) row(o, "retries", std::to_string(s.retries));
  if (s.probes) row(o, "probes answered", std::to_string(s.probes), "forged or stale events (inbound chaos)");
  o << "</table></div><div><table><tr><th>errors by kind</th><td class='num'>count</td><td></td></tr>";
  for (const auto& [name, n] : {std::pair<const char*, uint64_t>{"connect", s.errors.connect}, {"read", s.errors.read},
                                {"write", s.errors.write}, {"timeout", s.errors.timeout}, {"status (non-2xx)", s.errors.status}})
    row(o, name, std::to_string(n), pct(n, judged), n ? "bad" : nullptr);
  for (const auto& [code, n] : s.status_counts)
    row(o, "HTTP " + std::to_string(code), std::to_string(n), pct(n, s.completed),
        (code < 200 || code >= 300) && !s.probes ? "bad" : nullptr);
  o << "</table></div></div>";
  o << "<h3>Latency</h3><div class='wide'><table><tr><th></th><td class='num'>n</td><td class='num'>mean</td>"
       "<td class='num'>p50</td><td class='num'>p90</td><td class='num'>p95</td><td class='num'>p99</td>"
       "<td class='num'>p99.9</td><td class='num'>max</td></tr>";
  latency_rows(o, "corrected (from due time)", s.corrected);
  latency_rows(o, "uncorrected (from send)", s.uncorrected);
  if (s.retries) latency_rows(o, "first attempt", s.first_attempt);
  if (r.webhooks) {
    latency_rows(o, "send -> message.sent", r.webhooks->to_sent);
    latency_rows(o, "send -> message.finalized", r.webhooks->to_finalized);
  }
  if (r.inbound) latency_rows(o, "event -> first reply", r.inbound->reply_latency);
  o << "</table></div>";

  if (r.webhooks) {
    const auto& w = *r.webhooks;
    o << "<h3>Webhook accounting</h3><div class='grid'><div><table>";
    row(o, "sends registered", std::to_string(w.registered));
    row(o, "events received", std::to_string(w.events), "sent " + std::to_string(w.sent_events) + ", finalized " +
        std::to_string(w.finalized_events) + ", other " + std::to_string(w.received_events));
    row(o, "matched message.sent", std::to_string(w.matched_sent), pct(w.matched_sent, w.registered));
    row(o, "matched message.finalized", std::to_string(w.matched_finalized), pct(w.matched_finalized, w.registered));
    o << "</table></div><div><table>";
    row(o, "missing message.sent", std::to_string(w.missing_sent), "", w.missing_sent ? "bad" : nullptr);
    row(o, "missing message.finalized", std::to_string(w.missing_finalized), "", w.missing_finalized ? "bad" : nullptr);
    row(o, "duplicate events", std::to_string(w.duplicates));
    row(o, "out of order", std::to_string(w.out_of_order), "message.finalized before message.sent");
    row(o, "orphans", std::to_string(w.orphans), "", w.orphans ? "bad" : nullptr);
    row(o, "bad signatures", std::to_string(w.bad_signatures), "", w.bad_signatures ? "bad" : nullptr);
    row(o, "malformed", std::to_string(w.malformed), "", w.malformed ? "bad" : nullptr);
    o << "</table></div></div>";
  }
  if (r.inbound) {
    const auto& in = *r.inbound;
    o << "<h3>Inbound accounting</h3><div class='grid'><div><table>";
    row(o, "events sent", std::to_string(in.events), "acknowledged " + std::to_string(in.injected));
    row(o, "duplicates sent", std::to_string(in.duplicates_sent), "same data.id again");
    row(o, "forged / stale sent", std::to_string(in.forged_sent) + " / " + std::to_string(in.stale_sent), "must be refused");
    row(o, "acks failed", std::to_string(in.acks_failed), "attempts answered non-2xx", in.acks_failed ? "bad" : nullptr);
    row(o, "acks late", std::to_string(in.acks_late), "no answer within the deadline", in.acks_late ? "bad" : nullptr);
    o << "</table></div><div><table>";
    row(o, "replies matched", std::to_string(in.replies_matched));
    row(o, "replies missing", std::to_string(in.replies_missing), "", in.replies_missing ? "bad" : nullptr);
    row(o, "double replies", std::to_string(in.double_replies), "exactly one reply per event is right", in.double_replies ? "bad" : nullptr);
    row(o, "findings", std::to_string(in.findings()), "forged accepted " + std::to_string(in.forged_accepted) +
        ", stale accepted " + std::to_string(in.stale_accepted) + ", replies to them " + std::to_string(in.probe_replies) +
        ", replays accepted past the tolerance " + std::to_string(in.replay_accepted),
        in.findings() ? "bad" : nullptr);
    o << "</table></div></div>";
    // The full event mix: genuine events by type, then the chaos beyond message.received's.
    o << "<h3>Events by type</h3><div class='grid'><div><table><tr><th>event</th><td class='num'>delivered</td>"
         "<td class='num'>acknowledged</td><td class='num'>failed</td></tr>";
    for (const auto& [name, d, a, f] : {std::tuple<const char*, uint64_t, uint64_t, uint64_t>{"message.received", in.received_delivered, in.received_acked, in.received_failed},
                                        {"message.sent", in.sent_delivered, in.sent_acked, in.sent_failed},
                                        {"message.finalized", in.finalized_delivered, in.finalized_acked, in.finalized_failed}})
      o << "<tr" << (f ? " class='bad'" : "") << "><th>" << name << "</th><td class='num'>" << d << "</td><td class='num'>" << a
        << "</td><td class='num'>" << f << "</td></tr>";
    o << "</table></div><div><table>";
    row(o, "failed outcomes", std::to_string(in.finalized_outcome_failed), "message.finalized with delivery_failed / sending_failed");
    row(o, "reordered", std::to_string(in.reordered), "message.finalized delivered before message.sent");
    row(o, "delayed", std::to_string(in.delayed), "deliveries held back on purpose");
    row(o, "status copies", std::to_string(in.status_duplicates_sent) + " / " + std::to_string(in.status_forged_sent) + " / " +
        std::to_string(in.status_stale_sent), "duplicate / forged / stale");
    row(o, "replays", std::to_string(in.replays_sent), "refused " + std::to_string(in.replays_refused) +
        ", acked within the tolerance " + std::to_string(in.replays_acked) + ", accepted past it " +
        std::to_string(in.replay_accepted), in.replay_accepted ? "bad" : nullptr);
    o << "</table></div></div>";
  }
  if (!thresholds.empty()) {
    o << "<h3>Thresholds</h3><table><tr><th>verdict</th><th>threshold</th><td class='num'>actual</td></tr>";
    for (const auto& t : thresholds)
      o << "<tr class='" << (t.pass ? "pass" : "fail") << "'><td>" << (t.pass ? "PASS" : "FAIL") << "</td><td>"
        << html_escape(t.threshold.text) << "</td><td class='num'>"
        << html_escape(t.actual ? format_metric(t.threshold.metric, *t.actual) : "n/a") << "</td></tr>";
    o << "</table>";
  }

  // Over time. Throughput by completion second shows what the server achieved when (a collapse
  // shows where it happened); latency is by the second the sends were due.
  const auto& slots = r.run.timeline.slots;
  Series done_ok{"ok/s (completed)", "#2ca02c", {}}, done_err{"errors/s (completed)", "#d62728", {}},
      due{"due/s (intended)", "#1f77b4", {}, true};
  Series mean{"mean (corrected)", "#1f77b4", {}}, p99{"p99 (log2 bucket bound)", "#d62728", {}},
      mx{"max", "#7f7f7f", {}};
  for (size_t i = 0; i < slots.size(); ++i) {
    const auto& sl = slots[i];
    const double t = static_cast<double>(i) + 0.5;   // the middle of second i
    uint64_t n = 0;
    for (auto c : sl.coarse) n += c;
    if (n > 0) {
      mean.pts.emplace_back(t, static_cast<double>(sl.latency_sum_us) / static_cast<double>(n));
      p99.pts.emplace_back(t, static_cast<double>(coarse_percentile(sl.coarse, 99)));
      mx.pts.emplace_back(t, static_cast<double>(sl.latency_max_us));
    }
    done_ok.pts.emplace_back(t, static_cast<double>(sl.done_ok));
    done_err.pts.emplace_back(t, static_cast<double>(sl.done_errors));
    if (!r.closed_loop) due.pts.emplace_back(t, static_cast<double>(sl.sent));
  }
  std::vector<std::pair<double, std::string>> tticks;
  const size_t tstep = std::max<size_t>(1, static_cast<size_t>(nice_step(static_cast<double>(std::max<size_t>(1, slots.size())), 10)));
  for (size_t i = 0; i <= slots.size(); i += tstep) tticks.emplace_back(static_cast<double>(i), std::to_string(i) + "s");
  std::vector<Series> thr = {done_ok, done_err};
  if (!r.closed_loop) thr.push_back(due);
  o << "<h2>Over time</h2>"
    << svg_chart("Throughput by completion second", "seconds since start", "requests per second", YUnit::PerSecond, thr,
                 false, tticks)
    << svg_chart("Latency by due second", "seconds since start (when the sends were due)", "latency", YUnit::Latency,
                 {mean, p99, mx}, false, tticks);

  // Percentile distribution (HDR style: x = 1/(1-p), log scale), corrected vs uncorrected.
  auto dist = [](const std::string& name, const std::string& color, const core::Histogram& h) {
    Series d{name, color, {}};
    if (h.total_count() == 0) return d;
    for (double p : {0.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999})
      d.pts.emplace_back(1.0 / (1.0 - p / 100.0), static_cast<double>(h.value_at_percentile(p)));
    return d;
  };
  const std::vector<std::pair<double, std::string>> pticks = {
      {1, "0%"}, {2, "50%"}, {10, "90%"}, {100, "99%"}, {1000, "99.9%"}, {10000, "99.99%"}, {100000, "99.999%"}};
  std::vector<Series> ds = {dist("corrected", "#d62728", r.run.corrected), dist("uncorrected", "#1f77b4", r.run.uncorrected)};
  if (r.webhooks) {
    ds.push_back(dist("send->sent", "#2ca02c", r.webhooks->to_sent));
    ds.push_back(dist("send->finalized", "#9467bd", r.webhooks->to_finalized));
  }
  o << svg_chart("Latency by percentile", "percentile (log scale)", "latency", YUnit::Latency, ds, true, pticks);
  o << "<p>Corrected latency is charged from the time the plan said each request was due, so a "
       "stalled server cannot hide the requests it delayed (coordinated omission); uncorrected "
       "latency is measured from the actual send, for contrast.</p>";
  o << "<details><summary>Text summary</summary><pre>" << html_escape(text_summary(r, thresholds)) << "</pre></details>";
  o << "</body></html>\n";
  return o.str();
}

}  // namespace harness::loadgen
