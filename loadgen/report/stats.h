// What a run measures, in mergeable form: counters, errors by kind, status codes, latency
// histograms (core::Histogram, microseconds) and a per-second timeline. Each worker owns one
// RunStats and the receiver one WebhookStats; they are merged once after join (wrk2) and again,
// exactly, when shard reports are merged. No per-sample storage anywhere.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <vector>
#include "core/histogram.h"
#include "core/json.h"

namespace harness::loadgen {

struct ErrorCounts {  // owned by one worker; merged after join, never locked
  uint64_t connect = 0, read = 0, write = 0, timeout = 0, status = 0;
  ErrorCounts& operator+=(const ErrorCounts& o) {
    connect += o.connect; read += o.read; write += o.write;
    timeout += o.timeout; status += o.status; return *this;
  }
  uint64_t total() const { return connect + read + write + timeout + status; }
  bool operator==(const ErrorCounts& o) const {
    return connect == o.connect && read == o.read && write == o.write && timeout == o.timeout &&
           status == o.status;
  }
};

// Coarse log2 latency buckets: bucket b holds [2^(b-1), 2^b) us (bucket 0: < 1 us). Small enough
// to keep one per second of the run, exact to merge, good enough for a latency-over-time plot.
constexpr int kCoarseBuckets = 33;
int coarse_bucket(int64_t us);
int64_t coarse_upper_us(int b);   // the upper edge of bucket b, in us
// An upper bound of percentile p (0-100) from coarse counts; 0 when empty.
int64_t coarse_percentile(const std::array<uint64_t, kCoarseBuckets>& c, double p);

struct TimelineSlot {
  uint64_t sent = 0, ok = 0, errors = 0;   // sent: sends DUE in this second
  // By COMPLETION second (what the server achieved when): final 2xx answers and failed sends
  // (non-2xx or transport error) that completed in this second.
  uint64_t done_ok = 0, done_errors = 0;
  uint64_t latency_sum_us = 0;   // corrected latency of the ok responses
  int64_t latency_max_us = 0;
  std::array<uint64_t, kCoarseBuckets> coarse{};
  TimelineSlot& operator+=(const TimelineSlot& o);
  bool operator==(const TimelineSlot& o) const;
};

// One slot per second of the run, indexed by the DUE time of the send (so a stall shows up where
// the affected sends were planned, not where they finally completed); done_ok / done_errors are
// indexed by completion time instead (so a collapse shows up when it happened).
struct Timeline {
  std::vector<TimelineSlot> slots;
  TimelineSlot& at(int64_t offset_ns);
  Timeline& operator+=(const Timeline& o);
  bool operator==(const Timeline& o) const { return slots == o.slots; }
};

struct RunStats {
  uint64_t planned = 0;     // sends the plan made due
  uint64_t issued = 0;      // first attempts started on a connection
  uint64_t unsent = 0;      // due but never started (run stopped or hit its bound first)
  uint64_t completed = 0;   // final responses received (any status)
  uint64_t ok = 0;          // final 2xx
  uint64_t retries = 0;     // extra attempts (429/5xx with retries on)
  uint64_t probes = 0;      // final answers to probes (inbound chaos), neither ok nor errors
  uint64_t bytes_read = 0;
  ErrorCounts errors;
  std::map<int, uint64_t> status_counts;
  core::Histogram corrected;      // final response - due time (coordinated-omission corrected)
  core::Histogram uncorrected;    // final response - first write
  core::Histogram first_attempt;  // first response - due time (differs from corrected only with retries)
  Timeline timeline;
  RunStats& operator+=(const RunStats& o);
};

struct WebhookStats {
  uint64_t registered = 0;        // sends whose message id the receiver was told about
  uint64_t events = 0;            // signed-and-valid events received (including duplicates)
  uint64_t sent_events = 0, finalized_events = 0, received_events = 0;
  uint64_t matched_sent = 0, matched_finalized = 0;   // first sighting per message
  uint64_t duplicates = 0;        // same data.id seen again
  uint64_t out_of_order = 0;      // message.finalized seen before message.sent
  uint64_t orphans = 0;           // events for a message id never registered
  uint64_t bad_signatures = 0;
  uint64_t malformed = 0;         // not JSON or no data.id / payload.id
  uint64_t missing_sent = 0, missing_finalized = 0;   // after the grace period
  uint64_t acks_failed = 0;       // deliberately answered non-2xx (failure rate)
  core::Histogram to_sent;        // send -> message.sent (us)
  core::Histogram to_finalized;   // send -> message.finalized (us)
  WebhookStats& operator+=(const WebhookStats& o);
};

void to_json(core::json& j, const ErrorCounts& e);
void from_json(const core::json& j, ErrorCounts& e);
void to_json(core::json& j, const Timeline& t);
void from_json(const core::json& j, Timeline& t);
void to_json(core::json& j, const RunStats& s);
void from_json(const core::json& j, RunStats& s);   // throws on malformed input
void to_json(core::json& j, const WebhookStats& s);
void from_json(const core::json& j, WebhookStats& s);

}  // namespace harness::loadgen
