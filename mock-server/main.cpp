// telnyx-mock: parses flags, builds the MockServer (mock_server.h, the composition root, wires
// every part), prints the start-up line, waits for SIGINT/SIGTERM and shuts down within 2 s.
#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <pthread.h>
#include <random>
#include <thread>
#include "core/signing.h"
#include "http/access_log.h"
#include "mock_server.h"
#include "process.h"

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts (the access log's writer is one), so every
  // thread inherits the mask; one thread waits for them (no async handler).
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  harness::mock::tune_process();
  harness::mock::MockServerOptions opts;
  opts.port = 12111;   // contract §12: the deprecated telnyx-mock's port, so SDK setups work
  opts.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string log_level = "info", tls_cert, tls_key, signing_key;

  CLI::App app{"telnyx-mock: a stateful fake of the Telnyx Messaging API v2"};
  app.add_option("--host", opts.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", opts.port, "Port; 0 picks a free one (see the start-up line)")
      ->check(CLI::Range(0, 65535))->capture_default_str();
  app.add_option("--config", opts.config_path, "YAML configuration (tenants, settings)")->check(CLI::ExistingFile);
  auto* seed_option = app.add_option("--seed", opts.seed,
                                     "Seed for inventory, open-mode numbers and the webhook key; given, also for "
                                     "message and event ids (otherwise fresh per start)")->capture_default_str();
  app.add_option("--log-level", log_level, "error | warn | info | debug")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}))->capture_default_str();
  app.add_option("--threads", opts.threads,
                 "Event-loop threads serving every connection (default: the number of cores)")
      ->check(CLI::Range(1, 256))->capture_default_str();
  app.add_option("--admin-token", opts.admin_token, "Bearer token required on /_mock/*");
  bool quiet = false;
  app.add_flag("--quiet", quiet,
               "No access log (by default every API request and webhook attempt is one line on stderr)");
  bool no_webhooks = false;
  app.add_flag("--no-webhooks", no_webhooks,
               "Do not start the webhook engine (messages still move queued -> delivered on GET)");
  app.add_option("--webhook-connections", opts.webhook_connections,
                 "Webhook connections per destination (scheme://host:port), busy or idle; more attempts wait "
                 "for one. A receiver answering in 200 ms gets about 5 events/s per connection")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--tls-cert", tls_cert, "PEM certificate: serve HTTPS")->check(CLI::ExistingFile);
  app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--signing-key", signing_key,
                 "Ed25519 private key (PKCS#8 PEM or base64 seed) that signs webhooks")
      ->check(CLI::ExistingFile);
  std::string scenario_path;
  bool watch = false;
  app.add_option("--scenario", scenario_path, "Scenario YAML (see scenarios/README.md)")->check(CLI::ExistingFile);
  app.add_flag("--watch", watch, "Reload --scenario whenever the file changes");
  int trim_seconds = 10;
  app.add_option("--heap-trim", trim_seconds,
                 "Seconds between returning free heap pages to the kernel; 0 = never")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  // Every flag also reads an environment variable, TELNYX_MOCK_ + its name in capitals with '_'
  // for '-' (--log-level: TELNYX_MOCK_LOG_LEVEL); the command line wins. Containers use these.
  for (CLI::Option* o : app.get_options()) {
    if (o->get_lnames().empty() || o->get_lnames().front() == "help") continue;
    std::string env = "TELNYX_MOCK_" + o->get_lnames().front();
    for (char& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    o->envname(env);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, non-zero exit.
    std::cerr << "telnyx-mock: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (tls_cert.empty() != tls_key.empty()) {
    std::cerr << "telnyx-mock: --tls-cert and --tls-key go together\n";
    return 2;
  }
  opts.builtin_webhooks = !no_webhooks;
  // Ids never repeat across restarts unless the run is pinned with --seed (start-up line: id_seed).
  if (seed_option->count() == 0) opts.id_seed = (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  // The access log is part of the default (info) output.
  // Written in batches (every 50 ms) rather than one flushed write per request.
  std::shared_ptr<harness::mock::BatchedLineWriter> log_out;
  if (!quiet && (log_level == "info" || log_level == "debug")) {
    log_out = std::make_shared<harness::mock::BatchedLineWriter>(stderr);
    opts.access_log = [log_out](const std::string& line) { log_out->write_line(line); };
  }
  if (!tls_cert.empty()) opts.tls = harness::mock::TlsOptions{tls_cert, tls_key};
  if (!signing_key.empty()) {
    auto k = harness::core::load_ed25519_private_file(signing_key);
    if (!k) {
      std::cerr << "telnyx-mock: --signing-key " << signing_key << ": " << k.error() << "\n";
      return 2;
    }
    opts.webhook_key = k.value();
  }

  if (watch && scenario_path.empty()) {
    std::cerr << "telnyx-mock: --watch needs --scenario\n";
    return 2;
  }
  // The scenario engine: interceptor, socket faults, /_mock/scenario|report|verify, reset hook.
  opts.scenarios = true;
  opts.scenario_path = scenario_path;
  opts.watch_scenario = watch;

  harness::mock::MockServer server(opts);
  if (auto heap = harness::mock::allocator_metrics()) server.add_metrics_source(std::move(heap));
  if (auto err = server.start()) {
    std::cerr << "telnyx-mock: " << *err << "\n";
    return 1;
  }
  std::cout << server.startup_line() << std::endl;
  if (log_level == "debug" || log_level == "info") {
    std::cerr << "telnyx-mock: " << (server.config().open_mode() ? "open mode (any Bearer KEY... key)" : "configured tenants")
              << ", control API at " << server.base_url() << "/_mock/, inbox at " << server.base_url()
              << "/_mock/ui, metrics at /metrics\n";
  }

  harness::mock::HeapTrimmer trimmer{std::chrono::seconds(trim_seconds)};
  int sig = 0;
  sigwait(&sigs, &sig);
  if (log_out) log_out->flush();
  if (log_level != "error") std::cerr << "telnyx-mock: signal " << sig << ", shutting down\n";
  // Shutdown is bounded whatever the peers do: if it has not finished in 2 s, exit anyway.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1900));
    std::fputs("telnyx-mock: shutdown took too long; exiting now\n", stderr);
    std::_Exit(1);
  }).detach();
  // What the webhook engine could not deliver is reported, never silently lost.
  if (const auto report = server.shutdown()) {
    if (log_out) log_out->flush();
    if (log_level != "error") std::cerr << "telnyx-mock: " << *report << "\n";
  }
  return 0;
}
