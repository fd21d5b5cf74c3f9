#include <gtest/gtest.h>

#include "scenario/glob.h"

using harness::mock::scenario::glob_match;

TEST(GlobTest, ExactAndStar) {
  EXPECT_TRUE(glob_match("/v2/messages", "/v2/messages"));
  EXPECT_FALSE(glob_match("/v2/messages", "/v2/messages/x"));
  EXPECT_TRUE(glob_match("/v2/messages*", "/v2/messages/long_code"));
  EXPECT_TRUE(glob_match("/v2/*/x", "/v2/a/b/x"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("+1555*", "+15550000300"));
  EXPECT_FALSE(glob_match("+1555*", "+14155550000"));
}

TEST(GlobTest, QuestionMarkAndEscape) {
  EXPECT_TRUE(glob_match("+1555000050?", "+15550000501"));
  EXPECT_FALSE(glob_match("+1555000050?", "+155500005012"));
  EXPECT_TRUE(glob_match(R"(a\*b)", "a*b"));
  EXPECT_FALSE(glob_match(R"(a\*b)", "axb"));
  EXPECT_TRUE(glob_match(R"(a\?)", "a?"));
  EXPECT_FALSE(glob_match(R"(a\?)", "ab"));
}

TEST(GlobTest, BacktracksWithoutBlowingUp) {
  EXPECT_TRUE(glob_match("*a*a*a*a*b", std::string(60, 'a') + "b"));
  EXPECT_FALSE(glob_match("*a*a*a*a*b", std::string(2000, 'a')));
}
