// From the scenario model (scenario/scenario.h: the parsed `webhooks:` and `inbound:` sections)
// to the webhook engine's WebhookSettings, and a follower that hands every newly loaded scenario
// to the engine (PUT /_mock/scenario, --scenario, file watch). Header-only: the scenario and
// webhook libraries stay independent; whoever owns both (mock_lib) includes this.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include "scenario/engine.h"
#include "scenario/scenario.h"
#include "webhook/engine.h"
#include "webhook/settings.h"

namespace harness::mock {

namespace detail {
// Fields the scenario model may gain later (`drop`, a delay probability) are read when present.
template <class T, class = void>
struct has_drop : std::false_type {};
template <class T>
struct has_drop<T, std::void_t<decltype(std::declval<T>().drop)>> : std::true_type {};
}  // namespace detail

inline WebhookSettings to_webhook_settings(const scenario::Scenario& sc) {
  const scenario::WebhookSettings& w = sc.webhooks;
  WebhookSettings s;
  s.seed = sc.seed;
  s.timing.sent_after = w.sent_after;
  s.timing.finalized_after = w.finalized_after;
  s.delivery.timeout = w.delivery.timeout;
  s.delivery.attempts_per_url = w.delivery.attempts_per_url;
  s.delivery.backoff.assign(w.delivery.backoff.begin(), w.delivery.backoff.end());
  s.chaos.duplicate = w.chaos.duplicate;
  s.chaos.reorder = w.chaos.reorder;
  s.chaos.bad_signature = w.chaos.bad_signature;
  s.chaos.stale_timestamp = w.chaos.stale_timestamp;
  if constexpr (detail::has_drop<scenario::ChaosSettings>::value) s.chaos.drop = w.chaos.drop;
  // SCENARIOS.md: `delay: {min, max}` applies to every event.
  s.chaos.delay_min = w.chaos.delay_min;
  s.chaos.delay_max = w.chaos.delay_max;
  s.chaos.delay = w.chaos.delay_max.count() > 0 ? 1.0 : 0.0;
  s.signing.ed25519 = w.sign_ed25519;
  s.signing.hmac = w.sign_hmac;
  for (const auto& b : sc.inbound) {
    InboundBurst ib;
    ib.to = b.to;
    ib.from = b.from;
    ib.text = b.text;
    ib.count = b.count;
    ib.start_after = b.start_after;
    ib.rate_per_second = b.rate_per_second;
    s.inbound.push_back(ib);
  }
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
