// The built-in /_mock/ entries: health, reset, requests (journal), messages, keys, and an index.
#pragma once
#include <functional>
#include <string>
#include "control/control_api.h"
#include "control/metrics.h"
#include "store/journal.h"
#include "store/store.h"

namespace harness::mock {

struct BuiltinDeps {
  Store& store;
  Journal& journal;
  Metrics& metrics;
  ControlApi& control;
  std::function<std::string()> public_key_base64;
};

void register_builtin_control(const BuiltinDeps& deps);

}  // namespace harness::mock
