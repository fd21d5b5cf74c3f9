// Inbound mode: signed message.received events (contract §7.3, §7.4) posted at the planned rate
// to an integration's webhook URL; each event comes from a distinct sender number so the
// integration's reply (an outbound message to that number, seen in the mock's message store)
// can be matched to it.
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/clock.h"
#include "core/ids.h"
#include "core/signing.h"
#include "loadgen/run/modes.h"

namespace harness::loadgen {
namespace {

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class InboundFactory final : public RequestFactory {
 public:
  InboundFactory(const InboundOptions& o, core::Ed25519KeyPair key) : o_(o), key_(std::move(key)) {}

  void build(uint64_t seq, core::Rng& rng, std::string& out) const override {
    const uint32_t shard = o_.load.shard_index;
    const auto now = std::chrono::system_clock::now();
    const std::string ts = std::to_string(core::unix_seconds(now));
    const std::string at = core::format_rfc3339(now);
    std::string b;
    b.reserve(768);
    auto str = [&b](const char* k, const std::string& v) {
      b += '"'; b += k; b += "\":\""; json_escape_append(v, b); b += '"';
    };
    b += "{\"data\":{\"event_type\":\"message.received\",";
    str("id", core::uuid_v4(rng));
    b += ',';
    str("occurred_at", at);
    b += ",\"record_type\":\"event\",\"payload\":{\"record_type\":\"message\",";
    str("id", core::uuid_v4(rng));
    b += ",\"direction\":\"inbound\",\"type\":\"SMS\",";
    if (!o_.messaging_profile_id.empty()) {
      str("messaging_profile_id", o_.messaging_profile_id);
      b += ',';
    }
    b += "\"from\":{";
    str("phone_number", o_.from.expand(seq, shard, rng));
    b += ",\"carrier\":\"Loadgen Mobile\",\"line_type\":\"Wireless\"},\"to\":[{";
    str("phone_number", o_.to.expand(seq, shard, rng));
    b += ",\"carrier\":\"Telnyx\",\"line_type\":\"Wireless\",\"status\":\"webhook_delivered\"}],\"cc\":[],";
    str("text", o_.text.expand(seq, shard, rng));
    b += ",\"subject\":null,\"media\":[],\"encoding\":\"GSM-7\",\"parts\":1,"
         "\"cost\":{\"amount\":\"0.0000\",\"currency\":\"USD\"},";
    str("received_at", at);
    b += ",\"sent_at\":null,\"completed_at\":null,\"valid_until\":null,\"errors\":[],\"tags\":[]}},"
         "\"meta\":{\"attempt\":1,\"delivered_to\":\"";
    json_escape_append("http://" + o_.load.target.host_header() + o_.load.path, b);
    b += "\"}}";
    out += "POST " + o_.load.path + " HTTP/1.1\r\nHost: " + o_.load.target.host_header() +
           "\r\nContent-Type: application/json\r\ntelnyx-timestamp: " + ts +
           "\r\ntelnyx-signature-ed25519: " + core::sign_ed25519(key_, ts, b) +
           "\r\nContent-Length: " + std::to_string(b.size()) + "\r\n\r\n";
    out += b;
  }

 private:
  const InboundOptions& o_;
  core::Ed25519KeyPair key_;
};

}  // namespace

core::Expected<Report, std::string> run_inbound(const InboundOptions& o, const RunHooks& hooks) {
  // A path to a key file, or the key itself (base64 seed or PEM text).
  const bool is_file = std::ifstream(o.signing_key).good();
  auto key = is_file ? core::load_ed25519_private_file(o.signing_key) : core::load_ed25519_private(o.signing_key);
  if (!key) return core::unexpected("signing key: " + key.error());
  InboundFactory factory(o, key.value());
  EngineConfig cfg = engine_config(o.load, factory, hooks);

  // Remember, per acknowledged event, its sender number and wall-clock due time, so that the
  // reply found later in the mock can be matched and timed. One entry per event, not per sample.
  std::mutex mu;
  std::unordered_map<std::string, int64_t> due_unix_ms_by_from;
  const int64_t mono0 = mono_now_ns();
  const int64_t wall0 = unix_ms_now();
  if (!o.mock_url.empty()) {
    cfg.on_response = [&](uint64_t seq, int status, const std::string&, int64_t due_ns, int64_t) {
      if (status < 200 || status >= 300) return;
      // Rebuild the sender number: the template is pure in (seq, shard) unless it draws {rand}.
      core::Rng unused(0);
      const std::string from = o.from.expand(seq, o.load.shard_index, unused);
      std::lock_guard<std::mutex> lock(mu);
      due_unix_ms_by_from[from] = wall0 + (due_ns - mono0) / 1'000'000;
    };
  }
  const int64_t started = unix_ms_now();
  const EngineResult r = run_engine(cfg);
  if (!r.error.empty()) return core::unexpected(r.error);
  Report rep = base_report(o.load, "inbound", r, started);
  InboundStats in;
  in.injected = r.stats.ok;
  if (!o.mock_url.empty()) {
    http::Url mu_url;
    std::string err;
    if (!http::parse_url(o.mock_url, mu_url, err)) return core::unexpected(err);
    httplib::Client cli(mu_url.host, std::stoi(mu_url.port));
    cli.set_read_timeout(std::chrono::seconds(10));
    std::unordered_map<std::string, int64_t> pending = due_unix_ms_by_from;
    const int64_t until = mono_now_ns() + o.load.grace.count();
    // Poll the mock's message store until every event has its reply or the grace period ends.
    while (!pending.empty()) {
      const auto res = cli.Get(mu_url.path + "/_mock/messages?limit=100000");
      if (res && res->status == 200) {
        const auto j = core::json::parse(res->body, nullptr, false);
        const core::json* list = j.is_array() ? &j : (j.is_object() && j.contains("data") ? &j["data"] : nullptr);
        for (const auto& item : list && list->is_array() ? *list : core::json::array()) {
          // Items are {"tenant":..., "message": {...}}; a bare message list is accepted too.
          const core::json& m = item.is_object() && item.contains("message") ? item["message"] : item;
          if (!m.is_object() || m.value("direction", "outbound") != "outbound") continue;
          if (!m.is_object() || !m.contains("to") || !m["to"].is_array() || m["to"].empty()) continue;
          const std::string to = m["to"][0].value("phone_number", "");
          const auto it = pending.find(to);
          if (it == pending.end()) continue;
          const auto at = core::parse_rfc3339(m.value("received_at", ""));
          if (at) {
            const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count();
            in.reply_latency.record(std::max<int64_t>(1, (ms - it->second) * 1000));
          }
          ++in.replies_matched;
          pending.erase(it);
        }
      } else if (hooks.log) {
        hooks.log("cannot read " + o.mock_url + "/_mock/messages" +
                  (res ? " (status " + std::to_string(res->status) + ")" : " (" + httplib::to_string(res.error()) + ")"));
      }
      if (pending.empty() || mono_now_ns() >= until || (hooks.stop && hooks.stop->load())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    in.replies_missing = pending.size();
  }
  rep.inbound = in;
  return rep;
}

}  // namespace harness::loadgen
