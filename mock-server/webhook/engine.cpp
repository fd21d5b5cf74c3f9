#include "webhook/engine.h"

#include <sstream>
#include <thread>
#include "core/e164.h"
#include "core/errors.h"
#include "core/ids.h"
#include "core/json_limits.h"
#include "core/send_request.h"

namespace harness::mock {

// One outbound message on its way through the lifecycle. Steps run strictly one after the other
// (each schedules the next), so the store never sees `finalized` before `sent`.
struct WebhookEngine::Flow {
  std::string tenant_id;
  std::string message_id;
  std::shared_ptr<const WebhookSettings> settings;
  std::vector<LifecycleStep> steps;
  std::vector<std::string> chain;
  SignatureKind signature = SignatureKind::None;
  std::optional<std::string> v1_secret;
  core::Rng rng;                       // this message's stream: Rng(seed).fork(message id)
  bool reorder = false;
  std::mutex mu;
  std::shared_ptr<Delivery> held_sent; // reorder: waits for message.finalized's first attempt
  std::shared_ptr<Delivery> sent;      // otherwise: finalized waits for sent's first attempt
};

// One copy of one event on its way through the URL chain (a chaos duplicate is a second copy
// with the same event id and its own attempts).
struct WebhookEngine::Delivery {
  std::string tenant_id;
  std::string message_id;
  std::string event_id;
  std::string event_type;
  std::string data_json;
  std::vector<std::string> chain;
  SignatureKind signature = SignatureKind::None;
  std::optional<std::string> v1_secret;
  std::shared_ptr<const WebhookSettings> settings;
  EventChaos chaos;
  std::vector<std::string> chaos_names;
  bool redelivery = false;
  int attempts_done = 0;               // touched only by the attempt task (one at a time)
  // Started after this copy's first attempt: the other event of the message, so that events
  // arrive in lifecycle order (or reversed, under reorder chaos) and never by accident.
  std::shared_ptr<Delivery> then;
  bool first_done = false;             // guarded by the flow's mutex
  std::weak_ptr<Flow> flow;            // weak: a flow holds its deliveries
};

std::string ShutdownReport::summary() const {
  std::ostringstream os;
  os << "webhooks: " << stats.events_delivered << " delivered, " << stats.events_failed
     << " failed after all attempts, " << stats.events_dropped << " dropped by chaos, "
     << stats.queue_overflow << " refused (queue full), " << stats.events_gone
     << " lost with their message (evicted), " << stats.events_abandoned
     << " not delivered at shutdown (" << abandoned_tasks << " pending tasks, "
     << abandoned_attempts << " attempts cut in flight)";
  return os.str();
}

WebhookEngine::WebhookEngine(MessageLifecycle& lifecycle, const core::Clock& clock,
                             core::Ed25519KeyPair key, EngineOptions options)
    : lifecycle_(lifecycle),
      clock_(clock),
      key_(key),
      signer_(key_),
      options_(options),
      log_(options.log_capacity),
      settings_(std::make_shared<const WebhookSettings>()),
      scheduler_(options.workers, options.queue_capacity),
      client_(scheduler_.io(), [&options] {
        net::ClientOptions o;
        o.max_connections_per_origin = options.connections_per_destination;
        o.max_connecting_per_origin = options.connecting_per_destination;
        o.grow_after = options.grow_after;
        o.max_body_bytes = options.response_body_cap;
        o.ca_cert_file = options.ca_cert_file;
        return o;
      }()) {}

WebhookEngine::~WebhookEngine() { shutdown(); }

void WebhookEngine::set_settings(WebhookSettings s) {
  auto next = std::make_shared<const WebhookSettings>(std::move(s));
  {
    std::lock_guard<std::mutex> lock(settings_mu_);
    settings_ = next;
  }
  // A new generation cancels the bursts of the previous scenario.
  const uint64_t gen = ++burst_generation_;
  for (size_t b = 0; b < next->inbound.size(); ++b) schedule_burst(gen, b, 0, next);
}

std::shared_ptr<const WebhookSettings> WebhookEngine::settings() const {
  std::lock_guard<std::mutex> lock(settings_mu_);
  return settings_;
}

void WebhookEngine::set_inbound_directory(InboundDirectory* directory) {
  directory_.store(directory);
}

// ---- outbound --------------------------------------------------------------------------------

void WebhookEngine::on_outbound_accepted(const OutboundContext& ctx) {
  OutboundPlan plan = plan_outbound(ctx);
  if (!plan.timeline.empty()) lifecycle_.follow_timeline(ctx.tenant_id, ctx.message.id, std::move(plan.timeline));
  if (plan.start) plan.start();
}

OutboundPlan WebhookEngine::plan_outbound(const OutboundContext& ctx) {
  auto settings_now = settings();
  auto chain = delivery_chain(ctx.routing);
  // Only steps that emit an event are scheduled. The others (`sending`; with no URL at all, every
  // step, contract §7.6) go to the store as a timeline that it applies on read, at their times.
  std::vector<TimedStatus> timeline;
  std::vector<LifecycleStep> scheduled;
  core::TimePoint at = clock_.now();
  core::TimePoint last_scheduled = at;
  for (auto& st : outbound_lifecycle(settings_now->timing, ctx.final_status, ctx.final_errors)) {
    at += std::chrono::duration_cast<core::Duration>(st.after);
    if (st.event && !chain.empty()) {
      st.after = std::chrono::duration_cast<WebhookDuration>(at - last_scheduled);
      last_scheduled = at;
      scheduled.push_back(std::move(st));
      continue;
    }
    if (st.event) log_.count_no_url();
    timeline.push_back(TimedStatus{at, std::move(st.status), std::move(st.errors)});
  }
  OutboundPlan plan;
  plan.timeline = std::move(timeline);
  if (scheduled.empty()) return plan;
  auto flow = std::make_shared<Flow>();
  flow->tenant_id = ctx.tenant_id;
  flow->message_id = ctx.message.id;
  flow->settings = std::move(settings_now);
  flow->steps = std::move(scheduled);
  flow->chain = std::move(chain);
  flow->signature = signature_kind(flow->settings->signing, ctx.routing);
  flow->v1_secret = ctx.routing.v1_secret;
  flow->rng = core::Rng(flow->settings->seed).fork("message/" + ctx.message.id);
  bool has_sent = false;
  for (const auto& st : flow->steps) has_sent = has_sent || st.event == EventKind::Sent;
  flow->reorder = has_sent && !flow->chain.empty() && plan_reorder(flow->settings->chaos, flow->rng);
  if (flow->reorder) log_.count_chaos(ChaosKind::Reorder);

  plan.start = [this, flow] {
    const bool admitted = scheduler_.admit(
        flow->steps.front().after, [this, flow] { run_step(flow, 0); },
        [this, flow] { abandon_flow(flow, 0); });
    if (admitted) return;
    // Never silent: every event this message would have produced is recorded as refused.
    for (const auto& st : flow->steps) {
      if (!st.event) continue;
      Delivery d;
      d.tenant_id = flow->tenant_id;
      d.message_id = flow->message_id;
      d.event_type = std::string(event_type_name(*st.event));
      d.signature = flow->signature;
      record_without_attempt(d, AttemptOutcome::Overflow, "queue full");
    }
  };
  return plan;
}

void WebhookEngine::run_step(const std::shared_ptr<Flow>& flow, size_t index) {
  const LifecycleStep& step = flow->steps[index];
  const core::TimePoint at = clock_.now();
  auto message = lifecycle_.advance(flow->tenant_id, flow->message_id, step.status, step.errors, at);
  if (!message) {
    // Evicted (max_messages) or reset meanwhile: its events cannot be built; say so.
    abandon_flow(flow, index, AttemptOutcome::Gone, "message no longer stored (evicted or reset)");
    return;
  }
  // The event is registered with its flow before the next step can run (on another worker, at
  // once when its delay is zero), so message.finalized always finds message.sent in place.
  std::shared_ptr<Delivery> d = step.event ? prepare_event(flow, *step.event, *message, at) : nullptr;
  // The next step before this delivery: it may run on this worker and take up to the deadline,
  // which must not push the lifecycle back.
  if (index + 1 < flow->steps.size()) {
    const bool ok = scheduler_.follow(
        flow->steps[index + 1].after, [this, flow, index] { run_step(flow, index + 1); },
        [this, flow, index] { abandon_flow(flow, index + 1); });
    if (!ok) abandon_flow(flow, index + 1);
  }
  if (d) start_delivery(d);
}

void WebhookEngine::abandon_flow(const std::shared_ptr<Flow>& flow, size_t from_index,
                                 AttemptOutcome outcome, const char* why) {
  if (flow->chain.empty()) return;
  for (size_t i = from_index; i < flow->steps.size(); ++i) {
    if (!flow->steps[i].event) continue;
    Delivery d;
    d.tenant_id = flow->tenant_id;
    d.message_id = flow->message_id;
    d.event_type = std::string(event_type_name(*flow->steps[i].event));
    d.signature = flow->signature;
    record_without_attempt(d, outcome, why);
  }
  std::shared_ptr<Delivery> held;
  {
    std::lock_guard<std::mutex> lock(flow->mu);
    held = std::move(flow->held_sent);
  }
  if (held) record_without_attempt(*held, outcome, why);
}

std::shared_ptr<WebhookEngine::Delivery> WebhookEngine::prepare_event(
    const std::shared_ptr<Flow>& flow, EventKind kind, const core::Message& payload,
    core::TimePoint at) {
  if (flow->chain.empty()) {
    log_.count_no_url();   // contract §7.6: no URL -> no webhook
    return nullptr;
  }
  const std::string type(event_type_name(kind));
  core::Rng event_rng = flow->rng.fork(type);
  core::Rng id_rng = event_rng.fork("id");
  auto d = std::make_shared<Delivery>();
  d->tenant_id = flow->tenant_id;
  d->message_id = flow->message_id;
  d->event_id = core::uuid_v4(id_rng);
  d->event_type = type;
  d->data_json = event_data_json(kind, d->event_id, core::format_rfc3339(at), payload);
  d->chain = flow->chain;
  d->signature = flow->signature;
  d->v1_secret = flow->v1_secret;
  d->settings = flow->settings;
  d->chaos = plan_event_chaos(flow->settings->chaos, event_rng.fork("chaos"));
  d->chaos_names = d->chaos.names();
  if (flow->reorder) d->chaos_names.emplace_back(chaos_name(ChaosKind::Reorder));
  d->flow = flow;
  remember(d);

  {
    std::lock_guard<std::mutex> lock(flow->mu);
    if (kind == EventKind::Sent) {
      if (flow->reorder) {
        flow->held_sent = d;   // released by message.finalized's first attempt
        return nullptr;
      }
      flow->sent = d;
    } else if (kind == EventKind::Finalized) {
      if (flow->reorder) {
        d->then = std::move(flow->held_sent);
      } else if (flow->sent && !flow->sent->first_done) {
        flow->sent->then = d;   // goes out right after message.sent's first attempt
        flow->sent.reset();
        return nullptr;
      }
      flow->sent.reset();
    }
  }
  return d;
}

// ---- delivery --------------------------------------------------------------------------------

void WebhookEngine::start_delivery(const std::shared_ptr<Delivery>& d) {
  if (d->chaos.drop) log_.count_chaos(ChaosKind::Drop);
  if (d->chaos.duplicate) log_.count_chaos(ChaosKind::Duplicate);
  if (d->chaos.bad_signature) log_.count_chaos(ChaosKind::BadSignature);
  if (d->chaos.stale_timestamp) log_.count_chaos(ChaosKind::StaleTimestamp);
  if (d->chaos.extra_delay.count() > 0) log_.count_chaos(ChaosKind::Delay);
  if (d->chaos.drop) {
    record_without_attempt(*d, AttemptOutcome::Dropped, "dropped by chaos");
    after_first_attempt(d);   // a held message.sent still goes out (after the lost finalized)
    return;
  }
  log_.count_scheduled(d->chaos.duplicate ? 2 : 1);
  // The copy is taken before the original can start (its attempt task mutates it).
  std::shared_ptr<Delivery> copy;
  if (d->chaos.duplicate) {
    copy = std::make_shared<Delivery>(*d);
    copy->then.reset();
    copy->flow.reset();
  }
  if (copy) schedule_attempt(copy, d->chaos.extra_delay);
  // Called on a worker (a lifecycle step, an inbound task or an earlier attempt): an attempt due
  // now runs right here rather than through the schedule and another worker's wake-up.
  if (d->chaos.extra_delay.count() > 0) {
    schedule_attempt(d, d->chaos.extra_delay);
  } else {
    attempt(d);
  }
}

void WebhookEngine::schedule_attempt(const std::shared_ptr<Delivery>& d, WebhookDuration delay) {
  const bool ok = scheduler_.follow(
      delay, [this, d] { attempt(d); },
      [this, d] {
        record_without_attempt(*d, AttemptOutcome::Abandoned, "shutdown");
        if (d->then) record_without_attempt(*d->then, AttemptOutcome::Abandoned, "shutdown");
      });
  if (!ok) {
    record_without_attempt(*d, AttemptOutcome::Abandoned, "shutdown");
    if (d->then) record_without_attempt(*d->then, AttemptOutcome::Abandoned, "shutdown");
  }
}

void WebhookEngine::attempt(const std::shared_ptr<Delivery>& d) {
  const DeliverySettings& ds = d->settings->delivery;
  const auto step = next_attempt(ds, d->chain.size(), d->attempts_done);
  if (!step) return;   // cannot happen: exhaustion is handled below
  const int number = ++d->attempts_done;
  const std::string& url = d->chain[step->url_index];
  const std::string body = envelope_body(d->data_json, number, url);

  const auto target = net::parse_http_url(url);
  if (!target) return attempt_done(d, number, url, "invalid url", 0, 0);
  const int64_t now_unix = core::unix_seconds(clock_.now());
  net::Request req;
  req.target = target->target;
  req.host = target->origin.host_header();
  // Each attempt is signed afresh: chaos corrupts the chosen attempt only (unless configured).
  req.headers = attempt_headers(d->signature, signer_, d->v1_secret, ds.user_agent, body, now_unix,
                                attempt_chaos(d->chaos, number, d->settings->chaos.corrupt_all_attempts),
                                d->settings->chaos.stale_by);
  req.body = body;
  std::string wire;
  net::write_request(req, wire);
  // The attempt leaves this thread here; its result comes back as a handler on the loop.
  ++in_flight_;
  client_.send(target->origin, std::move(wire), ds.timeout,
               [this, d, number, url](net::Result& result) {
                 if (result.error == net::ClientError::Aborted) {
                   // Cut by shutdown: not delivered, like every other pending event.
                   ++cut_in_flight_;
                   record_without_attempt(*d, AttemptOutcome::Abandoned, "shutdown");
                   if (d->then) record_without_attempt(*d->then, AttemptOutcome::Abandoned, "shutdown");
                 } else {
                   std::string error(net::error_name(result.error));
                   if (result.ok() && !is_delivery_success(result.response.status)) {
                     error = "status " + std::to_string(result.response.status);
                   }
                   attempt_done(d, number, url, std::move(error), result.response.status,
                                std::chrono::duration<double, std::milli>(result.elapsed).count());
                 }
                 --in_flight_;
               });
}

void WebhookEngine::attempt_done(const std::shared_ptr<Delivery>& d, int number,
                                 const std::string& url, std::string error, int http_status,
                                 double latency_ms) {
  const bool ok = error.empty();
  const DeliverySettings& ds = d->settings->delivery;
  const auto next = ok ? std::nullopt : next_attempt(ds, d->chain.size(), number);
  AttemptRecord r;
  r.tenant_id = d->tenant_id;
  r.event_id = d->event_id;
  r.event_type = d->event_type;
  r.message_id = d->message_id;
  r.url = url;
  r.attempt = number;
  r.http_status = http_status;
  r.latency_ms = latency_ms;
  r.error = std::move(error);
  r.signature = std::string(signature_kind_name(d->signature));
  r.chaos = d->chaos_names;
  r.corrupted = corruption_names(attempt_chaos(d->chaos, number, d->settings->chaos.corrupt_all_attempts));
  r.final = ok || !next;
  r.redelivery = d->redelivery;
  r.outcome = ok ? AttemptOutcome::Delivered : AttemptOutcome::Failed;
  r.at = core::format_rfc3339(clock_.now());
  log_.record(std::move(r));

  if (number == 1) after_first_attempt(d);
  if (next) schedule_attempt(d, next->delay);
}

void WebhookEngine::after_first_attempt(const std::shared_ptr<Delivery>& d) {
  std::shared_ptr<Delivery> then;
  if (auto flow = d->flow.lock()) {
    std::lock_guard<std::mutex> lock(flow->mu);
    d->first_done = true;
    then = std::move(d->then);
  } else {
    then = std::move(d->then);
  }
  if (then) start_delivery(then);
}

void WebhookEngine::record_without_attempt(const Delivery& d, AttemptOutcome outcome,
                                           std::string error) {
  AttemptRecord r;
  r.tenant_id = d.tenant_id;
  r.event_id = d.event_id;
  r.event_type = d.event_type;
  r.message_id = d.message_id;
  r.signature = std::string(signature_kind_name(d.signature));
  r.chaos = d.chaos_names;
  r.error = std::move(error);
  r.final = true;
  r.redelivery = d.redelivery;
  r.outcome = outcome;
  r.at = core::format_rfc3339(clock_.now());
  log_.record(std::move(r));
}

// ---- redelivery ------------------------------------------------------------------------------

void WebhookEngine::remember(const std::shared_ptr<Delivery>& d) {
  std::lock_guard<std::mutex> lock(recent_mu_);
  if (!recent_.emplace(d->event_id, d).second) return;
  recent_order_.push_back(d->event_id);
  if (recent_order_.size() > kRedeliverable) {
    recent_.erase(recent_order_.front());
    recent_order_.pop_front();
  }
}

ControlReply WebhookEngine::handle_redeliver_post(const std::string& body) {
  const auto j = core::json::parse(body, nullptr, false);
  if (!j.is_object()) return {400, core::error_body(10015, "The body must be a JSON object: {\"event_id\": \"...\"}.", std::nullopt)};
  if (!j.contains("event_id") || !j["event_id"].is_string() || j["event_id"].get<std::string>().empty()) {
    return {422, core::error_body(10004, "The 'event_id' parameter is required (a webhook event id).", std::string("/event_id"))};
  }
  const std::string id = j["event_id"];
  std::shared_ptr<Delivery> original;
  {
    std::lock_guard<std::mutex> lock(recent_mu_);
    auto it = recent_.find(id);
    if (it != recent_.end()) original = it->second;
  }
  if (!original) {
    return {404, core::error_body(10005, "No recent webhook event " + id + " (the last " + std::to_string(kRedeliverable) +
                                             " events can be redelivered).", std::nullopt)};
  }
  // Only the fields fixed when the event was built: its attempt task may be running.
  auto d = std::make_shared<Delivery>();
  d->tenant_id = original->tenant_id;
  d->message_id = original->message_id;
  d->event_id = original->event_id;
  d->event_type = original->event_type;
  d->data_json = original->data_json;
  d->chain = original->chain;
  d->signature = original->signature;
  d->v1_secret = original->v1_secret;
  d->settings = original->settings;
  d->redelivery = true;
  log_.count_scheduled();
  schedule_attempt(d, WebhookDuration::zero());
  core::json data{{"event_id", d->event_id}, {"event_type", d->event_type}, {"message_id", d->message_id}, {"urls", d->chain}};
  return {202, core::json{{"data", std::move(data)}}.dump()};
}

// ---- inbound ---------------------------------------------------------------------------------

void WebhookEngine::set_inbound_observer(std::function<void(const InboundContext&)> f) {
  auto p = f ? std::make_shared<const std::function<void(const InboundContext&)>>(std::move(f)) : nullptr;
  std::atomic_store(&inbound_observer_, std::move(p));
}

void WebhookEngine::on_inbound(const InboundContext& ctx) {
  if (auto observe = std::atomic_load(&inbound_observer_)) (*observe)(ctx);
  auto flow = std::make_shared<Flow>();
  flow->tenant_id = ctx.tenant_id;
  flow->message_id = ctx.message.id;
  flow->settings = settings();
  flow->chain = delivery_chain(ctx.routing);
  flow->signature = signature_kind(flow->settings->signing, ctx.routing);
  flow->v1_secret = ctx.routing.v1_secret;
  flow->rng = core::Rng(flow->settings->seed).fork("inbound/" + ctx.message.id);
  const core::Message message = ctx.message;
  const bool admitted = scheduler_.admit(
      WebhookDuration{0}, [this, flow, message] {
        if (auto d = prepare_event(flow, EventKind::Received, message, clock_.now())) {
          start_delivery(d);
        }
      },
      [this, flow] {
        Delivery d;
        d.tenant_id = flow->tenant_id;
        d.message_id = flow->message_id;
        d.event_type = std::string(event_type_name(EventKind::Received));
        record_without_attempt(d, AttemptOutcome::Abandoned, "shutdown");
      });
  if (!admitted) {
    Delivery d;
    d.tenant_id = flow->tenant_id;
    d.message_id = flow->message_id;
    d.event_type = std::string(event_type_name(EventKind::Received));
    d.signature = flow->signature;
    record_without_attempt(d, AttemptOutcome::Overflow, "queue full");
  }
}

namespace {

ControlReply error_reply(int status, int code, std::string_view detail,
                         std::optional<std::string> pointer = std::nullopt) {
  return ControlReply{status, core::error_body(code, detail, std::move(pointer))};
}

bool is_sender_address(const std::string& s) {
  auto kind = core::classify_address(s);
  return kind == core::AddressKind::E164 || kind == core::AddressKind::ShortCode ||
         kind == core::AddressKind::Alphanumeric;
}

}  // namespace

ControlReply WebhookEngine::handle_inbound_post(const std::string& body) {
  core::json j;
  const auto parsed = core::parse_json_bounded(body, j);
  if (parsed == core::JsonParse::TooDeep) {
    return error_reply(400, 10015, core::json_too_deep_detail(core::kDefaultJsonMaxDepth));
  }
  if (parsed != core::JsonParse::Ok || !j.is_object()) {
    return error_reply(400, 10015, "The request body must be a JSON object.");
  }
  InboundRequest req;
  for (const char* field : {"from", "to"}) {
    if (!j.contains(field) || j[field].is_null()) {
      return error_reply(422, 10004, std::string("The '") + field + "' field is required.",
                         std::string("/") + field);
    }
    if (!j[field].is_string()) {
      return error_reply(422, 10015, std::string("'") + field + "' must be a string.",
                         std::string("/") + field);
    }
  }
  req.from = j["from"].get<std::string>();
  req.to = j["to"].get<std::string>();
  if (auto problem = core::e164_problem(req.to)) {
    return error_reply(422, 10002, "'to' " + *problem, std::string("/to"));
  }
  if (!is_sender_address(req.from)) {
    return error_reply(422, 10002, "'from' is not a phone number, short code or sender ID.",
                       std::string("/from"));
  }
  if (j.contains("text") && !j["text"].is_null()) {
    if (!j["text"].is_string()) {
      return error_reply(422, 10015, "'text' must be a string.", std::string("/text"));
    }
    req.text = j["text"].get<std::string>();
  }
  if (j.contains("media_urls") && !j["media_urls"].is_null()) {
    const auto& m = j["media_urls"];
    if (!m.is_array()) {
      return error_reply(422, 10015, "'media_urls' must be an array of URLs.",
                         std::string("/media_urls"));
    }
    for (size_t i = 0; i < m.size(); ++i) {
      if (!m[i].is_string() || !split_url(m[i].get<std::string>())) {
        return error_reply(422, 10015, "'media_urls' must hold http(s) URLs.",
                           "/media_urls/" + std::to_string(i));
      }
      req.media_urls.push_back(m[i].get<std::string>());
    }
  }
  // The send path's content rules, with the same codes and statuses.
  if (auto p = core::content_problem(!req.text.empty(), req.media_urls.size())) {
    return error_reply(p->http_status, std::stoi(p->error.code), p->error.detail.value_or(""),
                       p->error.source_pointer);
  }
  InboundDirectory* dir = directory_.load();
  if (dir == nullptr) {
    return error_reply(500, 10007, "Inbound messages are not available in this server.");
  }
  auto ctx = dir->accept_inbound(req, clock_.now());
  if (!ctx) {
    return error_reply(404, 10005, "No messaging profile owns " + req.to + ".",
                       std::string("/to"));
  }
  on_inbound(*ctx);
  core::json out = {{"data", ctx->message}};
  return ControlReply{200, core::dump_json(out)};
}

void WebhookEngine::schedule_burst(uint64_t generation, size_t burst_index, uint64_t i,
                                   std::shared_ptr<const WebhookSettings> s) {
  if (burst_index >= s->inbound.size()) return;
  const InboundBurst& b = s->inbound[burst_index];
  if (i >= b.count) return;
  WebhookDuration delay{0};
  if (i == 0) {
    delay = b.start_after;
  } else if (b.rate_per_second > 0) {
    delay = std::chrono::duration_cast<WebhookDuration>(
        std::chrono::duration<double>(1.0 / b.rate_per_second));
  }
  // One task per message, each scheduling the next: a burst of a million holds one queue slot.
  auto task = [this, generation, burst_index, i, s] {
    if (burst_generation_.load() != generation) return;   // scenario replaced
    const InboundBurst& burst = s->inbound[burst_index];
    InboundRequest req{burst.from, burst.to, burst.text, {}};
    const std::string index = std::to_string(i + 1);
    for (size_t pos = req.text.find("{i}"); pos != std::string::npos;
         pos = req.text.find("{i}", pos + index.size())) {
      req.text.replace(pos, 3, index);
    }
    if (InboundDirectory* dir = directory_.load()) {
      if (auto ctx = dir->accept_inbound(req, clock_.now())) on_inbound(*ctx);
    }
    schedule_burst(generation, burst_index, i + 1, s);
  };
  if (i == 0) scheduler_.admit(delay, task); else scheduler_.follow(delay, task);
}

// ---- views -----------------------------------------------------------------------------------

core::json WebhookEngine::webhooks_json(const AttemptFilter& f) const {
  core::json data = core::json::array();
  for (const auto& r : log_.query(f)) data.push_back(r);
  core::json stats = log_.stats();
  stats["queue_pending"] = scheduler_.pending();
  stats["queue_capacity"] = scheduler_.capacity();
  stats["in_flight"] = in_flight_.load();
  core::json meta = {{"returned", data.size()},
                     {"stored", log_.size()},
                     {"capacity", log_.capacity()}};
  return core::json{{"data", std::move(data)}, {"meta", std::move(meta)}, {"stats", std::move(stats)}};
}

core::json WebhookEngine::keys_json() const {
  return core::json{{"data",
                     {{"record_type", "webhook_public_key"},
                      {"algorithm", "ed25519"},
                      {"public_key", key_.public_key_base64()},
                      {"public_key_pem", core::public_key_pem(key_)}}}};
}

std::string WebhookEngine::metrics_text() const {
  const WebhookStats s = log_.stats();
  std::ostringstream os;
  os << "# HELP telnyx_mock_webhook_events_total Webhook event copies by final outcome.\n"
     << "# TYPE telnyx_mock_webhook_events_total counter\n";
  const std::pair<const char*, uint64_t> events[] = {
      {"scheduled", s.events_scheduled}, {"delivered", s.events_delivered},
      {"failed", s.events_failed},       {"dropped", s.events_dropped},
      {"abandoned", s.events_abandoned}, {"gone", s.events_gone},
      {"no_url", s.events_no_url},
      {"overflow", s.queue_overflow}};
  for (const auto& [name, v] : events) {
    os << "telnyx_mock_webhook_events_total{outcome=\"" << name << "\"} " << v << "\n";
  }
  os << "# HELP telnyx_mock_webhook_attempts_total Webhook HTTP attempts.\n"
     << "# TYPE telnyx_mock_webhook_attempts_total counter\n"
     << "telnyx_mock_webhook_attempts_total{result=\"ok\"} " << (s.attempts - s.attempts_failed)
     << "\n"
     << "telnyx_mock_webhook_attempts_total{result=\"failed\"} " << s.attempts_failed << "\n"
     << "# HELP telnyx_mock_webhook_queue_overflow_total Events refused because the queue was full.\n"
     << "# TYPE telnyx_mock_webhook_queue_overflow_total counter\n"
     << "telnyx_mock_webhook_queue_overflow_total " << s.queue_overflow << "\n"
     << "# HELP telnyx_mock_webhook_chaos_total Chaos injected, by kind.\n"
     << "# TYPE telnyx_mock_webhook_chaos_total counter\n";
  for (int k = 0; k < kChaosKinds; ++k) {
    os << "telnyx_mock_webhook_chaos_total{kind=\"" << chaos_name(static_cast<ChaosKind>(k))
       << "\"} " << s.chaos[static_cast<size_t>(k)] << "\n";
  }
  os << "# HELP telnyx_mock_webhook_queue_pending Scheduled webhook tasks not yet run.\n"
     << "# TYPE telnyx_mock_webhook_queue_pending gauge\n"
     << "telnyx_mock_webhook_queue_pending " << scheduler_.pending() << "\n";
  return os.str();
}

ShutdownReport WebhookEngine::shutdown() {
  ShutdownReport rep;
  const size_t cut_before = cut_in_flight_.load();
  // 1. Nothing new starts; every scheduled step, retry and burst is recorded as abandoned.
  rep.abandoned_tasks = scheduler_.close();
  // 2. Attempts on the wire or waiting for a connection are cut: their handlers run on the loop
  //    with Aborted and record the events as abandoned. No receiver can hold this up.
  client_.shutdown();
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while ((in_flight_.load() > 0 || client_.stats().open_connections > 0) &&
         std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // 3. The loop threads stop.
  scheduler_.join();
  rep.abandoned_attempts = cut_in_flight_.load() - cut_before;
  rep.stats = log_.stats();
  return rep;
}

}  // namespace harness::mock
