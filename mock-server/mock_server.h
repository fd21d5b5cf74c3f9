// The in-process telnyx-mock: owns the configuration, the state store, the HTTP surface and the
// control API, and exposes the seams other parts plug into (scenario interceptor, webhook sink,
// fault executor, control-API registration). It is the composition root: the only code that
// wires the folders together (with scenario_routes.*, webhook_wiring.* and scenario_webhooks.h).
// The `telnyx-mock` binary is a thin main() around this class; tests, the load generator and the
// client library use it directly.
//
// Typical use in a test:
//   harness::mock::MockServer srv({});           // 127.0.0.1, ephemeral port, open mode
//   ASSERT_FALSE(srv.start());                   // nullopt = started
//   httplib::Client c(srv.base_url());           // "http://127.0.0.1:<port>"
//   ... srv.stop();                               // also done by the destructor
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <functional>
#include <string>
#include "config/config.h"
#include "control/control_api.h"
#include "core/clock.h"
#include "core/signing.h"
#include "scenario/fault_executor.h"
#include "scenario/decision.h"
#include "store/store.h"
#include "store/hooks.h"

namespace harness::mock {

struct TlsOptions {
  std::string cert_path;   // PEM certificate
  std::string key_path;    // PEM private key
};

struct MockServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                        // 0 = ephemeral; read the bound one with port()
  std::string config_yaml;             // YAML text; empty = embedded default (open mode)
  std::string config_path;             // YAML file; wins over config_yaml when set
  uint64_t seed = 1;                   // inventory, open-mode tenants, ids, webhook key
  // Message (and so event) ids; nullopt: from `seed`. The binary passes a fresh one per start
  // unless --seed is given, so ids never repeat across restarts.
  std::optional<uint64_t> id_seed;
  int threads = 0;                     // event-loop threads; 0 = the number of cores
  std::string admin_token;             // when set, /_mock/* needs "Authorization: Bearer <token>"
  // Not owned; nullptr = a core::OffsetClock: the system clock until POST /_mock/clock/advance
  // moves it forward (a ManualClock can be moved that way too; any other clock cannot).
  core::Clock* clock = nullptr;
  std::optional<TlsOptions> tls;       // serve HTTPS instead of HTTP
  // Start the built-in webhook engine (unless another sink was set before start()). Off: messages
  // follow the store's default time-based lifecycle and no webhooks are sent (--no-webhooks).
  bool builtin_webhooks = true;
  // Connections the built-in webhook engine keeps per destination (scheme://host:port), busy or
  // idle (EngineOptions::connections_per_destination; --webhook-connections). At least 1.
  size_t webhook_connections = 64;
  // Webhook signing key (--signing-key FILE); wins over the config's webhook_signing_key.
  std::optional<core::Ed25519KeyPair> webhook_key;
  // Access log (http/access_log.h): called with one line (no newline) per API request and per
  // webhook attempt, one call at a time. Empty = none (telnyx-mock writes them to stderr unless
  // --quiet).
  std::function<void(const std::string& line)> access_log;
  // The scenario engine (scenario/engine.h): the request interceptor and socket faults, the
  // /_mock/scenario, /_mock/report, /_mock/verify and /_mock/wait routes, and the link that hands
  // each loaded scenario's webhook settings to the built-in webhook engine. Off: an embedder may
  // plug in its own (set_interceptor, set_fault_executor).
  bool scenarios = false;
  std::string scenario_path;           // loaded by start() (--scenario); a bad file fails start()
  bool watch_scenario = false;         // reload scenario_path whenever the file changes (--watch)
};

class HttpFront;   // http/api.h: the request pipeline (routing, auth, interceptor, handlers)
class WebhookEngine;   // webhook/engine.h
namespace scenario {
class ScenarioEngine;   // scenario/engine.h
}  // namespace scenario

class MockServer {
 public:
  explicit MockServer(MockServerOptions opts);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Loads the configuration, binds and serves on a background thread. Returns nullopt once
  // listening, or a one-line reason (config error with file:line:column, bind failure, TLS).
  std::optional<std::string> start();
  // Stops accepting, closes every connection (in flight, delayed, parked) and joins the loop
  // threads, without waiting for peers. Idempotent.
  void stop();
  // Blocks until stop() is called from elsewhere (signal handler thread, control API).
  void wait();
  // stop(), then the webhook engine's shutdown: the one-line summary of what it could not
  // deliver, or nullopt without a built-in webhook engine. The destructor does the same, silently.
  std::optional<std::string> shutdown();

  int port() const;                    // bound port (valid after start)
  const std::string& host() const;
  std::string base_url() const;        // "http://127.0.0.1:41233" (https with TLS), no "/v2"
  // The machine-readable start-up line printed by the binary:
  // telnyx-mock listening {"host":...,"port":...,"url":...,"webhook_public_key":...}
  std::string startup_line() const;

  // Seams. May be set before or after start(); a request in flight keeps the one it saw.
  void set_interceptor(std::shared_ptr<RequestInterceptor> interceptor);
  void set_webhook_sink(std::shared_ptr<WebhookSink> sink);
  void set_fault_executor(std::shared_ptr<FaultExecutor> executor);

  ControlApi& control();               // add /_mock/* routes and reset hooks
  // More /metrics lines (Prometheus text, each line ending in '\n'), rendered on every scrape.
  void add_metrics_source(std::function<std::string()> source);
  Store& store();                      // also the MessageLifecycle the webhook engine advances
  const MockConfig& config() const;    // valid after start()
  core::Clock& clock();
  // The Ed25519 key pair webhooks are signed with (contract §7.4); seeded unless configured.
  const core::Ed25519KeyPair& webhook_keys() const;
  // The built-in webhook engine, created by start() unless another sink was set before it
  // (nullptr then, and before start). Routes: GET /_mock/webhooks, POST /_mock/inbound.
  std::shared_ptr<WebhookEngine> webhook_engine() const;
  // The scenario engine, created by start() when options.scenarios is set (nullptr otherwise).
  std::shared_ptr<scenario::ScenarioEngine> scenario_engine() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace harness::mock
