// Group MMS over real sockets: POST /v2/messages/group_mms stores one MMS per recipient under one
// group id, each with its own lifecycle and webhooks; GET /v2/messages/group/{id} lists them and
// GET /v2/messages/{group id} shows the group as one message. Validation per the spec: a long
// code sender, 1 to 8 distinct US/Canadian recipients, MMS content rules.
#include <set>
#include "receiver_fixture.h"

namespace harness::mock::testing {
namespace {

const std::vector<std::string> kRecipients = {"+17735550188", "+13125550123", "+14165550199"};   // two US, one CA

class GroupMmsTest : public MockWithReceiver {
 protected:
  Reply group(const json& body, const std::string& key = "KEYtest") {
    return post("/v2/messages/group_mms", body.dump(), key);
  }
  json body(const json& to) {
    return {{"from", own_number()}, {"to", to}, {"text", "Roof photos attached"},
            {"media_urls", {"https://example.test/roof.jpg"}}};
  }
};

TEST_F(GroupMmsTest, OneMessagePerRecipientUnderOneGroupId) {
  json b = body(kRecipients);
  b["webhook_url"] = receiver_->url() + "/hooks";
  auto r = group(b);
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& g = r.body["data"];
  const std::string group_id = g["id"];
  EXPECT_EQ(g["type"], "MMS");
  ASSERT_EQ(g["to"].size(), 3u);
  for (size_t i = 0; i < kRecipients.size(); ++i) {
    EXPECT_EQ(g["to"][i]["phone_number"], kRecipients[i]);
    EXPECT_EQ(g["to"][i]["status"], "queued");
  }

  auto list = get("/v2/messages/group/" + group_id);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["data"].size(), 3u);
  EXPECT_FALSE(list.body.contains("meta"));
  std::set<std::string> ids;
  for (size_t i = 0; i < kRecipients.size(); ++i) {
    const json& m = list.body["data"][i];
    ids.insert(m["id"].get<std::string>());
    EXPECT_NE(m["id"], group_id);
    EXPECT_EQ(m["type"], "MMS");
    ASSERT_EQ(m["to"].size(), 1u);
    EXPECT_EQ(m["to"][0]["phone_number"], kRecipients[i]);
    EXPECT_EQ(m["cc"].size(), 2u) << "the other participants";
    for (const auto& cc : m["cc"]) EXPECT_NE(cc["phone_number"], kRecipients[i]);
    EXPECT_EQ(m["media"][0]["url"], "https://example.test/roof.jpg");
    // Each is an ordinary message too.
    EXPECT_EQ(get("/v2/messages/" + m["id"].get<std::string>()).status, 200);
  }
  EXPECT_EQ(ids.size(), 3u);

  // Every recipient's message has its own webhooks: sent and finalized, three times.
  ASSERT_TRUE(rx_.wait_for(6)) << rx_.all().size();
  std::multiset<std::string> finalized;
  for (const auto& w : rx_.all()) {
    EXPECT_TRUE(ids.count(w.message_id())) << w.body;
    if (w.event_type() == "message.finalized") finalized.insert(w.message_id());
  }
  EXPECT_EQ(finalized.size(), 3u);
  // The group read as one message carries each recipient's current status.
  ASSERT_TRUE(eventually([&] {
    auto whole = get("/v2/messages/" + group_id);
    if (whole.status != 200) return false;
    for (const auto& to : whole.body["data"]["to"]) {
      if (to["status"] != "delivered") return false;
    }
    return whole.body["data"]["id"] == group_id && whole.body["data"]["to"].size() == 3u;
  }));
}

TEST_F(GroupMmsTest, UnknownOrForeignGroupIs404) {
  auto r = group(body(kRecipients));
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string group_id = r.body["data"]["id"];
  auto foreign = get("/v2/messages/group/" + group_id, "KEYother");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.code(), "10005");
  EXPECT_EQ(get("/v2/messages/" + group_id, "KEYother").status, 404);
  EXPECT_EQ(get("/v2/messages/group/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f").code(), "10005");
  EXPECT_EQ(get("/v2/messages/group/not-a-uuid").code(), "10005");
  // A member's id is not a group id.
  auto list = get("/v2/messages/group/" + group_id);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(get("/v2/messages/group/" + list.body["data"][0]["id"].get<std::string>()).status, 404);
  // A reset forgets groups with their messages.
  ASSERT_EQ(post("/_mock/reset", "").status, 200);
  EXPECT_EQ(get("/v2/messages/group/" + group_id).status, 404);
}

TEST_F(GroupMmsTest, Validation) {
  const std::string from = own_number();
  auto expect = [&](const json& b, int status, const std::string& code, const std::string& pointer) {
    auto r = group(b);
    EXPECT_EQ(r.status, status) << b.dump() << " -> " << r.raw;
    EXPECT_EQ(r.code(), code) << b.dump() << " -> " << r.raw;
    EXPECT_EQ(r.pointer(), pointer) << b.dump() << " -> " << r.raw;
  };
  expect({{"from", from}, {"text", "x"}}, 422, "10004", "/to");
  expect({{"to", kRecipients}, {"text", "x"}}, 422, "10004", "/from");
  expect({{"from", from}, {"to", "+17735550188"}, {"text", "x"}}, 400, "10015", "/to");
  expect({{"from", from}, {"to", {"+17735550188", 7}}, {"text", "x"}}, 400, "10015", "/to/1");
  expect({{"from", from}, {"to", json::array()}, {"text", "x"}}, 422, "10015", "/to");
  std::vector<std::string> nine;
  for (int i = 0; i < 9; ++i) nine.push_back("+1773555010" + std::to_string(i));
  expect({{"from", from}, {"to", nine}, {"text", "x"}}, 422, "10015", "/to");
  nine.pop_back();
  EXPECT_EQ(group({{"from", from}, {"to", nine}, {"text", "eight is fine"}}).status, 200);
  expect({{"from", from}, {"to", {"+17735550188", "12"}}, {"text", "x"}}, 400, "40310", "/to/1");
  expect({{"from", from}, {"to", {"+17735550188", "+17735550188"}}, {"text", "x"}}, 422, "10015", "/to/1");
  expect({{"from", from}, {"to", {"+17735550188", "+447700900123"}}, {"text", "x"}}, 400, "40309", "/to/1");
  expect({{"from", "24273"}, {"to", kRecipients}, {"text", "x"}}, 400, "40308", "/from");
  expect({{"from", "+13125550999"}, {"to", kRecipients}, {"text", "x"}}, 400, "40305", "/from");
  expect({{"from", from}, {"to", kRecipients}}, 400, "40316", "/text");
  std::vector<std::string> media(11, "https://example.test/a.png");
  expect({{"from", from}, {"to", kRecipients}, {"media_urls", media}}, 400, "40317", "/media_urls");
  expect({{"from", from}, {"to", kRecipients}, {"text", 5}}, 400, "10015", "/text");
  EXPECT_EQ(post("/v2/messages/group_mms", "{not json").status, 400);
  EXPECT_EQ(group(body(kRecipients), "nokey").status, 401);
  EXPECT_EQ(get("/v2/messages/group/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f", "nokey").status, 401);
  // Text only is a group MMS too.
  auto text_only = group({{"from", from}, {"to", kRecipients}, {"text", "hello all"}});
  ASSERT_EQ(text_only.status, 200) << text_only.raw;
  EXPECT_EQ(text_only.body["data"]["type"], "MMS");
}

}  // namespace
}  // namespace harness::mock::testing
