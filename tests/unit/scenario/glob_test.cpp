#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

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

namespace {

// Reference: dynamic programming over (pattern, text) prefixes, obviously correct and slow.
bool reference_match(std::string_view p, std::string_view t) {
  struct Tok { char c; int kind; };   // 0 literal, 1 '?', 2 '*'
  std::vector<Tok> toks;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) toks.push_back({p[++i], 0});
    else toks.push_back({p[i], p[i] == '*' ? 2 : p[i] == '?' ? 1 : 0});
  }
  std::vector<std::vector<char>> dp(toks.size() + 1, std::vector<char>(t.size() + 1, 0));
  dp[0][0] = 1;
  for (size_t i = 1; i <= toks.size(); ++i) {
    const Tok& k = toks[i - 1];
    for (size_t j = 0; j <= t.size(); ++j) {
      if (k.kind == 2) dp[i][j] = dp[i - 1][j] || (j > 0 && dp[i][j - 1]);
      else if (j > 0) dp[i][j] = dp[i - 1][j - 1] && (k.kind == 1 || k.c == t[j - 1]);
    }
  }
  return dp[toks.size()][t.size()];
}

}  // namespace

TEST(GlobTest, AgreesWithAReferenceOnRandomPatterns) {
  uint64_t x = 88172645463325252ull;
  auto next = [&x] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  const char alphabet[] = {'a', 'b', '*', '?', '\\'};
  for (int n = 0; n < 20000; ++n) {
    std::string p, t;
    for (uint64_t i = next() % 9; i > 0; --i) p += alphabet[next() % 5];
    for (uint64_t i = next() % 10; i > 0; --i) t += alphabet[next() % 5];
    ASSERT_EQ(glob_match(p, t), reference_match(p, t)) << "pattern '" << p << "' text '" << t << "'";
  }
}

TEST(GlobTest, LongSegmentsAgainstAMegabyte) {
  // '*' + 2,000 characters + 'b' against 1 MB of 'a': used to cost seconds (2 * 10^9 steps).
  const std::string text(1 << 20, 'a');
  EXPECT_FALSE(glob_match("*" + std::string(2000, 'a') + "b", text));
  EXPECT_FALSE(glob_match("*" + std::string(2000, '?') + "b", text));
  EXPECT_FALSE(glob_match("*" + std::string(1000, 'a') + "?" + std::string(1000, 'a') + "b*", text));
  EXPECT_TRUE(glob_match("*" + std::string(2000, 'a') + "*", text));
  EXPECT_TRUE(glob_match("*a?" + std::string(100, 'a'), text));
  EXPECT_TRUE(glob_match("*" + std::string(70, '?') + "a", text + "xa" + std::string(70, 'a')));
  // A '?' run longer than one machine word, found in the middle of the text.
  const std::string mid = text + "x" + std::string(100, 'c') + "y" + text;
  EXPECT_TRUE(glob_match("*x" + std::string(100, '?') + "y*", mid));
  EXPECT_FALSE(glob_match("*x" + std::string(101, '?') + "y*", mid));
}
