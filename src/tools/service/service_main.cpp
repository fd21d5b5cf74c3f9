#include "tools/service/service_main.h"

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <ostream>

#include "tools/exit_codes.h"
#include "tools/service/service.h"

namespace harness::tools::service {

int serve_main(const std::string& config_path, std::ostream& log) {
  auto cfg = load_service_config(config_path);
  if (!cfg) {
    log << "telnyx-send: " << cfg.error() << "\n";
    return kExitIo;
  }
  if (cfg->reconcile_window < cfg->min_reconcile_window()) {
    log << "telnyx-send: reconcile_window_ms " << cfg->reconcile_window.count()
        << " is shorter than the webhook retry schedule plus a margin (" << cfg->min_reconcile_window().count()
        << " ms): a late message.sent would find its row sent again\n";
    return kExitUsage;
  }
  if (cfg->api_key.empty()) {
    log << "telnyx-send: telnyx.api_key is required\n";
    return kExitIo;
  }
  auto ob = Outbox::open(cfg->database);
  if (!ob) {
    log << "telnyx-send: " << ob.error() << "\n";
    return kExitIo;
  }
  core::SystemClock clock;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          clock.now().time_since_epoch()).count();
  const int recovered = (*ob)->recover_in_flight(now);

  // Block the stop signals in every thread we start; the main thread waits for them.
  sigset_t stop_set;
  sigemptyset(&stop_set);
  sigaddset(&stop_set, SIGINT);
  sigaddset(&stop_set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_set, nullptr);

  const std::string port_file = cfg->port_file;
  Service svc(std::move(*cfg), std::move(ob.value()), clock);
  const int port = svc.start();
  if (port < 0) {
    log << "telnyx-send: cannot bind the listen address\n";
    return kExitIo;
  }
  log << "telnyx-send serve: listening on port " << port << ", " << recovered
      << " in-flight row(s) set to reconcile\n";
  if (!port_file.empty()) {
    // Written via rename so a reader never sees a partial file.
    const std::string tmp = port_file + ".tmp";
    { std::ofstream(tmp) << port << "\n"; }
    std::rename(tmp.c_str(), port_file.c_str());
  }
  int sig = 0;
  sigwait(&stop_set, &sig);
  log << "telnyx-send serve: stopping\n";
  svc.stop();
  return kExitOk;
}

}  // namespace harness::tools::service
