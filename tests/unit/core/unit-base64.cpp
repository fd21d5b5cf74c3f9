#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/base64.h"

using harness::core::base64_decode;
using harness::core::base64_encode;

TEST(CoreBase64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(base64_encode(plain), encoded) << plain;
    EXPECT_EQ(base64_decode(encoded).value(), plain) << encoded;
  }
}

TEST(CoreBase64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(part)).value(), part) << n;
  }
}

TEST(CoreBase64Test, RejectsMalformedInput) {
  const std::string kBad[] = {
      "Zm9", "Zm9vY",                      // wrong length
      "Zm9v!A==", "Zm 9v", "Zm9v\n",       // characters outside the alphabet
      "Zm-_",                              // URL-safe alphabet is not standard base64
      std::string("Zm\0v", 4),
      "Z===", "====", "Zg=v",              // misplaced padding, data after '='
      "Zg==Zm9v",                          // padding before the last quantum
      "Zh==", "Zm9=",                      // non-zero bits where padding drops them
  };
  for (const std::string& bad : kBad) EXPECT_FALSE(base64_decode(bad)) << bad;
  EXPECT_TRUE(base64_decode("Zg=="));   // the canonical form of "Zh=="
}
