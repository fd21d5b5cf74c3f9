#include <gtest/gtest.h>

#include <set>

#include "core/ids.h"

using namespace harness::core;

TEST(CoreIdsTest, UuidV4ShapeVersionAndVariant) {
  Rng r(42);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = uuid_v4(r);
    ASSERT_EQ(u.size(), 36u);
    ASSERT_TRUE(is_uuid(u)) << u;
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    EXPECT_EQ(u, [&] { std::string l = u; for (auto& c : l) c = static_cast<char>(std::tolower(c)); return l; }());
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(CoreIdsTest, UuidFromTwoDrawsKeepsTheirBitsButVersionAndVariant) {
  EXPECT_EQ(uuid_v4(0x0123456789abcdefULL, 0xfedcba9876543210ULL), "01234567-89ab-4def-bedc-ba9876543210");
  EXPECT_EQ(uuid_v4(0, 0), "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(uuid_v4(~0ULL, ~0ULL), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  // The variant nibble keeps the two bits below the variant: 8, 9, a and b all occur.
  std::set<char> variants;
  for (uint64_t top = 0; top < 16; ++top) variants.insert(uuid_v4(0, top << 60)[19]);
  EXPECT_EQ(variants, (std::set<char>{'8', '9', 'a', 'b'}));
}

TEST(CoreIdsTest, UuidFromRngIsTheTwoNextDraws) {
  Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) {
    const uint64_t hi = b.next_u64();
    const uint64_t lo = b.next_u64();
    ASSERT_EQ(uuid_v4(a), uuid_v4(hi, lo));
  }
}

TEST(CoreIdsTest, UuidsDoNotRepeatOverManyDraws) {
  Rng r(2024);
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(seen.insert(uuid_v4(r)).second) << "repeat after " << i;
}

TEST(CoreIdsTest, UuidIsReproducibleFromSeed) {
  Rng a(9), b(9);
  EXPECT_EQ(uuid_v4(a), uuid_v4(b));
}

TEST(CoreIdsTest, IsUuidRejectsMalformed) {
  EXPECT_TRUE(is_uuid("4F1E2D3C-5B6A-4978-8D9E-0A1B2C3D4E5F"));
  for (const char* s : {"", "4f1e2d3c5b6a49788d9e0a1b2c3d4e5f", "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5",
                        "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5g", "4f1e2d3c-5b6a-4978-8d9e_0a1b2c3d4e5f",
                        "{4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5}"})
    EXPECT_FALSE(is_uuid(s)) << s;
}

TEST(CoreIdsTest, NumericIdHasRequestedDigitsAndNoLeadingZero) {
  Rng r(1);
  for (int i = 0; i < 200; ++i) {
    const std::string id = numeric_id(r);
    ASSERT_EQ(id.size(), 19u);
    EXPECT_NE(id[0], '0');
    for (char c : id) EXPECT_TRUE(c >= '0' && c <= '9');
  }
  EXPECT_EQ(numeric_id(r, 5).size(), 5u);
  EXPECT_EQ(numeric_id(r, 0).size(), 1u);
}
