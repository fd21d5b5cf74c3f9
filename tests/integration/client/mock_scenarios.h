// Wires the scenario engine into an in-process MockServer the way the telnyx-mock binary does:
// interceptor, socket fault executor, /_mock/scenario|report|verify and the reset hook. The
// MockServer class itself does not create a scenario engine; tests that need scenarios call
// attach() before start().
// load() applies a scenario's YAML and, when the built-in webhook engine runs, hands its
// `webhooks:` / `inbound:` sections to the engine at once (the binary polls for this instead), so
// messages accepted right after load() already follow the new outcomes and chaos.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "mock_server.h"
#include "scenario_routes.h"
#include "scenario/engine.h"
#include "webhook/engine.h"
#include "scenario_webhooks.h"

namespace harness::testing {

class MockScenarios {
 public:
  void attach(mock::MockServer& server) {
    server_ = &server;
    engine_ = std::make_shared<mock::scenario::ScenarioEngine>(server.clock());
    server.set_interceptor(engine_);
    server.set_fault_executor(engine_->fault_executor());
    mock::scenario::register_control_routes(server.control(), engine_);
  }
  // nullopt when loaded; otherwise the parse error (file:line:column: message).
  std::optional<std::string> load(const std::string& yaml) {
    if (auto err = engine_->load_yaml(yaml, "<test>")) return err->to_string();
    if (auto webhooks = server_->webhook_engine())
      webhooks->set_settings(mock::to_webhook_settings(*engine_->current()));
    return std::nullopt;
  }
  mock::scenario::ScenarioEngine& engine() { return *engine_; }

 private:
  mock::MockServer* server_ = nullptr;
  std::shared_ptr<mock::scenario::ScenarioEngine> engine_;
};

}  // namespace harness::testing
