// POST /_mock/inbound's rules (rules/inbound_rules.h, through the body decoder): one row per error
// code, and the codes inbound shares with send answer with the same status and body from both.
#include "rules/inbound_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/refusal_rows.h"
#include "webhook/inbound_post.h"

namespace harness::mock {
namespace {

struct Row {
  const char* name;
  std::string body;
  int code;
  int status;           // as answered with no error_status override
  const char* pointer;  // "" when the error names no field
};

std::string eleven_urls() {
  std::string list;
  for (int i = 0; i < 11; ++i) list += std::string(i ? "," : "") + "\"https://a.test/" + std::to_string(i) + "\"";
  return "[" + list + "]";
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      {"10015 not JSON", "not json", 10015, 400, ""},
      {"10015 an array, not an object", "[1,2]", 10015, 400, ""},
      {"10015 nested too deep", std::string(200, '[') + std::string(200, ']'), 10015, 400, ""},
      {"10015 to not a string", R"({"from":"+17735550188","to":42,"text":"x"})", 10015, 400, "/to"},
      {"10015 text not a string", R"({"from":"+17735550188","to":"+13125550147","text":5})", 10015, 400, "/text"},
      {"10015 media_urls not an array", R"({"from":"+17735550188","to":"+13125550147","media_urls":"x"})", 10015,
       400, "/media_urls"},
      {"10015 media URL not http", R"({"from":"+17735550188","to":"+13125550147","media_urls":["ftp://x"]})", 10015,
       400, "/media_urls/0"},
      {"10004 to missing", R"({"from":"+17735550188","text":"x"})", 10004, 422, "/to"},
      {"10004 from missing", R"({"to":"+13125550147","text":"x"})", 10004, 422, "/from"},
      {"10002 to not E164", R"({"from":"+17735550188","to":"13125550147","text":"x"})", 10002, 422, "/to"},
      {"10002 to a short code", R"({"from":"+17735550188","to":"24273","text":"x"})", 10002, 422, "/to"},
      {"10002 from not an address", R"({"from":"+1-773","to":"+13125550147","text":"x"})", 10002, 422, "/from"},
      {"40316 neither text nor media", R"({"from":"+17735550188","to":"+13125550147"})", 40316, 400, "/text"},
      {"40317 more than 10 media URLs",
       R"({"from":"+17735550188","to":"+13125550147","media_urls":)" + eleven_urls() + "}", 40317, 400,
       "/media_urls"},
  };
  return table;
}

class InboundRuleRow : public ::testing::TestWithParam<size_t> {};

TEST_P(InboundRuleRow, RefusesWithItsCode) {
  const Row& row = rows().at(GetParam());
  SCOPED_TRACE(row.name);
  auto in = decode_inbound_post(row.body);
  ASSERT_FALSE(in.ok());
  harness::testing::expect_refusal(row, in.error(), refusal_status(in.error(), Settings{}));
}

INSTANTIATE_TEST_SUITE_P(Table, InboundRuleRow, ::testing::Range<size_t>(0, rows().size()),
                         harness::testing::row_names(rows));

TEST(InboundRules, DecodesAddressesTextAndMedia) {
  auto r = decode_inbound_post(
      R"({"from":"+17735550188","to":"+13125550147","text":"hi","media_urls":["https://a.test/1.jpg"],"extra":1})");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->from, "+17735550188");
  EXPECT_EQ(r->to, "+13125550147");
  EXPECT_EQ(r->text, "hi");
  EXPECT_EQ(r->media_urls, std::vector<std::string>{"https://a.test/1.jpg"});
}

TEST(InboundRules, SenderIdsAndShortCodesMaySend) {
  for (const char* from : {"ACME", "24273"}) {
    EXPECT_FALSE(inbound_refusal(InboundRequest{from, "+13125550147", "x", {}})) << from;
  }
}

// The content codes, refused once by send and once by inbound: the same reply, with and without
// an error_status override.
TEST(InboundRules, SharedCodesAnswerAsSendDoes) {
  core::SendRequest send;
  send.from = "+13125550147";
  send.to = "+17735550188";
  SenderProfile profile;
  profile.id = "p1";
  profile.all_destinations = true;
  TenantView view;
  view.profile = profile;
  Settings overridden;
  overridden.error_status = {{40316, 422}, {40317, 403}};
  const std::vector<std::string> many(11, "https://a.test/x.jpg");
  for (bool with_media : {false, true}) {
    SCOPED_TRACE(with_media ? "40317" : "40316");
    send.media_urls = with_media ? many : std::vector<std::string>{};
    InboundRequest inbound{"+17735550188", "+13125550147", "", send.media_urls};
    auto sent = plan_send(SendInput{send}, view);
    auto received = inbound_refusal(inbound);
    ASSERT_FALSE(sent.ok());
    ASSERT_TRUE(received);
    EXPECT_EQ(sent.error().code, with_media ? 40317 : 40316);
    for (const Settings& s : {Settings{}, overridden}) {
      const auto a = refusal_reply(sent.error(), s);
      const auto b = refusal_reply(*received, s);
      EXPECT_EQ(a.status, b.status);
      EXPECT_EQ(a.body, b.body);
    }
    EXPECT_EQ(refusal_status(*received, overridden), with_media ? 403 : 422);
  }
}

}  // namespace
}  // namespace harness::mock
