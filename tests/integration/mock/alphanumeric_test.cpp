// Alphanumeric sender IDs over real sockets: /v2/alphanumeric_sender_ids creates, lists, retrieves
// and deletes them per tenant; they are the profile's alpha_sender, so the profile-scoped listing,
// the profile itself and POST /v2/messages/alphanumeric_sender_id agree with them. Validation:
// missing and mistyped fields, the sender ID rules, unknown profiles, one sender ID per profile.
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

const std::string kDest = "+447700900123";   // a UK handset: alphanumeric senders are allowed there
const std::string kUnknown = "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f";

class AlphanumericTest : public MockFixture {
 protected:
  Reply create(const json& body, const std::string& key = "KEYtest") {
    return post("/v2/alphanumeric_sender_ids", body.dump(), key);
  }
};

TEST_F(AlphanumericTest, CreateListRetrieveDeleteAgreeWithTheProfile) {
  const std::string profile = default_profile();
  ASSERT_EQ(patch("/v2/messaging_profiles/" + profile, R"({"whitelisted_destinations":["*"]})").status, 200);
  const std::string fallback = own_number();
  auto c = create({{"alphanumeric_sender_id", "Acme Co"}, {"messaging_profile_id", profile},
                   {"us_long_code_fallback", fallback}});
  ASSERT_EQ(c.status, 200) << c.raw;
  const json& rec = c.body["data"];
  EXPECT_EQ(rec["record_type"], "alphanumeric_sender_id");
  EXPECT_EQ(rec["alphanumeric_sender_id"], "Acme Co");
  EXPECT_EQ(rec["messaging_profile_id"], profile);
  EXPECT_EQ(rec["us_long_code_fallback"], fallback);
  EXPECT_TRUE(rec["organization_id"].is_string());
  const std::string id = rec["id"];

  EXPECT_EQ(get("/v2/alphanumeric_sender_ids/" + id).body["data"], rec);
  auto all = get("/v2/alphanumeric_sender_ids");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.body["data"].size(), 1u);
  EXPECT_EQ(all.body["data"][0], rec);
  EXPECT_EQ(all.body["meta"]["total_results"], 1);
  auto scoped = get("/v2/messaging_profiles/" + profile + "/alphanumeric_sender_ids");
  ASSERT_EQ(scoped.body["data"].size(), 1u);
  EXPECT_EQ(scoped.body["data"][0], rec);
  EXPECT_EQ(get("/v2/messaging_profiles/" + profile).body["data"]["alpha_sender"], "Acme Co");
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids?filter[messaging_profile_id]=" + kUnknown).body["data"].size(), 0u);

  // It sends.
  auto sent = post("/v2/messages/alphanumeric_sender_id",
                   json{{"from", "Acme Co"}, {"to", kDest}, {"text", "hi"}, {"messaging_profile_id", profile}}.dump());
  EXPECT_EQ(sent.status, 200) << sent.raw;

  // Another tenant sees none of it.
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids", "KEYother").body["data"].size(), 0u);
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids/" + id, "KEYother").code(), "10005");

  auto gone = del("/v2/alphanumeric_sender_ids/" + id);
  ASSERT_EQ(gone.status, 200) << gone.raw;
  EXPECT_EQ(gone.body["data"], rec);
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids/" + id).status, 404);
  EXPECT_EQ(del("/v2/alphanumeric_sender_ids/" + id).code(), "10005");
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids").body["data"].size(), 0u);
  EXPECT_TRUE(get("/v2/messaging_profiles/" + profile).body["data"]["alpha_sender"].is_null());
  auto refused = post("/v2/messages/alphanumeric_sender_id",
                      json{{"from", "Acme Co"}, {"to", kDest}, {"text", "hi"}, {"messaging_profile_id", profile}}.dump());
  EXPECT_EQ(refused.code(), "40306");

  // A sender ID set by PATCHing the profile is listed too.
  ASSERT_EQ(patch("/v2/messaging_profiles/" + profile, R"({"alpha_sender":"Other1"})").status, 200);
  auto listed = get("/v2/alphanumeric_sender_ids");
  ASSERT_EQ(listed.body["data"].size(), 1u);
  EXPECT_EQ(listed.body["data"][0]["alphanumeric_sender_id"], "Other1");
  EXPECT_FALSE(listed.body["data"][0].contains("us_long_code_fallback"));
}

TEST_F(AlphanumericTest, ValidationErrorsUseTheEnvelope) {
  const std::string profile = default_profile();
  struct Case {
    json body;
    int status;
    std::string code, pointer;
  };
  const std::vector<Case> cases = {
      {{{"messaging_profile_id", profile}}, 422, "10004", "/alphanumeric_sender_id"},
      {{{"alphanumeric_sender_id", "Acme"}}, 422, "10004", "/messaging_profile_id"},
      {{{"alphanumeric_sender_id", 7}, {"messaging_profile_id", profile}}, 400, "10015", "/alphanumeric_sender_id"},
      {{{"alphanumeric_sender_id", ""}, {"messaging_profile_id", profile}}, 422, "10015", "/alphanumeric_sender_id"},
      {{{"alphanumeric_sender_id", "TwelveChars1"}, {"messaging_profile_id", profile}}, 422, "10015", "/alphanumeric_sender_id"},
      {{{"alphanumeric_sender_id", "12345"}, {"messaging_profile_id", profile}}, 422, "10015", "/alphanumeric_sender_id"},
      {{{"alphanumeric_sender_id", "Acme-Co"}, {"messaging_profile_id", profile}}, 422, "10015", "/alphanumeric_sender_id"},
      {{{"alphanumeric_sender_id", "Acme"}, {"messaging_profile_id", kUnknown}}, 422, "10017", "/messaging_profile_id"},
      {{{"alphanumeric_sender_id", "Acme"}, {"messaging_profile_id", profile}, {"us_long_code_fallback", "+13125550000"}},
       422, "10015", "/us_long_code_fallback"},
      {{{"alphanumeric_sender_id", "Acme"}, {"messaging_profile_id", profile}, {"us_long_code_fallback", 5}},
       400, "10015", "/us_long_code_fallback"},
  };
  for (const auto& c : cases) {
    auto r = create(c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " " << r.raw;
    EXPECT_EQ(r.code(), c.code) << c.body.dump();
    EXPECT_EQ(r.pointer(), c.pointer) << c.body.dump();
  }
  auto not_json = post("/v2/alphanumeric_sender_ids", "{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.code(), "10015");
  // Nothing was created by any of them.
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids").body["data"].size(), 0u);

  // One sender ID per profile: a second is 409 10012 until the first is deleted.
  auto first = create({{"alphanumeric_sender_id", "Acme"}, {"messaging_profile_id", profile}});
  ASSERT_EQ(first.status, 200) << first.raw;
  auto second = create({{"alphanumeric_sender_id", "Other"}, {"messaging_profile_id", profile}});
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.code(), "10012");
  // Another tenant cannot attach one to this tenant's profile.
  EXPECT_EQ(create({{"alphanumeric_sender_id", "Mine"}, {"messaging_profile_id", profile}}, "KEYother").code(), "10017");

  EXPECT_EQ(get("/v2/alphanumeric_sender_ids?page[size]=0").code(), "10015");
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids/not-a-uuid").code(), "10005");
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids", "bad").status, 401);
  EXPECT_EQ(wrap(client_->Put("/v2/alphanumeric_sender_ids", auth(), "{}", "application/json")).status, 405);
}

TEST_F(AlphanumericTest, ResetForgetsSenderIdsAndFallbacks) {
  const std::string profile = default_profile();
  auto c = create({{"alphanumeric_sender_id", "Acme"}, {"messaging_profile_id", profile},
                   {"us_long_code_fallback", own_number()}});
  ASSERT_EQ(c.status, 200) << c.raw;
  ASSERT_EQ(wrap(client_->Post("/_mock/reset", "", "application/json")).status, 200);
  EXPECT_EQ(get("/v2/alphanumeric_sender_ids").body["data"].size(), 0u);
  // The open tenant comes back with the same profile: the same sender ID is the same record,
  // without the fallback it had before the reset.
  ASSERT_EQ(default_profile(), profile);
  auto again = create({{"alphanumeric_sender_id", "Acme"}, {"messaging_profile_id", profile}});
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["data"]["id"], c.body["data"]["id"]);
  EXPECT_FALSE(again.body["data"].contains("us_long_code_fallback"));
}

}  // namespace
}  // namespace harness::mock::testing
