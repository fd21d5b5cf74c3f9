// The webhook engine inside telnyx-mock, end to end over HTTP: a send with webhook_url produces
// signed message.sent / message.finalized, GET shows the same state, GET /_mock/webhooks lists
// the attempts, POST /_mock/inbound reaches the owning profile, /metrics counts it all.
#include <gtest/gtest.h>
#include <memory>
#include "core/json.h"
#include "core/signing.h"
#include "mock_server.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"
#include "mock_receiver_test.h"

namespace harness::mock {
namespace {

using core::json;
using testing::Receiver;
using testing::eventually;

class MockServerWebhookTest : public testing::MockReceiverTest {
 protected:
  void SetUp() override {
    MockServerOptions o;
    o.seed = 5;
    start_mock(o, "KEYwebhooks");
  }
  json call(const std::string& method, const std::string& path, const json& body = nullptr,
            int* status = nullptr) {
    httplib::Result r = method == "GET"     ? api->Get(path.c_str())
                        : method == "PATCH" ? api->Patch(path.c_str(), body.dump(), "application/json")
                                            : api->Post(path.c_str(), body.dump(), "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return nullptr;
    if (status) *status = r->status;
    return json::parse(r->body, nullptr, false);
  }
};

TEST_F(MockServerWebhookTest, InboundWithoutAWebhookUrlDoesNotClaimDelivery) {
  const json numbers = call("GET", "/v2/phone_numbers");
  const std::string own = numbers["data"][0]["phone_number"];
  int status = 0;
  const json in = call("POST", "/_mock/inbound", {{"from", "+17735550188"}, {"to", own}, {"text", "hi"}}, &status);
  ASSERT_EQ(status, 200) << in.dump();
  EXPECT_EQ(in["data"]["to"][0]["status"], "delivered") << in.dump();
  // With a webhook URL on the profile the event is delivered there.
  call("PATCH", "/v2/messaging_profiles/" + numbers["data"][0]["messaging_profile_id"].get<std::string>(),
       {{"webhook_url", receiver->url() + "/profile"}});
  const json with_url = call("POST", "/_mock/inbound", {{"from", "+17735550188"}, {"to", own}, {"text", "hi"}}, &status);
  EXPECT_EQ(with_url["data"]["to"][0]["status"], "webhook_delivered");
  EXPECT_TRUE(rx.wait_for(1));
}

TEST_F(MockServerWebhookTest, SendInboundRecordsAndMetrics) {
  ASSERT_TRUE(mock->webhook_engine());
  // The key GET /_mock/keys and the start-up line publish is the one events are signed with.
  const json keys = call("GET", "/_mock/keys");
  const std::string public_key = mock->webhook_keys().public_key_base64();
  EXPECT_NE(keys.dump().find(public_key), std::string::npos);
  EXPECT_NE(mock->startup_line().find(public_key), std::string::npos);

  const json numbers = call("GET", "/v2/phone_numbers");
  ASSERT_TRUE(numbers["data"].is_array() && !numbers["data"].empty()) << numbers.dump();
  const std::string from = numbers["data"][0]["phone_number"];
  const json sent = call("POST", "/v2/messages",
                         {{"from", from},
                          {"to", "+17735550188"},
                          {"text", "Your code is 4821"},
                          {"webhook_url", receiver->url() + "/msg"},
                          {"use_profile_webhooks", false}});
  const std::string id = sent["data"]["id"];
  ASSERT_TRUE(rx.wait_for(2));
  const auto got = rx.on("/msg");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].event_type(), "message.sent");
  EXPECT_EQ(got[1].event_type(), "message.finalized");
  for (const auto& g : got) {
    EXPECT_EQ(g.message_id(), id);
    EXPECT_EQ(core::verify_ed25519(public_key, g.header("telnyx-signature-ed25519"),
                                   g.header("telnyx-timestamp"), g.body,
                                   core::unix_seconds(core::SystemClock().now())),
              core::VerifyStatus::Ok);
  }
  // GET shows what message.finalized carried.
  const json fetched = call("GET", "/v2/messages/" + id);
  EXPECT_EQ(fetched["data"]["to"][0]["status"], got[1].json["data"]["payload"]["to"][0]["status"]);
  EXPECT_EQ(fetched["data"]["to"][0]["status"], "delivered");
  EXPECT_FALSE(fetched["data"]["cost"].is_null());
  EXPECT_FALSE(got[1].json["data"]["payload"]["cost"].is_null());

  ASSERT_TRUE(eventually([&] {
    return call("GET", "/_mock/webhooks?message_id=" + id)["data"].size() == 2;
  }));
  const json records = call("GET", "/_mock/webhooks?message_id=" + id + "&event_type=message.sent");
  ASSERT_EQ(records["data"].size(), 1u);
  EXPECT_EQ(records["data"][0]["status"], 200);
  EXPECT_EQ(records["data"][0]["event_id"], got[0].event_id());
  int status = 0;
  call("GET", "/_mock/webhooks?limit=abc", nullptr, &status);
  EXPECT_EQ(status, 400);

  // Inbound to the number's profile.
  const std::string profile_id = numbers["data"][0]["messaging_profile_id"].is_string()
                                     ? numbers["data"][0]["messaging_profile_id"].get<std::string>()
                                     : std::string();
  ASSERT_FALSE(profile_id.empty()) << numbers.dump();
  call("PATCH", "/v2/messaging_profiles/" + profile_id, {{"webhook_url", receiver->url() + "/profile"}});
  const json in = call("POST", "/_mock/inbound",
                       {{"from", "+17735550188"}, {"to", from}, {"text", "STOP"}}, &status);
  ASSERT_EQ(status, 200) << in.dump();
  const std::string in_id = in["data"]["id"];
  ASSERT_TRUE(eventually([&] { return rx.on("/profile").size() == 1; }));
  EXPECT_EQ(rx.on("/profile")[0].event_type(), "message.received");
  EXPECT_EQ(rx.on("/profile")[0].message_id(), in_id);
  const json in_fetched = call("GET", "/v2/messages/" + in_id);
  EXPECT_EQ(in_fetched["data"]["direction"], "inbound");

  const json unowned = call("POST", "/_mock/inbound",
                            {{"from", "+17735550188"}, {"to", "+19995550100"}, {"text", "x"}}, &status);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(unowned["errors"][0]["code"], "10005");
  call("POST", "/_mock/inbound", {{"to", from}}, &status);
  EXPECT_EQ(status, 422);

  auto metrics = api->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("telnyx_mock_webhook_events_total{outcome=\"delivered\"} 3"),
            std::string::npos)
      << metrics->body;
}

}  // namespace
}  // namespace harness::mock
