// Test support for rule tables (one row per error code): the row's gtest name, and the check
// every refusal row makes, whatever the rules under test (send, inbound, ...).
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "support/row_name.h"

namespace harness::testing {

// The parameter names of a table given as `const std::vector<Row>& rows()` with a `name` field,
// for INSTANTIATE_TEST_SUITE_P(..., ::testing::Range<size_t>(0, rows().size()), row_names(rows)).
template <class Rows>
auto row_names(Rows& (*rows)()) {
  return [rows](const ::testing::TestParamInfo<size_t>& info) { return row_name(rows().at(info.param).name); };
}

// A refusal (code, pointer, detail) against its row (code, status, pointer): `status` is the one
// the route answers with, as the caller works it out.
template <class Row, class Refusal>
void expect_refusal(const Row& row, const Refusal& got, int status) {
  EXPECT_EQ(got.code, row.code);
  EXPECT_EQ(status, row.status);
  EXPECT_EQ(got.pointer.value_or(""), row.pointer);
  EXPECT_FALSE(got.detail.empty());
}

}  // namespace harness::testing
