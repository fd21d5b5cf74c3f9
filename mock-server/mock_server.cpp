#include "mock_server.h"
#include "net/http_server.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include "control/builtin.h"
#include "control/clock_route.h"
#include "http/events.h"
#include "control/metrics.h"
#include "core/base64.h"
#include "core/offset_clock.h"
#include "core/rng.h"
#include "http/api.h"
#include "store/inventory.h"
#include "store/journal.h"
#include "scenario/engine.h"
#include "scenario_routes.h"
#include "scenario_webhooks.h"
#include "webhook/engine.h"
#include "webhook_wiring.h"

namespace harness::mock {

struct MockServer::Impl {
  MockServerOptions opts;
  core::OffsetClock default_clock;   // system time until POST /_mock/clock/advance moves it
  core::Clock* clock = nullptr;
  MockConfig config;
  core::Ed25519KeyPair keys;
  ControlApi control;
  Metrics metrics;
  std::unique_ptr<Store> store;
  std::unique_ptr<Journal> journal;
  std::unique_ptr<Inventory> inventory;
  std::unique_ptr<HttpFront> front;
  std::shared_ptr<AccessLog> access_log;
  std::shared_ptr<EventHub> events;   // GET /_mock/events; one per start
  std::shared_ptr<net::HttpServer> server;
  int port = -1;
  std::mutex mu;
  std::condition_variable stopped_cv;
  bool running = false;
  // Seams set before start() are applied when the front is built.
  std::shared_ptr<RequestInterceptor> interceptor;
  std::shared_ptr<WebhookSink> sink;
  std::shared_ptr<FaultExecutor> faults;
  // Declared after the store: destroyed (and shut down) before what it advances.
  std::unique_ptr<StoreInboundDirectory> inbound;
  std::shared_ptr<WebhookEngine> webhooks;
  std::shared_ptr<scenario::ScenarioEngine> scenarios;
  bool watching = false;
  // Last: unlinked before either engine goes away.
  std::unique_ptr<ScenarioWebhookFollower> follower;
};

MockServer::MockServer(MockServerOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->clock = impl_->opts.clock ? impl_->opts.clock : &impl_->default_clock;
  // The store exists before start() so tests and engines can hold a reference early; start()
  // resets it once the configuration is loaded.
  impl_->store = std::make_unique<Store>(impl_->config, impl_->opts.seed, *impl_->clock);
  impl_->store->set_id_seed(impl_->opts.id_seed.value_or(impl_->opts.seed));
  // Deterministic from the seed, so a test can pin the public key it verifies with; a
  // configured settings.webhook_signing_key replaces it in start().
  core::Rng rng = core::Rng(impl_->opts.seed).fork("webhook-signing-key");
  std::string seed_bytes(32, '\0');
  for (size_t i = 0; i < 32; i += 8) {
    const uint64_t v = rng.next_u64();
    for (size_t b = 0; b < 8; ++b) seed_bytes[i + b] = static_cast<char>((v >> (8 * b)) & 0xff);
  }
  if (auto k = core::load_ed25519_private(core::base64_encode(seed_bytes))) impl_->keys = k.value();
}

MockServer::~MockServer() {
  stop();
  impl_->follower.reset();
  // Before the members it uses go away (the front may still hold the engine as its sink).
  if (impl_->webhooks) impl_->webhooks->shutdown();
}

std::optional<std::string> MockServer::start() {
  Impl& d = *impl_;
  if (d.running) return std::string("already started");
  if (!d.opts.config_path.empty()) {
    auto c = load_config_file(d.opts.config_path);
    if (!c) return c.error().to_string();
    d.config = c.value();
  } else if (!d.opts.config_yaml.empty()) {
    auto c = parse_config(d.opts.config_yaml);
    if (!c) return c.error().to_string();
    d.config = c.value();
  } else {
    d.config = default_config();
  }
  if (d.config.settings.webhook_signing_key) {
    auto k = core::load_ed25519_private(*d.config.settings.webhook_signing_key);
    if (!k) return "settings.webhook_signing_key: " + k.error();
    d.keys = k.value();
  }
  if (d.opts.webhook_key) d.keys = *d.opts.webhook_key;

  if (d.opts.scenarios && !d.scenarios) {
    auto engine = std::make_shared<scenario::ScenarioEngine>(*d.clock);
    if (!d.opts.scenario_path.empty()) {
      if (auto err = engine->load_file(d.opts.scenario_path)) return err->to_string();
    }
    d.scenarios = engine;
    set_interceptor(engine);
    set_fault_executor(engine->fault_executor());
    scenario::register_control_routes(d.control, engine);
  }

  d.store->reset();   // same object: references handed out before start() stay valid
  d.journal = std::make_unique<Journal>(d.config.settings.max_journal);
  d.inventory = std::make_unique<Inventory>(d.opts.seed);
  d.front = std::make_unique<HttpFront>(d.config, *d.store, *d.journal, d.control, d.metrics, *d.clock,
                                        *d.inventory, d.opts.admin_token);
  d.front->set_interceptor(d.interceptor);
  d.front->set_webhook_sink(d.sink);
  d.front->set_fault_executor(d.faults);
  if (d.opts.access_log) {
    d.access_log = std::make_shared<AccessLog>(d.opts.access_log, *d.clock);
    d.front->set_access_log(d.access_log);
  }
  {
    const Settings& st = d.config.settings;
    EventHubLimits limits;
    limits.max_subscribers = st.max_event_streams;
    limits.max_queued_bytes = st.event_stream_buffer_bytes;
    limits.heartbeat = std::chrono::milliseconds(st.event_heartbeat_ms);
    d.events = std::make_shared<EventHub>(limits);
    d.front->set_event_hub(d.events);
    d.store->set_message_observer(d.events);
    std::weak_ptr<EventHub> weak = d.events;
    d.control.on_reset([weak] {
      if (auto hub = weak.lock()) hub->publish("", "reset", core::json::object());
    });
    d.metrics.add_source([weak] {
      auto hub = weak.lock();
      return hub ? hub->metrics_text() : std::string();
    });
  }
  register_builtin_control(BuiltinDeps{*d.store, *d.journal, d.metrics, d.control,
                                       [this] { return impl_->keys.public_key_base64(); }});
  register_clock_control(ClockRouteDeps{d.control, *d.clock, d.front->scheduled_sends()});
  if (d.opts.builtin_webhooks && !d.sink && !d.webhooks) {
    // The built-in webhook engine (contract §7), signing with the key pair just settled.
    EngineOptions eo;
    eo.connections_per_destination = std::max<size_t>(1, d.opts.webhook_connections);
    d.webhooks = std::make_shared<WebhookEngine>(*d.store, *d.clock, d.keys, eo);
    d.inbound = std::make_unique<StoreInboundDirectory>(*d.store);
    d.webhooks->set_inbound_directory(d.inbound.get());
    register_webhook_routes(d.control, d.webhooks, d.config.settings);
    std::weak_ptr<WebhookEngine> weak = d.webhooks;
    d.metrics.add_source([weak] {
      auto e = weak.lock();
      return e ? e->metrics_text() : std::string();
    });
    set_webhook_sink(d.webhooks);
    // Every attempt record goes to the access log and to the inbox's live updates.
    d.webhooks->log().set_observer([log = d.access_log, weak = std::weak_ptr<EventHub>(d.events)](const AttemptRecord& r) {
      if (log) log->webhook(r);
      auto hub = weak.lock();
      if (hub && hub->wants()) {
        core::json j = r;
        hub->publish(r.tenant_id, "webhook", core::json{{"tenant", r.tenant_id}, {"attempt", std::move(j)}});
      }
    });
  }

  // Inbound texts are answered from this front's autoresponse configs (a restart builds a new front).
  if (d.inbound) d.inbound->set_responder(d.front->inbound_responder());
  // A loaded scenario's webhook settings reach the webhook engine; its verdicts see inbound texts.
  if (d.scenarios && d.webhooks && !d.follower)
    d.follower = std::make_unique<ScenarioWebhookFollower>(d.scenarios, d.webhooks);

  const Settings& st = d.config.settings;
  net::ServerOptions so;
  so.host = d.opts.host;
  so.port = d.opts.port;
  so.threads = d.opts.threads;
  so.limits.max_request_line_bytes = st.max_request_line_bytes;
  so.limits.max_header_bytes = st.max_header_bytes;
  so.limits.max_headers = st.max_headers;
  so.limits.max_body_bytes = st.payload_max_bytes;
  so.limits.request_timeout = std::chrono::milliseconds(st.request_timeout_ms);
  so.limits.idle_timeout = std::chrono::milliseconds(st.idle_timeout_ms);
  so.limits.write_timeout = std::chrono::milliseconds(std::max<int64_t>(st.request_timeout_ms, 5000));
  so.limits.max_connections = st.max_connections;
  if (d.opts.tls) so.tls = net::ServerTls{d.opts.tls->cert_path, d.opts.tls->key_path};
  HttpFront* front = d.front.get();
  d.server = std::make_shared<net::HttpServer>(
      so, [front](const std::shared_ptr<net::Exchange>& ex) { front->serve(ex); },
      [front](const httplib::Request& req, httplib::Response& res, const std::string& detail) {
        front->refuse(req, res, detail);
      });
  if (auto err = d.server->start()) {
    d.server.reset();
    if (d.opts.tls && err->rfind("cannot load TLS", 0) == 0) return *err;
    return "cannot listen on " + d.opts.host + ":" + std::to_string(d.opts.port) + " (address in use or not local)";
  }
  d.port = d.server->port();
  d.metrics.add_source([weak = std::weak_ptr<net::HttpServer>(d.server)] {
    auto server = weak.lock();   // a restarted mock has a new server
    if (!server) return std::string();
    const net::ServerCounters c = server->counters();
    return "# HELP telnyx_mock_connections_open Client connections open now (hung ones included).\n"
           "# TYPE telnyx_mock_connections_open gauge\n"
           "telnyx_mock_connections_open " + std::to_string(c.open) + "\n"
           "# HELP telnyx_mock_connections_total Client connections by what happened at accept.\n"
           "# TYPE telnyx_mock_connections_total counter\n"
           "telnyx_mock_connections_total{outcome=\"served\"} " + std::to_string(c.accepted - c.rejected_over_limit) + "\n"
           "telnyx_mock_connections_total{outcome=\"over_max_connections\"} " + std::to_string(c.rejected_over_limit) + "\n"
           "# HELP telnyx_mock_requests_refused_total Requests the transport refused (400, 408, 413, 414, 431).\n"
           "# TYPE telnyx_mock_requests_refused_total counter\n"
           "telnyx_mock_requests_refused_total " + std::to_string(c.refused) + "\n";
  });
  d.running = true;
  if (d.scenarios && d.opts.watch_scenario && !d.opts.scenario_path.empty() && !d.watching) {
    d.scenarios->watch(d.opts.scenario_path);
    d.watching = true;
  }
  return std::nullopt;
}

std::optional<std::string> MockServer::shutdown() {
  impl_->follower.reset();
  stop();
  if (!impl_->webhooks) return std::nullopt;
  return impl_->webhooks->shutdown().summary();
}

void MockServer::stop() {
  Impl& d = *impl_;
  {
    std::lock_guard<std::mutex> lk(d.mu);
    if (!d.running) return;
    d.running = false;
  }
  // Event streams first: no event is written once the server's loops are going away.
  d.store->set_message_observer(nullptr);
  if (d.events) d.events->shutdown();
  d.server->stop();
  d.stopped_cv.notify_all();
}

void MockServer::wait() {
  std::unique_lock<std::mutex> lk(impl_->mu);
  impl_->stopped_cv.wait(lk, [this] { return !impl_->running; });
}

int MockServer::port() const { return impl_->port; }
const std::string& MockServer::host() const { return impl_->opts.host; }

std::string MockServer::base_url() const {
  const std::string scheme = impl_->opts.tls ? "https" : "http";
  const std::string& h = impl_->opts.host;
  const std::string host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
  return scheme + "://" + host + ":" + std::to_string(impl_->port);
}

std::string MockServer::startup_line() const {
  core::json j = {{"host", impl_->opts.host},
                  {"port", impl_->port},
                  {"url", base_url()},
                  {"seed", impl_->opts.seed},
                  {"id_seed", impl_->store->id_seed()},
                  {"webhook_public_key", impl_->keys.public_key_base64()}};
  return "telnyx-mock listening " + j.dump();
}

void MockServer::set_interceptor(std::shared_ptr<RequestInterceptor> i) {
  impl_->interceptor = i;
  if (impl_->front) impl_->front->set_interceptor(std::move(i));
}

void MockServer::set_webhook_sink(std::shared_ptr<WebhookSink> s) {
  // With an engine attached, it alone advances messages; without one, reads apply the default.
  impl_->store->set_auto_lifecycle(s == nullptr);
  impl_->sink = s;
  if (impl_->front) impl_->front->set_webhook_sink(std::move(s));
}

void MockServer::set_fault_executor(std::shared_ptr<FaultExecutor> f) {
  impl_->faults = f;
  if (impl_->front) impl_->front->set_fault_executor(std::move(f));
}

ControlApi& MockServer::control() { return impl_->control; }
void MockServer::add_metrics_source(std::function<std::string()> source) { impl_->metrics.add_source(std::move(source)); }
Store& MockServer::store() { return *impl_->store; }
const MockConfig& MockServer::config() const { return impl_->config; }
core::Clock& MockServer::clock() { return *impl_->clock; }
const core::Ed25519KeyPair& MockServer::webhook_keys() const { return impl_->keys; }
std::shared_ptr<WebhookEngine> MockServer::webhook_engine() const { return impl_->webhooks; }
std::shared_ptr<scenario::ScenarioEngine> MockServer::scenario_engine() const { return impl_->scenarios; }

}  // namespace harness::mock
