// Hands every newly loaded scenario's webhook settings (the parsed `webhooks:` and `inbound:`
// sections, held by the scenario as WebhookSettings) to the webhook engine: PUT /_mock/scenario,
// a scenario file at start-up, file watch. Header-only: the scenario and webhook libraries stay
// independent; whoever owns both (mock_lib, main) includes this.
#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include "scenario/engine.h"
#include "scenario/scenario.h"
#include "webhook/engine.h"
#include "webhook/settings.h"

namespace harness::mock {

inline WebhookSettings to_webhook_settings(const scenario::Scenario& sc) {
  WebhookSettings s = sc.webhooks;
  s.seed = sc.seed;   // one seed for the whole scenario file
  return s;
}

// Watches ScenarioEngine::current() (an atomically swapped pointer) and passes each new scenario
// to the webhook engine. Polling keeps the scenario engine free of webhook knowledge; a reload is
// picked up within `interval`.
class ScenarioWebhookFollower {
 public:
  ScenarioWebhookFollower(std::shared_ptr<scenario::ScenarioEngine> scenarios,
                          std::shared_ptr<WebhookEngine> webhooks,
                          std::chrono::milliseconds interval = std::chrono::milliseconds(100))
      : scenarios_(std::move(scenarios)), webhooks_(std::move(webhooks)), interval_(interval) {
    check();   // the scenario loaded at start-up applies before the first request
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
        lock.unlock();
        check();
        lock.lock();
      }
    });
  }
  ~ScenarioWebhookFollower() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ScenarioWebhookFollower(const ScenarioWebhookFollower&) = delete;
  ScenarioWebhookFollower& operator=(const ScenarioWebhookFollower&) = delete;

 private:
  void check() {
    auto sc = scenarios_->current();
    if (!sc || sc == last_) return;
    last_ = sc;
    webhooks_->set_settings(to_webhook_settings(*sc));
  }

  std::shared_ptr<scenario::ScenarioEngine> scenarios_;
  std::shared_ptr<WebhookEngine> webhooks_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<const scenario::Scenario> last_;   // touched by check() only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace harness::mock
