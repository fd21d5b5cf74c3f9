#include <thread>

#include "core/json.h"
#include "core/message_json.h"
#include "loadgen/run/modes.h"

namespace harness::loadgen {

EngineConfig engine_config(const LoadOptions& o, const RequestFactory& f, const RunHooks& hooks) {
  EngineConfig c;
  c.target = o.target;
  c.plan = split(o.plan, o.shard_index, o.shard_count);
  c.closed_loop = o.closed_loop;
  c.threads = o.threads;
  c.connections = o.connections ? o.connections : (o.closed_loop ? 50 : 1000);
  c.duration = o.duration;
  // Closed loop: this shard's share of the count.
  c.max_count = o.count == UINT64_MAX ? UINT64_MAX
                                      : o.count / o.shard_count + (o.shard_index < o.count % o.shard_count ? 1 : 0);
  c.timeout = o.timeout;
  c.warmup = o.warmup;
  c.retry = o.retry;
  c.factory = &f;
  c.stop = hooks.stop;
  c.on_progress = hooks.on_progress;
  c.progress_interval = hooks.progress_interval;
  return c;
}

Report base_report(const LoadOptions& o, const std::string& mode, const EngineResult& r, int64_t started_unix_ms) {
  Report rep;
  rep.mode = mode;
  rep.closed_loop = o.closed_loop;
  rep.shards = {o.shard_index};
  rep.shard_count = o.shard_count;
  rep.started_unix_ms = started_unix_ms;
  rep.elapsed_seconds = std::chrono::duration<double>(r.elapsed).count();
  if (!o.closed_loop) {
    const double secs = std::chrono::duration<double>(plan_duration(o.plan)).count();
    const Plan shard = split(o.plan, o.shard_index, o.shard_count);
    rep.intended_rate = secs > 0 ? static_cast<double>(planned_count(shard)) / secs : 0;
  }
  rep.config = o.config_echo;
  rep.run = r.stats;
  return rep;
}

namespace {

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// POST /v2/messages with templated fields (contract §3.1). Constant bodies are built once.
class SendFactory final : public RequestFactory {
 public:
  SendFactory(const SendOptions& o, std::string webhook_url) : o_(o), webhook_url_(std::move(webhook_url)) {
    head_ = "POST " + o.load.path + " HTTP/1.1\r\nHost: " + o.load.target.host_header() +
            "\r\nAuthorization: Bearer " + o.api_key +
            "\r\nContent-Type: application/json\r\nAccept: application/json\r\n";
    if (o.from.is_constant() && o.to.is_constant() && o.text.is_constant()) {
      core::Rng unused(0);
      std::string body;
      body_for(0, unused, body);
      constant_ = head_ + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
  }

  void build(uint64_t seq, core::Rng& rng, std::string& out) const override {
    if (!constant_.empty()) {
      out += constant_;
      return;
    }
    std::string body;
    body.reserve(256);
    body_for(seq, rng, body);
    out += head_;
    out += "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n\r\n";
    out += body;
  }

 private:
  void field(const char* name, const std::string& v, std::string& b) const {
    b += '"';
    b += name;
    b += "\":";
    core::append_json_string(b, v);
  }
  void body_for(uint64_t seq, core::Rng& rng, std::string& b) const {
    const uint32_t shard = o_.load.shard_index;
    b += '{';
    field("to", o_.to.expand(seq, shard, rng), b);
    if (!o_.from.empty()) {   // an empty --from sends from the profile's number pool (§3.1)
      b += ',';
      field("from", o_.from.expand(seq, shard, rng), b);
    }
    b += ',';
    field("text", o_.text.expand(seq, shard, rng), b);
    if (!o_.messaging_profile_id.empty()) {
      b += ',';
      field("messaging_profile_id", o_.messaging_profile_id, b);
    }
    if (!webhook_url_.empty()) {
      b += ',';
      field("webhook_url", webhook_url_, b);
      // Only our receiver: profile webhooks would be a second, unmatched delivery (§7.6).
      b += ",\"use_profile_webhooks\":false";
    }
    b += '}';
  }

  const SendOptions& o_;
  std::string webhook_url_;
  std::string head_;
  std::string constant_;
};

// The message id of a POST /v2/messages answer: data.id (contract §3.2).
std::string message_id_of(const std::string& body) {
  const auto j = core::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  const auto it = j.find("data");
  if (it == j.end() || !it->is_object()) return {};
  const auto id = it->find("id");
  return id != it->end() && id->is_string() ? id->get<std::string>() : std::string();
}

}  // namespace

core::Expected<Report, std::string> run_send(const SendOptions& o, const RunHooks& hooks) {
  Matcher matcher;
  std::optional<Receiver> receiver;
  std::string webhook_url;
  if (o.webhooks) {
    ReceiverConfig rc = o.receiver;
    if (rc.public_key_base64.empty() && !o.keys_from.empty()) {
      const auto k = fetch_public_key(o.keys_from);
      if (!k.error.empty()) return core::unexpected(k.error);
      rc.public_key_base64 = k.key;
    }
    receiver.emplace(rc, matcher);
    const std::string err = receiver->start();
    if (!err.empty()) return core::unexpected(err);
    webhook_url = receiver->url();
    if (hooks.log) hooks.log("webhook receiver listening at " + webhook_url);
  }
  SendFactory factory(o, webhook_url);
  EngineConfig cfg = engine_config(o.load, factory, hooks);
  if (o.webhooks) {
    cfg.on_response = [&matcher](uint64_t, int status, const std::string& body, int64_t due_ns, int64_t) {
      if (status < 200 || status >= 300) return;
      const std::string id = message_id_of(body);
      if (!id.empty()) matcher.on_send(id, due_ns);
    };
  }
  const int64_t started = unix_ms_now();
  const EngineResult r = run_engine(cfg);
  if (!r.error.empty()) return core::unexpected(r.error);
  Report rep = base_report(o.load, "send", r, started);
  if (receiver) {
    // Late webhooks: wait until every send has both events and the receiver has been quiet for
    // a moment (late duplicates still count), or until the grace period ends.
    const int64_t until = mono_now_ns() + o.load.grace.count();
    constexpr int64_t kQuietNs = 500'000'000;
    if (hooks.log) hooks.log("waiting up to " + std::to_string(o.load.grace.count() / 1'000'000) + " ms for webhooks");
    while (mono_now_ns() < until && !(hooks.stop && hooks.stop->load())) {
      if (matcher.settled() && mono_now_ns() - matcher.last_event_ns() > kQuietNs) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    receiver->stop();
    rep.webhooks = matcher.finish();
  }
  return rep;
}

}  // namespace harness::loadgen
