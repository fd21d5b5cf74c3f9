#include "webhook/engine.h"

#include <thread>
#include "core/errors.h"
#include "core/ids.h"
#include "webhook/flow.h"

namespace harness::mock {

WebhookEngine::WebhookEngine(MessageLifecycle& lifecycle, const core::Clock& clock,
                             core::Ed25519KeyPair key, EngineOptions options)
    : lifecycle_(lifecycle),
      clock_(clock),
      key_(key),
      signer_(key_),
      options_(options),
      log_(options.log_capacity),
      settings_(std::make_shared<const WebhookSettings>()),
      scheduler_(options.workers, options.queue_capacity, options.pacing_clock ? *options.pacing_clock : real_time_),
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
  timeline.reserve(3);   // a lifecycle has at most three steps
  if (!chain.empty()) scheduled.reserve(3);
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
  flow->v1_secret = ctx.routing.profile.v1_secret;
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
