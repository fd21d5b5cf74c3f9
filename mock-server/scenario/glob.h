// Glob matching for scenario matchers: '*' matches any run (also empty, also '/'), '?' exactly one
// character, '\' makes the next character literal. Pure, no allocation.
#pragma once
#include <string_view>

namespace harness::mock::scenario {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace harness::mock::scenario
