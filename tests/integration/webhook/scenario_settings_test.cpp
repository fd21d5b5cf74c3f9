// Scenario -> webhook engine: the settings a loaded scenario carries reach the engine, and a
// reload (PUT /_mock/scenario, file watch) replaces them.
#include "webhook/scenario_settings.h"

#include <gtest/gtest.h>
#include "core/signing.h"
#include "support/paths.h"
#include "webhook_test_support.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

TEST(ScenarioWebhookSettingsTest, ShippedChaosScenarioMapsOntoTheEngine) {
  core::SystemClock clock;
  scenario::ScenarioEngine scenarios(clock);
  ASSERT_FALSE(scenarios.load_file(harness::testing::source_path("scenarios/webhook-chaos.yaml")));
  const WebhookSettings s = to_webhook_settings(*scenarios.current());
  EXPECT_EQ(s.seed, scenarios.current()->seed);
  EXPECT_DOUBLE_EQ(s.chaos.duplicate, 0.10);
  EXPECT_DOUBLE_EQ(s.chaos.reorder, 0.10);
  EXPECT_DOUBLE_EQ(s.chaos.delay, 1.0);
  EXPECT_EQ(s.chaos.delay_max, 2s);
  EXPECT_EQ(s.timing.finalized_after, 200ms);
  EXPECT_EQ(s.delivery.backoff, (std::vector<WebhookDuration>{1s, 5s}));
  EXPECT_TRUE(s.signing.ed25519);
}

TEST(ScenarioWebhookSettingsTest, FollowerAppliesEachNewScenario) {
  core::SystemClock clock;
  auto scenarios = std::make_shared<scenario::ScenarioEngine>(clock);
  testing::FakeStore store;
  auto engine = std::make_shared<WebhookEngine>(store, clock, core::generate_ed25519());
  ASSERT_FALSE(scenarios->load_yaml(R"(
name: first
seed: 3
webhooks:
  chaos: { duplicate: 1.0 }
  delivery: { timeout: 300ms, attempts_per_url: 2, backoff: [10ms] }
)"));
  ScenarioWebhookFollower follower(scenarios, engine, 10ms);
  // Applied on construction, before any request can arrive.
  EXPECT_DOUBLE_EQ(engine->settings()->chaos.duplicate, 1.0);
  EXPECT_EQ(engine->settings()->delivery.attempts_per_url, 2);
  EXPECT_EQ(engine->settings()->seed, 3u);

  ASSERT_FALSE(scenarios->load_yaml(R"(
name: second
seed: 4
webhooks:
  chaos: { drop: 0.5 }
)"));
  ASSERT_TRUE(eventually([&] { return engine->settings()->seed == 4; }));
  EXPECT_DOUBLE_EQ(engine->settings()->chaos.duplicate, 0.0);
  EXPECT_DOUBLE_EQ(engine->settings()->chaos.drop, 0.5);
  engine->shutdown();
}

}  // namespace
}  // namespace harness::mock
