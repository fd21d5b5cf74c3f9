// Messaging profile metrics over real sockets: GET /v2/messaging_profiles/{id}/metrics and
// GET /v2/messaging_profile_metrics count what the store holds for the tenant over the time_frame
// window ending at the mock's (injected) clock: outbound recipients sent, delivered and failed,
// inbound messages received, per profile and, in the detailed series, per point and message type.
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

const std::string kOk = "+17735550188";
const std::string kFails = "+17735550199";   // the interceptor below fails every message to it
const std::string kUnknown = "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f";

// Messages to kFails end delivery_failed; everything else passes untouched.
class FailOne final : public RequestInterceptor {
 public:
  Decision on_request(const RequestView& req) override {
    Decision d;
    if (req.body && req.body->is_object() && req.body->value("to", "") == kFails) {
      d.final_status = "delivery_failed";
      d.final_errors = {40002};
    }
    return d;
  }
};

// Without the webhook engine the store's default lifecycle applies on read, timed by the injected
// clock: a message is final one second after it was accepted.
class MetricsTest : public MockFixture {
 protected:
  MetricsTest() { opts_.builtin_webhooks = false; }
  void SetUp() override {
    MockFixture::SetUp();
    server_->set_interceptor(std::make_shared<FailOne>());
  }
  json metrics(const std::string& profile, const std::string& frame = "", const std::string& key = "KEYtest") {
    auto r = get("/v2/messaging_profiles/" + profile + "/metrics" + (frame.empty() ? "" : "?time_frame=" + frame), key);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["data"];
  }
};

TEST_F(MetricsTest, CountsTheProfilesMessagesOverTheWindow) {
  const std::string profile = default_profile();
  const std::string from = own_number();
  // Two hours ago: one SMS, delivered.
  ASSERT_EQ(send({{"from", from}, {"to", kOk}, {"text", "old"}}).status, 200);
  clock_.advance(std::chrono::hours(2));
  // Now: three SMS delivered, one failed, one MMS delivered, one scheduled (not sent yet).
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send({{"from", from}, {"to", kOk}, {"text", "hi"}}).status, 200);
  ASSERT_EQ(send({{"from", from}, {"to", kFails}, {"text", "hi"}}).status, 200);
  ASSERT_EQ(send({{"from", from}, {"to", kOk}, {"media_urls", {"https://example.test/a.png"}}}).status, 200);
  const std::string send_at = core::format_rfc3339(clock_.now() + std::chrono::minutes(30));
  auto scheduled = post("/v2/messages/schedule", json{{"from", from}, {"to", kOk}, {"text", "later"}, {"send_at", send_at}}.dump());
  ASSERT_EQ(scheduled.status, 200) << scheduled.raw;
  // Before any status is final: accepted counts as sent, nothing delivered or failed yet.
  json early = metrics(profile, "1h")["overview"];
  EXPECT_EQ(early["outbound"]["sent"], 5);
  EXPECT_EQ(early["outbound"]["delivered"], 0);
  EXPECT_EQ(early["outbound"]["error_ratio"], 0.0);
  clock_.advance(std::chrono::seconds(2));

  json d = metrics(profile, "1h");
  const json& o = d["overview"];
  EXPECT_EQ(o["record_type"], "messaging_profile_metrics");
  EXPECT_EQ(o["messaging_profile_id"], profile);
  EXPECT_EQ(o["phone_numbers"], get("/v2/messaging_profiles/" + profile + "/phone_numbers").body["data"].size());
  EXPECT_EQ(o["outbound"]["sent"], 5);
  EXPECT_EQ(o["outbound"]["delivered"], 4);
  EXPECT_DOUBLE_EQ(o["outbound"]["error_ratio"].get<double>(), 0.2);
  EXPECT_EQ(o["inbound"]["received"], 0);
  // 1h: twelve 5-minute points, oldest first; everything in the last one, split by type.
  ASSERT_EQ(d["detailed"].size(), 12u);
  EXPECT_EQ(d["detailed"][0]["timestamp"], core::format_rfc3339(clock_.now() - std::chrono::hours(1)));
  const json& last = d["detailed"][11]["metrics"];
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0]["label"], "SMS");
  EXPECT_EQ(last[0]["sent"], 4);
  EXPECT_EQ(last[0]["delivered"], 3);
  EXPECT_DOUBLE_EQ(last[0]["outbound_error_ratio"].get<double>(), 0.25);
  EXPECT_EQ(last[1]["label"], "MMS");
  EXPECT_EQ(last[1]["sent"], 1);
  EXPECT_EQ(last[1]["delivered"], 1);
  for (size_t i = 0; i < 11; ++i) EXPECT_EQ(d["detailed"][i]["metrics"][0]["sent"], 0) << i;

  // 3h reaches the old message; the default window (24h) too.
  EXPECT_EQ(metrics(profile, "3h")["overview"]["outbound"]["sent"], 6);
  json day = metrics(profile);
  EXPECT_EQ(day["overview"]["outbound"]["delivered"], 5);
  EXPECT_EQ(day["detailed"].size(), 24u);
  EXPECT_EQ(metrics(profile, "3d")["detailed"].size(), 12u);
  EXPECT_EQ(metrics(profile, "7d")["detailed"].size(), 7u);
  EXPECT_EQ(metrics(profile, "30d")["detailed"].size(), 30u);

  // The overview listing: one entry per profile, the same figures.
  auto created = post("/v2/messaging_profiles", R"({"name":"quiet","whitelisted_destinations":["US"]})");
  ASSERT_EQ(created.status, 200) << created.raw;
  auto list = get("/v2/messaging_profile_metrics?time_frame=1h");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["data"].size(), 2u);
  EXPECT_EQ(list.body["data"][0], o);
  EXPECT_EQ(list.body["data"][1]["messaging_profile_id"], created.body["data"]["id"]);
  EXPECT_EQ(list.body["data"][1]["outbound"]["sent"], 0);
  EXPECT_EQ(list.body["data"][1]["phone_numbers"], 0);
  EXPECT_EQ(list.body["meta"]["total_results"], 2);

  // Another tenant's metrics know nothing of these messages.
  EXPECT_EQ(get("/v2/messaging_profile_metrics", "KEYother").body["data"][0]["outbound"]["sent"], 0);
  // Later, the window has moved past them (the scheduled one cancelled first: it never fires).
  ASSERT_EQ(del("/v2/messages/" + scheduled.body["data"]["id"].get<std::string>()).status, 200);
  clock_.advance(std::chrono::hours(25));
  EXPECT_EQ(metrics(profile)["overview"]["outbound"]["sent"], 0);
}

TEST_F(MetricsTest, BadTimeFrameUnknownProfileAndAuth) {
  const std::string profile = default_profile();
  for (const std::string& path : {"/v2/messaging_profiles/" + profile + "/metrics?time_frame=2h",
                                 std::string("/v2/messaging_profile_metrics?time_frame=1d")}) {
    auto r = get(path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.code(), "10015");
    EXPECT_EQ(r.body["errors"][0]["source"]["parameter"], "time_frame");
  }
  EXPECT_EQ(get("/v2/messaging_profiles/" + kUnknown + "/metrics").code(), "10005");
  EXPECT_EQ(get("/v2/messaging_profiles/" + profile + "/metrics", "KEYother").code(), "10005");
  EXPECT_EQ(get("/v2/messaging_profile_metrics?page[number]=0").code(), "10015");
  EXPECT_EQ(get("/v2/messaging_profile_metrics", "bad").status, 401);
  EXPECT_EQ(post("/v2/messaging_profile_metrics", "{}").status, 405);
}

// With the webhook engine: inbound messages (POST /_mock/inbound) count as received.
class InboundMetricsTest : public MockFixture {};

TEST_F(InboundMetricsTest, InboundMessagesAreReceived) {
  const std::string profile = default_profile();
  const std::string own = own_number();
  for (const char* text : {"one", "two"}) {
    auto r = post("/_mock/inbound", json{{"from", kOk}, {"to", own}, {"text", text}}.dump());
    ASSERT_EQ(r.status, 200) << r.raw;
  }
  auto mms = post("/_mock/inbound", json{{"from", kOk}, {"to", own}, {"media_urls", {"https://example.test/a.png"}}}.dump());
  ASSERT_EQ(mms.status, 200) << mms.raw;
  auto r = get("/v2/messaging_profiles/" + profile + "/metrics?time_frame=1h");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["overview"]["inbound"]["received"], 3);
  EXPECT_EQ(r.body["data"]["overview"]["outbound"]["sent"], 0);
  const json& last = r.body["data"]["detailed"][11]["metrics"];
  EXPECT_EQ(last[0]["received"], 2);
  EXPECT_EQ(last[1]["received"], 1);
  EXPECT_EQ(get("/v2/messaging_profile_metrics").body["data"][0]["inbound"]["received"], 3);
}

}  // namespace
}  // namespace harness::mock::testing
