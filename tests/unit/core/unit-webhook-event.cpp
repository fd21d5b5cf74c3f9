#include <gtest/gtest.h>

#include "core/webhook_event.h"
#include "round_trip.h"

using namespace harness::core;
using harness::testing::fixture;
using harness::testing::round_trip_fixture;

TEST(CoreWebhookEventTest, FinalizedFixtureRoundTrips) {
  const auto e = round_trip_fixture<WebhookEvent>("webhook_message_finalized.json", "");
  EXPECT_EQ(e.event_type, "message.finalized");
  EXPECT_EQ(e.id, "a2b3c4d5-e6f7-4081-9a2b-3c4d5e6f7081");          // event id: the dedup key
  EXPECT_EQ(e.payload.id, "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f");  // message id
  EXPECT_EQ(e.payload.status(), "delivery_failed");
  ASSERT_EQ(e.payload.errors.size(), 1u);
  EXPECT_EQ(e.payload.errors[0].code, "40008");
  ASSERT_TRUE(e.meta);
  EXPECT_EQ(e.meta->attempt, 1);
}

TEST(CoreWebhookEventTest, ReceivedFixtureRoundTrips) {
  const auto e = round_trip_fixture<WebhookEvent>("webhook_message_received.json", "");
  EXPECT_EQ(e.event_type, "message.received");
  EXPECT_EQ(e.payload.direction, "inbound");
  EXPECT_EQ(e.payload.text, "STOP");
}

TEST(CoreWebhookEventTest, MetaWrittenOnlyWhenPresent) {
  WebhookEvent e = json::parse(fixture("webhook_message_received.json")).get<WebhookEvent>();
  e.meta.reset();
  const json j = e;
  EXPECT_FALSE(j.contains("meta"));
  EXPECT_EQ(j.get<WebhookEvent>(), e);
}

TEST(CoreWebhookEventTest, MissingPartsThrow) {
  EXPECT_THROW(json::parse(R"({"meta":{}})").get<WebhookEvent>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"data":{"event_type":"message.sent","id":"e","occurred_at":"t"}})").get<WebhookEvent>(),
               json::out_of_range);
  json j = json::parse(fixture("webhook_message_received.json"));
  j["meta"] = json::parse(R"({"attempt":"1","delivered_to":"x"})");
  EXPECT_THROW(j.get<WebhookEvent>(), json::type_error);
  EXPECT_THROW(json::parse("[]").get<WebhookEvent>(), json::exception);
}
