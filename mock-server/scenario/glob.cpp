#include "scenario/glob.h"

namespace harness::mock::scenario {

// Greedy star with one backtrack point: linear in practice, never exponential.
bool glob_match(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_t = ti;
      continue;
    }
    if (pi < p.size()) {
      char pc = p[pi];
      size_t adv = 1;
      bool literal = false;
      if (pc == '\\' && pi + 1 < p.size()) {
        pc = p[pi + 1];
        adv = 2;
        literal = true;
      }
      if ((!literal && pc == '?') || pc == t[ti]) {
        pi += adv;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace harness::mock::scenario
