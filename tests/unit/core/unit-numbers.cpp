#include <gtest/gtest.h>

#include "core/numbers.h"
#include "round_trip.h"

using namespace harness::core;
using harness::testing::round_trip_fixture;

TEST(CoreNumbersTest, PhoneNumberFixtureRoundTrips) {
  const auto p = round_trip_fixture<PhoneNumber>("phone_number.json");
  EXPECT_EQ(p.id, "2837465019283746501");
  EXPECT_EQ(p.connection_id, std::nullopt);
}

TEST(CoreNumbersTest, MessagingSettingsFixtureRoundTrips) {
  const auto s = round_trip_fixture<MessagingSettings>("messaging_settings.json");
  ASSERT_TRUE(s.sms);
  EXPECT_TRUE(s.sms->international_outbound);
  EXPECT_EQ(s.mms, std::nullopt);
  EXPECT_EQ(s.health.message_count, 120);
  EXPECT_DOUBLE_EQ(s.health.success_ratio, 0.98);
}

TEST(CoreNumbersTest, MessagingSettingsWritesFeaturesAndHealthAlways) {
  MessagingSettings s;
  s.id = "1";
  s.phone_number = "+13125550147";
  const json j = s;
  EXPECT_EQ(j["features"], json::parse(R"({"sms":null,"mms":null})"));
  EXPECT_EQ(j["health"]["message_count"], 0);
  EXPECT_EQ(j.get<MessagingSettings>(), s);
}

TEST(CoreNumbersTest, AvailableNumberFixtureRoundTrips) {
  const auto a = round_trip_fixture<AvailableNumber>("available_phone_number.json", "/data/0");
  EXPECT_EQ(a.features, (std::vector<std::string>{"sms", "mms", "voice"}));
  EXPECT_EQ(a.monthly_cost, "1.00");
  ASSERT_EQ(a.region_information.size(), 3u);
  EXPECT_EQ(a.region_information[1].region_name, "CHICAGO");
}

TEST(CoreNumbersTest, NumberOrderFixtureRoundTrips) {
  const auto o = round_trip_fixture<NumberOrder>("number_order.json");
  EXPECT_EQ(o.phone_numbers_count, 1);
  ASSERT_EQ(o.phone_numbers.size(), 1u);
  EXPECT_EQ(o.phone_numbers[0].phone_number, "+13125550199");
  EXPECT_EQ(o.customer_reference, "load-test-1");
}

TEST(CoreNumbersTest, NumberOrderOmitsUnsetStringsAndListsSlimNumbers) {
  NumberOrder o;
  o.id = "o1";
  NumberOrderPhoneNumber n;
  n.id = "n1";
  n.phone_number = "+13125550199";
  n.country_iso_alpha2 = "US";
  o.phone_numbers = {n};
  const json j = o;
  for (const char* k : {"messaging_profile_id", "connection_id", "billing_group_id", "customer_reference"})
    EXPECT_FALSE(j.contains(k)) << k;
  EXPECT_FALSE(j["phone_numbers"][0].contains("bundle_id"));
  EXPECT_EQ(j["phone_numbers"][0]["country_iso_alpha2"], "US");
  const json item = number_order_list_item(o);
  EXPECT_EQ(item["phone_numbers"], json::parse(R"([{"id":"n1","phone_number":"+13125550199"}])"));
  EXPECT_EQ(item["id"], "o1");
}

TEST(CoreNumbersTest, NumberOrderCountDerivedWhenAbsent) {
  const NumberOrder o =
      json::parse(R"({"id":"o","phone_numbers":[{"phone_number":"+1"},{"phone_number":"+2"}]})").get<NumberOrder>();
  EXPECT_EQ(o.phone_numbers_count, 2);
}

TEST(CoreNumbersTest, BadInputThrows) {
  EXPECT_THROW(json::parse(R"({"phone_number":"+1"})").get<PhoneNumber>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"id":1,"phone_number":"+1"})").get<PhoneNumber>(), json::type_error);
  EXPECT_THROW(json::parse(R"({"id":"1"})").get<MessagingSettings>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"phone_number":"+1","features":[{"nom":"sms"}]})").get<AvailableNumber>(),
               json::out_of_range);
  EXPECT_THROW(json::parse(R"({"phone_number":"+1","features":{"name":"sms"}})").get<AvailableNumber>(),
               json::type_error);
  EXPECT_THROW(json::parse(R"({"status":"success"})").get<NumberOrder>(), json::out_of_range);
}
