// Glob matching for scenario matchers: '*' matches any run (also empty, also '/'), '?' exactly one
// character, '\' makes the next character literal. Pure. Linear in the text: O(n + m) for
// star-separated runs without '?', O(n * ceil(m / 64)) for runs with '?' (m = pattern length),
// never backtracking, so a hostile field cannot make a match expensive.
#pragma once
#include <string_view>

namespace harness::mock::scenario {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace harness::mock::scenario
