#include <gtest/gtest.h>

#include <cstdlib>

#include "client/config.h"
#include "client/validation.h"

namespace harness::client {
namespace {

TEST(Config, DefaultsToTheRealApi) {
  Config c;
  EXPECT_EQ(c.base_url, "https://api.telnyx.com/v2");
}

TEST(Config, ReadsTheEnvironment) {
  ::setenv("TELNYX_API_KEY", "KEYfromenv", 1);
  ::setenv("TELNYX_BASE_URL", "http://127.0.0.1:12111/v2", 1);
  Config c = config_from_env();
  EXPECT_EQ(c.api_key, "KEYfromenv");
  EXPECT_EQ(c.base_url, kMockBaseUrl);
  ::unsetenv("TELNYX_API_KEY");
  ::unsetenv("TELNYX_BASE_URL");
  Config d = config_from_env();
  EXPECT_EQ(d.api_key, "");
  EXPECT_EQ(d.base_url, kDefaultBaseUrl);
}

TEST(TenantConfigs, TenantOverridesApplyOverGlobalDefaults) {
  Config g;
  g.api_key = "KEYglobal";
  g.default_from = "+13125550100";
  TenantConfigs t(g);
  ConfigOverrides north;
  north.default_from = "+13125550147";
  north.messaging_profile_id = "prof-north";
  t.set("north", north);
  Config n = t.for_tenant("north");
  EXPECT_EQ(n.tenant, "north");
  EXPECT_EQ(n.api_key, "KEYglobal");
  EXPECT_EQ(n.default_from, "+13125550147");
  EXPECT_EQ(n.messaging_profile_id, "prof-north");
  Config other = t.for_tenant("south");
  EXPECT_EQ(other.default_from, "+13125550100");
  EXPECT_FALSE(t.has("south"));
}

TEST(BuildSendRequest, PerCallOverridesBeatTenantDefaults) {
  Config c;
  c.default_from = "+13125550100";
  c.messaging_profile_id = "prof";
  c.webhook_url = "https://hooks.example.test/default";
  SendParams p;
  p.to = "+17735550188";
  p.text = "hi";
  p.from = "+13125550147";
  p.webhook_url = "https://hooks.example.test/call";
  core::SendRequest r = build_send_request(p, c);
  EXPECT_EQ(r.from, "+13125550147");
  EXPECT_EQ(r.messaging_profile_id, "prof");
  EXPECT_EQ(r.webhook_url, "https://hooks.example.test/call");
  EXPECT_FALSE(validate_send(r));
}

core::SendRequest req(std::string to, std::optional<std::string> from, std::string text) {
  core::SendRequest r;
  r.to = std::move(to);
  r.from = std::move(from);
  if (!text.empty()) r.text = std::move(text);
  return r;
}

TEST(ValidateSend, RejectsBadAddresses) {
  auto e = validate_send(req("+1773555", "+13125550147", "hi"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, ErrorKind::Validation);
  EXPECT_EQ(e->code, "40310");
  auto f = validate_send(req("+17735550188", "+0312", "hi"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, "40305");
  EXPECT_EQ(f->pointer, "/from");
}

TEST(ValidateSend, NeedsASenderOrAProfile) {
  auto e = validate_send(req("+17735550188", std::nullopt, "hi"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "10004");
  core::SendRequest pool = req("+17735550188", std::nullopt, "hi");
  pool.messaging_profile_id = "prof";
  EXPECT_FALSE(validate_send(pool));
}

TEST(ValidateSend, NeedsContent) {
  auto e = validate_send(req("+17735550188", "+13125550147", ""));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "40316");
}

TEST(ValidateSend, RejectsMoreThanTenParts) {
  EXPECT_FALSE(validate_send(req("+17735550188", "+13125550147", std::string(1530, 'a'))));
  auto e = validate_send(req("+17735550188", "+13125550147", std::string(1531, 'a')));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "40302");
}

TEST(ValidateSend, ForcedGsm7WithUnencodableTextFails) {
  core::SendRequest r = req("+17735550188", "+13125550147", "caf\xC3\x87");   // "cafÇ"
  EXPECT_FALSE(validate_send(r));   // auto: falls back to UCS-2
  r.encoding = "gsm7";
  auto e = validate_send(r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "10015");
}

TEST(ValidateSend, RejectsInvalidUtf8) {
  auto e = validate_send(req("+17735550188", "+13125550147", "bad \xFF byte"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->pointer, "/text");
}

}  // namespace
}  // namespace harness::client
