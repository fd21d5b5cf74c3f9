// Test support for the YAML readers (the mock's configuration, scenarios): a document the reader
// must refuse, and the check that its error names the row's line, column and reason.
#pragma once
#include <gtest/gtest.h>

#include <string>

namespace harness::testing {

struct BadYaml {
  const char* yaml;
  int line;              // 1-based
  int column;            // 1-based
  const char* fragment;  // found in the error message
};

// `e` has line, column, message and to_string() ("file:line:column: message").
template <class Error>
void expect_refused_at(const BadYaml& row, const Error& e) {
  EXPECT_EQ(e.line, row.line) << e.to_string();
  EXPECT_EQ(e.column, row.column) << e.to_string();
  EXPECT_NE(e.message.find(row.fragment), std::string::npos) << e.to_string();
}

}  // namespace harness::testing
