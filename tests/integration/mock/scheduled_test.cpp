// Scheduled messages over real sockets, on the mock's injected clock: POST /v2/messages/schedule
// (and send_at on POST /v2/messages) stores the message as `scheduled`; it is sent when the
// clock reaches send_at, with its webhooks then; DELETE /v2/messages/{id} cancels it while
// send_at is more than a minute away. send_at must be 5 minutes to 5 days ahead.
#include <chrono>
#include "core/clock.h"
#include "receiver_fixture.h"

namespace harness::mock::testing {
namespace {

using namespace std::chrono_literals;

class ScheduledTest : public MockWithReceiver {
 protected:
  std::string at(core::Duration from_now) { return core::format_rfc3339(clock_.now() + from_now); }
  // A message scheduled `lead` from now from the tenant's own number, its webhooks to the receiver.
  Reply schedule(core::Duration lead, const std::string& key = "KEYtest") {
    return post("/v2/messages/schedule",
                json{{"from", own_number(key)}, {"to", "+17735550188"}, {"text", "see you at 10"},
                     {"send_at", at(lead)}, {"webhook_url", receiver_->url() + "/hooks"}}.dump(), key);
  }
  std::string status_of(const std::string& id, const std::string& key = "KEYtest") {
    auto r = get("/v2/messages/" + id, key);
    return r.status == 200 ? r.body["data"]["to"][0]["status"].get<std::string>() : "HTTP " + std::to_string(r.status);
  }
};

TEST_F(ScheduledTest, FiresAtSendAtOnTheClockWithItsWebhooks) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  EXPECT_EQ(r.body["data"]["to"][0]["status"], "scheduled");
  EXPECT_TRUE(r.body["data"]["sent_at"].is_null());
  EXPECT_EQ(status_of(id), "scheduled");

  clock_.advance(9min);
  EXPECT_EQ(status_of(id), "scheduled");
  EXPECT_TRUE(rx_.all().empty());

  clock_.advance(1min + 1s);
  const auto fired_at = clock_.now();
  EXPECT_NE(status_of(id), "scheduled");   // a read after send_at never sees it still waiting
  ASSERT_TRUE(rx_.wait_for(2)) << "message.sent and message.finalized after send_at";
  const auto got = rx_.all();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].event_type(), "message.sent");
  EXPECT_EQ(got[1].event_type(), "message.finalized");
  for (const auto& g : got) EXPECT_EQ(g.message_id(), id);
  // The events happened at the clock's time of firing, not when the message was scheduled.
  auto sent_at = core::parse_rfc3339(got[0].json["data"]["payload"]["sent_at"].get<std::string>());
  ASSERT_TRUE(sent_at);
  EXPECT_GE(*sent_at, fired_at - 1ms);
  EXPECT_TRUE(eventually([&] { return status_of(id) == "delivered"; }));
}

TEST_F(ScheduledTest, TheTickerFiresWithoutAnyRead) {
  auto r = schedule(6min);
  ASSERT_EQ(r.status, 200) << r.raw;
  clock_.advance(6min);
  ASSERT_TRUE(rx_.wait_for(2));
  EXPECT_EQ(rx_.all()[0].message_id(), r.body["data"]["id"]);
}

TEST_F(ScheduledTest, SendAtOnPostMessagesSchedulesToo) {
  auto r = send({{"from", own_number()}, {"to", "+17735550188"}, {"text", "later"}, {"send_at", at(30min)}});
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  EXPECT_EQ(status_of(id), "scheduled");
  // No webhook URL anywhere: the statuses follow the store's timeline from the moment it fires.
  clock_.advance(30min);
  EXPECT_NE(status_of(id), "scheduled");
  EXPECT_NE(status_of(id), "delivered");   // its lifecycle starts now, on the clock
  clock_.advance(2s);
  EXPECT_EQ(status_of(id), "delivered");
}

TEST_F(ScheduledTest, CancelAnswersTheCancelledMessageAndNothingIsSent) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  auto c = del("/v2/messages/" + id);
  ASSERT_EQ(c.status, 200) << c.raw;
  // The spec's answer is the message object itself (no `data` wrapper, no wait_seconds).
  EXPECT_FALSE(c.body.contains("data"));
  EXPECT_FALSE(c.body.contains("wait_seconds"));
  EXPECT_EQ(c.body["id"], id);
  EXPECT_EQ(c.body["to"][0]["status"], "cancelled");
  EXPECT_TRUE(c.body["completed_at"].is_null());
  EXPECT_EQ(status_of(id), "cancelled");

  clock_.advance(11min);
  EXPECT_EQ(status_of(id), "cancelled");
  auto again = del("/v2/messages/" + id);
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(again.code(), "10010");
  // Another message scheduled and fired meanwhile shows the receiver works; the cancelled one
  // produced nothing.
  auto other = schedule(5min);
  ASSERT_EQ(other.status, 200);
  clock_.advance(5min);
  ASSERT_TRUE(rx_.wait_for(2));
  for (const auto& g : rx_.all()) EXPECT_NE(g.message_id(), id);
}

TEST_F(ScheduledTest, CancelWithinAMinuteOfSendAtOrAfterSendingIsRefused) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  clock_.advance(9min + 30s);
  auto late = del("/v2/messages/" + id);
  EXPECT_EQ(late.status, 403) << late.raw;
  EXPECT_EQ(late.code(), "10010");
  EXPECT_NE(late.raw.find("within a minute"), std::string::npos) << late.raw;
  // It still goes out at send_at.
  clock_.advance(30s);
  EXPECT_NE(status_of(id), "scheduled");
  EXPECT_TRUE(rx_.wait_for(2));
  auto sent = del("/v2/messages/" + id);
  EXPECT_EQ(sent.status, 403);
  EXPECT_EQ(sent.code(), "10010");

  // A message sent at once was never scheduled; an unknown id is 404.
  auto now = send({{"from", own_number()}, {"to", "+17735550188"}, {"text", "now"}});
  ASSERT_EQ(now.status, 200);
  EXPECT_EQ(del("/v2/messages/" + now.body["data"]["id"].get<std::string>()).code(), "10010");
  auto unknown = del("/v2/messages/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "10005");
}

TEST_F(ScheduledTest, AnotherTenantCannotSeeOrCancelIt) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  EXPECT_EQ(del("/v2/messages/" + id, "KEYother").status, 404);
  EXPECT_EQ(get("/v2/messages/" + id, "KEYother").status, 404);
  EXPECT_EQ(status_of(id), "scheduled");
}

TEST_F(ScheduledTest, SendAtIsValidated) {
  const std::string from = own_number();
  auto body = [&](const json& send_at) {
    json b{{"from", from}, {"to", "+17735550188"}, {"text", "hi"}};
    if (!send_at.is_null()) b["send_at"] = send_at;
    return b.dump();
  };
  auto missing = post("/v2/messages/schedule", body(nullptr));
  EXPECT_EQ(missing.status, 422) << missing.raw;
  EXPECT_EQ(missing.code(), "10004");
  EXPECT_EQ(missing.pointer(), "/send_at");

  auto garbled = post("/v2/messages/schedule", body("tomorrow at noon"));
  EXPECT_EQ(garbled.status, 400) << garbled.raw;
  EXPECT_EQ(garbled.code(), "10015");
  EXPECT_EQ(garbled.pointer(), "/send_at");

  auto not_string = post("/v2/messages/schedule", body(1740830400));
  EXPECT_EQ(not_string.status / 100, 4) << not_string.raw;
  EXPECT_EQ(not_string.pointer(), "/send_at");

  for (const auto lead : {core::Duration(-1min), core::Duration(4min), core::Duration(24h * 5 + 1min)}) {
    auto r = post("/v2/messages/schedule", body(at(lead)));
    EXPECT_EQ(r.status, 422) << r.raw;
    EXPECT_EQ(r.code(), "10015");
    EXPECT_EQ(r.pointer(), "/send_at");
  }
  EXPECT_EQ(post("/v2/messages/schedule", body(at(5min))).status, 200);
  EXPECT_EQ(post("/v2/messages/schedule", body(at(24h * 5))).status, 200);
  // The send rules still apply when scheduling.
  auto bad_from = post("/v2/messages/schedule",
                       json{{"from", "+13125550999"}, {"to", "+17735550188"}, {"text", "hi"}, {"send_at", at(10min)}}.dump());
  EXPECT_EQ(bad_from.code(), "40305");
  EXPECT_EQ(post("/v2/messages/schedule", "not json").status, 400);
  EXPECT_EQ(post("/v2/messages/schedule", body(at(10min)), "nokey").status, 401);
}

TEST_F(ScheduledTest, ResetDropsWhatWasScheduled) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  ASSERT_EQ(post("/_mock/reset", "").status, 200);
  clock_.advance(11min);
  EXPECT_EQ(get("/v2/messages/" + id).status, 404);
  auto again = schedule(5min);
  ASSERT_EQ(again.status, 200);
  clock_.advance(5min);
  ASSERT_TRUE(rx_.wait_for(2));
  for (const auto& g : rx_.all()) EXPECT_EQ(g.message_id(), again.body["data"]["id"]);
}

// Opt-outs are judged again when the message fires: a recipient who texted STOP after it was
// scheduled is not texted; the message ends sending_failed with 40300 and no message.sent.
TEST_F(ScheduledTest, ARecipientWhoOptedOutMeanwhileIsNotTexted) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  auto stop = post("/_mock/inbound", json{{"from", "+17735550188"}, {"to", own_number()}, {"text", "STOP"}}.dump());
  ASSERT_EQ(stop.status, 200) << stop.raw;
  EXPECT_EQ(status_of(id), "scheduled");

  clock_.advance(10min + 1s);
  EXPECT_NE(status_of(id), "scheduled");
  ASSERT_TRUE(rx_.wait_for(1));
  ASSERT_TRUE(eventually([&] { return status_of(id) == "sending_failed"; }));
  const auto got = rx_.all();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event_type(), "message.finalized");
  EXPECT_EQ(got[0].message_id(), id);
  const json& payload = got[0].json["data"]["payload"];
  EXPECT_EQ(payload["to"][0]["status"], "sending_failed");
  EXPECT_EQ(payload["errors"][0]["code"], "40300");
  EXPECT_TRUE(payload["sent_at"].is_null());
  auto read = get("/v2/messages/" + id);
  EXPECT_EQ(read.body["data"]["errors"][0]["code"], "40300") << read.raw;
}

// START before send_at lifts the opt-out: the message goes out as scheduled.
TEST_F(ScheduledTest, ARecipientWhoOptedBackInIsTexted) {
  auto r = schedule(10min);
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  for (const char* word : {"STOP", "START"}) {
    auto in = post("/_mock/inbound", json{{"from", "+17735550188"}, {"to", own_number()}, {"text", word}}.dump());
    ASSERT_EQ(in.status, 200) << in.raw;
  }
  clock_.advance(10min + 1s);
  ASSERT_TRUE(rx_.wait_for(2));
  EXPECT_EQ(rx_.all()[0].event_type(), "message.sent");
  EXPECT_TRUE(eventually([&] { return status_of(id) == "delivered"; }));
}

}  // namespace
}  // namespace harness::mock::testing
