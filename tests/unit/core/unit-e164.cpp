#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/e164.h"

using namespace harness::core;

TEST(CoreE164Test, AcceptsValidNumbers) {
  for (const char* n : {"+13125550147", "+447700900123", "+4915123456789", "+12345678", "+123456789012345"})
    EXPECT_EQ(e164_problem(n), std::nullopt) << n;
}

TEST(CoreE164Test, ReportsPreciseReasons) {
  const std::pair<std::string, const char*> kProblems[] = {
      {"", "is empty"},
      {"13125550147", "must start with '+'"},
      {"+0125550147", "country code cannot start with 0"},
      {"+1234", "must have 8 to 15 digits after '+' (has 4)"},
      {"+1234567890123456", "must have 8 to 15 digits after '+' (has 16)"},
      {"+", "must have 8 to 15 digits after '+' (has 0)"},
      {"+1312x5550147", "contains a non-digit character 'x' at position 5"},
      {"+1 312 555 0147", "contains a non-digit character ' ' at position 2"},
      // Non-printable bytes are shown as hex.
      {std::string("+1312\0" "5550147", 13), "contains a non-digit character byte 0x00 at position 5"},
      {"+1312\xC3\xA9" "5550147", "contains a non-digit character byte 0xC3 at position 5"},
  };
  for (const auto& [number, problem] : kProblems) EXPECT_EQ(e164_problem(number), problem) << number;
}

TEST(CoreE164Test, ShortCodes) {
  for (const char* code : {"123", "12345", "12345678"}) EXPECT_TRUE(is_short_code(code)) << code;
  for (const char* code : {"12", "123456789", "+12345", "12a45"}) EXPECT_FALSE(is_short_code(code)) << code;
}

TEST(CoreE164Test, AlphanumericSenderRules) {
  EXPECT_EQ(alphanumeric_sender_problem("Telnyx"), std::nullopt);
  EXPECT_EQ(alphanumeric_sender_problem("My Shop 24"), std::nullopt);
  const std::pair<const char*, const char*> kProblems[] = {
      {"", "is empty"},
      {"ABCDEFGHIJKL", "must be at most 11 characters (has 12)"},
      {"12345", "must contain at least one letter"},
      {"Shop-24", "contains '-' at position 4; only letters, digits and spaces are allowed"},
  };
  for (const auto& [sender, problem] : kProblems) EXPECT_EQ(alphanumeric_sender_problem(sender), problem) << sender;
}

TEST(CoreE164Test, ClassifiesAddresses) {
  const std::pair<const char*, AddressKind> kKinds[] = {
      {"+13125550147", AddressKind::E164},  {"+1312", AddressKind::Invalid},
      {"24273", AddressKind::ShortCode},    {"Telnyx", AddressKind::Alphanumeric},
      {"", AddressKind::Invalid},           {"not valid!", AddressKind::Invalid},
  };
  for (const auto& [address, kind] : kKinds) EXPECT_EQ(classify_address(address), kind) << address;
}

TEST(CoreE164Test, RegionByCallingCode) {
  const std::pair<const char*, const char*> kRegions[] = {
      {"+13125550147", "US"},  {"+14165550147", "US"},   // NANP reports US, Canada included
      {"+447700900123", "GB"}, {"+4915123456789", "DE"}, {"+33612345678", "FR"},
      {"+61412345678", "AU"},  {"+919812345678", "IN"},  {"+525512345678", "MX"},
      {"+353861234567", "IE"},                           // longest prefix beats +35x
      {"+8801712345678", ""},                            // not in the table
      {"13125550147", ""},                               // not E.164
  };
  for (const auto& [number, region] : kRegions) EXPECT_EQ(region_of(number), region) << number;
}
