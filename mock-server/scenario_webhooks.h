// Hands every newly loaded scenario's webhook settings (the parsed `webhooks:` and `inbound:`
// sections, held by the scenario as WebhookSettings) to the webhook engine: PUT /_mock/scenario,
// a scenario file at start-up, file watch. Header-only: the scenario and webhook libraries stay
// independent; whoever owns both (mock_lib, main) includes this.
#pragma once
#include <cstdint>
#include <memory>
#include "scenario/engine.h"
#include "scenario/scenario.h"
#include "webhook/engine.h"
#include "config/webhook_settings.h"

namespace harness::mock {

inline WebhookSettings to_webhook_settings(const scenario::Scenario& sc) {
  WebhookSettings s = sc.webhooks;
  s.seed = sc.seed;   // one seed for the whole scenario file
  return s;
}

// Links the scenario engine and the webhook engine both ways.
// Hands each scenario the ScenarioEngine loads to the webhook engine, from inside the load
// (a load listener, not polling): once PUT /_mock/scenario has answered, or load_file() has
// returned, every message accepted afterwards gets the new scenario's webhook behaviour.
// Destroy it before either engine; afterwards no settings are handed over any more.
class ScenarioWebhookFollower {
 public:
  ScenarioWebhookFollower(std::shared_ptr<scenario::ScenarioEngine> scenarios,
                          std::shared_ptr<WebhookEngine> webhooks)
      : scenarios_(std::move(scenarios)), webhooks_(std::move(webhooks)) {
    std::weak_ptr<WebhookEngine> weak = webhooks_;
    // The scenario loaded at start-up applies at once, before the first request.
    listener_ = scenarios_->add_load_listener([weak](const std::shared_ptr<const scenario::Scenario>& sc) {
      if (auto w = weak.lock()) w->set_settings(to_webhook_settings(*sc));
    });
    // The other direction: inbound texts and receiver verdicts reach the client verdicts, and
    // every webhook attempt wakes whoever waits on them.
    std::weak_ptr<scenario::ScenarioEngine> sweak = scenarios_;
    webhooks_->set_inbound_observer([sweak](const InboundContext& ctx) {
      if (auto s = sweak.lock()) s->on_inbound(ctx.tenant_id, ctx.message.from.phone_number);
    });
    webhooks_->set_on_change([sweak] {
      if (auto s = sweak.lock()) s->notify_change();
    });
    auto peer = std::make_shared<scenario::ScenarioEngine::Peer>();
    peer->verdicts = [weak] { auto w = weak.lock(); return w ? w->receiver_verdicts() : core::json::object(); };
    peer->idle = [weak] { auto w = weak.lock(); return !w || w->idle(); };
    peer->pending = [weak] { auto w = weak.lock(); return w ? static_cast<uint64_t>(w->pending()) : 0; };
    scenarios_->set_peer(std::move(peer));
  }
  ~ScenarioWebhookFollower() {
    scenarios_->remove_load_listener(listener_);
    scenarios_->set_peer(nullptr);
    webhooks_->set_inbound_observer(nullptr);
    webhooks_->set_on_change(nullptr);
  }
  ScenarioWebhookFollower(const ScenarioWebhookFollower&) = delete;
  ScenarioWebhookFollower& operator=(const ScenarioWebhookFollower&) = delete;

 private:
  std::shared_ptr<scenario::ScenarioEngine> scenarios_;
  std::shared_ptr<WebhookEngine> webhooks_;
  uint64_t listener_ = 0;
};

}  // namespace harness::mock
