#include <gtest/gtest.h>

#include "core/profile.h"
#include "round_trip.h"

using namespace harness::core;
using harness::testing::round_trip_fixture;

TEST(CoreProfileTest, FixtureRoundTrips) {
  const auto p = round_trip_fixture<MessagingProfile>("messaging_profile.json");
  EXPECT_EQ(p.name, "load-test");
  EXPECT_EQ(p.whitelisted_destinations, (std::vector<std::string>{"US", "CA"}));
  ASSERT_TRUE(p.number_pool_settings);
  EXPECT_EQ(p.number_pool_settings->sticky_sender, false);
  EXPECT_EQ(p.number_pool_settings->geomatch, std::nullopt);
  EXPECT_EQ(p.webhook.v1_secret, "s3cr3tExample");
}

TEST(CoreProfileTest, DefaultsForMinimalProfile) {
  const MessagingProfile p = json::parse(R"({"id":"p1","name":"n"})").get<MessagingProfile>();
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.webhook.api_version, "2");
  EXPECT_TRUE(p.whitelisted_destinations.empty());
  const json j = p;
  EXPECT_EQ(j["whitelisted_destinations"], json::array());
  EXPECT_TRUE(j["number_pool_settings"].is_null());
  EXPECT_EQ(j.get<MessagingProfile>(), p);
}

TEST(CoreProfileTest, BadInputThrows) {
  EXPECT_THROW(json::parse(R"({"name":"n"})").get<MessagingProfile>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"id":"p","name":"n","enabled":"yes"})").get<MessagingProfile>(), json::type_error);
  EXPECT_THROW(json::parse(R"({"id":"p","name":"n","whitelisted_destinations":"US"})").get<MessagingProfile>(),
               json::type_error);
  // number_pool_settings requires its first three fields (contract §8.2).
  EXPECT_THROW(json::parse(R"({"id":"p","name":"n","number_pool_settings":{"long_code_weight":1}})")
                   .get<MessagingProfile>(),
               json::out_of_range);
}

TEST(CoreProfileTest, SpecStringsAreOmittedWhileUnset) {
  // daily_spend_limit and v1_secret are strings in the spec, never null.
  MessagingProfile p;
  p.id = "p1";
  p.name = "n";
  json j = p;
  EXPECT_FALSE(j.contains("daily_spend_limit"));
  EXPECT_FALSE(j.contains("v1_secret"));
  EXPECT_EQ(j["redaction_level"], 2);
  EXPECT_TRUE(j["url_shortener_settings"].is_null());
  p.daily_spend_limit = "10.00";
  p.webhook.v1_secret = "s";
  j = p;
  EXPECT_EQ(j["daily_spend_limit"], "10.00");
  EXPECT_EQ(j["v1_secret"], "s");
  EXPECT_EQ(j.get<MessagingProfile>(), p);
}

TEST(CoreProfileTest, UrlShortenerSettingsNeedsADomain) {
  const auto p = json::parse(R"({"id":"p","name":"n","url_shortener_settings":{"domain":"d.fyi","prefix":"x"}})")
                     .get<MessagingProfile>();
  ASSERT_TRUE(p.url_shortener_settings);
  EXPECT_EQ(json(p)["url_shortener_settings"], json::parse(R"({"domain":"d.fyi","prefix":"x"})"));
  EXPECT_THROW(json::parse(R"({"id":"p","name":"n","url_shortener_settings":{"prefix":"x"}})").get<MessagingProfile>(),
               json::out_of_range);
}
