// ScenarioEngine: the mock's RequestInterceptor. Owns the current scenario (an atomically swapped
// shared_ptr, so a request in flight finishes under the scenario it started with), its state and
// random streams, the verdict recorder, the socket fault executor (whose hang cap follows the
// scenario) and the optional file watcher. Control-API handlers are transport-agnostic methods
// here; the composition root's scenario_routes.cpp binds them to /_mock/scenario, /_mock/report
// and /_mock/verify.
// Does not own: the HTTP pipeline (it calls on_request / on_completed) or the store.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>
#include "core/clock.h"
#include "core/control_reply.h"
#include "core/json.h"
#include "scenario/faults.h"
#include "scenario/decide.h"
#include "scenario/decision.h"
#include "scenario/loader.h"
#include "scenario/scenario.h"
#include "scenario/verdicts.h"

namespace harness::mock::scenario {

using core::ControlReply;   // core/control_reply.h: status, body, content type

// What POST /_mock/verify and /_mock/wait wait for (ScenarioEngine::check_verify).
struct WaitFor {
  std::chrono::milliseconds limit{0};   // 0: answer at once
  bool webhooks_idle = false;           // also wait until no webhook is pending
};

class ScenarioEngine final : public RequestInterceptor, public std::enable_shared_from_this<ScenarioEngine> {
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
  // Parts of the mock that follow the scenario (the webhook engine) are called on every load,
  // one load at a time and in order, before load() returns: PUT /_mock/scenario answers only
  // once every part applies the new scenario. add_load_listener calls `f` at once with the
  // current scenario; after remove_load_listener returns, `f` is never called again.
  using LoadListener = std::function<void(const std::shared_ptr<const Scenario>&)>;
  uint64_t add_load_listener(LoadListener f);
  void remove_load_listener(uint64_t id);
  // Reloads `path` whenever its modification time or size changes (checked every `interval`).
  // A bad edit keeps the previous scenario and is reported on stderr and in GET /_mock/scenario.
  void watch(const std::string& path, std::chrono::milliseconds interval = std::chrono::milliseconds(250));

  // RequestInterceptor
  Decision on_request(const RequestView& req) override;
  void on_completed(const RequestView& req, const Decision& d, int status,
                    const std::optional<std::string>& message_id) override;

  // An inbound message reached one of `tenant`'s numbers from `from` (POST /_mock/inbound, an
  // inbound burst): a reply to it is no duplicate.
  void on_inbound(const std::string& tenant, const std::string& from);

  // Another part of the mock that judges the client too and may have work pending: the webhook
  // engine (its receiver verdicts join the report; `idle` says no webhook is pending). It calls
  // notify_change() whenever its verdicts or its idleness may have changed.
  struct Peer {
    std::function<core::json()> verdicts;   // {"name": {"count": n, "items": [...]}, ...}
    std::function<bool()> idle;
    std::function<uint64_t()> pending;
  };
  void set_peer(std::shared_ptr<const Peer> peer);
  void notify_change() const;

  // Back to the start (POST /_mock/reset): counters, sequences, machines, buckets, verdicts.
  void reset();
  core::json report() const;
  VerifyResult verify(const core::json& expect) const;

  // Waiting without sleeps (POST /_mock/verify?wait=10s, /_mock/wait?until=webhooks_idle): the
  // HTTP layer re-runs a check on a timer of the connection's event loop (ControlApi::defer), so
  // a waiting client holds no thread. A check never blocks; `last` is the final one (the
  // deadline, at most kMaxWait, passed) and always answers. Deadlines are real time, not the
  // injected clock.
  static constexpr std::chrono::seconds kMaxWait{60};
  static constexpr std::chrono::milliseconds kWaitRecheck{20};
  struct Check {
    bool done = false;   // false: check again later
    ControlReply reply;
  };
  using Steady = std::chrono::steady_clock;
  Check check_verify(const core::json& expect, const WaitFor& wait, Steady::time_point started, bool last) const;
  Check check_idle(Steady::time_point started, bool last) const;
  // Bumped on every verdict or webhook change: a waiting check re-judges only when it moved.
  uint64_t changes() const { return changes_.load(std::memory_order_relaxed); }
  bool webhooks_idle() const;
  uint64_t reloads() const { return reloads_.load(); }

  // Carries out socket faults; share it with MockServer::set_fault_executor.
  std::shared_ptr<SocketFaultExecutor> fault_executor() const { return faults_; }

  // Control API, independent of the HTTP library.
  ControlReply get_scenario() const;
  ControlReply put_scenario(std::string_view yaml);
  ControlReply delete_scenario();
  ControlReply get_report() const;
  ControlReply post_verify(std::string_view body) const;   // answers at once

 private:
  struct Active {
    explicit Active(std::shared_ptr<const Scenario> s) : sc(std::move(s)), state(*sc) {}
    std::shared_ptr<const Scenario> sc;
    ScenarioState state;        // decide() locks the stripes it touches
    // Every stripe, in order (reset, report).
    std::vector<std::unique_lock<std::mutex>> lock_all() const {
      std::vector<std::unique_lock<std::mutex>> held;
      held.reserve(ScenarioState::kStripes);
      for (size_t s = 0; s < ScenarioState::kStripes; ++s) held.emplace_back(state.lock_of(s));
      return held;
    }
  };
  std::shared_ptr<Active> active() const { return std::atomic_load(&active_); }
  void watch_loop(std::string path, std::chrono::milliseconds interval, std::pair<int64_t, int64_t> last);

  core::Clock& clock_;
  std::mutex load_mu_;   // serialises loads and listener calls
  std::vector<std::pair<uint64_t, LoadListener>> listeners_;
  uint64_t next_listener_ = 1;
  std::shared_ptr<Active> active_;
  VerdictRecorder verdicts_;
  std::shared_ptr<SocketFaultExecutor> faults_;
  std::atomic<uint64_t> reloads_{0};
  std::shared_ptr<const Peer> peer_;   // atomic access

  mutable std::atomic<uint64_t> changes_{0};

  mutable std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::string last_watch_error_;
  std::thread watcher_;
};

// Expectations for POST /_mock/verify may be JSON or YAML; nullopt with `error` set on bad input.
std::optional<core::json> parse_expectations(std::string_view body, std::string& error);
// "10s", "500ms", "2m" or plain seconds ("10"); nullopt when malformed or negative.
std::optional<std::chrono::milliseconds> parse_wait(std::string_view text);

}  // namespace harness::mock::scenario
