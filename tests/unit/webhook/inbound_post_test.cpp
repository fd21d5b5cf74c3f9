// POST /_mock/inbound's body, decoded without an engine: what arrives from the carrier, or the
// error with its status (the engine's tests cover every error code through the control route).
#include "webhook/inbound_post.h"

#include <gtest/gtest.h>
#include <string>

namespace harness::mock {
namespace {

TEST(InboundPostTest, DecodesAddressesTextAndMedia) {
  auto r = decode_inbound_post(
      R"({"from":"+17735550188","to":"+13125550147","text":"hi","media_urls":["https://a.test/1.jpg"],"extra":1})");
  ASSERT_TRUE(r) << r.error().error.detail.value_or("");
  EXPECT_EQ(r->from, "+17735550188");
  EXPECT_EQ(r->to, "+13125550147");
  EXPECT_EQ(r->text, "hi");
  EXPECT_EQ(r->media_urls, std::vector<std::string>{"https://a.test/1.jpg"});
}

TEST(InboundPostTest, SenderIdsAndShortCodesMaySend) {
  for (const char* from : {"ACME", "24273"}) {
    auto r = decode_inbound_post(std::string(R"({"from":")") + from + R"(","to":"+13125550147","text":"x"})");
    EXPECT_TRUE(r) << from;
  }
}

TEST(InboundPostTest, RefusesADeepBodyAndAShortCodeRecipient) {
  auto deep = decode_inbound_post(std::string(200, '[') + std::string(200, ']'));
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().http_status, 400);
  EXPECT_EQ(deep.error().error.code, "10015");
  auto to_short = decode_inbound_post(R"({"from":"+17735550188","to":"24273","text":"x"})");
  ASSERT_FALSE(to_short);
  EXPECT_EQ(to_short.error().http_status, 422);
  EXPECT_EQ(to_short.error().error.code, "10002");
  EXPECT_EQ(to_short.error().error.source_pointer, "/to");
}

}  // namespace
}  // namespace harness::mock
