// Binds the ScenarioEngine's control handlers to the mock's control table (/_mock/scenario GET,
// PUT, DELETE; /_mock/report GET; /_mock/verify POST) and to POST /_mock/reset. Header-only on
// purpose: the ControlApi implementation lives in mock_lib, which links mock_scenario, so the
// registration is compiled where ControlApi is available.
#pragma once
#include <memory>
#include "control/control_api.h"
#include "scenario/engine.h"

namespace harness::mock::scenario {

inline void register_control_routes(ControlApi& api, const std::shared_ptr<ScenarioEngine>& engine) {
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
  api.add("POST", R"(/_mock/verify)", with([](ScenarioEngine& e, const httplib::Request& r) { return e.post_verify(r.body); }));
  api.on_reset([weak] {
    if (auto e = weak.lock()) e->reset();
  });
}

}  // namespace harness::mock::scenario
