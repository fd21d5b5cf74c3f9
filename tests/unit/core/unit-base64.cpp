#include <gtest/gtest.h>

#include "core/base64.h"

using harness::core::base64_decode;
using harness::core::base64_encode;

TEST(CoreBase64Test, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYmE=").value(), "fooba");
  EXPECT_EQ(base64_decode("").value(), "");
}

TEST(CoreBase64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(part)).value(), part) << n;
  }
}

TEST(CoreBase64Test, RejectsWrongLength) {
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Zm9vY"));
}

TEST(CoreBase64Test, RejectsBadCharacters) {
  EXPECT_FALSE(base64_decode("Zm9v!A=="));
  EXPECT_FALSE(base64_decode("Zm 9v"));
  EXPECT_FALSE(base64_decode("Zm9v\n"));
  EXPECT_FALSE(base64_decode("Zm-_"));   // URL-safe alphabet is not standard base64
  EXPECT_FALSE(base64_decode(std::string("Zm\0v", 4)));
}

TEST(CoreBase64Test, RejectsMisplacedPadding) {
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_FALSE(base64_decode("Zg==Zm9v"));   // padding before the last quantum
  EXPECT_FALSE(base64_decode("Zg=v"));       // data after '='
  EXPECT_FALSE(base64_decode("===="));
}

TEST(CoreBase64Test, RejectsNonCanonicalTrailingBits) {
  EXPECT_TRUE(base64_decode("Zg=="));
  EXPECT_FALSE(base64_decode("Zh=="));   // low bits set where padding drops them
  EXPECT_FALSE(base64_decode("Zm9=")) << "'9' leaves non-zero bits before '='";
}
