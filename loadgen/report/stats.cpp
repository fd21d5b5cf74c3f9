#include "loadgen/report/stats.h"

#include <stdexcept>

namespace harness::loadgen {
namespace {

core::Histogram histogram_from(const core::json& j) {
  auto h = core::Histogram::from_json(j);
  if (!h) throw std::invalid_argument("bad histogram: " + h.error());
  return h.value();
}

void add_histogram(core::Histogram& into, const core::Histogram& from) {
  if (!into.add(from)) throw std::invalid_argument("histograms with different configurations");
}

}  // namespace

int coarse_bucket(int64_t us) {
  if (us < 1) return 0;
  int b = 1;
  while (b < kCoarseBuckets - 1 && us >= (int64_t{1} << b)) ++b;
  return b;
}

int64_t coarse_upper_us(int b) { return b <= 0 ? 1 : (int64_t{1} << b); }

int64_t coarse_percentile(const std::array<uint64_t, kCoarseBuckets>& c, double p) {
  uint64_t total = 0;
  for (auto n : c) total += n;
  if (total == 0) return 0;
  const double want = p / 100.0 * static_cast<double>(total);
  uint64_t acc = 0;
  for (int b = 0; b < kCoarseBuckets; ++b) {
    acc += c[b];
    if (static_cast<double>(acc) >= want && acc > 0) return coarse_upper_us(b);
  }
  return coarse_upper_us(kCoarseBuckets - 1);
}

TimelineSlot& TimelineSlot::operator+=(const TimelineSlot& o) {
  sent += o.sent; ok += o.ok; errors += o.errors;
  done_ok += o.done_ok; done_errors += o.done_errors;
  latency_sum_us += o.latency_sum_us;
  latency_max_us = std::max(latency_max_us, o.latency_max_us);
  for (int b = 0; b < kCoarseBuckets; ++b) coarse[b] += o.coarse[b];
  return *this;
}

bool TimelineSlot::operator==(const TimelineSlot& o) const {
  return sent == o.sent && ok == o.ok && errors == o.errors && done_ok == o.done_ok &&
         done_errors == o.done_errors && latency_sum_us == o.latency_sum_us &&
         latency_max_us == o.latency_max_us && coarse == o.coarse;
}

TimelineSlot& Timeline::at(int64_t offset_ns) {
  const size_t i = offset_ns <= 0 ? 0 : static_cast<size_t>(offset_ns / 1'000'000'000);
  if (i >= slots.size()) slots.resize(i + 1);
  return slots[i];
}

Timeline& Timeline::operator+=(const Timeline& o) {
  if (o.slots.size() > slots.size()) slots.resize(o.slots.size());
  for (size_t i = 0; i < o.slots.size(); ++i) slots[i] += o.slots[i];
  return *this;
}

RunStats& RunStats::operator+=(const RunStats& o) {
  planned += o.planned; issued += o.issued; unsent += o.unsent; completed += o.completed;
  ok += o.ok; retries += o.retries; probes += o.probes; bytes_read += o.bytes_read;
  errors += o.errors;
  for (const auto& [k, v] : o.status_counts) status_counts[k] += v;
  add_histogram(corrected, o.corrected);
  add_histogram(uncorrected, o.uncorrected);
  add_histogram(first_attempt, o.first_attempt);
  timeline += o.timeline;
  return *this;
}

WebhookStats& WebhookStats::operator+=(const WebhookStats& o) {
  registered += o.registered; events += o.events; sent_events += o.sent_events;
  finalized_events += o.finalized_events; received_events += o.received_events;
  matched_sent += o.matched_sent; matched_finalized += o.matched_finalized;
  duplicates += o.duplicates; out_of_order += o.out_of_order; orphans += o.orphans;
  bad_signatures += o.bad_signatures; malformed += o.malformed;
  missing_sent += o.missing_sent; missing_finalized += o.missing_finalized;
  acks_failed += o.acks_failed;
  add_histogram(to_sent, o.to_sent);
  add_histogram(to_finalized, o.to_finalized);
  return *this;
}

void to_json(core::json& j, const ErrorCounts& e) {
  j = {{"connect", e.connect}, {"read", e.read}, {"write", e.write}, {"timeout", e.timeout}, {"status", e.status}};
}
void from_json(const core::json& j, ErrorCounts& e) {
  j.at("connect").get_to(e.connect); j.at("read").get_to(e.read); j.at("write").get_to(e.write);
  j.at("timeout").get_to(e.timeout); j.at("status").get_to(e.status);
}

void to_json(core::json& j, const Timeline& t) {
  j = core::json::array();
  for (const auto& s : t.slots) {
    core::json coarse = core::json::array();
    // Sparse [bucket, count] pairs keep the file small.
    for (int b = 0; b < kCoarseBuckets; ++b)
      if (s.coarse[b]) coarse.push_back({b, s.coarse[b]});
    j.push_back({{"sent", s.sent}, {"ok", s.ok}, {"errors", s.errors},
                 {"done_ok", s.done_ok}, {"done_errors", s.done_errors},
                 {"latency_sum_us", s.latency_sum_us}, {"latency_max_us", s.latency_max_us},
                 {"coarse", coarse}});
  }
}
void from_json(const core::json& j, Timeline& t) {
  t.slots.clear();
  for (const auto& e : j) {
    TimelineSlot s;
    e.at("sent").get_to(s.sent); e.at("ok").get_to(s.ok); e.at("errors").get_to(s.errors);
    s.done_ok = e.value("done_ok", uint64_t{0});   // absent in older reports
    s.done_errors = e.value("done_errors", uint64_t{0});
    e.at("latency_sum_us").get_to(s.latency_sum_us); e.at("latency_max_us").get_to(s.latency_max_us);
    for (const auto& pair : e.at("coarse")) {
      const int b = pair.at(0).get<int>();
      if (b < 0 || b >= kCoarseBuckets) throw std::invalid_argument("timeline bucket out of range");
      s.coarse[static_cast<size_t>(b)] = pair.at(1).get<uint64_t>();
    }
    t.slots.push_back(s);
  }
}

void to_json(core::json& j, const RunStats& s) {
  core::json status = core::json::object();
  for (const auto& [k, v] : s.status_counts) status[std::to_string(k)] = v;
  j = {{"planned", s.planned}, {"issued", s.issued}, {"unsent", s.unsent},
       {"completed", s.completed}, {"ok", s.ok}, {"retries", s.retries}, {"probes", s.probes},
       {"bytes_read", s.bytes_read}, {"errors", s.errors}, {"status_counts", status},
       {"histograms", {{"corrected_us", s.corrected.to_json()},
                       {"uncorrected_us", s.uncorrected.to_json()},
                       {"first_attempt_us", s.first_attempt.to_json()}}},
       {"timeline", s.timeline}};
}
void from_json(const core::json& j, RunStats& s) {
  j.at("planned").get_to(s.planned); j.at("issued").get_to(s.issued); j.at("unsent").get_to(s.unsent);
  j.at("completed").get_to(s.completed); j.at("ok").get_to(s.ok); j.at("retries").get_to(s.retries);
  j.at("bytes_read").get_to(s.bytes_read); j.at("errors").get_to(s.errors);
  s.probes = j.value("probes", uint64_t{0});   // absent in reports written before inbound chaos
  s.status_counts.clear();
  for (const auto& [k, v] : j.at("status_counts").items()) s.status_counts[std::stoi(k)] = v.get<uint64_t>();
  const auto& h = j.at("histograms");
  s.corrected = histogram_from(h.at("corrected_us"));
  s.uncorrected = histogram_from(h.at("uncorrected_us"));
  s.first_attempt = histogram_from(h.at("first_attempt_us"));
  j.at("timeline").get_to(s.timeline);
}

void to_json(core::json& j, const WebhookStats& s) {
  j = {{"registered", s.registered}, {"events", s.events}, {"sent_events", s.sent_events},
       {"finalized_events", s.finalized_events}, {"received_events", s.received_events},
       {"matched_sent", s.matched_sent}, {"matched_finalized", s.matched_finalized},
       {"duplicate_events", s.duplicates}, {"out_of_order", s.out_of_order}, {"orphans", s.orphans},
       {"bad_signatures", s.bad_signatures}, {"malformed", s.malformed},
       {"missing_sent", s.missing_sent}, {"missing_finalized", s.missing_finalized},
       {"acks_failed", s.acks_failed},
       {"histograms", {{"to_sent_us", s.to_sent.to_json()}, {"to_finalized_us", s.to_finalized.to_json()}}}};
}
void from_json(const core::json& j, WebhookStats& s) {
  j.at("registered").get_to(s.registered); j.at("events").get_to(s.events);
  j.at("sent_events").get_to(s.sent_events); j.at("finalized_events").get_to(s.finalized_events);
  j.at("received_events").get_to(s.received_events);
  j.at("matched_sent").get_to(s.matched_sent); j.at("matched_finalized").get_to(s.matched_finalized);
  // "duplicates" in reports written before the rename.
  j.at(j.contains("duplicate_events") ? "duplicate_events" : "duplicates").get_to(s.duplicates);
  j.at("out_of_order").get_to(s.out_of_order);
  j.at("orphans").get_to(s.orphans); j.at("bad_signatures").get_to(s.bad_signatures);
  j.at("malformed").get_to(s.malformed);
  j.at("missing_sent").get_to(s.missing_sent); j.at("missing_finalized").get_to(s.missing_finalized);
  j.at("acks_failed").get_to(s.acks_failed);
  s.to_sent = histogram_from(j.at("histograms").at("to_sent_us"));
  s.to_finalized = histogram_from(j.at("histograms").at("to_finalized_us"));
}

}  // namespace harness::loadgen
