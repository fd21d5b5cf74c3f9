// ScenarioEngine: the mock's RequestInterceptor. Owns the current scenario (an atomically swapped
// shared_ptr, so a request in flight finishes under the scenario it started with), its state and
// random streams, the verdict recorder, the socket fault executor (whose hang cap follows the
// scenario) and the optional file watcher. Control-API handlers are transport-agnostic methods
// here; control_routes.h binds them to /_mock/scenario, /_mock/report and /_mock/verify.
// Does not own: the HTTP pipeline (it calls on_request / on_completed) or the store.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include "core/clock.h"
#include "core/json.h"
#include "http/faults.h"
#include "scenario/decide.h"
#include "scenario/decision.h"
#include "scenario/loader.h"
#include "scenario/scenario.h"
#include "scenario/verdicts.h"

namespace harness::mock::scenario {

struct ControlReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class ScenarioEngine final : public RequestInterceptor {
 public:
  explicit ScenarioEngine(core::Clock& clock);
  ~ScenarioEngine() override;
  ScenarioEngine(const ScenarioEngine&) = delete;
  ScenarioEngine& operator=(const ScenarioEngine&) = delete;

  // Loading. On error nothing changes and the error says where and what was expected.
  std::optional<ParseError> load_yaml(std::string_view yaml, const std::string& source = "<request>");
  std::optional<ParseError> load_file(const std::string& path);
  void load(Scenario sc);
  std::shared_ptr<const Scenario> current() const;
  // Reloads `path` whenever its modification time or size changes (checked every `interval`).
  // A bad edit keeps the previous scenario and is reported on stderr and in GET /_mock/scenario.
  void watch(const std::string& path, std::chrono::milliseconds interval = std::chrono::milliseconds(250));

  // RequestInterceptor
  Decision on_request(const RequestView& req) override;
  void on_completed(const RequestView& req, const Decision& d, int status,
                    const std::optional<std::string>& message_id) override;

  // Back to the start (POST /_mock/reset): counters, sequences, machines, buckets, verdicts.
  void reset();
  core::json report() const;
  VerifyResult verify(const core::json& expect) const;
  uint64_t reloads() const { return reloads_.load(); }

  // Carries out socket faults; share it with MockServer::set_fault_executor.
  std::shared_ptr<SocketFaultExecutor> fault_executor() const { return faults_; }

  // Control API, independent of the HTTP library.
  ControlReply get_scenario() const;
  ControlReply put_scenario(std::string_view yaml);
  ControlReply delete_scenario();
  ControlReply get_report() const;
  ControlReply post_verify(std::string_view body) const;

 private:
  struct Active {
    explicit Active(std::shared_ptr<const Scenario> s) : sc(std::move(s)), state(*sc) {}
    std::shared_ptr<const Scenario> sc;
    mutable std::mutex mu;      // serialises decide() on this scenario's state
    ScenarioState state;
  };
  std::shared_ptr<Active> active() const { return std::atomic_load(&active_); }
  void watch_loop(std::string path, std::chrono::milliseconds interval, std::pair<int64_t, int64_t> last);

  core::Clock& clock_;
  std::shared_ptr<Active> active_;
  VerdictRecorder verdicts_;
  std::shared_ptr<SocketFaultExecutor> faults_;
  std::atomic<uint64_t> reloads_{0};

  mutable std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::string last_watch_error_;
  std::thread watcher_;
};

// Expectations for POST /_mock/verify may be JSON or YAML; nullopt with `error` set on bad input.
std::optional<core::json> parse_expectations(std::string_view body, std::string& error);

}  // namespace harness::mock::scenario
