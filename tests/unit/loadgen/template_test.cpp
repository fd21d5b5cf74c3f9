#include "loadgen/plan/template.h"

#include <gtest/gtest.h>

using namespace harness::loadgen;
using harness::core::Rng;

TEST(TemplateTest, ExpandsPlaceholders) {
  std::string err;
  const auto t = Template::parse("+1773{seq:7}-{shard}-{seq}-{{x}}", err);
  ASSERT_EQ(err, "");
  Rng rng(1);
  EXPECT_EQ(t.expand(42, 3, rng), "+17730000042-3-42-{x}");
  EXPECT_FALSE(t.is_constant());
  EXPECT_FALSE(t.uses_rand());
}

TEST(TemplateTest, RandDigitsAreSeeded) {
  std::string err;
  const auto t = Template::parse("+1312555{rand:4}", err);
  ASSERT_EQ(err, "");
  Rng a(7), b(7);
  const std::string x = t.expand(0, 0, a);
  EXPECT_EQ(x, t.expand(0, 0, b));
  ASSERT_EQ(x.size(), 12u);
  EXPECT_EQ(x.find_first_not_of("+0123456789"), std::string::npos);
  EXPECT_TRUE(t.uses_rand());
}

TEST(TemplateTest, ConstantTextIsConstant) {
  std::string err;
  EXPECT_TRUE(Template::parse("hello", err).is_constant());
  EXPECT_EQ(err, "");
}

TEST(TemplateBadConfigTest, RejectsUnknownAndUnclosed) {
  for (const char* bad : {"{seqq}", "{seq", "a}b", "{rand}", "{rand:0}", "{rand:19}", "{seq:x}", "{shard:2}"}) {
    std::string err;
    (void)Template::parse(bad, err);
    EXPECT_NE(err, "") << bad;
  }
}
