#include "loadgen/receiver/matcher.h"

#include <algorithm>
#include <string>

#include "core/rng.h"

namespace harness::loadgen {

Matcher::Key Matcher::key_of(std::string_view id) {
  std::string salted(id);
  salted += '#';
  return Key{core::stable_hash(id), core::stable_hash(salted)};
}

void Matcher::latencies(Record& r) {
  if (r.send_ns < 0) return;
  auto us = [](int64_t ns) { return std::max<int64_t>(1, ns / 1000); };
  // Both sides can arrive in either order; record each latency exactly once, when the second
  // of its two timestamps becomes known.
  if (r.sent_ns >= 0) stats_.to_sent.record(us(r.sent_ns - r.send_ns));
  if (r.finalized_ns >= 0) stats_.to_finalized.record(us(r.finalized_ns - r.send_ns));
}

void Matcher::on_send(std::string_view message_id, int64_t send_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  Record& r = messages_[key_of(message_id)];
  if (r.send_ns >= 0) return;   // the same id twice: the server reused an id; keep the first
  r.send_ns = send_ns;
  ++stats_.registered;
  latencies(r);
  if (r.sent_ns < 0 || r.finalized_ns < 0) ++unsettled_;
}

void Matcher::on_event(std::string_view event_id, std::string_view event_type,
                       std::string_view message_id, int64_t arrival_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  last_event_ns_ = std::max(last_event_ns_, arrival_ns);
  ++stats_.events;
  if (!event_ids_.insert(key_of(event_id)).second) {
    ++stats_.duplicates;
    return;
  }
  const bool sent = event_type == "message.sent";
  const bool finalized = event_type == "message.finalized";
  if (sent) ++stats_.sent_events;
  else if (finalized) ++stats_.finalized_events;
  else ++stats_.received_events;
  if (!sent && !finalized) return;
  Record& r = messages_[key_of(message_id)];
  ++r.events;
  const bool was_settled = r.sent_ns >= 0 && r.finalized_ns >= 0;
  if (sent && r.sent_ns < 0) {
    r.sent_ns = arrival_ns;
    ++stats_.matched_sent;
    if (r.send_ns >= 0) stats_.to_sent.record(std::max<int64_t>(1, (arrival_ns - r.send_ns) / 1000));
  } else if (finalized && r.finalized_ns < 0) {
    if (r.sent_ns < 0) ++stats_.out_of_order;   // contract §7.7: finalized may overtake sent
    r.finalized_ns = arrival_ns;
    ++stats_.matched_finalized;
    if (r.send_ns >= 0) stats_.to_finalized.record(std::max<int64_t>(1, (arrival_ns - r.send_ns) / 1000));
  }
  if (r.send_ns >= 0 && !was_settled && r.sent_ns >= 0 && r.finalized_ns >= 0) --unsettled_;
}

void Matcher::on_bad_signature() {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.bad_signatures;
}
void Matcher::on_malformed() {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.malformed;
}
void Matcher::on_ack_failed() {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.acks_failed;
}

int64_t Matcher::last_event_ns() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_event_ns_;
}

bool Matcher::settled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unsettled_ == 0;
}

WebhookStats Matcher::finish() const {
  std::lock_guard<std::mutex> lock(mu_);
  WebhookStats s = stats_;
  for (const auto& [k, r] : messages_) {
    if (r.send_ns < 0) {
      s.orphans += r.events;
      continue;
    }
    if (r.sent_ns < 0) ++s.missing_sent;
    if (r.finalized_ns < 0) ++s.missing_finalized;
  }
  return s;
}

}  // namespace harness::loadgen
