#include <gtest/gtest.h>

#include "core/e164.h"

using namespace harness::core;

TEST(CoreE164Test, AcceptsValidNumbers) {
  for (const char* n : {"+13125550147", "+447700900123", "+4915123456789", "+12345678", "+123456789012345"})
    EXPECT_EQ(e164_problem(n), std::nullopt) << n;
}

TEST(CoreE164Test, ReportsPreciseReasons) {
  EXPECT_EQ(e164_problem(""), "is empty");
  EXPECT_EQ(e164_problem("13125550147"), "must start with '+'");
  EXPECT_EQ(e164_problem("+0125550147"), "country code cannot start with 0");
  EXPECT_EQ(e164_problem("+1234"), "must have 8 to 15 digits after '+' (has 4)");
  EXPECT_EQ(e164_problem("+1234567890123456"), "must have 8 to 15 digits after '+' (has 16)");
  EXPECT_EQ(e164_problem("+"), "must have 8 to 15 digits after '+' (has 0)");
  EXPECT_EQ(e164_problem("+1312x5550147"), "contains a non-digit character 'x' at position 5");
  EXPECT_EQ(e164_problem("+1 312 555 0147"), "contains a non-digit character ' ' at position 2");
}

TEST(CoreE164Test, NonPrintableBytesAreShownAsHex) {
  EXPECT_EQ(e164_problem(std::string("+1312\0" "5550147", 13)), "contains a non-digit character byte 0x00 at position 5");
  EXPECT_EQ(e164_problem("+1312\xC3\xA9" "5550147"), "contains a non-digit character byte 0xC3 at position 5");
}

TEST(CoreE164Test, ShortCodes) {
  EXPECT_TRUE(is_short_code("123"));
  EXPECT_TRUE(is_short_code("12345"));
  EXPECT_TRUE(is_short_code("12345678"));
  EXPECT_FALSE(is_short_code("12"));
  EXPECT_FALSE(is_short_code("123456789"));
  EXPECT_FALSE(is_short_code("+12345"));
  EXPECT_FALSE(is_short_code("12a45"));
}

TEST(CoreE164Test, AlphanumericSenderRules) {
  EXPECT_EQ(alphanumeric_sender_problem("Telnyx"), std::nullopt);
  EXPECT_EQ(alphanumeric_sender_problem("My Shop 24"), std::nullopt);
  EXPECT_EQ(alphanumeric_sender_problem(""), "is empty");
  EXPECT_EQ(alphanumeric_sender_problem("ABCDEFGHIJKL"), "must be at most 11 characters (has 12)");
  EXPECT_EQ(alphanumeric_sender_problem("12345"), "must contain at least one letter");
  EXPECT_EQ(alphanumeric_sender_problem("Shop-24"),
            "contains '-' at position 4; only letters, digits and spaces are allowed");
}

TEST(CoreE164Test, ClassifiesAddresses) {
  EXPECT_EQ(classify_address("+13125550147"), AddressKind::E164);
  EXPECT_EQ(classify_address("+1312"), AddressKind::Invalid);
  EXPECT_EQ(classify_address("24273"), AddressKind::ShortCode);
  EXPECT_EQ(classify_address("Telnyx"), AddressKind::Alphanumeric);
  EXPECT_EQ(classify_address(""), AddressKind::Invalid);
  EXPECT_EQ(classify_address("not valid!"), AddressKind::Invalid);
}

TEST(CoreE164Test, RegionByCallingCode) {
  EXPECT_EQ(region_of("+13125550147"), "US");
  EXPECT_EQ(region_of("+14165550147"), "US");   // NANP reports US, Canada included
  EXPECT_EQ(region_of("+447700900123"), "GB");
  EXPECT_EQ(region_of("+4915123456789"), "DE");
  EXPECT_EQ(region_of("+33612345678"), "FR");
  EXPECT_EQ(region_of("+61412345678"), "AU");
  EXPECT_EQ(region_of("+919812345678"), "IN");
  EXPECT_EQ(region_of("+525512345678"), "MX");
  EXPECT_EQ(region_of("+353861234567"), "IE");   // longest prefix beats +35x
  EXPECT_EQ(region_of("+8801712345678"), "");    // not in the table
  EXPECT_EQ(region_of("13125550147"), "");       // not E.164
}
