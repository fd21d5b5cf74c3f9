// The built-in /_mock/ entries: health, reset, requests (journal), messages, keys, and an index.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include "control/control_api.h"
#include "control/metrics.h"
#include "store/journal.h"
#include "store/store.h"

namespace harness::mock {

// The largest page a control listing serves (GET /_mock/messages, /_mock/requests,
// /_mock/webhooks): a larger `limit` is served as this many, meta.limit_clamped saying so, and
// meta.next_before is the cursor of the next page (?before=).
constexpr size_t kMaxControlPage = 1000;

struct BuiltinDeps {
  Store& store;
  Journal& journal;
  Metrics& metrics;
  ControlApi& control;
  std::function<std::string()> public_key_base64;
};

void register_builtin_control(const BuiltinDeps& deps);

}  // namespace harness::mock
