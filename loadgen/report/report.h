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
  uint64_t duplicates_sent = 0;   // extra deliveries of an event (chaos), message.received
  uint64_t forged_sent = 0;       // signed with a key that is not the integration's (chaos), message.received
  uint64_t stale_sent = 0;        // correctly signed, timestamp older than the tolerance (chaos), message.received
  uint64_t injected = 0;          // ordinary events acknowledged with 2xx at least once
  uint64_t acks_failed = 0;       // attempts answered non-2xx (ordinary events and duplicates, every type)
  uint64_t acks_late = 0;         // attempts with no answer within the deadline (--timeout)
  uint64_t forged_accepted = 0;   // findings: a forged event answered 2xx (every type)
  uint64_t stale_accepted = 0;    // findings: a stale event answered 2xx (every type)
  uint64_t probe_replies = 0;     // findings: replies sent to the sender of a forged/stale event
  uint64_t replies_matched = 0;   // acknowledged events with at least one reply in the mock
  uint64_t replies_missing = 0;   // acknowledged events with none
  uint64_t double_replies = 0;    // replies beyond the first for one event (exactly once is right)
  core::Histogram reply_latency;  // event due -> first reply received by the mock (us)
  // The full event mix, by type: genuine events delivered (first attempts), acknowledged 2xx at
  // least once, and never acknowledged (every attempt failed). message.sent and
  // message.finalized are about the messages the integration sent back (its replies).
  uint64_t received_delivered = 0, received_acked = 0, received_failed = 0;
  uint64_t sent_delivered = 0, sent_acked = 0, sent_failed = 0;
  uint64_t finalized_delivered = 0, finalized_acked = 0, finalized_failed = 0;
  uint64_t status_duplicates_sent = 0, status_forged_sent = 0, status_stale_sent = 0;   // chaos copies of those
  uint64_t finalized_outcome_failed = 0;   // finalized events with delivery_failed / sending_failed
  uint64_t reordered = 0;         // messages whose message.finalized went before message.sent
  uint64_t delayed = 0;           // deliveries held back (--delay-rate)
  uint64_t replays_sent = 0;      // earlier requests sent again byte for byte (--replay-rate)
  uint64_t replays_refused = 0;   // answered non-2xx (right: stale, or refused as seen)
  uint64_t replays_acked = 0;     // answered 2xx within the tolerance (right if deduplicated)
  uint64_t replay_accepted = 0;   // findings: answered 2xx with a timestamp past the tolerance
  uint64_t events_failed() const { return received_failed + sent_failed + finalized_failed; }
  uint64_t findings() const { return forged_accepted + stale_accepted + probe_replies + replay_accepted; }
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

// Requests per second that got the answer they should: final 2xx answers plus answered probes
// (inbound chaos: forged and stale events must be refused, so their refusal is as planned),
// over the elapsed time; the figure set against intended_rate, whose plan includes the probes
// and the warm-up sends. 0 when nothing elapsed.
double achieved_rate(const Report& r);

core::json report_to_json(const Report& r);
core::Expected<Report, std::string> report_from_json(const core::json& j);
core::Expected<Report, std::string> load_report(const std::string& path);

// Exact merge: counters summed, histograms added bucket by bucket, timelines added slot by slot.
// Fails on schema or mode mismatch and on a shard index present twice.
core::Expected<Report, std::string> merge_reports(const std::vector<Report>& reports);

}  // namespace harness::loadgen
