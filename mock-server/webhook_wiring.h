// Plugs the webhook engine into telnyx-mock: a store-backed InboundDirectory (which tenant and
// profile own a number; stores the inbound message so GET /v2/messages/{id} finds it), and the
// control routes GET /_mock/webhooks, POST /_mock/inbound and POST /_mock/webhooks/redeliver plus
// the reset hook. Glue between webhook/, store/ and control/, so it lives in the composition root.
// GET /_mock/keys and the start-up line use the same key pair (MockServer::webhook_keys()).
#pragma once
#include <memory>
#include <optional>
#include "config/config.h"
#include "control/control_api.h"
#include "store/autoresp.h"
#include "store/store.h"
#include "webhook/engine.h"

namespace harness::mock {

class StoreInboundDirectory final : public InboundDirectory {
 public:
  explicit StoreInboundDirectory(Store& store) : store_(store) {}

  std::optional<InboundContext> accept_inbound(const InboundRequest& req, core::TimePoint at) override;
  // Answers inbound texts from autoresponse configs (nullptr: only the built-in STOP / START).
  void set_responder(std::shared_ptr<InboundResponder> r) { std::atomic_store(&responder_, std::move(r)); }

 private:
  Store& store_;
  std::shared_ptr<InboundResponder> responder_;   // atomic access
};

// GET /_mock/webhooks?message_id=&event_type=&event_id=&tenant_id=&limit=,
// POST /_mock/inbound and POST /_mock/webhooks/redeliver; POST /_mock/reset clears the attempt
// records and counters. `settings` gives the error_status overrides POST /_mock/inbound answers with.
void register_webhook_routes(ControlApi& api, const std::shared_ptr<WebhookEngine>& engine,
                             const Settings& settings);

}  // namespace harness::mock
