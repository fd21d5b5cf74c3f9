// The control routes behind the inbox's panels, over a real socket: GET /_mock/tenants (the
// tenant switcher and the numbers the new-conversation form can text), GET /_mock/requests?
// message_id= (a message's request as received, key shortened, and the response), and
// POST /_mock/webhooks/redeliver's unhappy paths.
#include "mock_fixture.h"

namespace harness::mock {
namespace {

using testing::MockFixture;

class InboxRoutesTest : public MockFixture {
 protected:
  InboxRoutesTest() {
    // A second number on no profile.
    opts_.config_yaml = testing::one_profile_tenant("dealer", "KEYdealer", "http://127.0.0.1:9/hooks") +
                        "    numbers: [\"+13125550100\"]\n";
  }
};

TEST_F(InboxRoutesTest, TenantsListKeysAndNumbersWithTheirProfiles) {
  auto r = get("/_mock/tenants");
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["data"].size(), 1u) << r.raw;
  const auto& t = r.body["data"][0];
  EXPECT_EQ(t["api_keys"], core::json::array({"KEYdealer"}));
  ASSERT_EQ(t["numbers"].size(), 2u) << r.raw;
  bool profiled = false, bare = false;
  for (const auto& n : t["numbers"]) {
    if (n["phone_number"] == "+13125550147") {
      profiled = n["profile_name"] == "main" && n["webhook_url"] == "http://127.0.0.1:9/hooks";
    }
    if (n["phone_number"] == "+13125550100") bare = n["profile_name"].is_null() && n["webhook_url"].is_null();
  }
  EXPECT_TRUE(profiled) << r.raw;
  EXPECT_TRUE(bare) << r.raw;
}

TEST_F(InboxRoutesTest, RequestOfAMessageWithBodiesAndTheKeyShortened) {
  auto sent = send({{"from", "+13125550147"}, {"to", "+17735550101"}, {"text", "detail please"}}, "KEYdealer");
  ASSERT_EQ(sent.status, 200) << sent.raw;
  ASSERT_EQ(send({{"from", "+13125550147"}, {"to", "+17735550101"}, {"text", "another"}}, "KEYdealer").status, 200);
  const std::string id = sent.body["data"]["id"];
  auto r = get("/_mock/requests?message_id=" + id);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["data"].size(), 1u) << r.raw;
  const auto& e = r.body["data"][0];
  EXPECT_EQ(e["message_id"], id);
  EXPECT_NE(e["request"]["body"].get<std::string>().find("detail please"), std::string::npos) << r.raw;
  EXPECT_EQ(e["request"]["headers"]["Authorization"], "Bearer KEYdeale\u2026") << r.raw;
  EXPECT_EQ(e["request"]["headers"]["Content-Type"], "application/json") << r.raw;
  EXPECT_EQ(e["request"]["body"], R"({"from":"+13125550147","text":"detail please","to":"+17735550101"})") << r.raw;
  EXPECT_NE(e["response"]["body"].get<std::string>().find(id), std::string::npos);
  // Requests that created no message keep no bodies.
  auto all = get("/_mock/requests?path=/v2/messages&status=200&limit=10");
  for (const auto& x : all.body["data"]) EXPECT_TRUE(x["message_id"].is_null() || x.contains("request"));
}

TEST_F(InboxRoutesTest, RedeliverRefusesWhatItCannotSend) {
  auto unknown = post("/_mock/webhooks/redeliver", R"({"event_id":"00000000-0000-4000-8000-000000000000"})");
  EXPECT_EQ(unknown.status, 404) << unknown.raw;
  EXPECT_EQ(unknown.code(), "10005");
  auto missing = post("/_mock/webhooks/redeliver", R"({})");
  EXPECT_EQ(missing.status, 422) << missing.raw;
  EXPECT_EQ(missing.code(), "10004");
  EXPECT_EQ(missing.pointer(), "/event_id");
  auto garbage = post("/_mock/webhooks/redeliver", "[1,2");
  EXPECT_EQ(garbage.status, 400) << garbage.raw;
  EXPECT_EQ(garbage.code(), "10015");
}

}  // namespace
}  // namespace harness::mock
