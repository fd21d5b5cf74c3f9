// The webhook engine of telnyx-mock: implements WebhookSink. For each accepted outbound message
// it runs the lifecycle (sending -> sent -> terminal) through MessageLifecycle, turns each status
// change into its event (contract §7.1-7.2), and delivers it with Telnyx's rules (§7.6): URL
// chain, deadline, retries with backoff, failover, signing (§7.4/§7.5) and seeded chaos. It
// records every attempt (AttemptLog) and serves the control-API views: GET /_mock/webhooks,
// POST /_mock/inbound, GET /_mock/keys, and its /metrics lines.
// Files: engine.cpp (outbound flows, delivery, redelivery), engine_inbound.cpp (inbound messages
// and bursts; the body is decoded and checked by inbound_post.h), engine_views.cpp (views and metrics), flow.h
// (the in-flight state they share).
// What to do is decided by plan.h (pure); the engine only sequences it on the Scheduler's event
// loop, and the shared HTTP client (net/http_client.h) carries each attempt out on that loop: an
// attempt in flight costs a socket and a timer, never a thread, and each destination (origin) has
// its own connection pool, so a slow or dead receiver never delays another one. Not owned here: message state (the store), YAML parsing (scenario/), routes (http/).
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <string>
#include "core/clock.h"
#include "core/control_reply.h"
#include "core/json.h"
#include "core/rng.h"
#include "core/signing.h"
#include "webhook/attempt_log.h"
#include "store/hooks.h"
#include "net/http_client.h"
#include "webhook/plan.h"
#include "webhook/scheduler.h"
#include "config/webhook_settings.h"

namespace harness::mock {

// Server-level knobs (the scenario cannot change these).
struct EngineOptions {
  // Event-loop threads that run lifecycle steps and every attempt's I/O (none of them ever waits
  // for a receiver).
  size_t workers = 2;
  size_t queue_capacity = 200000;        // admitted, not yet finished message flows
  size_t log_capacity = 100000;          // attempt records kept for GET /_mock/webhooks
  // Connections per destination (scheme://host:port), busy or idle keep-alive; attempts beyond
  // it wait for one (the attempt's deadline starts when it gets one). A receiver answering in
  // 200 ms gets up to 320 events/s per 64 connections. A receiver that gives each connection a
  // thread needs at least this many threads (the reference service has 64, telnyx-loadgen's
  // receiver 96).
  size_t connections_per_destination = 64;
  // New connections being opened at once per destination: a burst does not overflow a small
  // listen backlog (cpp-httplib listens with 5) and turn into 1 s SYN retries. The first this
  // many connections open on demand; more only once an attempt has waited `grow_after` for one
  // (at most one per grow_after / 4): a receiver that gives each connection a thread is not
  // handed connections its load does not need (net::ClientOptions::grow_after).
  size_t connecting_per_destination = 8;
  std::chrono::milliseconds grow_after{20};
  // A receiver's response body is read up to this many bytes; the rest is never read and the
  // connection is closed.
  size_t response_body_cap = 64 * 1024;
  // https receivers: empty = no certificate verification (test receivers are self-signed);
  // a CA file turns verification on.
  std::string ca_cert_file;
  // Paces lifecycle steps, retries, chaos delays and inbound bursts (the Scheduler's clock);
  // nullptr = real time. Event timestamps come from the engine's clock either way, so a test may
  // stamp with a ManualClock and still have deliveries run in real time.
  const core::Clock* pacing_clock = nullptr;
};

// The control API's answer (core/control_reply.h): status and JSON body (a Telnyx envelope on errors).
using core::ControlReply;

// What shutdown() could not deliver.
struct ShutdownReport {
  size_t abandoned_tasks = 0;   // scheduled steps, attempts and bursts that never ran
  size_t abandoned_attempts = 0;   // attempts cut in flight (or waiting for a connection)
  WebhookStats stats;           // final counters (events_abandoned counts the lost events)
  std::string summary() const;  // one line for the mock's log
};

class WebhookEngine final : public WebhookSink {
 public:
  WebhookEngine(MessageLifecycle& lifecycle, const core::Clock& clock, core::Ed25519KeyPair key,
                EngineOptions options = {});
  ~WebhookEngine() override;
  WebhookEngine(const WebhookEngine&) = delete;
  WebhookEngine& operator=(const WebhookEngine&) = delete;

  // Hot swap (scenario reload): messages accepted afterwards use the new settings; flows in
  // progress keep the settings they started with. Also (re)starts the scenario's inbound bursts.
  void set_settings(WebhookSettings s);
  std::shared_ptr<const WebhookSettings> settings() const;
  // Needed for POST /_mock/inbound and inbound bursts; may be set once after construction.
  void set_inbound_directory(InboundDirectory* directory);
  // Told of every inbound message accepted (POST /_mock/inbound, scenario bursts) before its
  // webhook is scheduled: the client verdicts learn that a reply is due.
  void set_inbound_observer(std::function<void(const InboundContext&)> f);
  // Called after every attempt record: wakes whoever waits on verdicts or idleness.
  void set_on_change(std::function<void()> f) { log_.set_on_record(std::move(f)); }
  // Receiver verdicts judged from the attempts (attempt_log.h), for GET /_mock/report.
  core::json receiver_verdicts() const { return receiver_verdicts_json(log_.verdicts()); }

  // WebhookSink
  OutboundPlan plan_outbound(const OutboundContext& ctx) override;
  // For a message already stored: plan_outbound, the timeline handed to the store, then start.
  void on_outbound_accepted(const OutboundContext& ctx);
  void on_inbound(const InboundContext& ctx) override;

  // POST /_mock/inbound, its body decoded and checked (inbound_post.h): 200 {"data": inbound
  // message}; 404/10005 when nobody owns `to`; 500/10007 without an inbound directory.
  ControlReply handle_inbound_post(const InboundRequest& req);
  // POST /_mock/webhooks/redeliver {"event_id"}: one of the last kRedeliverable events is sent
  // again now, same id and payload, to its URL chain with the usual retries and no chaos; its
  // attempts are recorded with "redelivery": true. 202 {"data":{event_id, event_type,
  // message_id, urls}}; 400/10015 not a JSON object; 422/10004 no event_id; 404/10005 unknown
  // or too old.
  static constexpr size_t kRedeliverable = 1000;
  ControlReply handle_redeliver_post(const std::string& body);
  // GET /_mock/webhooks: {"data":[records, newest first], "meta":{...}, "stats":{...}}.
  core::json webhooks_json(const AttemptFilter& f) const;
  // GET /_mock/keys: the public key a receiver verifies with.
  core::json keys_json() const;
  // Prometheus text lines (appended to /metrics by the control API).
  std::string metrics_text() const;

  const core::Ed25519KeyPair& key() const { return key_; }
  const AttemptLog& log() const { return log_; }
  AttemptLog& log() { return log_; }   // set_observer (the access log)
  size_t pending() const { return scheduler_.pending(); }
  // Attempts on the wire or waiting for a connection.
  size_t in_flight() const { return in_flight_.load(); }
  // Idle means nothing scheduled, running or in flight (tests and the benchmark wait for it).
  bool idle() const {
    return scheduler_.pending() == 0 && scheduler_.running() == 0 && in_flight_.load() == 0;
  }
  // The HTTP client's counters (connections, bytes read, truncated bodies, ...).
  net::ClientStats client_stats() const { return client_.stats(); }
  // POST /_mock/reset: forgets records and counters; deliveries in progress continue.
  void reset_log() { log_.clear(); }

  // Refuses new work, records every event still pending as abandoned, cuts the attempts in
  // flight (recorded as abandoned too, whatever the receivers do), stops the loop threads and says
  // what was lost. Returns within a fraction of a second. Idempotent.
  ShutdownReport shutdown();

 private:
  struct Flow;
  struct Delivery;

  void run_step(const std::shared_ptr<Flow>& flow, size_t index);
  // Records every event of the flow from `from_index` on (and a held message.sent) as never sent.
  void abandon_flow(const std::shared_ptr<Flow>& flow, size_t from_index,
                    AttemptOutcome outcome = AttemptOutcome::Abandoned, const char* why = "shutdown");
  // Builds the event and registers it with its flow (held, or chained behind message.sent);
  // returns the delivery to start now, or nullptr when it starts later or there is no URL.
  std::shared_ptr<Delivery> prepare_event(const std::shared_ptr<Flow>& flow, EventKind kind,
                                          const core::Message& payload, core::TimePoint at);
  void start_delivery(const std::shared_ptr<Delivery>& d);
  void schedule_attempt(const std::shared_ptr<Delivery>& d, WebhookDuration delay);
  void attempt(const std::shared_ptr<Delivery>& d);
  // Records an attempt ("" error = delivered) and schedules what follows.
  void attempt_done(const std::shared_ptr<Delivery>& d, int number, const std::string& url,
                    std::string error, int http_status, double latency_ms);
  void after_first_attempt(const std::shared_ptr<Delivery>& d);
  void record_without_attempt(const Delivery& d, AttemptOutcome outcome, std::string error);
  void schedule_burst(uint64_t generation, size_t burst_index, uint64_t i,
                      std::shared_ptr<const WebhookSettings> s);

  MessageLifecycle& lifecycle_;
  const core::Clock& clock_;
  const core::Ed25519KeyPair key_;
  const core::Ed25519Signer signer_;   // the key prepared once: signing is per attempt
  const EngineOptions options_;
  AttemptLog log_;
  std::atomic<InboundDirectory*> directory_{nullptr};
  std::shared_ptr<const std::function<void(const InboundContext&)>> inbound_observer_;   // atomic access
  std::atomic<uint64_t> burst_generation_{0};
  mutable std::mutex settings_mu_;
  std::shared_ptr<const WebhookSettings> settings_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<size_t> cut_in_flight_{0};   // attempts aborted by shutdown
  // The last kRedeliverable events (their immutable fields are read by a redelivery).
  void remember(const std::shared_ptr<Delivery>& d);
  std::mutex recent_mu_;
  std::deque<std::string> recent_order_;
  std::unordered_map<std::string, std::shared_ptr<Delivery>> recent_;
  // Last: the loop threads stop (in shutdown) before the members they use are destroyed, and the
  // client (whose sockets belong to the scheduler's loop) goes before the loop.
  SteadyPacingClock real_time_;
  Scheduler scheduler_;
  net::HttpClient client_;
};

}  // namespace harness::mock
