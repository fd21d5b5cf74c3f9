#include "loadgen/receiver/receiver.h"

#include <httplib.h>

#include <mutex>
#include <thread>

#include "core/json.h"
#include "core/rng.h"
#include "core/signing.h"
#include "loadgen/http/request.h"
#include "net/body_cap.h"
#include "net/listen.h"
#include "loadgen/run/engine.h"

namespace harness::loadgen {

constexpr size_t kMaxWebhookBody = 1 << 20;   // a Telnyx webhook is a few KB

struct Receiver::Impl {
  ReceiverConfig cfg;
  Matcher& matcher;
  httplib::Server server;
  std::thread thread;
  int port = -1;
  std::mutex rng_mu;
  core::Rng rng;

  Impl(ReceiverConfig c, Matcher& m) : cfg(std::move(c)), matcher(m), rng(cfg.seed) {}

  bool draw_failure() {
    if (cfg.ack_fail_rate <= 0) return false;
    std::lock_guard<std::mutex> lock(rng_mu);
    return rng.chance(cfg.ack_fail_rate);
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    const int64_t arrival = mono_now_ns();
    if (!cfg.public_key_base64.empty()) {
      const int64_t now_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count();
      const auto st = core::verify_ed25519(cfg.public_key_base64,
                                           req.get_header_value("telnyx-signature-ed25519"),
                                           req.get_header_value("telnyx-timestamp"), req.body,
                                           now_unix, cfg.tolerance_seconds);
      if (st != core::VerifyStatus::Ok) {
        matcher.on_bad_signature();
        res.status = 401;
        res.set_content(std::string(core::to_string(st)), "text/plain");
        return;
      }
    }
    if (cfg.ack_delay.count() > 0) std::this_thread::sleep_for(cfg.ack_delay);
    if (draw_failure()) {
      matcher.on_ack_failed();
      res.status = cfg.fail_status;
      return;
    }
    const auto j = core::json::parse(req.body, nullptr, false);
    const core::json* data = (!j.is_discarded() && j.is_object() && j.contains("data") && j["data"].is_object())
                                 ? &j["data"] : nullptr;
    if (!data || !data->contains("id") || !(*data)["id"].is_string() || !data->contains("event_type") ||
        !(*data)["event_type"].is_string()) {
      matcher.on_malformed();
      res.status = 400;
      return;
    }
    std::string message_id;
    if (data->contains("payload") && (*data)["payload"].is_object()) {
      const auto& p = (*data)["payload"];
      if (p.contains("id") && p["id"].is_string()) message_id = p["id"].get<std::string>();
    }
    matcher.on_event((*data)["id"].get<std::string>(), (*data)["event_type"].get<std::string>(),
                     message_id, arrival);
    res.status = cfg.ack_status;
  }
};

Receiver::Receiver(ReceiverConfig cfg, Matcher& matcher) : impl_(std::make_unique<Impl>(std::move(cfg), matcher)) {}

Receiver::~Receiver() { stop(); }

std::string Receiver::start() {
  auto& s = impl_->server;
  const int threads = std::max(1, impl_->cfg.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(1'000'000);
  // Webhook bodies are small; a receiver must not buffer whatever a peer streams at it.
  net::post_capped(s, net::cap_bodies(s, kMaxWebhookBody), impl_->cfg.path,
                   [this](const httplib::Request& req, httplib::Response& res) { impl_->handle(req, res); });
  impl_->port = net::bind_server(s, impl_->cfg.host, impl_->cfg.port);
  if (impl_->port <= 0) return "webhook receiver cannot listen on " + impl_->cfg.host + ":" + std::to_string(impl_->cfg.port);
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!s.is_running()) std::this_thread::yield();
  return {};
}

void Receiver::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

int Receiver::port() const { return impl_->port; }

std::string Receiver::url() const {
  return "http://" + impl_->cfg.host + ":" + std::to_string(impl_->port) + impl_->cfg.path;
}

KeyOrError fetch_public_key(const std::string& base_url) {
  KeyOrError out;
  http::Url u;
  if (!http::parse_url(base_url, u, out.error)) return out;
  httplib::Client cli(u.host, std::stoi(u.port));
  cli.set_connection_timeout(std::chrono::seconds(5));
  cli.set_read_timeout(std::chrono::seconds(5));
  const auto res = cli.Get(u.path + "/_mock/keys");
  if (!res) {
    out.error = "GET " + base_url + "/_mock/keys failed: " + httplib::to_string(res.error());
    return out;
  }
  if (res->status != 200) {
    out.error = "GET " + base_url + "/_mock/keys answered " + std::to_string(res->status);
    return out;
  }
  const auto j = core::json::parse(res->body, nullptr, false);
  // Accept the key at the top level or under "data", under the names a key endpoint would use.
  for (const core::json* o : {&j, j.is_object() && j.contains("data") ? &j["data"] : nullptr}) {
    if (!o || !o->is_object()) continue;
    for (const char* name : {"webhook_public_key", "public_key", "ed25519_public_key"}) {
      if (o->contains(name) && (*o)[name].is_string()) {
        out.key = (*o)[name].get<std::string>();
        return out;
      }
    }
  }
  out.error = "GET " + base_url + "/_mock/keys: no public_key in the answer";
  return out;
}

}  // namespace harness::loadgen
