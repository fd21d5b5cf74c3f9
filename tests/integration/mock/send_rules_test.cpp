// Every send rule of POST /v2/messages against a running telnyx-mock: one row per error code,
// each with the state it needs, the request that breaks the rule, and the answer Telnyx gives;
// then the codes POST /_mock/inbound shares with send, answered alike by both routes.
#include <functional>
#include <vector>

#include "mock_fixture.h"
#include "support/row_name.h"

namespace harness::mock::testing {
namespace {

struct Rule {
  const char* name;
  // Prepares the tenant (through the public API) and returns the request body to send.
  std::function<json(class SendRulesTest&)> setup;
  const char* path;   // "/v2/messages" unless a typed endpoint
  int status;
  const char* code;
  const char* pointer;   // "" when the error names no field
};

class SendRulesTest : public MockFixture {
 public:
  std::string number() { return own_number(); }
  std::string profile() { return default_profile(); }
  void patch_profile(const std::string& body) {
    auto r = patch("/v2/messaging_profiles/" + profile(), body);
    ASSERT_EQ(r.status, 200) << r.raw;
  }
  // A profile of its own, with no numbers on it.
  std::string empty_profile() {
    auto r = post("/v2/messaging_profiles", R"({"name":"empty","whitelisted_destinations":["US"]})");
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["data"]["id"].get<std::string>();
  }
  void check(const Rule& rule) {
    SCOPED_TRACE(rule.name);
    json body = rule.setup(*this);
    auto r = post(rule.path, body.dump());
    EXPECT_EQ(r.status, rule.status) << r.raw;
    EXPECT_EQ(r.code(), rule.code) << r.raw;
    EXPECT_EQ(r.pointer(), rule.pointer) << r.raw;
    // The envelope Telnyx documents: errors[0] with code, title and detail.
    ASSERT_TRUE(r.body.contains("errors")) << r.raw;
    EXPECT_FALSE(r.body["errors"][0].value("title", "").empty());
    EXPECT_FALSE(r.body["errors"][0].value("detail", "").empty());
  }
};

json text_to(const std::string& from, const std::string& to = "+17735550188") {
  return {{"from", from}, {"to", to}, {"text", "Your car is ready"}};
}

json media(int n) {
  json urls = json::array();
  for (int i = 0; i < n; ++i) urls.push_back("https://example.com/p" + std::to_string(i) + ".jpg");
  return urls;
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      {"40331 profile with no whitelisted destinations",
       [](SendRulesTest& t) {
         t.patch_profile(R"({"whitelisted_destinations":[]})");
         return text_to(t.number());
       },
       "/v2/messages", 400, "40331", ""},
      {"40321 number pool with no numbers",
       [](SendRulesTest& t) {
         return json{{"messaging_profile_id", t.empty_profile()}, {"to", "+17735550188"}, {"text", "x"}};
       },
       "/v2/messages/number_pool", 400, "40321", "/messaging_profile_id"},
      {"40307 alphanumeric sender that is not the profile's",
       [](SendRulesTest& t) {
         t.patch_profile(R"({"alpha_sender":"ACME"})");
         return json{{"from", "OTHERCO"}, {"to", "+17735550188"}, {"text", "x"}, {"messaging_profile_id", t.profile()}};
       },
       "/v2/messages/alphanumeric_sender_id", 400, "40307", "/from"},
      {"40304 type SMS with media",
       [](SendRulesTest& t) {
         json b = text_to(t.number());
         b["type"] = "SMS";
         b["media_urls"] = media(1);
         return b;
       },
       "/v2/messages", 400, "40304", "/media_urls"},
      {"40317 more than 10 media URLs",
       [](SendRulesTest& t) {
         json b = text_to(t.number());
         b["media_urls"] = media(11);
         return b;
       },
       "/v2/messages", 400, "40317", "/media_urls"},
      {"40316 neither text nor media",
       [](SendRulesTest& t) { return json{{"from", t.number()}, {"to", "+17735550188"}}; },
       "/v2/messages", 400, "40316", "/text"},
      {"40309 destination outside the whitelist",
       [](SendRulesTest& t) {
         t.patch_profile(R"({"whitelisted_destinations":["CA"]})");
         return text_to(t.number());
       },
       "/v2/messages", 400, "40309", "/to"},
      {"40312 disabled profile",
       [](SendRulesTest& t) {
         t.patch_profile(R"({"enabled":false})");
         return text_to(t.number());
       },
       "/v2/messages", 400, "40312", ""},
      {"40310 invalid destination",
       [](SendRulesTest& t) { return text_to(t.number(), "7735550188"); },
       "/v2/messages", 400, "40310", "/to"},
      {"40305 a from the tenant does not own",
       [](SendRulesTest&) { return text_to("+13125559999"); },
       "/v2/messages", 400, "40305", "/from"},
      {"40306 alphanumeric sender on a profile without one",
       [](SendRulesTest& t) {
         return json{{"from", "ACME"}, {"to", "+17735550188"}, {"text", "x"}, {"messaging_profile_id", t.profile()}};
       },
       "/v2/messages/alphanumeric_sender_id", 400, "40306", "/from"},
  };
  return table;
}

// One test per row, so a failure names the rule.
class SendRuleRow : public SendRulesTest, public ::testing::WithParamInterface<size_t> {};

TEST_P(SendRuleRow, AnswersWithItsCode) { check(rules().at(GetParam())); }

INSTANTIATE_TEST_SUITE_P(Table, SendRuleRow, ::testing::Range<size_t>(0, rules().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return harness::testing::row_name(rules().at(info.param).name);
                         });

// A valid send still passes after each rule's fix, so no row passes by rejecting everything.
TEST_F(SendRulesTest, TheSameSenderSendsWhenNoRuleIsBroken) {
  auto r = post("/v2/messages", text_to(number()).dump());
  EXPECT_EQ(r.status, 200) << r.raw;
  json mms = text_to(number());
  mms["media_urls"] = media(10);
  r = post("/v2/messages", mms.dump());
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["type"], "MMS");
}

// The codes send and POST /_mock/inbound share answer with the same envelope from both routes:
// the same status, code, title, detail and pointer, with and without an error_status override.
class SharedRulesTest : public SendRulesTest {
 public:
  void expect_same_answer(const char* code, const json& content) {
    SCOPED_TRACE(code);
    const std::string ours = number();
    json out = content;
    out["from"] = ours;
    out["to"] = "+17735550188";
    json in = content;
    in["from"] = "+17735550188";
    in["to"] = ours;
    auto sent = post("/v2/messages", out.dump());
    auto received = post("/_mock/inbound", in.dump());
    EXPECT_EQ(sent.code(), code) << sent.raw;
    EXPECT_EQ(sent.status, received.status) << received.raw;
    ASSERT_TRUE(received.body.contains("errors")) << received.raw;
    EXPECT_EQ(sent.body["errors"], received.body["errors"]);
  }
  int status_of(const char* code) {
    auto r = post("/v2/messages", json{{"from", number()}, {"to", "+17735550188"}}.dump());
    EXPECT_EQ(r.code(), code);
    return r.status;
  }
};

TEST_F(SharedRulesTest, ContentCodesAnswerAlikeFromSendAndInbound) {
  expect_same_answer("40316", json::object());
  expect_same_answer("40317", json{{"media_urls", media(11)}});
  expect_same_answer("10015", json{{"text", 5}});
}

class SharedRulesOverrideTest : public SharedRulesTest {
 public:
  SharedRulesOverrideTest() { opts_.config_yaml = "settings:\n  error_status: {40316: 422, 40317: 403}\n"; }
};

TEST_F(SharedRulesOverrideTest, AnErrorStatusOverrideHoldsForBothRoutes) {
  EXPECT_EQ(status_of("40316"), 422);
  expect_same_answer("40316", json::object());
  expect_same_answer("40317", json{{"media_urls", media(11)}});
}

}  // namespace
}  // namespace harness::mock::testing
