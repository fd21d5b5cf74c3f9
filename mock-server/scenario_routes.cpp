#include "scenario_routes.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include "core/json.h"

namespace harness::mock::scenario {

void register_control_routes(ControlApi& api, const std::shared_ptr<ScenarioEngine>& engine) {
  auto reply = [](httplib::Response& res, const ControlReply& r) {
    res.status = r.status;
    res.set_content(r.body, r.content_type.c_str());
  };
  std::weak_ptr<ScenarioEngine> weak = engine;
  auto with = [weak, reply](auto fn) {
    return [weak, reply, fn](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
      if (auto e = weak.lock()) reply(res, fn(*e, req));
      else reply(res, ControlReply{503, R"({"error":"scenario engine stopped"})"});
    };
  };
  api.add("GET", R"(/_mock/scenario)", with([](ScenarioEngine& e, const httplib::Request&) { return e.get_scenario(); }));
  api.add("PUT", R"(/_mock/scenario)", with([](ScenarioEngine& e, const httplib::Request& r) { return e.put_scenario(r.body); }));
  api.add("DELETE", R"(/_mock/scenario)", with([](ScenarioEngine& e, const httplib::Request&) { return e.delete_scenario(); }));
  api.add("GET", R"(/_mock/report)", with([](ScenarioEngine& e, const httplib::Request&) { return e.get_report(); }));
  // ?wait=10s (at most ScenarioEngine::kMaxWait) and ?until=webhooks_idle; 400 on bad values.
  auto wait_of = [](const httplib::Request& r, bool default_idle, std::string& error) {
    WaitFor w;
    w.webhooks_idle = default_idle;
    for (const char* name : {"wait", "timeout"}) {
      if (!r.has_param(name)) continue;
      auto d = parse_wait(r.get_param_value(name));
      if (!d) error = std::string(name) + ": expected a duration such as 10s or 500ms";
      else w.limit = *d;
    }
    if (r.has_param("until")) {
      if (r.get_param_value("until") != "webhooks_idle") error = "until: expected webhooks_idle";
      else w.webhooks_idle = true;
    }
    return w;
  };
  // Answers now, or defers: the check is re-run every kWaitRecheck until it answers or the
  // deadline (the request's wait, at most kMaxWait) passes.
  auto long_poll = [weak, reply](httplib::Response& res, const WaitFor& w,
                                 std::function<ScenarioEngine::Check(const ScenarioEngine&, ScenarioEngine::Steady::time_point, bool)> check) {
    using Steady = ScenarioEngine::Steady;
    const auto started = Steady::now();
    const auto deadline = started + std::min<std::chrono::milliseconds>(w.limit, ScenarioEngine::kMaxWait);
    // Without idleness to wait for, nothing can have changed unless changes() moved.
    auto seen = std::make_shared<std::optional<uint64_t>>();
    auto poll = [weak, reply, check, started, deadline, seen, idle = w.webhooks_idle](httplib::Response& r) {
      auto e = weak.lock();
      if (!e) {
        reply(r, ControlReply{503, R"({"error":"scenario engine stopped"})"});
        return true;
      }
      const bool last = Steady::now() >= deadline;
      const uint64_t now_changes = e->changes();
      if (!last && !idle && *seen == now_changes) return false;
      *seen = now_changes;
      auto c = check(*e, started, last);
      if (c.done) reply(r, c.reply);
      return c.done;
    };
    if (!poll(res)) ControlApi::defer(ScenarioEngine::kWaitRecheck, poll);
  };
  api.add("POST", R"(/_mock/verify)", [weak, reply, wait_of, long_poll](const httplib::Request& r, httplib::Response& res, const std::smatch&) {
    std::string error;
    const WaitFor w = wait_of(r, false, error);
    auto expect = parse_expectations(r.body, error);
    if (!error.empty() || !expect) return reply(res, ControlReply{400, core::json{{"error", error}}.dump()});
    long_poll(res, w, [expect = *expect, w](const ScenarioEngine& e, ScenarioEngine::Steady::time_point started, bool last) {
      return e.check_verify(expect, w, started, last);
    });
  });
  auto wait_route = [reply, wait_of, long_poll](const httplib::Request& r, httplib::Response& res, const std::smatch&) {
    std::string error;
    const WaitFor w = wait_of(r, true, error);
    if (!error.empty()) return reply(res, ControlReply{400, core::json{{"error", error}}.dump()});
    long_poll(res, w, [](const ScenarioEngine& e, ScenarioEngine::Steady::time_point started, bool last) {
      return e.check_idle(started, last);
    });
  };
  api.add("GET", R"(/_mock/wait)", wait_route);
  api.add("POST", R"(/_mock/wait)", wait_route);
  api.on_reset([weak] {
    if (auto e = weak.lock()) e->reset();
  });
}

}  // namespace harness::mock::scenario
