#include "loadgen/run/inbound_waves.h"

#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "core/message_json.h"
#include "core/rng.h"

namespace harness::loadgen {

double chaos_draw(uint64_t seed, uint64_t what, uint64_t index) {
  // what == 0 keeps the draws ChaosPlan always made, so a seed picks the same kinds as before.
  core::Rng r(seed ^ (0x9e3779b97f4a7c15ULL * (index + 1)) ^ (0xbf58476d1ce4e5b9ULL * what));
  return r.next_double();
}

std::string event_uuid(uint64_t run_id, const std::string& key, const char* what) {
  core::Rng r(core::stable_hash(std::to_string(run_id) + "/" + key + "/" + what));
  return core::uuid_v4(r);
}

Nanos chaos_delay(const InboundChaos& c, uint64_t seed, uint64_t wave, uint64_t index) {
  if (c.delay <= 0 || c.delay_max.count() <= 0 || chaos_draw(seed, kDrawDelay + wave, index) >= c.delay) return Nanos(0);
  // Uniform in (0, delay_max], whole milliseconds.
  const auto max_ms = std::chrono::duration_cast<std::chrono::milliseconds>(c.delay_max).count();
  const auto ms = 1 + static_cast<int64_t>(chaos_draw(seed, kDrawDelayBy + wave, index) * static_cast<double>(max_ms));
  return std::chrono::milliseconds(std::min<int64_t>(ms, max_ms));
}

void ReplayStore::add(std::string wire, int64_t unix_ts) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(Entry{std::move(wire), unix_ts});
}

std::vector<ReplayStore::Entry> ReplayStore::take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(entries_);
}

WebhookWriter::WebhookWriter(const InboundOptions& o, const core::Ed25519KeyPair& key, const core::Ed25519KeyPair& forger)
    : o_(o), signer_(key), forger_(forger),
      fail_after_(o.failover.host.empty() ? 0 : o.load.retry.max_retries + 1),
      failover_path_(o.failover.path.empty() ? "/" : o.failover.path) {}

std::chrono::system_clock::time_point WebhookWriter::when(EventKind kind) const {
  auto now = std::chrono::system_clock::now();
  if (kind == EventKind::Stale) now -= o_.chaos.stale_age;
  return now;
}

int64_t WebhookWriter::write(std::string& out, const std::string& data, int attempt, EventKind kind,
                             std::chrono::system_clock::time_point at) const {
  const bool failover = fail_after_ > 0 && attempt >= fail_after_;
  const http::Url& u = failover ? o_.failover : o_.load.target;
  const std::string& path = failover ? failover_path_ : o_.load.path;
  std::string b;
  b.reserve(data.size() + 128);
  b += "{\"data\":";
  b += data;
  b += ",\"meta\":{\"attempt\":";
  b += std::to_string(attempt + 1);
  b += ",\"delivered_to\":";
  core::append_json_string(b, "http://" + u.host_header() + path);
  b += "}}";
  const int64_t ts = core::unix_seconds(at);
  const std::string tss = std::to_string(ts);
  const std::string sig = kind == EventKind::Forged ? forger_.sign(tss, b) : signer_.sign(tss, b);
  out += "POST " + path + " HTTP/1.1\r\nHost: " + u.host_header() +
         "\r\nContent-Type: application/json\r\ntelnyx-timestamp: " + tss + "\r\ntelnyx-signature-ed25519: " + sig +
         "\r\nContent-Length: " + std::to_string(b.size()) + "\r\n\r\n";
  out += b;
  return ts;
}

namespace {

// The stored message as of message.sent, or of message.finalized with its outcome.
std::string status_payload(core::json m, const char* status, int error_code, const std::string& at) {
  if (m.contains("to") && m["to"].is_array() && !m["to"].empty() && m["to"][0].is_object()) m["to"][0]["status"] = status;
  const bool never_sent = std::string(status) == "sending_failed";
  m["sent_at"] = never_sent ? core::json(nullptr) : core::json(at);
  m["completed_at"] = std::string(status) == "sent" ? core::json(nullptr) : core::json(at);
  core::json errors = core::json::array();
  if (error_code) errors.push_back(core::make_error_object(error_code));
  m["errors"] = errors;
  return m.dump();
}

}  // namespace

std::vector<Wave> status_waves(const std::vector<core::json>& messages, const InboundChaos& c, uint64_t seed,
                               uint64_t run_id, InboundStats& in) {
  std::vector<Wave> waves(2);
  const std::string at = core::format_rfc3339(std::chrono::system_clock::now());
  for (size_t i = 0; i < messages.size(); ++i) {
    const core::json& m = messages[i];
    const std::string id = m.value("id", std::to_string(i));
    StatusEvent sent{false, event_uuid(run_id, id, "sent"), status_payload(m, "sent", 0, at)};
    // The outcome: delivered, or (--failed-rate) delivery_failed / sending_failed, half each.
    const char* status = "delivered";
    int code = 0;
    if (chaos_draw(seed, kDrawOutcome, i) < c.failed) {
      const bool delivery = chaos_draw(seed, kDrawOutcome + 1, i) < 0.5;
      status = delivery ? "delivery_failed" : "sending_failed";
      code = delivery ? 40008 : 40001;
      ++in.finalized_outcome_failed;
    }
    StatusEvent fin{true, event_uuid(run_id, id, "finalized"), status_payload(m, status, code, at)};
    const bool reorder = chaos_draw(seed, kDrawReorder, i) < c.reorder;
    if (reorder) ++in.reordered;
    waves[0].events.push_back(reorder ? fin : sent);
    waves[1].events.push_back(reorder ? sent : fin);
  }
  // Each event once, each maybe followed by a chaos copy (the same draws as message.received's).
  for (uint64_t w = 0; w < waves.size(); ++w) {
    Wave& wave = waves[w];
    for (uint32_t e = 0; e < wave.events.size(); ++e) {
      wave.slots.push_back(WaveSlot{EventKind::Normal, e});
      const double u = chaos_draw(seed, kDrawStatusKind + w, e);
      EventKind k = EventKind::Normal;
      if (u < c.forged) k = EventKind::Forged;
      else if (u < c.forged + c.stale) k = EventKind::Stale;
      else if (u < c.forged + c.stale + c.duplicate) k = EventKind::Duplicate;
      if (k != EventKind::Normal) wave.slots.push_back(WaveSlot{k, e});
    }
  }
  return waves;
}

void WaveFactory::build_attempt(uint64_t seq, int attempt, core::Rng&, std::string& out) const {
  const WaveSlot& s = w_.slots[seq];
  const StatusEvent& ev = w_.events[s.event];
  const auto at = writer_.when(s.kind);
  std::string data;
  data.reserve(ev.payload.size() + 200);
  data += ev.finalized ? "{\"event_type\":\"message.finalized\",\"id\":\"" : "{\"event_type\":\"message.sent\",\"id\":\"";
  data += ev.event_id;
  data += "\",\"occurred_at\":\"";
  data += core::format_rfc3339(at);
  data += "\",\"record_type\":\"event\",\"payload\":";
  data += ev.payload;
  data += '}';
  const size_t from = out.size();
  const int64_t ts = writer_.write(out, data, attempt, s.kind, at);
  if (attempt == 0 && s.kind == EventKind::Normal && chaos_draw(seed_, kDrawReplay + wave_, seq) < c_.replay)
    replays_.add(out.substr(from), ts);
}

}  // namespace harness::loadgen
