#include "loadgen/report/thresholds.h"

#include <cmath>
#include <cstdlib>

namespace harness::loadgen {
namespace {

// "p99", "p99.9", "uncorrected_p99", "sent_p50", "finalized_max" -> histogram + percentile.
struct LatencyMetric {
  const core::Histogram* h = nullptr;
  bool valid = false;
  enum { Percentile, Max, Mean, Min } what = Percentile;
  double p = 0;
};

bool split_latency(const std::string& metric, std::string& prefix, std::string& stat) {
  const size_t us = metric.rfind('_');
  prefix = us == std::string::npos ? "" : metric.substr(0, us);
  stat = us == std::string::npos ? metric : metric.substr(us + 1);
  if (prefix != "" && prefix != "uncorrected" && prefix != "first_attempt" && prefix != "sent" &&
      prefix != "finalized" && prefix != "reply")
    return false;
  if (stat == "max" || stat == "mean" || stat == "min") return true;
  if (stat.size() < 2 || stat[0] != 'p') return false;
  char* end = nullptr;
  const double p = std::strtod(stat.c_str() + 1, &end);
  return end == stat.c_str() + stat.size() && p >= 0 && p <= 100;
}

bool is_latency_metric(const std::string& metric) {
  std::string prefix, stat;
  return split_latency(metric, prefix, stat);
}

const char* const kCountMetrics[] = {
    "errors", "error_rate", "ok_rate", "timeouts", "connect_errors", "read_errors", "write_errors",
    "status_errors", "unsent", "issued", "completed", "ok", "retries", "rate",
    "duplicate_events", "missing", "missing_sent", "missing_finalized", "orphans", "out_of_order",
    "bad_signatures", "malformed", "replies_missing", "replies_matched", "double_replies",
    "forged_accepted", "stale_accepted", "probe_replies", "findings", "acks_failed", "acks_late",
    "events_failed", "replay_accepted"};

std::optional<double> parse_number(std::string_view s) {
  std::string t(s);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || std::isnan(v) || std::isinf(v)) return std::nullopt;
  return v;
}

std::optional<double> parse_latency_us(std::string_view s) {
  struct Unit { const char* suffix; double us; };
  for (const Unit u : {Unit{"us", 1}, Unit{"ms", 1e3}, Unit{"s", 1e6}, Unit{"m", 60e6}}) {
    const std::string_view suf(u.suffix);
    if (s.size() > suf.size() && s.substr(s.size() - suf.size()) == suf) {
      const auto v = parse_number(s.substr(0, s.size() - suf.size()));
      if (v) return *v * u.us;
      if (suf == "s") continue;   // "5ms" failed as ms? then it is not "5m" + "s" either
    }
  }
  return std::nullopt;
}

}  // namespace

bool is_known_metric(const std::string& metric) {
  if (is_latency_metric(metric)) return true;
  for (const char* m : kCountMetrics)
    if (metric == m) return true;
  return false;
}

core::Expected<Threshold, std::string> parse_threshold(std::string_view text) {
  Threshold t;
  t.text = std::string(text);
  struct OpText { const char* s; CmpOp op; };
  // Two-character operators first so "<=" is not read as "<".
  const OpText ops[] = {{"<=", CmpOp::LessEqual}, {">=", CmpOp::GreaterEqual}, {"==", CmpOp::Equal},
                        {"!=", CmpOp::NotEqual},  {"<", CmpOp::Less},          {">", CmpOp::Greater}};
  size_t at = std::string_view::npos, len = 0;
  for (const auto& o : ops) {
    const size_t p = text.find(o.s);
    if (p != std::string_view::npos && (at == std::string_view::npos || p < at)) {
      at = p;
      len = std::string_view(o.s).size();
      t.op = o.op;
    }
  }
  if (at == std::string_view::npos || at == 0)
    return core::unexpected("threshold '" + t.text + "' is not <metric><op><value> (ops: < <= > >= == !=)");
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  t.metric = std::string(trim(text.substr(0, at)));
  if (t.metric == "duplicates") {
    // The mock's `duplicates` verdict counts SMS sent twice; this one counts webhook events.
    t.metric = "duplicate_events";
    t.deprecation = "threshold metric 'duplicates' is deprecated, use 'duplicate_events' (the same webhook "
                    "event received twice; the mock's duplicates verdict counts an SMS sent twice)";
  }
  const std::string_view value = trim(text.substr(at + len));
  // A percentage of errors or of ok answers is their rate: "errors<1%", "ok>=99%".
  const bool percent = !value.empty() && value.back() == '%';
  if (percent && t.metric == "errors") t.metric = "error_rate";
  if (percent && t.metric == "ok") t.metric = "ok_rate";
  if (!is_known_metric(t.metric)) return core::unexpected("threshold '" + t.text + "': unknown metric '" + t.metric + "'");
  std::optional<double> v;
  if (is_latency_metric(t.metric)) {
    v = parse_latency_us(value);
    if (!v) return core::unexpected("threshold '" + t.text + "': latency needs a unit (us, ms, s, m)");
  } else if (t.metric == "error_rate" || t.metric == "ok_rate") {
    v = parse_number(!value.empty() && value.back() == '%' ? value.substr(0, value.size() - 1) : value);
  } else {
    v = parse_number(value);
  }
  if (!v || *v < 0) return core::unexpected("threshold '" + t.text + "': bad value '" + std::string(value) + "'");
  t.value = *v;
  return t;
}

std::optional<double> metric_value(const Report& r, const std::string& metric) {
  std::string prefix, stat;
  if (split_latency(metric, prefix, stat)) {
    const core::Histogram* h = nullptr;
    if (prefix.empty()) h = &r.run.corrected;
    else if (prefix == "uncorrected") h = &r.run.uncorrected;
    else if (prefix == "first_attempt") h = &r.run.first_attempt;
    else if (prefix == "sent" && r.webhooks) h = &r.webhooks->to_sent;
    else if (prefix == "finalized" && r.webhooks) h = &r.webhooks->to_finalized;
    else if (prefix == "reply" && r.inbound) h = &r.inbound->reply_latency;
    if (!h || h->total_count() == 0) return std::nullopt;
    if (stat == "max") return static_cast<double>(h->max());
    if (stat == "min") return static_cast<double>(h->min());
    if (stat == "mean") return h->mean();
    return static_cast<double>(h->value_at_percentile(std::strtod(stat.c_str() + 1, nullptr)));
  }
  const auto& s = r.run;
  const double attempts = static_cast<double>(s.completed + s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout);
  if (metric == "errors") return static_cast<double>(s.errors.total());
  // Rates are of the final answers and transport errors that are not probes (inbound chaos).
  const double judged = attempts - static_cast<double>(s.probes);
  if (metric == "error_rate") return judged > 0 ? 100.0 * static_cast<double>(s.errors.total()) / judged : 0.0;
  if (metric == "ok_rate") return judged > 0 ? 100.0 * static_cast<double>(s.ok) / judged : 0.0;
  if (metric == "timeouts") return static_cast<double>(s.errors.timeout);
  if (metric == "connect_errors") return static_cast<double>(s.errors.connect);
  if (metric == "read_errors") return static_cast<double>(s.errors.read);
  if (metric == "write_errors") return static_cast<double>(s.errors.write);
  if (metric == "status_errors") return static_cast<double>(s.errors.status);
  if (metric == "unsent") return static_cast<double>(s.unsent);
  if (metric == "issued") return static_cast<double>(s.issued);
  if (metric == "completed") return static_cast<double>(s.completed);
  if (metric == "ok") return static_cast<double>(s.ok);
  if (metric == "retries") return static_cast<double>(s.retries);
  if (metric == "rate") return achieved_rate(r);
  if (r.inbound) {
    const auto& in = *r.inbound;
    if (metric == "replies_missing") return static_cast<double>(in.replies_missing);
    if (metric == "replies_matched") return static_cast<double>(in.replies_matched);
    if (metric == "double_replies") return static_cast<double>(in.double_replies);
    if (metric == "forged_accepted") return static_cast<double>(in.forged_accepted);
    if (metric == "stale_accepted") return static_cast<double>(in.stale_accepted);
    if (metric == "probe_replies") return static_cast<double>(in.probe_replies);
    if (metric == "findings") return static_cast<double>(in.findings());
    if (metric == "acks_failed") return static_cast<double>(in.acks_failed);
    if (metric == "acks_late") return static_cast<double>(in.acks_late);
    if (metric == "events_failed") return static_cast<double>(in.events_failed());
    if (metric == "replay_accepted") return static_cast<double>(in.replay_accepted);
  }
  if (!r.webhooks) return std::nullopt;
  const auto& w = *r.webhooks;
  if (metric == "duplicate_events") return static_cast<double>(w.duplicates);
  if (metric == "missing") return static_cast<double>(w.missing_sent + w.missing_finalized);
  if (metric == "missing_sent") return static_cast<double>(w.missing_sent);
  if (metric == "missing_finalized") return static_cast<double>(w.missing_finalized);
  if (metric == "orphans") return static_cast<double>(w.orphans);
  if (metric == "out_of_order") return static_cast<double>(w.out_of_order);
  if (metric == "bad_signatures") return static_cast<double>(w.bad_signatures);
  if (metric == "malformed") return static_cast<double>(w.malformed);
  return std::nullopt;
}

MetricUnit unit_of(const std::string& metric) {
  if (is_latency_metric(metric)) return MetricUnit::Latency;
  if (metric == "error_rate" || metric == "ok_rate") return MetricUnit::Percent;
  if (metric == "rate") return MetricUnit::PerSecond;
  return MetricUnit::Count;
}

bool covers_errors(const std::vector<ThresholdResult>& ts) {
  for (const auto& t : ts) {
    const std::string& m = t.threshold.metric;
    if (m == "errors" || m == "error_rate" || m == "ok_rate" || m == "ok" || m == "timeouts" ||
        m == "connect_errors" || m == "read_errors" || m == "write_errors" || m == "status_errors")
      return true;
  }
  return false;
}

std::vector<ThresholdResult> evaluate(const std::vector<Threshold>& ts, const Report& r) {
  std::vector<ThresholdResult> out;
  for (const auto& t : ts) {
    ThresholdResult res{t, metric_value(r, t.metric), false};
    if (res.actual) {
      const double a = *res.actual;
      switch (t.op) {
        case CmpOp::Less: res.pass = a < t.value; break;
        case CmpOp::LessEqual: res.pass = a <= t.value; break;
        case CmpOp::Greater: res.pass = a > t.value; break;
        case CmpOp::GreaterEqual: res.pass = a >= t.value; break;
        case CmpOp::Equal: res.pass = a == t.value; break;
        case CmpOp::NotEqual: res.pass = a != t.value; break;
      }
    }
    out.push_back(res);
  }
  return out;
}

}  // namespace harness::loadgen
