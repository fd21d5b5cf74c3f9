#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/pagination.h"
#include "support/paths.h"

using namespace harness::core;

TEST(CorePaginationTest, PageMetaFixtureRoundTrips) {
  const json wire = json::parse(harness::testing::fixture("page_meta.json"));
  const PageMeta m = wire.get<PageMeta>();
  EXPECT_EQ(m.total_results, 47);
  EXPECT_EQ(json(m), wire);
  EXPECT_THROW(json::parse(R"({"page_number":1})").get<PageMeta>(), json::out_of_range);
}

TEST(CorePaginationTest, DefaultsWhenAbsent) {
  const auto r = parse_page(std::nullopt, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->number, 1);
  EXPECT_EQ(r->size, 20);
}

TEST(CorePaginationTest, AcceptsBounds) {
  EXPECT_EQ(parse_page("3", "250")->size, 250);
  EXPECT_EQ(parse_page("3", "1")->number, 3);
}

TEST(CorePaginationTest, RejectsBadValuesWithParameterName) {
  for (const char* bad : {"0", "-1", "abc", "", "1.5", " 2", "99999999999"}) {
    const auto r = parse_page(std::string_view(bad), std::nullopt);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().parameter, "page[number]");
  }
  for (const char* bad : {"0", "251", "x", "20abc"}) {
    const auto r = parse_page(std::nullopt, std::string_view(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().parameter, "page[size]");
    EXPECT_EQ(r.error().detail, "must be an integer from 1 to 250");
  }
}

TEST(CorePaginationTest, MetaAndSlice) {
  const PageRequest r{3, 20};
  EXPECT_EQ(page_meta(r, 47), (PageMeta{3, 20, 3, 47}));
  EXPECT_EQ(page_slice(r, 47), (std::pair<size_t, size_t>{40, 47}));
  EXPECT_EQ(page_slice(PageRequest{1, 20}, 47), (std::pair<size_t, size_t>{0, 20}));
  EXPECT_EQ(page_slice(PageRequest{4, 20}, 47), (std::pair<size_t, size_t>{47, 47}));
  EXPECT_EQ(page_meta(PageRequest{1, 20}, 0).total_pages, 0);
  EXPECT_EQ(page_meta(PageRequest{1, 20}, 40).total_pages, 2);
  EXPECT_EQ(page_meta(PageRequest{1, 20}, 41).total_pages, 3);
}

TEST(CorePaginationTest, HugePageNumberDoesNotOverflow) {
  const PageRequest r{2147483647, 250};
  EXPECT_EQ(page_slice(r, 100), (std::pair<size_t, size_t>{100, 100}));
}
