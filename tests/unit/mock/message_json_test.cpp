// The hot-path message writer must say exactly what core::to_json(Message) says.
#include <gtest/gtest.h>
#include "core/json.h"
#include "core/message_json.h"

namespace harness::core {
namespace {

core::Message sample() {
  core::Message m;
  m.id = "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f";
  m.messaging_profile_id = "400176aa-1b2c-4d3e-9f00-11aa22bb33cc";
  m.from = {"+13125550147", std::nullopt, std::string("Telnyx"), std::string("Wireless")};
  m.to = {{"+17735550188", std::string("queued"), std::string("Example Mobile"), std::string("Wireless")}};
  m.text = "Your code is 4821";
  m.num_chars = 17;
  m.received_at = "2025-03-01T12:00:00.412+00:00";
  return m;
}

void expect_same(const core::Message& m) {
  std::string out;
  append_message_json(out, m);
  auto parsed = core::json::parse(out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << out;
  EXPECT_EQ(parsed, core::json(m)) << out;
  EXPECT_EQ(core::json::parse(message_envelope(m))["data"], core::json(m));
}

TEST(MessageJsonTest, FreshOutboundMessage) { expect_same(sample()); }

TEST(MessageJsonTest, EveryOptionalFilledAndEscapes) {
  auto m = sample();
  m.type = "MMS";
  m.organization_id = "7c1d9e2f-3a4b-4c5d-8e6f-708192a3b4c5";
  m.text = std::string("quote \" backslash \\ newline \n tab \t bell \x07 caf\xC3\xA9 \xF0\x9F\x98\x80");
  m.subject = "subj";
  m.cc = {{"+17735550100", std::string("sent"), std::nullopt, std::nullopt}};
  m.media = {{"https://x.test/a.png", std::string("image/png"), std::string("abc"), int64_t(1234)},
             {"https://x.test/b.png", std::nullopt, std::nullopt, std::nullopt}};
  m.encoding = "UCS-2";
  m.parts = 3;
  m.cost = core::Money{"0.0120", "USD"};
  m.sent_at = "2025-03-01T12:00:01.000+00:00";
  m.completed_at = "2025-03-01T12:00:02.000+00:00";
  m.valid_until = "2025-03-01T13:00:00.000+00:00";
  m.errors = {core::make_error_object(40008)};
  m.tags = {"a", "b\"c"};
  m.webhook_url = "https://hooks.example.test/telnyx";
  m.webhook_failover_url = "https://hooks.example.test/failover";
  expect_same(m);
}

TEST(MessageJsonTest, CostBreakdownAndCampaignFields) {
  auto m = sample();
  m.cost = core::Money{"0.0040", "USD"};
  m.cost_breakdown = core::CostBreakdown{core::Money{"0.0040", "USD"}, core::Money{"0.0000", "USD"}};
  m.smart_encoding_applied = true;
  m.tcr_campaign_billable = true;
  m.tcr_campaign_id = "CABC123";
  m.tcr_campaign_registered = "REGISTERED";
  m.wait_seconds = 1.5;
  expect_same(m);
  std::string out;
  append_message_json(out, m);
  EXPECT_EQ(core::json::parse(out)["cost_breakdown"]["carrier_fee"]["amount"], "0.0000");
  EXPECT_EQ(core::json::parse(out)["wait_seconds"], 1.5);
}

TEST(MessageJsonTest, InboundShape) {
  auto m = sample();
  m.direction = "inbound";
  m.media = {{"https://x.test/a.png", std::string("image/png"), std::string("abc"), int64_t(12)},
             {"https://x.test/b.png", std::nullopt, std::nullopt, std::nullopt}};
  expect_same(m);
  std::string out;
  append_message_json(out, m);
  const auto j = core::json::parse(out);
  // SPEC InboundMessagePayload: hash_sha256, no nulls in media, no outbound-only fields.
  EXPECT_EQ(j["media"][0], core::json::parse(R"({"url":"https://x.test/a.png","content_type":"image/png","hash_sha256":"abc","size":12})"));
  EXPECT_EQ(j["media"][1], core::json::parse(R"({"url":"https://x.test/b.png"})"));
  EXPECT_FALSE(j.contains("smart_encoding_applied"));
  EXPECT_FALSE(j.contains("wait_seconds"));
  EXPECT_TRUE(j.contains("tcr_campaign_id"));
}

TEST(MessageJsonTest, NullsAndEmptyArrays) {
  core::Message m;
  m.id = "x";
  m.text.reset();
  m.num_chars.reset();
  expect_same(m);
}

}  // namespace
}  // namespace harness::core
