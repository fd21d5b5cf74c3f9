// The report of one run or of merged shards: the JSON document described in loadgen/REPORT.md
// (schema_version 1), and its exact merge. Owns the report model and its (de)serialisation;
// rendering lives in text.h / html.h, pass/fail in thresholds.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "core/expected.h"
#include "core/json.h"
#include "loadgen/report/stats.h"

namespace harness::loadgen {

constexpr int kReportSchemaVersion = 1;

// Inbound mode: events delivered to an integration, what it answered, and the replies it sent
// (seen in the mock). "Events" are ordinary message.received events; duplicates re-deliver one
// of them (same data.id); forged and stale events are probes the integration must refuse.
struct InboundStats {
  uint64_t events = 0;            // ordinary events planned
  uint64_t duplicates_sent = 0;   // extra deliveries of an event (chaos)
  uint64_t forged_sent = 0;       // signed with a key that is not the integration's (chaos)
  uint64_t stale_sent = 0;        // correctly signed, timestamp older than the tolerance (chaos)
  uint64_t injected = 0;          // ordinary events acknowledged with 2xx at least once
  uint64_t acks_failed = 0;       // attempts answered non-2xx (ordinary events and duplicates)
  uint64_t acks_late = 0;         // attempts with no answer within the deadline (--timeout)
  uint64_t forged_accepted = 0;   // findings: a forged event answered 2xx
  uint64_t stale_accepted = 0;    // findings: a stale event answered 2xx
  uint64_t probe_replies = 0;     // findings: replies sent to the sender of a forged/stale event
  uint64_t replies_matched = 0;   // acknowledged events with at least one reply in the mock
  uint64_t replies_missing = 0;   // acknowledged events with none
  uint64_t double_replies = 0;    // replies beyond the first for one event (exactly once is right)
  core::Histogram reply_latency;  // event due -> first reply received by the mock (us)
  uint64_t findings() const { return forged_accepted + stale_accepted + probe_replies; }
  InboundStats& operator+=(const InboundStats& o);
};
void to_json(core::json& j, const InboundStats& s);
void from_json(const core::json& j, InboundStats& s);

struct Report {
  int schema_version = kReportSchemaVersion;
  std::string mode;                  // send | inbound
  bool closed_loop = false;
  std::vector<uint32_t> shards;      // shard indexes included (one unless merged)
  uint32_t shard_count = 1;
  int64_t started_unix_ms = 0;       // earliest start over shards
  double elapsed_seconds = 0;        // longest shard
  double intended_rate = 0;          // per second, summed over shards (0 for closed loop)
  core::json config = core::json::object();   // the options of the (first) run, for the record
  RunStats run;
  std::optional<WebhookStats> webhooks;
  std::optional<InboundStats> inbound;
};

core::json report_to_json(const Report& r);
core::Expected<Report, std::string> report_from_json(const core::json& j);
core::Expected<Report, std::string> load_report(const std::string& path);

// Exact merge: counters summed, histograms added bucket by bucket, timelines added slot by slot.
// Fails on schema or mode mismatch and on a shard index present twice.
core::Expected<Report, std::string> merge_reports(const std::vector<Report>& reports);

}  // namespace harness::loadgen
