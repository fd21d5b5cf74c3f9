#include <gtest/gtest.h>
#include "support/bad_yaml.h"
#include "config/config.h"

namespace harness::mock {
namespace {

TEST(ConfigTest, EmptyIsOpenModeWithDefaults) {
  auto c = parse_config("");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c.value().open_mode());
  EXPECT_EQ(c.value().settings.retention_seconds, 10 * 86400);
  EXPECT_EQ(c.value().settings.status_for(40310, 0), 400);
  EXPECT_EQ(c.value().settings.status_for(10004, 422), 422);
}

TEST(ConfigTest, TransportLimits) {
  auto d = parse_config("");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().settings.max_header_bytes, 16384u);
  EXPECT_EQ(d.value().settings.max_connections, 10000u);
  auto c = parse_config(R"(
settings:
  max_header_bytes: 4096
  max_headers: 20
  max_request_line_bytes: 1024
  request_timeout_ms: 2000
  idle_timeout_ms: 1500
  max_connections: 50
)");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  const auto& s = c.value().settings;
  EXPECT_EQ(s.max_header_bytes, 4096u);
  EXPECT_EQ(s.max_headers, 20u);
  EXPECT_EQ(s.max_request_line_bytes, 1024u);
  EXPECT_EQ(s.request_timeout_ms, 2000);
  EXPECT_EQ(s.idle_timeout_ms, 1500);
  EXPECT_EQ(s.max_connections, 50u);
  for (const char* bad : {"settings: { max_header_bytes: 100 }", "settings: { max_headers: 0 }",
                          "settings: { request_timeout_ms: 0 }", "settings: { max_connections: -1 }",
                          "settings: { idle_timeout_ms: soon }"}) {
    auto e = parse_config(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().line, 1) << bad;
  }
}

TEST(ConfigTest, FullConfig) {
  auto c = parse_config(R"(
settings:
  retention_days: 2
  max_messages: 10
  max_journal: 20
  retry_after: false
  error_status: {40300: 403, 40305: 422}
tenants:
  - name: acme
    api_keys: [KEYa, KEYb]
    numbers: ["+13125550100"]
    profiles:
      - name: main
        webhook_url: http://x/h
        webhook_failover_url: null
        webhook_api_version: "1"
        v1_secret: s
        enabled: false
        whitelisted_destinations: [US, CA]
        numbers: ["+13125550101"]
)");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  const auto& v = c.value();
  EXPECT_FALSE(v.open_mode());
  EXPECT_EQ(v.settings.retention_seconds, 2 * 86400);
  EXPECT_EQ(v.settings.max_messages, 10u);
  EXPECT_FALSE(v.settings.retry_after);
  EXPECT_EQ(v.settings.status_for(40300, 400), 403);
  EXPECT_EQ(v.settings.status_for(40305, 400), 422);
  ASSERT_EQ(v.tenants.size(), 1u);
  EXPECT_EQ(v.tenants[0].api_keys, (std::vector<std::string>{"KEYa", "KEYb"}));
  const auto& p = v.tenants[0].profiles.at(0);
  EXPECT_EQ(p.webhook.url, "http://x/h");
  EXPECT_FALSE(p.webhook.failover_url);
  EXPECT_EQ(p.webhook.api_version, "1");
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(p.whitelisted_destinations, (std::vector<std::string>{"US", "CA"}));
  EXPECT_EQ(p.numbers, std::vector<std::string>{"+13125550101"});
}

// Every bad config names the line and column of the offending node.
using BadCase = harness::testing::BadYaml;

class BadConfigTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfigTest, ReportsPosition) {
  const auto& bc = GetParam();
  auto c = parse_config(bc.yaml, "mock.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().file, "mock.yaml");
  harness::testing::expect_refused_at(bc, c.error());
  EXPECT_EQ(c.error().to_string().rfind("mock.yaml:" + std::to_string(bc.line) + ":", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfigTest,
    ::testing::Values(
        BadCase{"settings:\n  retention_dayz: 3\n", 2, 3, "unknown key 'retention_dayz'"},
        BadCase{"settings:\n  max_messages: -1\n", 2, 17, "max_messages: expected an integer from 1 to"},
        BadCase{"settings:\n  retry_after: maybe\n", 2, 16, "true or false"},
        BadCase{"tenants:\n  - name: a\n", 2, 5, "needs api_keys"},
        BadCase{"tenants:\n  - api_keys: [K]\n", 2, 5, "needs a name"},
        BadCase{"tenants:\n  - name: a\n    api_keys: [K]\n    numbers: [\"3125550100\"]\n", 4, 15, "not E.164"},
        BadCase{"tenants:\n  - name: a\n    api_keys: [K]\n  - name: b\n    api_keys: [K]\n", 5, 16, "listed twice"},
        BadCase{"tenants:\n  - name: a\n    api_keys: [K]\n    profiles:\n      - name: p\n        webhook_api_version: \"3\"\n",
                6, 30, "webhook_api_version"},
        BadCase{"tenants:\n  - name: a\n    api_keys: [K]\n    profiles:\n      - name: p\n        id: main\n",
                6, 13, "is not a UUID"},
        BadCase{"settings:\n  error_status: {40300: 200}\n", 2, 25, "HTTP status"},
        BadCase{"tenants: [\n", 2, 1, ""},
        BadCase{"tenants: 5\n", 1, 10, "tenants must be a list"},
        BadCase{"tenants:\n  - name: [a]\n    api_keys: [K]\n", 2, 11, "name: expected a scalar"},
        BadCase{"tenants:\n  - name: a\n    api_keys: [K]\n    profiles:\n      - {name: p, colour: red}\n", 5, 19,
                "unknown key 'colour' in profile"},
        BadCase{"settings:\n  max_headers: 8.5\n", 2, 16, "max_headers: expected an integer from 8 to 1000, got '8.5'"}));

}  // namespace
}  // namespace harness::mock
