// Inbound mode: signed webhook events (contract §7.3, §7.4) posted at the planned rate to an
// integration's webhook URL, delivered the way Telnyx delivers (§7.6: 2 s deadline, up to 3
// attempts, any non-2xx or no answer is a failure), with seeded chaos. First message.received:
// each event comes from a distinct sender number, so the integration's replies (outbound messages
// to that number, read from the mock's message store) are counted per event: exactly one is
// right. Then, for every reply, message.sent and message.finalized in two waves (reordered ones
// finalized first), and last the replays of captured requests (inbound_waves.h).
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "core/ids.h"
#include "core/message_json.h"
#include "core/signing.h"
#include "loadgen/run/inbound_waves.h"
#include "loadgen/run/modes.h"

namespace harness::loadgen {

std::string_view kind_name(EventKind k) {
  switch (k) {
    case EventKind::Normal: return "normal";
    case EventKind::Duplicate: return "duplicate";
    case EventKind::Forged: return "forged";
    case EventKind::Stale: return "stale";
  }
  return "normal";
}

ChaosPlan::ChaosPlan(const InboundChaos& c, uint64_t seed) : c_(c), seed_(seed) {}

EventKind ChaosPlan::base(uint64_t seq) const {
  const double u = chaos_draw(seed_, kDrawKind, seq);
  if (u < c_.forged) return EventKind::Forged;
  if (u < c_.forged + c_.stale) return EventKind::Stale;
  if (seq > 0 && u < c_.forged + c_.stale + c_.duplicate) return EventKind::Duplicate;
  return EventKind::Normal;
}

ChaosPlan::Slot ChaosPlan::slot(uint64_t seq) const {
  const EventKind k = base(seq);
  if (k != EventKind::Duplicate) return Slot{k, seq};
  // A duplicate re-delivers the nearest earlier ordinary event (the one just before, unless that
  // was a copy or a probe); with no ordinary event close enough it is an ordinary event itself.
  for (uint64_t back = 1; back <= 16 && back <= seq; ++back)
    if (base(seq - back) == EventKind::Normal) return Slot{EventKind::Duplicate, seq - back};
  return Slot{EventKind::Normal, seq};
}

namespace {

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// message.received events; ids derive from (run id, event index), the same on every attempt and
// duplicate of the event.
class InboundFactory final : public RequestFactory {
 public:
  InboundFactory(const InboundOptions& o, const WebhookWriter& writer, ReplayStore& replays)
      : o_(o), plan_(o.chaos, o.load.seed), writer_(writer), replays_(replays) {}

  void build(uint64_t seq, core::Rng& rng, std::string& out) const override { build_attempt(seq, 0, rng, out); }

  void build_attempt(uint64_t seq, int attempt, core::Rng& rng, std::string& out) const override {
    const uint32_t shard = o_.load.shard_index;
    const ChaosPlan::Slot s = plan_.slot(seq);
    const uint64_t ev = s.event;   // the event this delivery carries (a duplicate: an earlier one)
    const auto now = writer_.when(s.kind);
    const std::string at = core::format_rfc3339(now);
    const std::string key = std::to_string(ev);
    std::string b;
    b.reserve(768);
    auto str = [&b](const char* k, const std::string& v) {
      b += '"'; b += k; b += "\":"; core::append_json_string(b, v);
    };
    b += "{\"event_type\":\"message.received\",";
    str("id", event_uuid(o_.run_id, key, "event"));
    b += ',';
    str("occurred_at", at);
    b += ",\"record_type\":\"event\",\"payload\":{\"record_type\":\"message\",";
    str("id", event_uuid(o_.run_id, key, "message"));
    b += ",\"direction\":\"inbound\",\"type\":\"SMS\",";
    if (!o_.messaging_profile_id.empty()) {
      str("messaging_profile_id", o_.messaging_profile_id);
      b += ',';
    }
    b += "\"from\":{";
    str("phone_number", o_.from.expand(ev, shard, rng));
    b += ",\"carrier\":\"Loadgen Mobile\",\"line_type\":\"Wireless\"},\"to\":[{";
    str("phone_number", o_.to.expand(ev, shard, rng));
    b += ",\"carrier\":\"Telnyx\",\"line_type\":\"Wireless\",\"status\":\"webhook_delivered\"}],\"cc\":[],";
    str("text", o_.text.expand(ev, shard, rng));
    b += ",\"subject\":null,\"media\":[],\"encoding\":\"GSM-7\",\"parts\":1,"
         "\"cost\":{\"amount\":\"0.0000\",\"currency\":\"USD\"},";
    str("received_at", at);
    b += ",\"sent_at\":null,\"completed_at\":null,\"valid_until\":null,\"errors\":[],\"tags\":[]}}";
    const size_t from = out.size();
    const int64_t ts = writer_.write(out, b, attempt, s.kind, now);
    if (attempt == 0 && s.kind == EventKind::Normal && chaos_draw(o_.load.seed, kDrawReplay, seq) < o_.chaos.replay)
      replays_.add(out.substr(from), ts);
  }

  const ChaosPlan& plan() const { return plan_; }

 private:
  const InboundOptions& o_;
  ChaosPlan plan_;
  const WebhookWriter& writer_;
  ReplayStore& replays_;
};

// What the integration did with each event, filled from the engine's worker threads.
struct Ledger {
  std::mutex mu;
  std::unordered_map<std::string, int64_t> due_unix_ms_by_from;   // ordinary events acknowledged
  std::unordered_set<uint64_t> acked_events;                      // by event (send) index
  std::unordered_set<std::string> probe_senders;                  // forged and stale events
  InboundStats in;
};

// Telnyx's delivery rules on top of the shared engine config: any non-2xx or no answer in time
// fails the attempt; the retries (o.load.retry.max_retries, 2 from the command line) wait 1 s,
// then 5 s; with a failover URL the same attempts again there, the first at once.
EngineConfig delivery_config(const InboundOptions& o, const RequestFactory& f, const RunHooks& hooks, int per_url) {
  EngineConfig cfg = engine_config(o.load, f, hooks);
  cfg.retry.webhook_rules = true;
  if (cfg.retry.schedule.empty()) cfg.retry.schedule = {std::chrono::seconds(1), std::chrono::seconds(5)};
  if (per_url > 0) {
    // With 2 retries per URL, retries wait 1 s, 5 s, 0, 1 s, 5 s.
    std::vector<std::chrono::milliseconds> per_retry;
    for (int k = 0; k + 1 < per_url; ++k)
      per_retry.push_back(cfg.retry.schedule[std::min<size_t>(static_cast<size_t>(k), cfg.retry.schedule.size() - 1)]);
    std::vector<std::chrono::milliseconds> sched = per_retry;
    sched.push_back(std::chrono::milliseconds(0));
    sched.insert(sched.end(), per_retry.begin(), per_retry.end());
    cfg.retry.schedule = sched;
    cfg.retry.max_retries = 2 * per_url - 1;
    cfg.failover_target = o.failover;
    cfg.failover_after = per_url;
  }
  cfg.max_extra_delay = o.chaos.delay_max;
  return cfg;
}

// A later wave (status events, replays): `n` deliveries at the received phase's rate, not split
// again by shard (each shard delivers for its own events' replies), no warm-up, no progress.
void as_wave(EngineConfig& cfg, uint64_t n, double rate) {
  if (rate <= 0) rate = 100;
  cfg.plan = Plan{};
  cfg.plan.stages = {Stage{Nanos(static_cast<int64_t>((static_cast<double>(n) + 1) / rate * 1e9)), rate, rate}};
  cfg.plan.max_count = n;
  cfg.duration = plan_duration(cfg.plan);
  cfg.warmup = Nanos(0);
  cfg.on_progress = nullptr;
}

// One status wave (`wave` 1 or 2), counted into `in` by event type.
std::string run_status_wave(const InboundOptions& o, const RunHooks& hooks, const WebhookWriter& writer, const Wave& w,
                            uint64_t wave, double rate, ReplayStore& replays, InboundStats& in) {
  if (w.slots.empty()) return {};
  WaveFactory f(w, wave, writer, o.chaos, o.load.seed, replays);
  EngineConfig cfg = delivery_config(o, f, hooks, writer.failover_after());
  as_wave(cfg, w.slots.size(), rate);
  cfg.is_probe = [&w](uint64_t seq) {
    const EventKind k = w.slots[seq].kind;
    return k == EventKind::Forged || k == EventKind::Stale;
  };
  cfg.extra_delay = [&o, wave](uint64_t seq) { return chaos_delay(o.chaos, o.load.seed, wave, seq); };
  std::mutex mu;
  std::vector<char> acked(w.events.size(), 0);
  cfg.on_attempt = [&](uint64_t seq, int attempt, int status, bool timed_out, int64_t) {
    const WaveSlot& s = w.slots[seq];
    const bool finalized = w.events[s.event].finalized;
    const bool ok = status >= 200 && status < 300;
    std::lock_guard<std::mutex> lock(mu);
    if (attempt == 0) {
      switch (s.kind) {
        case EventKind::Normal: ++(finalized ? in.finalized_delivered : in.sent_delivered); break;
        case EventKind::Duplicate: ++in.status_duplicates_sent; break;
        case EventKind::Forged: ++in.status_forged_sent; break;
        case EventKind::Stale: ++in.status_stale_sent; break;
      }
      if (chaos_delay(o.chaos, o.load.seed, wave, seq).count() > 0) ++in.delayed;
    }
    if (s.kind == EventKind::Forged || s.kind == EventKind::Stale) {
      if (ok) ++(s.kind == EventKind::Forged ? in.forged_accepted : in.stale_accepted);
      return;
    }
    if (timed_out) ++in.acks_late;
    else if (!ok) ++in.acks_failed;
    if (ok && s.kind == EventKind::Normal) acked[s.event] = 1;
  };
  if (hooks.log)
    hooks.log("delivering " + std::to_string(w.events.size()) + " status events (wave " + std::to_string(wave) + ")");
  const EngineResult r = run_engine(cfg);
  if (!r.error.empty()) return r.error;
  for (size_t e = 0; e < w.events.size(); ++e) {
    const bool fin = w.events[e].finalized;
    ++(acked[e] ? (fin ? in.finalized_acked : in.sent_acked) : (fin ? in.finalized_failed : in.sent_failed));
  }
  return {};
}

// The captured requests again, byte for byte, once the newest is `replay_after` old. They are
// probes (never retried, neither ok nor errors): a 2xx to one whose timestamp is past the
// tolerance is a finding; within it, a 2xx is right if the integration deduplicated it (for
// message.received the reply count says).
std::string run_replays(const InboundOptions& o, const RunHooks& hooks, std::vector<ReplayStore::Entry> entries,
                        double rate, InboundStats& in) {
  if (entries.empty()) return {};
  int64_t newest = 0;
  for (const auto& e : entries) newest = std::max(newest, e.unix_ts);
  const int64_t after_s = std::chrono::duration_cast<std::chrono::seconds>(o.chaos.replay_after).count();
  auto unix_now = [] { return core::unix_seconds(std::chrono::system_clock::now()); };
  if (hooks.log && unix_now() < newest + after_s)
    hooks.log("waiting for the replays' timestamps to be " + std::to_string(after_s) + " s old");
  while (unix_now() < newest + after_s && !(hooks.stop && hooks.stop->load()))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (hooks.stop && hooks.stop->load()) return {};
  ReplayFactory f(entries);
  EngineConfig cfg = engine_config(o.load, f, hooks);
  as_wave(cfg, entries.size(), rate);
  cfg.retry = RetryConfig{};
  cfg.is_probe = [](uint64_t) { return true; };
  const int64_t tol_s = std::chrono::duration_cast<std::chrono::seconds>(o.chaos.tolerance).count();
  std::mutex mu;
  cfg.on_attempt = [&](uint64_t seq, int, int status, bool, int64_t) {
    const int64_t age = unix_now() - entries[seq].unix_ts;
    std::lock_guard<std::mutex> lock(mu);
    ++in.replays_sent;
    if (status < 200 || status >= 300) ++in.replays_refused;
    else if (age > tol_s) ++in.replay_accepted;
    else ++in.replays_acked;
  };
  if (hooks.log) hooks.log("replaying " + std::to_string(entries.size()) + " captured requests");
  const EngineResult r = run_engine(cfg);
  return r.error;
}

// Replies per sender, read from the mock's store: outbound messages to that number stored since
// the run started (a previous run's replies to the same numbers do not count), counted afresh on
// every poll.
class MockReplies {
 public:
  MockReplies(const http::Url& u, const std::string& base, int64_t started_ms,
              const std::unordered_map<std::string, int64_t>& due, const std::unordered_set<std::string>& probe_senders)
      : cli_(u.host, std::stoi(u.port)), path_(u.path), base_(base), started_(started_ms), due_(due), probes_(probe_senders) {
    cli_.set_read_timeout(std::chrono::seconds(10));
  }

  bool poll(const RunHooks& hooks) {
    replies.clear();
    first_reply_ms.clear();
    messages.clear();
    probe_replies = 0;
    // The mock serves its store newest first in pages of at most 1,000: follow meta.next_before
    // until a page reaches messages stored before this run, or the last page.
    std::string cursor;
    for (;;) {
      const auto res = cli_.Get(path_ + "/_mock/messages?limit=1000" + cursor);
      if (!res || res->status != 200) {
        if (hooks.log)
          hooks.log("cannot read " + base_ + "/_mock/messages" +
                    (res ? " (status " + std::to_string(res->status) + ")" : " (" + httplib::to_string(res.error()) + ")"));
        return false;
      }
      const auto j = core::json::parse(res->body, nullptr, false);
      const core::json* list = j.is_array() ? &j : (j.is_object() && j.contains("data") ? &j["data"] : nullptr);
      bool older = false;
      for (const auto& item : list && list->is_array() ? *list : core::json::array()) {
        // Items are {"tenant":..., "message": {...}}; a bare message list is accepted too.
        const core::json& m = item.is_object() && item.contains("message") ? item["message"] : item;
        if (!m.is_object() || m.value("direction", "outbound") != "outbound") continue;
        if (!m.contains("to") || !m["to"].is_array() || m["to"].empty() || !m["to"][0].is_object()) continue;
        const auto at = core::parse_rfc3339(m.value("received_at", ""));
        const int64_t ms = at ? std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count() : started_;
        if (ms < started_ - 1000) {   // stored before this run: so is every later page
          older = true;
          continue;
        }
        const std::string to = m["to"][0].value("phone_number", "");
        if (due_.count(to)) {
          ++replies[to];
          messages.push_back(m);
          auto [it, fresh] = first_reply_ms.emplace(to, ms);
          if (!fresh) it->second = std::min(it->second, ms);
        } else if (probes_.count(to)) {
          ++probe_replies;
        }
      }
      const auto meta = j.is_object() ? j.find("meta") : j.end();
      if (older || meta == j.end() || !meta->is_object() || !meta->contains("next_before") ||
          !(*meta)["next_before"].is_number_unsigned())
        return true;
      cursor = "&before=" + std::to_string((*meta)["next_before"].get<uint64_t>());
    }
  }

  std::unordered_map<std::string, uint64_t> replies;
  std::unordered_map<std::string, int64_t> first_reply_ms;
  std::vector<core::json> messages;   // every reply, for its status events
  uint64_t probe_replies = 0;

 private:
  httplib::Client cli_;
  std::string path_, base_;
  int64_t started_;
  const std::unordered_map<std::string, int64_t>& due_;
  const std::unordered_set<std::string>& probes_;
};

bool stopped(const RunHooks& hooks) { return hooks.stop && hooks.stop->load(); }

}  // namespace

core::Expected<Report, std::string> run_inbound(const InboundOptions& o, const RunHooks& hooks) {
  // A path to a key file, or the key itself (base64 seed or PEM text).
  const bool is_file = std::ifstream(o.signing_key).good();
  auto key = is_file ? core::load_ed25519_private_file(o.signing_key) : core::load_ed25519_private(o.signing_key);
  if (!key) return core::unexpected("signing key: " + key.error());
  const core::Ed25519KeyPair forger = core::generate_ed25519();   // not the integration's key
  http::Url mu_url;
  if (!o.mock_url.empty()) {
    std::string err;
    if (!http::parse_url(o.mock_url, mu_url, err)) return core::unexpected(err);
  }
  const WebhookWriter writer(o, key.value(), forger);
  ReplayStore replays;
  InboundFactory factory(o, writer, replays);
  EngineConfig cfg = delivery_config(o, factory, hooks, writer.failover_after());
  const ChaosPlan& plan = factory.plan();
  cfg.is_probe = [&plan](uint64_t seq) {
    const EventKind k = plan.slot(seq).kind;
    return k == EventKind::Forged || k == EventKind::Stale;
  };
  cfg.extra_delay = [&o](uint64_t seq) { return chaos_delay(o.chaos, o.load.seed, 0, seq); };

  Ledger led;
  const int64_t mono0 = mono_now_ns();
  const int64_t wall0 = unix_ms_now();
  core::Rng unused(0);   // sender templates are pure in (seq, shard) with --mock (no {rand})
  cfg.on_attempt = [&](uint64_t seq, int attempt, int status, bool timed_out, int64_t due_ns) {
    const ChaosPlan::Slot s = plan.slot(seq);
    const bool ok = status >= 200 && status < 300;
    std::lock_guard<std::mutex> lock(led.mu);
    if (attempt == 0) {   // what was sent, by kind
      switch (s.kind) {
        case EventKind::Normal: ++led.in.events; break;
        case EventKind::Duplicate: ++led.in.duplicates_sent; break;
        case EventKind::Forged: ++led.in.forged_sent; break;
        case EventKind::Stale: ++led.in.stale_sent; break;
      }
      if (s.kind == EventKind::Forged || s.kind == EventKind::Stale)
        led.probe_senders.insert(o.from.expand(seq, o.load.shard_index, unused));
      if (chaos_delay(o.chaos, o.load.seed, 0, seq).count() > 0) ++led.in.delayed;
    }
    if (s.kind == EventKind::Forged || s.kind == EventKind::Stale) {
      if (ok) ++(s.kind == EventKind::Forged ? led.in.forged_accepted : led.in.stale_accepted);
      return;
    }
    if (timed_out) ++led.in.acks_late;
    else if (!ok) ++led.in.acks_failed;
    if (ok) led.acked_events.insert(s.event);
    if (ok && !o.mock_url.empty()) {
      const std::string from = o.from.expand(s.event, o.load.shard_index, unused);
      led.due_unix_ms_by_from.emplace(from, wall0 + (due_ns - mono0) / 1'000'000);
    }
  };
  const int64_t started = unix_ms_now();
  const EngineResult r = run_engine(cfg);
  if (!r.error.empty()) return core::unexpected(r.error);
  Report rep = base_report(o.load, "inbound", r, started);
  InboundStats in = led.in;
  in.injected = led.acked_events.size();
  in.received_delivered = in.events;
  in.received_acked = in.injected;
  in.received_failed = in.events > in.injected ? in.events - in.injected : 0;
  const double rate = rep.intended_rate;
  std::optional<MockReplies> mock;
  if (!o.mock_url.empty()) {
    mock.emplace(mu_url, o.mock_url, started, led.due_unix_ms_by_from, led.probe_senders);
    const auto& due = led.due_unix_ms_by_from;
    // Until every acknowledged event has its reply or the grace period ends; then, once every
    // event has one, a last look after a quiet moment catches a late second reply.
    const int64_t until = mono_now_ns() + o.load.grace.count();
    bool all = due.empty();
    for (;;) {
      mock->poll(hooks);
      all = mock->replies.size() == due.size();
      if (all || mono_now_ns() >= until || stopped(hooks)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (all && !due.empty() && !stopped(hooks)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      mock->poll(hooks);
    }
    // message.sent and message.finalized for every message the integration sent back.
    if (!stopped(hooks)) {
      const std::vector<Wave> waves = status_waves(mock->messages, o.chaos, o.load.seed, o.run_id, in);
      for (uint64_t w = 0; w < waves.size() && !stopped(hooks); ++w) {
        const std::string err = run_status_wave(o, hooks, writer, waves[w], w + 1, rate, replays, in);
        if (!err.empty()) return core::unexpected(err);
      }
    }
  }
  const std::string err = run_replays(o, hooks, replays.take(), rate, in);
  if (!err.empty()) return core::unexpected(err);
  if (mock) {
    // A replayed message.received the integration handled again shows as a second reply.
    if (in.replays_sent > 0 && !stopped(hooks)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      mock->poll(hooks);
    }
    for (const auto& [from, due_ms] : led.due_unix_ms_by_from) {
      const auto it = mock->replies.find(from);
      if (it == mock->replies.end()) {
        ++in.replies_missing;
        continue;
      }
      ++in.replies_matched;
      in.double_replies += it->second - 1;
      in.reply_latency.record(std::max<int64_t>(1, (mock->first_reply_ms[from] - due_ms) * 1000));
    }
    in.probe_replies = mock->probe_replies;
  }
  rep.inbound = in;
  return rep;
}

}  // namespace harness::loadgen
