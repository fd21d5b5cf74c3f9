// Scenario -> webhook engine: the settings a loaded scenario carries reach the engine, and a
// reload (PUT /_mock/scenario, file watch) replaces them.
#include "scenario_webhooks.h"

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
  ScenarioWebhookFollower follower(scenarios, engine);
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
  // Applied inside the load: no waiting, no polling.
  EXPECT_EQ(engine->settings()->seed, 4u);
  EXPECT_DOUBLE_EQ(engine->settings()->chaos.duplicate, 0.0);
  EXPECT_DOUBLE_EQ(engine->settings()->chaos.drop, 0.5);
  EXPECT_FALSE(engine->settings()->chaos.corrupt_all_attempts);
  engine->shutdown();
}

TEST(ScenarioWebhookSettingsTest, FollowerStopsFollowingOnceDestroyed) {
  core::SystemClock clock;
  auto scenarios = std::make_shared<scenario::ScenarioEngine>(clock);
  testing::FakeStore store;
  auto engine = std::make_shared<WebhookEngine>(store, clock, core::generate_ed25519());
  {
    ScenarioWebhookFollower follower(scenarios, engine);
    ASSERT_FALSE(scenarios->load_yaml("name: a\nseed: 5\nwebhooks: { chaos: { bad_signature: 1.0, corrupt: all_attempts } }\n"));
    EXPECT_TRUE(engine->settings()->chaos.corrupt_all_attempts);
  }
  ASSERT_FALSE(scenarios->load_yaml("name: b\nseed: 6\n"));
  EXPECT_EQ(engine->settings()->seed, 5u);
  engine->shutdown();
}

TEST(ScenarioWebhookSettingsTest, CorruptAcceptsOnlyItsTwoValues) {
  core::SystemClock clock;
  scenario::ScenarioEngine scenarios(clock);
  auto err = scenarios.load_yaml("name: a\nwebhooks: { chaos: { corrupt: every_attempt } }\n");
  ASSERT_TRUE(err);
  EXPECT_NE(err->to_string().find("first_attempt or all_attempts"), std::string::npos) << err->to_string();
  ASSERT_FALSE(scenarios.load_yaml("name: a\nwebhooks: { chaos: { corrupt: first_attempt } }\n"));
  EXPECT_FALSE(to_webhook_settings(*scenarios.current()).chaos.corrupt_all_attempts);
}

}  // namespace
}  // namespace harness::mock
