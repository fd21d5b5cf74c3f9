// Inbound messages: message.received delivery to the owning profile (POST /_mock/inbound's
// refusals are in tests/unit/mock/inbound_rules_test.cpp), and scheduled inbound bursts.
#include <gtest/gtest.h>
#include <memory>
#include <set>
#include "core/signing.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"
#include "webhook/inbound_post.h"
#include "webhook_test_support.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using core::json;
using testing::eventually;

class InboundTest : public testing::ReceiverTest {
 protected:
  void SetUp() override {
    ReceiverTest::SetUp();
    engine->set_inbound_directory(&store);
    WebhookRouting r;
    r.profile.url = url("/inbound");
    store.own("+13125550147", "tenant-1", r);
  }
  // The body decoded as the route does (its refusals are tested in the rules' table).
  ControlReply inbound(const std::string& body) {
    auto req = decode_inbound_post(body);
    EXPECT_TRUE(req.ok()) << body;
    return req ? engine->handle_inbound_post(*req) : ControlReply{0, "", ""};
  }
  // Starts a burst of `count` texts from +17735550188 to the owned number, `rate` a second.
  void start_burst(uint64_t count, double rate, const std::string& text = "") {
    WebhookSettings s = testing::fast_settings();
    InboundBurst b;
    b.from = "+17735550188";
    b.to = "+13125550147";
    b.count = count;
    b.rate_per_second = rate;
    if (!text.empty()) b.text = text;
    s.inbound.push_back(b);
    engine->set_settings(s);
  }
  static std::string code_of(const ControlReply& r) {
    return json::parse(r.body)["errors"][0]["code"].get<std::string>();
  }
};

TEST_F(InboundTest, ReceivedEventReachesTheOwningProfile) {
  auto reply = inbound(
      R"({"from":"+17735550188","to":"+13125550147","text":"STOP"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json data = json::parse(reply.body)["data"];
  EXPECT_EQ(data["direction"], "inbound");
  const std::string id = data["id"].get<std::string>();
  ASSERT_TRUE(store.get("tenant-1", id));   // stored: GET /v2/messages/{id} finds it

  ASSERT_TRUE(rx.wait_for(1));
  auto got = rx.all();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/inbound");
  EXPECT_EQ(got[0].event_type(), "message.received");
  EXPECT_EQ(got[0].message_id(), id);
  const json& p = got[0].json["data"]["payload"];
  EXPECT_EQ(p["direction"], "inbound");
  EXPECT_EQ(p["text"], "STOP");
  EXPECT_EQ(p["from"]["phone_number"], "+17735550188");
  EXPECT_EQ(p["to"][0]["phone_number"], "+13125550147");
  EXPECT_EQ(p["cost"]["amount"], "0.0000");
  EXPECT_TRUE(p["sent_at"].is_null());
  EXPECT_EQ(got[0].attempt(), 1);
  EXPECT_EQ(core::verify_ed25519(key.public_key_base64(), got[0].header("telnyx-signature-ed25519"),
                                 got[0].header("telnyx-timestamp"), got[0].body,
                                 core::unix_seconds(clock.now())),
            core::VerifyStatus::Ok);
}

TEST_F(InboundTest, MediaUrlsMakeAnMms) {
  auto reply = inbound(
      R"({"from":"+17735550188","to":"+13125550147","media_urls":["https://media.example.test/a.jpg"]})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(rx.wait_for(1));
  const auto got = rx.all();
  ASSERT_TRUE(got[0].json.is_object()) << got[0].body;
  const json& p = got[0].json["data"]["payload"];
  EXPECT_EQ(p["type"], "MMS");
  EXPECT_EQ(p["media"][0]["url"], "https://media.example.test/a.jpg");
}

TEST_F(InboundTest, UnownedNumberIs404With10005) {
  auto reply = inbound(
      R"({"from":"+17735550188","to":"+14155550100","text":"hi"})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(code_of(reply), "10005");
  EXPECT_TRUE(rx.all().empty());
}

TEST_F(InboundTest, WithoutDirectoryIsAServerError) {
  engine->set_inbound_directory(nullptr);
  auto reply = inbound(R"({"from":"+17735550188","to":"+13125550147","text":"x"})");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(code_of(reply), "10007");
}

TEST_F(InboundTest, ScheduledBurstDeliversEveryMessage) {
  start_burst(5, 500, "hello {i} of 5");
  ASSERT_TRUE(rx.wait_for(5));
  ASSERT_TRUE(eventually([&] { return engine->idle(); }));
  std::set<std::string> texts;
  for (const auto& g : rx.all()) {
    EXPECT_EQ(g.event_type(), "message.received");
    texts.insert(g.json["data"]["payload"]["text"].get<std::string>());
  }
  EXPECT_EQ(texts, (std::set<std::string>{"hello 1 of 5", "hello 2 of 5", "hello 3 of 5",
                                          "hello 4 of 5", "hello 5 of 5"}));
}

TEST_F(InboundTest, ReplacingTheScenarioStopsItsBurst) {
  start_burst(1000, 20);   // 50 ms apart: far from done when replaced
  ASSERT_TRUE(rx.wait_for(1));
  engine->set_settings(testing::fast_settings());
  ASSERT_TRUE(eventually([&] { return engine->idle(); }));
  EXPECT_LT(rx.all().size(), 1000u);
}

}  // namespace
}  // namespace harness::mock
