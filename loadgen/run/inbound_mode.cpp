// Inbound mode: signed message.received events (contract §7.3, §7.4) posted at the planned rate
// to an integration's webhook URL, delivered the way Telnyx delivers (§7.6: 2 s deadline, up to
// 3 attempts, any non-2xx or no answer is a failure), with seeded chaos: duplicate deliveries of
// an event (same data.id), forged signatures and stale timestamps. Each event comes from a
// distinct sender number, so the integration's replies (outbound messages to that number, read
// from the mock's message store) are counted per event: exactly one is right.
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "core/ids.h"
#include "core/signing.h"
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
  core::Rng r(seed_ ^ (0x9e3779b97f4a7c15ULL * (seq + 1)));
  const double u = r.next_double();
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

// A stable UUID for (run, event, what): the same on every attempt and every duplicate of the
// event, new for another run id.
std::string stable_uuid(uint64_t run_id, uint64_t event, const char* what) {
  core::Rng r(core::stable_hash(std::to_string(run_id) + "/" + std::to_string(event) + "/" + what));
  return core::uuid_v4(r);
}

class InboundFactory final : public RequestFactory {
 public:
  InboundFactory(const InboundOptions& o, const core::Ed25519KeyPair& key, const core::Ed25519KeyPair& forger)
      : o_(o), plan_(o.chaos, o.load.seed), signer_(key), forger_(forger),
        fail_after_(o.failover.host.empty() ? 0 : o.load.retry.max_retries + 1),
        failover_path_(o.failover.path.empty() ? "/" : o.failover.path) {}

  int failover_after() const { return fail_after_; }

  void build(uint64_t seq, core::Rng& rng, std::string& out) const override { build_attempt(seq, 0, rng, out); }

  void build_attempt(uint64_t seq, int attempt, core::Rng& rng, std::string& out) const override {
    const uint32_t shard = o_.load.shard_index;
    const ChaosPlan::Slot s = plan_.slot(seq);
    // Attempts past the primary URL's go to the failover URL (meta.delivered_to says which).
    const bool failover = fail_after_ > 0 && attempt >= fail_after_;
    const http::Url& u = failover ? o_.failover : o_.load.target;
    const std::string& path = failover ? failover_path_ : o_.load.path;
    const uint64_t ev = s.event;   // the event this delivery carries (a duplicate: an earlier one)
    auto now = std::chrono::system_clock::now();
    if (s.kind == EventKind::Stale) now -= o_.chaos.stale_age;
    const std::string ts = std::to_string(core::unix_seconds(now));
    const std::string at = core::format_rfc3339(now);
    std::string b;
    b.reserve(768);
    auto str = [&b](const char* k, const std::string& v) {
      b += '"'; b += k; b += "\":\""; json_escape_append(v, b); b += '"';
    };
    b += "{\"data\":{\"event_type\":\"message.received\",";
    str("id", stable_uuid(o_.run_id, ev, "event"));
    b += ',';
    str("occurred_at", at);
    b += ",\"record_type\":\"event\",\"payload\":{\"record_type\":\"message\",";
    str("id", stable_uuid(o_.run_id, ev, "message"));
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
    b += ",\"sent_at\":null,\"completed_at\":null,\"valid_until\":null,\"errors\":[],\"tags\":[]}},"
         "\"meta\":{\"attempt\":";
    b += std::to_string(attempt + 1);
    b += ",\"delivered_to\":\"";
    json_escape_append("http://" + u.host_header() + path, b);
    b += "\"}}";
    const std::string sig = s.kind == EventKind::Forged ? forger_.sign(ts, b) : signer_.sign(ts, b);
    out += "POST " + path + " HTTP/1.1\r\nHost: " + u.host_header() +
           "\r\nContent-Type: application/json\r\ntelnyx-timestamp: " + ts +
           "\r\ntelnyx-signature-ed25519: " + sig + "\r\nContent-Length: " + std::to_string(b.size()) +
           "\r\n\r\n";
    out += b;
  }

  const ChaosPlan& plan() const { return plan_; }

 private:
  const InboundOptions& o_;
  ChaosPlan plan_;
  core::Ed25519Signer signer_, forger_;
  int fail_after_;              // the first attempt that goes to the failover URL (0: none)
  std::string failover_path_;
};

// What the integration did with each event, filled from the engine's worker threads.
struct Ledger {
  std::mutex mu;
  std::unordered_map<std::string, int64_t> due_unix_ms_by_from;   // ordinary events acknowledged
  std::unordered_set<uint64_t> acked_events;                      // by event (send) index
  std::unordered_set<std::string> probe_senders;                  // forged and stale events
  InboundStats in;
};

}  // namespace

core::Expected<Report, std::string> run_inbound(const InboundOptions& o, const RunHooks& hooks) {
  // A path to a key file, or the key itself (base64 seed or PEM text).
  const bool is_file = std::ifstream(o.signing_key).good();
  auto key = is_file ? core::load_ed25519_private_file(o.signing_key) : core::load_ed25519_private(o.signing_key);
  if (!key) return core::unexpected("signing key: " + key.error());
  const core::Ed25519KeyPair forger = core::generate_ed25519();   // not the integration's key
  InboundFactory factory(o, key.value(), forger);
  EngineConfig cfg = engine_config(o.load, factory, hooks);
  // Telnyx's delivery rules: any non-2xx or no answer in time fails the attempt; the retries
  // (o.load.retry.max_retries, 2 from the command line) wait 1 s, then 5 s.
  cfg.retry.webhook_rules = true;
  if (cfg.retry.schedule.empty()) cfg.retry.schedule = {std::chrono::seconds(1), std::chrono::seconds(5)};
  if (factory.failover_after() > 0) {
    // The same attempts again on the failover URL, the first at once: with 2 retries per URL,
    // retries wait 1 s, 5 s, 0, 1 s, 5 s.
    const int per_url = factory.failover_after();   // attempts per URL
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
  const ChaosPlan& plan = factory.plan();
  cfg.is_probe = [&plan](uint64_t seq) {
    const EventKind k = plan.slot(seq).kind;
    return k == EventKind::Forged || k == EventKind::Stale;
  };

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
  if (!o.mock_url.empty()) {
    http::Url mu_url;
    std::string err;
    if (!http::parse_url(o.mock_url, mu_url, err)) return core::unexpected(err);
    httplib::Client cli(mu_url.host, std::stoi(mu_url.port));
    cli.set_read_timeout(std::chrono::seconds(10));
    const auto& due = led.due_unix_ms_by_from;
    // Replies per sender, counted afresh on every poll: outbound messages to that number stored
    // since the run started (a previous run's replies to the same numbers do not count).
    std::unordered_map<std::string, uint64_t> replies;
    std::unordered_map<std::string, int64_t> first_reply_ms;
    uint64_t probe_replies = 0;
    auto poll = [&]() -> bool {
      const auto res = cli.Get(mu_url.path + "/_mock/messages?limit=100000");
      if (!res || res->status != 200) {
        if (hooks.log)
          hooks.log("cannot read " + o.mock_url + "/_mock/messages" +
                    (res ? " (status " + std::to_string(res->status) + ")" : " (" + httplib::to_string(res.error()) + ")"));
        return false;
      }
      replies.clear();
      first_reply_ms.clear();
      probe_replies = 0;
      const auto j = core::json::parse(res->body, nullptr, false);
      const core::json* list = j.is_array() ? &j : (j.is_object() && j.contains("data") ? &j["data"] : nullptr);
      for (const auto& item : list && list->is_array() ? *list : core::json::array()) {
        // Items are {"tenant":..., "message": {...}}; a bare message list is accepted too.
        const core::json& m = item.is_object() && item.contains("message") ? item["message"] : item;
        if (!m.is_object() || m.value("direction", "outbound") != "outbound") continue;
        if (!m.contains("to") || !m["to"].is_array() || m["to"].empty() || !m["to"][0].is_object()) continue;
        const auto at = core::parse_rfc3339(m.value("received_at", ""));
        const int64_t ms = at ? std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count() : started;
        if (ms < started - 1000) continue;   // stored before this run
        const std::string to = m["to"][0].value("phone_number", "");
        if (due.count(to)) {
          ++replies[to];
          auto [it, fresh] = first_reply_ms.emplace(to, ms);
          if (!fresh) it->second = std::min(it->second, ms);
        } else if (led.probe_senders.count(to)) {
          ++probe_replies;
        }
      }
      return true;
    };
    // Until every acknowledged event has its reply or the grace period ends; then, once every
    // event has one, a last look after a quiet moment catches a late second reply.
    const int64_t until = mono_now_ns() + o.load.grace.count();
    bool all = due.empty();
    for (;;) {
      poll();
      all = replies.size() == due.size();
      if (all || mono_now_ns() >= until || (hooks.stop && hooks.stop->load())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (all && !due.empty() && !(hooks.stop && hooks.stop->load())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      poll();
    }
    for (const auto& [from, due_ms] : due) {
      const auto it = replies.find(from);
      if (it == replies.end()) {
        ++in.replies_missing;
        continue;
      }
      ++in.replies_matched;
      in.double_replies += it->second - 1;
      in.reply_latency.record(std::max<int64_t>(1, (first_reply_ms[from] - due_ms) * 1000));
    }
    in.probe_replies = probe_replies;
  }
  rep.inbound = in;
  return rep;
}

}  // namespace harness::loadgen
