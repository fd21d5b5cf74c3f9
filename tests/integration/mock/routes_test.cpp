// The route table: every path the mock does not implement answers 404 / 10005 with Telnyx's
// envelope, whatever the method and whether or not the key is valid, including unknown
// sub-paths under implemented resources (never taken for an id) and the families the mock
// leaves out on purpose (10DLC, toll-free verification, hosted numbers, RCS, WhatsApp).
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

class RoutesTest : public MockFixture {
 protected:
  Reply call(const std::string& method, const std::string& path, const std::string& key) {
    httplib::Headers h;
    if (!key.empty()) h = auth(key);
    const std::string body = R"({"to":"+17735550188","text":"x"})";
    if (method == "GET") return wrap(client_->Get(path.c_str(), h));
    if (method == "POST") return wrap(client_->Post(path.c_str(), h, body, "application/json"));
    if (method == "PATCH") return wrap(client_->Patch(path.c_str(), h, body, "application/json"));
    if (method == "PUT") return wrap(client_->Put(path.c_str(), h, body, "application/json"));
    return wrap(client_->Delete(path.c_str(), h));
  }
};

constexpr const char* kUuid = "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f";

TEST_F(RoutesTest, EveryUnknownRouteIs404With10005) {
  const std::string u = kUuid;
  const std::vector<std::pair<std::string, std::string>> unknown = {
      // Unknown sub-paths under implemented resources are not ids.
      {"POST", "/v2/messages/whatsapp"},
      {"GET", "/v2/messages/whatsapp"},
      {"POST", "/v2/messages/not_a_kind"},
      {"PUT", "/v2/messages/long_code/extra"},
      {"GET", "/v2/messages/" + u + "/extra"},
      {"GET", "/v2/phone_numbers/voice"},
      {"GET", "/v2/phone_numbers/12345/voice"},
      {"PATCH", "/v2/phone_numbers/not-a-number"},
      {"GET", "/v2/messaging_profiles/not-a-uuid"},
      {"GET", "/v2/messaging_profiles/" + u + "/nothing"},
      {"DELETE", "/v2/number_orders/not-a-uuid"},
      {"GET", "/v2/number_orders/" + u + "/extra"},
      // Out of scope: 10DLC.
      {"GET", "/v2/10dlc/brand"},
      {"POST", "/v2/10dlc/brand"},
      {"GET", "/v2/10dlc/campaign"},
      {"POST", "/v2/10dlc/campaignBuilder"},
      {"GET", "/v2/10dlc/phone_number_campaigns"},
      // Out of scope: toll-free verification.
      {"GET", "/v2/messaging_tollfree/verification/requests"},
      {"POST", "/v2/messaging_tollfree/verification/requests"},
      // Out of scope: hosted numbers.
      {"GET", "/v2/messaging_hosted_number_orders"},
      {"POST", "/v2/messaging_hosted_number_orders"},
      {"DELETE", "/v2/messaging_hosted_numbers/" + u},
      // Out of scope: RCS.
      {"POST", "/v2/messages/rcs"},
      {"GET", "/v2/messaging/rcs/agents"},
      {"POST", "/v2/messaging/rcs/bulk_capabilities"},
      // Out of scope: WhatsApp.
      {"GET", "/v2/whatsapp/business_accounts"},
      {"POST", "/v2/whatsapp_message_templates"},
      // Not the API at all.
      {"GET", "/"},
      {"GET", "/v2"},
      {"GET", "/v2/"},
      {"GET", "/v1/messages"},
      {"POST", "/v3/messages"},
      {"GET", "/v2/messages/"},
  };
  for (const std::string key : {"KEYtest", "", "notakey"}) {
    for (const auto& [method, path] : unknown) {
      auto r = call(method, path, key);
      SCOPED_TRACE(method + " " + path + " key='" + key + "'");
      EXPECT_EQ(r.status, 404) << r.raw;
      EXPECT_EQ(r.code(), "10005") << r.raw;
      ASSERT_TRUE(r.body.is_object()) << r.raw;
      EXPECT_EQ(r.body["errors"][0]["title"], "Resource not found") << r.raw;
      EXPECT_NE(r.body["errors"][0]["detail"].get<std::string>().find(method + " "), std::string::npos) << r.raw;
    }
  }
}

TEST_F(RoutesTest, KnownRouteWithOtherMethodIs405NotAnId) {
  auto r = call("POST", std::string("/v2/messages/") + kUuid, "KEYtest");
  EXPECT_EQ(r.status, 405) << r.raw;
  EXPECT_EQ(r.code(), "10015");
  EXPECT_EQ(r.headers.find("Allow")->second, "GET, DELETE");
  r = call("PUT", "/v2/phone_numbers/12345", "KEYtest");
  EXPECT_EQ(r.status, 405) << r.raw;
}

TEST_F(RoutesTest, UnknownIdsOfTheRightShapeAre404ByTheHandler) {
  for (const std::string& path : {std::string("/v2/messages/") + kUuid, std::string("/v2/messaging_profiles/") + kUuid,
                                 std::string("/v2/number_orders/") + kUuid, std::string("/v2/phone_numbers/12345")}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 404) << path << r.raw;
    EXPECT_EQ(r.code(), "10005") << path;
    EXPECT_EQ(r.body["errors"][0]["detail"].get<std::string>().find("No resource"), std::string::npos) << r.raw;
  }
}

TEST_F(RoutesTest, ShortCodeEndpointWithALongCodeSaysSo) {
  const std::string from = own_number();
  auto r = post("/v2/messages/short_code", json({{"from", from}, {"to", "+17735550188"}, {"text", "x"}}).dump());
  EXPECT_EQ(r.code(), "40305") << r.raw;
  EXPECT_EQ(r.pointer(), "/from");
  const std::string detail = r.body["errors"][0]["detail"];
  EXPECT_NE(detail.find("is a long code"), std::string::npos) << detail;
  EXPECT_NE(detail.find("/v2/messages/long_code"), std::string::npos) << detail;
  r = post("/v2/messages/long_code", json({{"from", "24273"}, {"to", "+17735550188"}, {"text", "x"}}).dump());
  EXPECT_EQ(r.code(), "40305") << r.raw;
  EXPECT_NE(r.body["errors"][0]["detail"].get<std::string>().find("is a short code"), std::string::npos) << r.raw;
  // A long code the tenant does not own is still "not on the profile".
  r = post("/v2/messages/long_code", json({{"from", "+13125550999"}, {"to", "+17735550188"}, {"text", "x"}}).dump());
  EXPECT_EQ(r.code(), "40305");
  EXPECT_NE(r.body["errors"][0]["detail"].get<std::string>().find("not a number on"), std::string::npos) << r.raw;
}

}  // namespace
}  // namespace harness::mock::testing
