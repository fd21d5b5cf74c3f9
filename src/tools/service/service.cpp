#include "tools/service/service.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "client/jobs.h"
#include "client/webhooks.h"
#include "core/e164.h"
#include "core/signing.h"
#include "core/json_limits.h"
#include "net/body_cap.h"
#include "net/listen.h"

namespace harness::tools::service {

using core::json;

namespace {

constexpr size_t kMaxBodyBytes = 1 << 20;   // every listener route, chunked bodies too

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(core::dump_json(body), "application/json");
}

json row_json(const OutboxRow& r) {
  return {{"id", r.id}, {"unique_key", r.unique_key}, {"tenant", r.tenant}, {"from", r.from},
          {"to", r.to}, {"state", r.state}, {"attempts", r.attempts},
          {"message_id", r.message_id}, {"status", r.status}, {"last_error", r.last_error}};
}

// Carrier-level opt-out keywords: replying to them would be blocked (40300) and is unwanted.
bool is_opt_out(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](unsigned char c) { return std::isspace(c); }),
             text.end());
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const char* k : {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
    if (text == k) return true;
  return false;
}

std::string content_key(const std::string& from, const std::string& to, const std::string& text) {
  // Stable across restarts and builds (FNV-1a), unlike std::hash.
  uint64_t h = core::stable_hash(from + "\x1f" + to + "\x1f" + text);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string("content:") + buf;
}

}  // namespace

Service::Service(ServiceConfig cfg, std::unique_ptr<Outbox> outbox, const core::Clock& clock)
    : cfg_(std::move(cfg)), outbox_(std::move(outbox)), clock_(clock) {
  routes();
}

Service::~Service() { stop(); }

int64_t Service::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
      .count();
}

int64_t Service::due_ms(std::chrono::milliseconds delay) const {
  return std::chrono::ceil<std::chrono::milliseconds>((clock_.now() + delay).time_since_epoch()).count();
}

std::optional<ReplySpec> Service::reply_for(const core::Message& inbound) const {
  if (inbound.direction != "inbound" || inbound.to.empty()) return std::nullopt;
  const Dealership* d = cfg_.owner_of(inbound.to[0].phone_number);
  if (!d) return std::nullopt;
  if (inbound.text && is_opt_out(*inbound.text)) return std::nullopt;
  if (!core::is_e164(inbound.from.phone_number)) return std::nullopt;
  return ReplySpec{d->name, inbound.to[0].phone_number, d->reply_text};
}

void Service::handle_webhook(const httplib::Request& req, httplib::Response& res) {
  client::WebhookVerifyConfig vc;
  vc.ed25519_public_key = cfg_.webhook_public_key;
  vc.hmac_secret = cfg_.webhook_hmac_secret;
  vc.tolerance_seconds = cfg_.webhook_tolerance_seconds;
  vc.require_signature = cfg_.require_signature;
  client::WebhookRequest wr{req.body, req.get_header_value("telnyx-signature-ed25519"),
                            req.get_header_value("telnyx-timestamp"),
                            req.get_header_value("x-telnyx-signature")};
  auto ev = client::verify_and_parse(vc, wr, core::unix_seconds(clock_.now()));
  if (!ev) {
    webhooks_rejected_.fetch_add(1);
    return reply_json(res, ev.error().http_status, {{"error", ev.error().reason}});
  }
  try {
    EventResult r = outbox_->apply_event(
        *ev, [this](const core::Message& m) { return reply_for(m); }, now_ms());
    if (r.reply_id) wake_.notify_one();
    if (r.duplicate) webhook_duplicates_.fetch_add(1);
    if (r.reconciled) reconciled_.fetch_add(1);
    json out = {{"duplicate", r.duplicate}, {"matched", r.matched},
                {"status_updated", r.status_updated}};
    if (r.reply_id) out["reply_id"] = *r.reply_id;
    reply_json(res, 200, out);
  } catch (const std::exception& e) {
    // 5xx makes Telnyx deliver again; the event id was not recorded (rolled back).
    reply_json(res, 500, {{"error", e.what()}});
  }
}

void Service::routes() {
  http_.set_tcp_nodelay(true);
  // The library's default pool (8 threads on small machines) is used up by the webhook sender's
  // idle keep-alive connections alone.
  http_.new_task_queue = [n = cfg_.http_threads] {
    return new httplib::ThreadPool(static_cast<size_t>(std::max(1, n)));
  };
  http_.set_keep_alive_max_count(100000);
  // Every body is capped at 1 MiB, chunked ones too (net/body_cap.h).
  auto cap = net::cap_bodies(http_, kMaxBodyBytes);
  cap->refuse = [](httplib::Response& res, int status, const std::string& detail) {
    reply_json(res, status, {{"error", detail}});
  };

  net::post_capped(http_, cap, "/telnyx/send-sms", [this](const httplib::Request& req, httplib::Response& res) {
    json b;
    if (core::parse_json_bounded(req.body, b) != core::JsonParse::Ok || !b.is_object())
      return reply_json(res, 400, {{"error", "body must be a JSON object"}});
    auto str = [&](const char* k) {
      return b.contains(k) && b[k].is_string() ? b[k].get<std::string>() : std::string();
    };
    const std::string to = str("to"), text = str("text"), dealer_name = str("dealership");
    std::string from = str("from"), tenant = dealer_name;
    if (auto why = core::e164_problem(to))
      return reply_json(res, 422, {{"error", "to " + *why}});
    if (text.empty()) return reply_json(res, 422, {{"error", "text is required"}});
    if (from.empty() && !dealer_name.empty()) {
      const Dealership* d = cfg_.by_name(dealer_name);
      if (!d) return reply_json(res, 422, {{"error", "unknown dealership " + dealer_name}});
      from = d->numbers.front();
    }
    if (from.empty() && cfg_.dealerships.size() == 1) {
      from = cfg_.dealerships.front().numbers.front();
      tenant = cfg_.dealerships.front().name;
    }
    if (from.empty()) return reply_json(res, 422, {{"error", "from or dealership is required"}});
    if (tenant.empty())
      if (const Dealership* d = cfg_.owner_of(from)) tenant = d->name;
    std::string key = req.get_header_value("Idempotency-Key");
    if (key.empty()) key = str("unique_key");
    // Without an explicit key, identical content from the same number is one SMS.
    if (key.empty()) key = content_key(from, to, text);
    if (key.size() > 255) return reply_json(res, 422, {{"error", "unique key longer than 255"}});
    try {
      EnqueueResult r = outbox_->enqueue({key, tenant, from, to, text}, now_ms());
      wake_.notify_one();
      json out = row_json(r.row);
      out["duplicate"] = r.duplicate;
      reply_json(res, r.duplicate ? 200 : 202, out);
    } catch (const std::exception& e) {
      reply_json(res, 503, {{"error", std::string("outbox unavailable: ") + e.what()}});
    }
  });

  net::post_capped(http_, cap, "/telnyx/webhook",
                   [this](const httplib::Request& req, httplib::Response& res) { handle_webhook(req, res); });

  http_.Get(R"(/telnyx/message-status/([^/]+))",
            [this](const httplib::Request& req, httplib::Response& res) {
              auto row = outbox_->find(req.matches[1]);
              if (!row) return reply_json(res, 404, {{"error", "unknown message"}});
              reply_json(res, 200, row_json(*row));
            });

  http_.Get("/telnyx/health", [this](const httplib::Request&, httplib::Response& res) {
    try {
      OutboxCounts c = outbox_->counts();
      const ServiceStats st = stats();
      reply_json(res, 200,
                 {{"status", "ok"},
                  {"outbox", {{"pending", c.pending}, {"in_flight", c.in_flight},
                              {"reconciling", c.reconciling}, {"sent", c.sent},
                              {"failed", c.failed}}},
                  {"stats", {{"send_requests", st.send_requests}, {"ambiguous", st.ambiguous},
                             {"reconciled", st.reconciled},
                             {"webhooks_rejected", st.webhooks_rejected},
                             {"webhook_duplicates", st.webhook_duplicates}}}});
    } catch (const std::exception& e) {
      reply_json(res, 503, {{"status", "degraded"}, {"error", e.what()}});
    }
  });

  // Signs a sample event with a throw-away key and runs it through the same verifier and parser
  // the webhook route uses: proves clock, tolerance and parsing work, and reports what
  // verification the configuration enables (it cannot prove Telnyx's key is the right one).
  http_.Get("/telnyx/webhook-test", [this](const httplib::Request&, httplib::Response& res) {
    core::Ed25519KeyPair kp = core::generate_ed25519();
    const std::string body =
        R"({"data":{"event_type":"message.received","id":"00000000-0000-4000-8000-000000000000",)"
        R"("occurred_at":")" + core::format_rfc3339(clock_.now()) +
        R"(","record_type":"event","payload":{"record_type":"message","id":"self-test","direction":"inbound",)"
        R"("type":"SMS","from":{"phone_number":"+17735550188"},"to":[{"phone_number":"+13125550147",)"
        R"("status":"webhook_delivered"}],"text":"self-test","media":[],"encoding":"GSM-7","parts":1,)"
        R"("errors":[],"tags":[],"cc":[]}},"meta":{"attempt":1,"delivered_to":"self-test"}})";
    const int64_t now = core::unix_seconds(clock_.now());
    client::WebhookVerifyConfig vc;
    vc.ed25519_public_key = kp.public_key_base64();
    vc.tolerance_seconds = cfg_.webhook_tolerance_seconds;
    const std::string ts = std::to_string(now);
    auto good = client::verify_and_parse(vc, {body, core::sign_ed25519(kp, ts, body), ts, ""}, now);
    auto forged = client::verify_and_parse(
        vc, {body + " ", core::sign_ed25519(kp, ts, body), ts, ""}, now);
    const bool ok = good.ok() && !forged.ok();
    std::string mode = !cfg_.require_signature             ? "disabled"
                       : !cfg_.webhook_public_key.empty() ? "ed25519"
                                                          : "hmac";
    reply_json(res, ok ? 200 : 500,
               {{"ok", ok},
                {"verification", mode},
                {"valid_signature_accepted", good.ok()},
                {"forged_signature_rejected", !forged.ok()},
                {"tolerance_seconds", cfg_.webhook_tolerance_seconds},
                {"dealerships", cfg_.dealerships.size()}});
  });
}

ServiceStats Service::stats() const {
  ServiceStats s;
  s.send_requests = send_requests_.load();
  s.ambiguous = ambiguous_.load();
  s.reconciled = reconciled_.load();
  s.webhooks_rejected = webhooks_rejected_.load();
  s.webhook_duplicates = webhook_duplicates_.load();
  return s;
}

int Service::start() {
  int port = net::bind_server(http_, cfg_.host, cfg_.port);
  if (port < 0) return -1;
  http_thread_ = std::thread([this] { http_.listen_after_bind(); });
  for (int i = 0; i < cfg_.workers; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
  return port;
}

void Service::stop() {
  if (stopping_.exchange(true)) return;
  wake_.notify_all();
  http_.stop();
  if (http_thread_.joinable()) http_thread_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
}

void Service::worker_loop(int index) {
  client::Config cc;
  cc.tenant = "service-worker-" + std::to_string(index);
  cc.api_key = cfg_.api_key;
  cc.base_url = cfg_.base_url;
  cc.read_timeout = cfg_.timeout;
  client::ClientDeps deps;
  deps.clock = &clock_;
  deps.retry.max_attempts = 1;   // retries are scheduled durably by the outbox, not in memory
  client::Client c(cc, deps);
  std::random_device rd;
  core::Rng rng((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(index));
  while (!stopping_) {
    std::optional<OutboxRow> row;
    try {
      row = outbox_->claim_due(now_ms(), cfg_.reconcile_window.count());
    } catch (const std::exception&) {
      row.reset();   // database busy or failing: back off one poll interval
    }
    if (!row) {
      std::unique_lock<std::mutex> lk(wake_mu_);
      wake_.wait_for(lk, cfg_.poll_interval, [this] { return stopping_.load(); });
      continue;
    }
    process(c, rng, *row);
  }
}

void Service::process(client::Client& c, core::Rng& rng, const OutboxRow& row) {
  client::SendParams p;
  p.to = row.to;
  p.from = row.from;
  p.text = row.text;
  p.tags = {outbox_tag(row.id)};
  if (const Dealership* d = cfg_.by_name(row.tenant); d && !d->messaging_profile_id.empty())
    p.messaging_profile_id = d->messaging_profile_id;
  send_requests_.fetch_add(1);
  auto r = c.send(p);
  if (!r.ok() && r.error().ambiguous) ambiguous_.fetch_add(1);
  try {
    if (r.ok()) {
      outbox_->mark_sent(row.id, r->id, r->status().empty() ? "queued" : r->status());
      return;
    }
    client::JobSettings js;
    js.max_attempts = cfg_.max_attempts;
    js.backoff.base_delay = cfg_.base_delay;
    js.backoff.max_delay = cfg_.max_delay;
    client::JobDecision d = client::decide_job(&r.error(), row.attempts, js, rng);
    const std::string why = r.error().summary();
    switch (d.action) {
      case client::JobAction::Complete: break;
      case client::JobAction::Snooze:
        outbox_->mark_retry(row.id, due_ms(d.delay), why, false);
        break;
      case client::JobAction::Retry:
        outbox_->mark_retry(row.id, due_ms(d.delay), why, true);
        break;
      case client::JobAction::Discard: outbox_->mark_failed(row.id, why); break;
      case client::JobAction::Reconcile:
        // Each ambiguous attempt may have created a message; stop resending after the budget
        // (a late webhook still marks the row sent).
        if (row.attempts >= cfg_.max_attempts)
          outbox_->mark_failed(row.id, "ambiguous after " + std::to_string(row.attempts) +
                                           " attempts: " + why);
        else
          outbox_->mark_reconciling(row.id, now_ms(), why);
        break;
    }
  } catch (const std::exception&) {
    // The row stays in_flight; recover_in_flight at the next start treats it as ambiguous.
  }
}

}  // namespace harness::tools::service
