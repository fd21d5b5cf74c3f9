#include "loadgen/report/report.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace harness::loadgen {

namespace {
// The counters of InboundStats, by their JSON names (the histogram apart).
constexpr std::pair<const char*, uint64_t InboundStats::*> kInboundCounters[] = {
    {"events", &InboundStats::events},
    {"duplicates_sent", &InboundStats::duplicates_sent},
    {"forged_sent", &InboundStats::forged_sent},
    {"stale_sent", &InboundStats::stale_sent},
    {"injected", &InboundStats::injected},
    {"acks_failed", &InboundStats::acks_failed},
    {"acks_late", &InboundStats::acks_late},
    {"forged_accepted", &InboundStats::forged_accepted},
    {"stale_accepted", &InboundStats::stale_accepted},
    {"probe_replies", &InboundStats::probe_replies},
    {"replies_matched", &InboundStats::replies_matched},
    {"replies_missing", &InboundStats::replies_missing},
    {"double_replies", &InboundStats::double_replies},
    {"received_delivered", &InboundStats::received_delivered},
    {"received_acked", &InboundStats::received_acked},
    {"received_failed", &InboundStats::received_failed},
    {"sent_delivered", &InboundStats::sent_delivered},
    {"sent_acked", &InboundStats::sent_acked},
    {"sent_failed", &InboundStats::sent_failed},
    {"finalized_delivered", &InboundStats::finalized_delivered},
    {"finalized_acked", &InboundStats::finalized_acked},
    {"finalized_failed", &InboundStats::finalized_failed},
    {"status_duplicates_sent", &InboundStats::status_duplicates_sent},
    {"status_forged_sent", &InboundStats::status_forged_sent},
    {"status_stale_sent", &InboundStats::status_stale_sent},
    {"finalized_outcome_failed", &InboundStats::finalized_outcome_failed},
    {"reordered", &InboundStats::reordered},
    {"delayed", &InboundStats::delayed},
    {"replays_sent", &InboundStats::replays_sent},
    {"replays_refused", &InboundStats::replays_refused},
    {"replays_acked", &InboundStats::replays_acked},
    {"replay_accepted", &InboundStats::replay_accepted},
};
}  // namespace

InboundStats& InboundStats::operator+=(const InboundStats& o) {
  for (const auto& [name, field] : kInboundCounters) this->*field += o.*field;
  if (!reply_latency.add(o.reply_latency)) throw std::invalid_argument("histograms with different configurations");
  return *this;
}

void to_json(core::json& j, const InboundStats& s) {
  j = core::json::object();
  for (const auto& [name, field] : kInboundCounters) j[name] = s.*field;
  j["findings"] = s.findings();
  j["events_failed"] = s.events_failed();
  j["histograms"] = {{"reply_us", s.reply_latency.to_json()}};
}
void from_json(const core::json& j, InboundStats& s) {
  // injected, replies_matched and replies_missing are in every version; the rest came with the
  // event mix and chaos, and read as 0 from older reports.
  j.at("injected").get_to(s.injected);
  j.at("replies_matched").get_to(s.replies_matched);
  j.at("replies_missing").get_to(s.replies_missing);
  for (const auto& [name, field] : kInboundCounters) s.*field = j.value(name, s.*field);
  auto h = core::Histogram::from_json(j.at("histograms").at("reply_us"));
  if (!h) throw std::invalid_argument("bad histogram: " + h.error());
  s.reply_latency = h.value();
}

double achieved_rate(const Report& r) {
  return r.elapsed_seconds > 0 ? static_cast<double>(r.run.ok + r.run.probes) / r.elapsed_seconds : 0.0;
}

core::json report_to_json(const Report& r) {
  core::json j = {{"schema_version", r.schema_version},
                  {"tool", "telnyx-loadgen"},
                  {"mode", r.mode},
                  {"closed_loop", r.closed_loop},
                  {"shards", r.shards},
                  {"shard_count", r.shard_count},
                  {"started_unix_ms", r.started_unix_ms},
                  {"elapsed_seconds", r.elapsed_seconds},
                  {"intended_rate", r.intended_rate},
                  {"config", r.config},
                  {"run", r.run}};
  if (r.webhooks) j["webhooks"] = *r.webhooks;
  if (r.inbound) j["inbound"] = *r.inbound;
  return j;
}

core::Expected<Report, std::string> report_from_json(const core::json& j) {
  try {
    Report r;
    j.at("schema_version").get_to(r.schema_version);
    if (r.schema_version != kReportSchemaVersion)
      return core::unexpected("unsupported schema_version " + std::to_string(r.schema_version) +
                              " (this build reads " + std::to_string(kReportSchemaVersion) + ")");
    j.at("mode").get_to(r.mode);
    r.closed_loop = j.value("closed_loop", false);
    j.at("shards").get_to(r.shards);
    j.at("shard_count").get_to(r.shard_count);
    j.at("started_unix_ms").get_to(r.started_unix_ms);
    j.at("elapsed_seconds").get_to(r.elapsed_seconds);
    j.at("intended_rate").get_to(r.intended_rate);
    r.config = j.value("config", core::json::object());
    j.at("run").get_to(r.run);
    if (j.contains("webhooks")) r.webhooks = j.at("webhooks").get<WebhookStats>();
    if (j.contains("inbound")) r.inbound = j.at("inbound").get<InboundStats>();
    return r;
  } catch (const std::exception& e) {
    return core::unexpected(std::string("malformed report: ") + e.what());
  }
}

core::Expected<Report, std::string> load_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unexpected("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto j = core::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return core::unexpected(path + ": not JSON");
  auto r = report_from_json(j);
  if (!r) return core::unexpected(path + ": " + r.error());
  return r;
}

core::Expected<Report, std::string> merge_reports(const std::vector<Report>& reports) {
  if (reports.empty()) return core::unexpected(std::string("nothing to merge"));
  try {
    Report out = reports.front();
    std::set<uint32_t> seen(out.shards.begin(), out.shards.end());
    for (size_t i = 1; i < reports.size(); ++i) {
      const Report& r = reports[i];
      if (r.mode != out.mode || r.closed_loop != out.closed_loop)
        return core::unexpected("cannot merge a '" + r.mode + "' report into a '" + out.mode + "' report");
      for (uint32_t s : r.shards) {
        if (!seen.insert(s).second) return core::unexpected("shard " + std::to_string(s) + " appears twice");
        out.shards.push_back(s);
      }
      out.shard_count = std::max(out.shard_count, r.shard_count);
      out.started_unix_ms = std::min(out.started_unix_ms, r.started_unix_ms);
      out.elapsed_seconds = std::max(out.elapsed_seconds, r.elapsed_seconds);
      out.intended_rate += r.intended_rate;
      out.run += r.run;
      if (r.webhooks) {
        if (out.webhooks) *out.webhooks += *r.webhooks;
        else out.webhooks = r.webhooks;
      }
      if (r.inbound) {
        if (out.inbound) *out.inbound += *r.inbound;
        else out.inbound = r.inbound;
      }
    }
    std::sort(out.shards.begin(), out.shards.end());
    return out;
  } catch (const std::exception& e) {
    return core::unexpected(std::string("cannot merge: ") + e.what());
  }
}

}  // namespace harness::loadgen
