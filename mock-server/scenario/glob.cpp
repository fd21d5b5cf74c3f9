#include "scenario/glob.h"

#include <cstdint>
#include <vector>

namespace harness::mock::scenario {
namespace {

// One character of a star-free run of the pattern: a literal byte, or '?' (any byte).
struct Tok {
  char c;
  bool any;
};
using Segment = std::vector<Tok>;

bool tok_eq(const Tok& t, char c) { return t.any || t.c == c; }

bool matches_at(const Segment& s, std::string_view t, size_t at) {
  for (size_t i = 0; i < s.size(); ++i)
    if (!tok_eq(s[i], t[at + i])) return false;
  return true;
}

// Leftmost occurrence of a '?'-free segment in t[from, to): Knuth-Morris-Pratt, O(n + m).
size_t find_literal(const Segment& s, std::string_view t, size_t from, size_t to) {
  const size_t m = s.size();
  std::vector<size_t> fail(m, 0);
  for (size_t i = 1, k = 0; i < m; ++i) {
    while (k > 0 && s[i].c != s[k].c) k = fail[k - 1];
    if (s[i].c == s[k].c) ++k;
    fail[i] = k;
  }
  for (size_t i = from, k = 0; i < to; ++i) {
    while (k > 0 && t[i] != s[k].c) k = fail[k - 1];
    if (t[i] == s[k].c) ++k;
    if (k == m) return i + 1 - m;
  }
  return std::string_view::npos;
}

// Leftmost occurrence of a segment with '?' in t[from, to): bit-parallel Shift-And,
// O(n * ceil(m / 64)).
size_t find_wild(const Segment& s, std::string_view t, size_t from, size_t to) {
  const size_t m = s.size();
  const size_t words = (m + 63) / 64;
  std::vector<uint64_t> mask(256 * words, 0);   // mask[c]: positions where byte c may stand
  for (size_t i = 0; i < m; ++i) {
    for (int c = 0; c < 256; ++c)
      if (tok_eq(s[i], static_cast<char>(c))) mask[static_cast<size_t>(c) * words + i / 64] |= uint64_t{1} << (i % 64);
  }
  std::vector<uint64_t> state(words, 0);
  const size_t top_word = (m - 1) / 64;
  const uint64_t top_bit = uint64_t{1} << ((m - 1) % 64);
  for (size_t i = from; i < to; ++i) {
    const uint64_t* mc = &mask[static_cast<size_t>(static_cast<unsigned char>(t[i])) * words];
    uint64_t carry = 1;   // a match may start at every position
    for (size_t w = 0; w < words; ++w) {
      const uint64_t next_carry = state[w] >> 63;
      state[w] = ((state[w] << 1) | carry) & mc[w];
      carry = next_carry;
    }
    if (state[top_word] & top_bit) return i + 1 - m;
  }
  return std::string_view::npos;
}

size_t find_segment(const Segment& s, std::string_view t, size_t from, size_t to) {
  if (s.empty()) return from;
  if (to < from || to - from < s.size()) return std::string_view::npos;
  for (const auto& tok : s)
    if (tok.any) return find_wild(s, t, from, to);
  return find_literal(s, t, from, to);
}

}  // namespace

// The pattern is split at its stars into star-free segments. The first must match at the start
// (unless the pattern starts with '*'), the last at the end (unless it ends with '*'), and the
// ones between are each taken at their leftmost occurrence after the previous one: taking the
// leftmost never loses a match, so no backtracking is needed and each text byte is scanned once
// per search.
bool glob_match(std::string_view p, std::string_view t) {
  std::vector<Segment> segs(1);
  bool leading_star = false, trailing_star = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '*') {
      if (i == 0) leading_star = true;
      if (!segs.back().empty()) segs.emplace_back();
      trailing_star = true;
      continue;
    }
    trailing_star = false;
    if (c == '\\' && i + 1 < p.size()) segs.back().push_back({p[++i], false});
    else segs.back().push_back({c, c == '?'});
  }
  if (segs.back().empty()) segs.pop_back();
  const bool has_star = leading_star || trailing_star || segs.size() > 1;
  if (!has_star) {
    const Segment& s = segs.empty() ? Segment{} : segs.front();
    return s.size() == t.size() && matches_at(s, t, 0);
  }
  size_t begin = 0, end = t.size();
  size_t first = 0, last = segs.size();
  if (!leading_star && first < last) {
    const Segment& s = segs[first++];
    if (s.size() > end || !matches_at(s, t, 0)) return false;
    begin = s.size();
  }
  if (!trailing_star && first < last) {
    const Segment& s = segs[--last];
    if (s.size() > end - begin || !matches_at(s, t, end - s.size())) return false;
    end -= s.size();
  }
  for (size_t i = first; i < last; ++i) {
    const size_t at = find_segment(segs[i], t, begin, end);
    if (at == std::string_view::npos) return false;
    begin = at + segs[i].size();
  }
  return true;
}

}  // namespace harness::mock::scenario
