// A table row's name as a gtest parameter name: letters and digits kept, anything else '_'.
#pragma once
#include <cctype>
#include <string>

namespace harness::testing {

inline std::string row_name(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace harness::testing
