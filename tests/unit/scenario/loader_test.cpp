#include <gtest/gtest.h>

#include "support/bad_yaml.h"
#include "helpers.h"
#include "scenario/loader.h"

namespace harness::mock::scenario {
namespace {

// The draft format of SCENARIOS.md loads as written.
constexpr const char* kDraft = R"(
name: rate-limit-then-recover
description: >
  The first two sends for each recipient get 429.
seed: 42
rules:
  - name: throttle-first-two
    match:
      method: POST
      path: /v2/messages
      body: { to: "+1555*" }
    per: body.to
    sequence:
      - respond: { status: 429, error: 10011, headers: { Retry-After: "1" } }
      - respond: { status: 429, error: 10011, headers: { Retry-After: "1" } }
      - pass
  - name: blocked-recipient
    match: { path: /v2/messages, body: { to: "+15550000300" } }
    respond: { status: 400, error: 40300 }
  - name: slow-and-flaky
    match: { path: /v2/messages }
    probability: 0.02
    fault: accept_then_drop
  - name: bad-key
    match: { api_key: "KEY_revoked*" }
    respond: { status: 401, error: 10009 }
webhooks:
  outcomes:
    - match: { to: "+15550000500" }
      status: delivery_failed
      errors: [40008]
  timing: { sent_after: 20ms, finalized_after: 150ms }
  chaos:
    duplicate: 0.05
    reorder: 0.05
    delay: { min: 0ms, max: 2s }
    bad_signature: 0.0
    stale_timestamp: 0.0
  delivery: { timeout: 2s, attempts_per_url: 3, backoff: [1s, 5s] }
  signing: [ed25519]
rate_limits:
  - per: api_key
    rate: 50/s
    burst: 50
)";

TEST(LoaderTest, LoadsTheDraftFormat) {
  auto r = parse_scenario(kDraft, "draft.yaml");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const Scenario& sc = r.value();
  EXPECT_EQ(sc.name, "rate-limit-then-recover");
  EXPECT_EQ(sc.seed, 42u);
  ASSERT_EQ(sc.rules.size(), 4u);
  const Rule& r0 = sc.rules[0];
  EXPECT_EQ(r0.per.source, KeySelector::Source::Body);
  EXPECT_EQ(r0.per.name, "to");
  ASSERT_EQ(r0.sequence.size(), 3u);
  EXPECT_EQ(r0.sequence[0].kind, Action::Kind::Respond);
  EXPECT_EQ(r0.sequence[0].status, 429);
  EXPECT_EQ(r0.sequence[0].error, 10011);
  ASSERT_EQ(r0.sequence[0].headers.size(), 1u);
  EXPECT_EQ(r0.sequence[0].headers[0].first, "Retry-After");
  EXPECT_EQ(r0.sequence[2].kind, Action::Kind::Pass);
  EXPECT_EQ(sc.rules[2].action.fault, FaultKind::AcceptThenDrop);
  EXPECT_DOUBLE_EQ(*sc.rules[2].probability, 0.02);
  EXPECT_EQ(*sc.rules[3].match.api_key, "KEY_revoked*");
  ASSERT_EQ(sc.outcomes.size(), 1u);
  EXPECT_EQ(sc.outcomes[0].status, "delivery_failed");
  EXPECT_EQ(sc.outcomes[0].errors, std::vector<int>{40008});
  EXPECT_EQ(sc.webhooks.seed, 42u);
  EXPECT_DOUBLE_EQ(sc.webhooks.chaos.duplicate, 0.05);
  EXPECT_EQ(sc.webhooks.chaos.delay_max, std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(sc.webhooks.chaos.delay, 1.0);
  EXPECT_EQ(sc.webhooks.delivery.backoff.size(), 2u);
  EXPECT_TRUE(sc.webhooks.signing.ed25519);
  EXPECT_FALSE(sc.webhooks.signing.hmac);
  ASSERT_EQ(sc.rate_limits.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.rate_limits[0].rate_per_second, 50);
  EXPECT_EQ(*sc.rate_limits[0].match.path, "/v2/messages*");
}

TEST(LoaderTest, EmptyDocumentIsTheDefaultScenario) {
  auto r = parse_scenario("", "empty.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().rules.empty());
  EXPECT_TRUE(r.value().magic_numbers);
}

TEST(LoaderTest, ErrorCodeAloneTakesTheCataloguedStatus) {
  auto sc = testing::parse_ok("rules:\n  - respond: { error: 10009 }\n");
  EXPECT_EQ(sc.rules[0].action.status, 401);
  EXPECT_EQ(sc.rules[0].name, "rule-1");
}

TEST(LoaderTest, CustomBodyMappingBecomesJson) {
  auto sc = testing::parse_ok("rules:\n  - respond: { status: 200, body: { ok: true, n: 3, s: \"3\" } }\n");
  auto j = core::json::parse(*sc.rules[0].action.body);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["n"], 3);
  EXPECT_EQ(j["s"], "3");
}

TEST(LoaderTest, InboundBurstsGoToTheWebhookSettings) {
  auto sc = testing::parse_ok("inbound:\n  - { to: \"+13125550147\", count: 5, rate: 10/s, start_after: 1s }\n");
  ASSERT_EQ(sc.webhooks.inbound.size(), 1u);
  EXPECT_EQ(sc.webhooks.inbound[0].count, 5u);
  EXPECT_DOUBLE_EQ(sc.webhooks.inbound[0].rate_per_second, 10);
  EXPECT_EQ(sc.webhooks.inbound[0].start_after, std::chrono::seconds(1));
}

// ---- bad configurations: each names the line, the column and what was expected ----

using BadCase = harness::testing::BadYaml;

class ScenarioBadConfigTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioBadConfigTest, RejectedWithPosition) {
  const BadCase& c = GetParam();
  auto r = parse_scenario(c.yaml, "bad.yaml");
  ASSERT_FALSE(r.ok()) << c.yaml;
  EXPECT_EQ(r.error().source, "bad.yaml");
  harness::testing::expect_refused_at(c, r.error());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ScenarioBadConfigTest,
    ::testing::Values(
        BadCase{"name: x\nrulez: []\n", 2, 1, "unknown key 'rulez' in scenario; expected one of: name,"},
        BadCase{"rules:\n  - name: a\n    fault: explode\n", 3, 12, "expected timeout, connection_reset"},
        BadCase{"rules:\n  - name: a\n    delay: soon\n", 3, 12, "expected a duration"},
        BadCase{"rules:\n  - name: a\n    pass: true\n  - name: a\n    pass: true\n", 4, 5, "used twice"},
        BadCase{"rules:\n  - name: a\n    match: { pathh: /x }\n    pass: true\n", 3, 14, "unknown key 'pathh' in match"},
        BadCase{"rules:\n  - name: a\n    probability: 1.5\n    pass: true\n", 3, 18, "between 0 and 1"},
        BadCase{"rules:\n  - name: a\n    respond: { error: 12345 }\n", 3, 23, "unknown Telnyx error code"},
        BadCase{"rules:\n  - name: a\n    respond: { headers: {} }\n", 3, 14, "expected status, error or both"},
        BadCase{"rules:\n  - name: a\n    every: 0\n    pass: true\n", 3, 12, ">= 1"},
        BadCase{"rules:\n  - name: a\n    per: body\n    pass: true\n", 3, 10, "expected api_key"},
        BadCase{"rules:\n  - name: a\n    match: { path: /x }\n", 2, 5, "expected one of sequence"},
        BadCase{"rules:\n  - name: a\n    sequence: [pass, boom]\n", 3, 22, "sequence step"},
        BadCase{"rules: [\n  {name: a\n", 3, 1, "invalid YAML"},
        BadCase{"rate_limits:\n  - per: tenant\n    rate: 5/s\n", 2, 10, "api_key, profile or from"},
        BadCase{"rate_limits:\n  - per: api_key\n    rate: fast\n", 3, 11, "positive rate"},
        BadCase{"webhooks:\n  chaos: { duplicate: 2 }\n", 2, 23, "between 0 and 1"},
        BadCase{"webhooks:\n  outcomes:\n    - status: lost\n", 3, 15, "expected delivered"},
        BadCase{"webhooks:\n  signing: [rsa]\n", 2, 13, "ed25519 or hmac"},
        BadCase{"inbound:\n  - count: 3\n", 2, 5, "expected to"},
        BadCase{"seed: -1\n", 1, 7, "non-negative integer"},
        // Found by fuzz_scenario_yaml: a non-UTF-8 byte in a respond detail made the decision's
        // JSON body throw on every matching request. Rejected at load, with its position.
        BadCase{"rules:\n  - name: a\n    respond: { status: 401, error: 10009, detail: \"revo\xfe\xffked\" }\n",
                3, 56, "invalid UTF-8 (byte 0xFE)"},
        BadCase{"name: caf\xc3\n", 1, 10, "invalid UTF-8 (byte 0xC3)"}));

TEST(LoaderTest, MissingFileIsReported) {
  auto r = load_scenario_file("/nonexistent/scenario.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace harness::mock::scenario
