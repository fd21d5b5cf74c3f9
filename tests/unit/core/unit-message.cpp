#include <gtest/gtest.h>

#include "core/message.h"
#include "round_trip.h"

using namespace harness::core;
using harness::testing::fixture;
using harness::testing::round_trip_fixture;

namespace {
json data_of(const char* name) { return json::parse(fixture(name)).at("data"); }
}  // namespace

TEST(CoreMessageTest, OutboundFixtureRoundTrips) {
  const auto m = round_trip_fixture<Message>("message_outbound.json");
  EXPECT_EQ(m.id, "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f");
  EXPECT_EQ(m.from.phone_number, "+13125550147");
  EXPECT_EQ(m.from.status, std::nullopt);
  EXPECT_EQ(m.status(), "queued");
  EXPECT_EQ(m.num_chars, 17);
  EXPECT_EQ(m.cost, std::nullopt);
}

TEST(CoreMessageTest, InboundFixtureRoundTrips) {
  const auto m = round_trip_fixture<Message>("message_inbound.json");
  EXPECT_EQ(m.direction, "inbound");
  ASSERT_TRUE(m.cost);
  EXPECT_EQ(m.cost->amount, "0.0000");
  EXPECT_EQ(m.status(), "webhook_delivered");
}

TEST(CoreMessageTest, NullablesWrittenAsNullAndArraysAlways) {
  Message m;
  m.id = "x";
  m.from.phone_number = "+13125550147";
  const json j = m;
  for (const char* k : {"subject", "text", "cost", "sent_at", "completed_at", "valid_until", "webhook_url",
                        "webhook_failover_url", "num_chars", "organization_id", "messaging_profile_id"}) {
    ASSERT_TRUE(j.contains(k)) << k;
    EXPECT_TRUE(j[k].is_null()) << k;
  }
  for (const char* k : {"to", "cc", "media", "errors", "tags"}) {
    ASSERT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j[k], json::array()) << k;
  }
  EXPECT_EQ(j["from"], json::parse(R"({"phone_number":"+13125550147","carrier":null,"line_type":null})"));
  EXPECT_EQ(j.get<Message>(), m);
}

TEST(CoreMessageTest, AcceptsOldSpecPlainStringFrom) {
  const json j = json::parse(R"({"id":"m1","from":"+13125550147","to":[{"phone_number":"+17735550188"}],
                                 "text":"hi"})");
  const Message m = j.get<Message>();
  EXPECT_EQ(m.from.phone_number, "+13125550147");
  EXPECT_EQ(m.from.carrier, std::nullopt);
  EXPECT_EQ(m.type, "SMS");   // defaults for the rest
  EXPECT_EQ(m.parts, 1);
  EXPECT_EQ(m.status(), "");
}

TEST(CoreMessageTest, MediaItemsAndHashSha256Alias) {
  const json j = json::parse(R"({"id":"m1","from":{"phone_number":"+1"},"to":[],
     "media":[{"url":"https://m.example.test/a.jpg","content_type":"image/jpeg","sha256":null,"size":1024},
              {"url":"https://m.example.test/b.jpg","hash_sha256":"abc"}]})");
  const Message m = j.get<Message>();
  ASSERT_EQ(m.media.size(), 2u);
  EXPECT_EQ(m.media[0].size, 1024);
  EXPECT_EQ(m.media[0].content_type, "image/jpeg");
  EXPECT_EQ(m.media[1].sha256, "abc");
  EXPECT_EQ(json(m)["media"][1]["sha256"], "abc");
  EXPECT_EQ(json(m)["media"][1]["size"], nullptr);
}

TEST(CoreMessageTest, MissingRequiredFieldsThrowOutOfRange) {
  EXPECT_THROW(json::parse(R"({"from":"+1","to":[]})").get<Message>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"id":"m","to":[]})").get<Message>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"id":"m","from":"+1"})").get<Message>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"id":"m","from":{},"to":[]})").get<Message>(), json::out_of_range);
}

TEST(CoreMessageTest, WrongTypesThrowTypeError) {
  EXPECT_THROW(json::parse(R"({"id":5,"from":"+1","to":[]})").get<Message>(), json::type_error);
  EXPECT_THROW(json::parse(R"({"id":"m","from":5,"to":[]})").get<Message>(), json::type_error);
  EXPECT_THROW(json::parse(R"({"id":"m","from":"+1","to":"+2"})").get<Message>(), json::exception);
  EXPECT_THROW(json::parse(R"({"id":"m","from":"+1","to":[],"parts":"1"})").get<Message>(), json::type_error);
  EXPECT_THROW(json::parse(R"({"id":"m","from":"+1","to":[],"errors":[{"code":"1"}]})").get<Message>(),
               json::out_of_range);
}

TEST(CoreMessageTest, StatusVocabulary) {
  for (const char* s : {"delivered", "delivery_failed", "sending_failed", "delivery_unconfirmed", "expired"}) {
    EXPECT_TRUE(is_terminal_status(s)) << s;
    EXPECT_TRUE(is_known_status(s)) << s;
  }
  for (const char* s : {"scheduled", "queued", "sending", "sent"}) {
    EXPECT_FALSE(is_terminal_status(s)) << s;
    EXPECT_TRUE(is_known_status(s)) << s;
  }
  // A cancelled scheduled message is known but carries no completion fields (no cost, no completed_at).
  EXPECT_TRUE(is_known_status("cancelled"));
  EXPECT_FALSE(is_terminal_status("cancelled"));
  EXPECT_FALSE(is_known_status("Delivered"));
  EXPECT_FALSE(is_known_status(""));
}

TEST(CoreMessageTest, HugeTextRoundTrips) {
  Message m = data_of("message_outbound.json").get<Message>();
  m.text = std::string(1 << 20, 'a');
  const Message back = json::parse(json(m).dump()).get<Message>();
  EXPECT_EQ(back, m);
}
