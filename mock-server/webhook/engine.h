// The webhook engine of telnyx-mock: implements WebhookSink. For each accepted outbound message
// it runs the lifecycle (sending -> sent -> terminal) through MessageLifecycle, turns each status
// change into its event (contract §7.1-7.2), and delivers it with Telnyx's rules (§7.6): URL
// chain, deadline, retries with backoff, failover, signing (§7.4/§7.5) and seeded chaos. It
// records every attempt (AttemptLog) and serves the control-API views: GET /_mock/webhooks,
// POST /_mock/inbound, GET /_mock/keys, and its /metrics lines.
// What to do is decided by plan.h (pure); this file only sequences it on the Scheduler and the
// HttpPoster. Not owned here: message state (the store), YAML parsing (scenario/), routes (http/).
#pragma once
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include "core/clock.h"
#include "core/json.h"
#include "core/rng.h"
#include "core/signing.h"
#include "webhook/attempt_log.h"
#include "webhook/hooks.h"
#include "webhook/http_poster.h"
#include "webhook/plan.h"
#include "webhook/scheduler.h"
#include "webhook/settings.h"

namespace harness::mock {

// Server-level knobs (the scenario cannot change these).
struct EngineOptions {
  size_t workers = 8;                    // concurrent deliveries (and connections per receiver)
  size_t queue_capacity = 200000;        // admitted, not yet finished message flows
  size_t log_capacity = 100000;          // attempt records kept for GET /_mock/webhooks
  size_t connections_per_destination = 8;  // keep-alive connections per receiver, at most
  // https receivers: empty = no certificate verification (test receivers are self-signed);
  // a CA file turns verification on.
  std::string ca_cert_file;
};

// An HTTP answer for the control API: status and JSON body (a Telnyx envelope on errors).
struct ControlReply {
  int status = 200;
  std::string body;
};

// What shutdown() could not deliver.
struct ShutdownReport {
  size_t abandoned_tasks = 0;   // scheduled steps, attempts and bursts that never ran
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

  // WebhookSink
  OutboundPlan plan_outbound(const OutboundContext& ctx) override;
  // For a message already stored: plan_outbound, the timeline handed to the store, then start.
  void on_outbound_accepted(const OutboundContext& ctx);
  void on_inbound(const InboundContext& ctx) override;

  // POST /_mock/inbound {from, to, text, media_urls?}: 200 {"data": inbound message};
  // 400/10015 for a body that is not a JSON object; 422 for missing or invalid fields;
  // 404/10005 when nobody owns `to`.
  ControlReply handle_inbound_post(const std::string& body);
  // GET /_mock/webhooks: {"data":[records, newest first], "meta":{...}, "stats":{...}}.
  core::json webhooks_json(const AttemptFilter& f) const;
  // GET /_mock/keys: the public key a receiver verifies with.
  core::json keys_json() const;
  // Prometheus text lines (appended to /metrics by the control API).
  std::string metrics_text() const;

  const core::Ed25519KeyPair& key() const { return key_; }
  const AttemptLog& log() const { return log_; }
  size_t pending() const { return scheduler_.pending(); }
  // Idle means nothing scheduled and nothing running (tests and the benchmark wait for it).
  bool idle() const { return scheduler_.pending() == 0 && scheduler_.running() == 0; }
  // POST /_mock/reset: forgets records and counters; deliveries in progress continue.
  void reset_log() { log_.clear(); }

  // Stops the workers (attempts in progress finish, bounded by the deadline), records every
  // event still pending as abandoned, and says what was lost. Idempotent.
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
  HttpPoster poster_;
  std::atomic<InboundDirectory*> directory_{nullptr};
  std::atomic<uint64_t> burst_generation_{0};
  mutable std::mutex settings_mu_;
  std::shared_ptr<const WebhookSettings> settings_;
  Scheduler scheduler_;   // last: its workers stop before the members they use are destroyed
};

}  // namespace harness::mock
