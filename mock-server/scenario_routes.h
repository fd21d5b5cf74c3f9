// Binds the ScenarioEngine's control handlers to the mock's control table (/_mock/scenario GET,
// PUT, DELETE; /_mock/report GET; /_mock/verify POST; /_mock/wait) and to POST /_mock/reset.
// Glue between scenario/ and control/, so it lives in the composition root.
#pragma once
#include <memory>
#include "control/control_api.h"
#include "scenario/engine.h"

namespace harness::mock::scenario {

void register_control_routes(ControlApi& api, const std::shared_ptr<ScenarioEngine>& engine);

}  // namespace harness::mock::scenario
