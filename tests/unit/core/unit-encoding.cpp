#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "core/encoding.h"

using namespace harness::core;

namespace {
Segmentation seg(std::string_view s, EncodingPreference p = EncodingPreference::Auto) {
  auto r = segment(s, p);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
  return r.ok() ? r.value() : Segmentation{};
}
std::string repeat(std::string_view unit, size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) s += unit;
  return s;
}
}  // namespace

TEST(CoreEncodingTest, FirstInvalidUtf8) {
  EXPECT_FALSE(first_invalid_utf8(""));
  EXPECT_FALSE(first_invalid_utf8("plain ascii"));
  EXPECT_FALSE(first_invalid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));   // é and an emoji
  EXPECT_EQ(first_invalid_utf8("ab\xfe"), 2u);
  EXPECT_EQ(first_invalid_utf8("caf\xc3"), 3u);                 // truncated at the end
  EXPECT_EQ(first_invalid_utf8("x\xc0\xafy"), 1u);              // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);           // UTF-16 surrogate
}

// Part counts either side of each boundary: {characters, parts}.
void expect_parts(std::string_view unit, std::initializer_list<std::pair<size_t, int>> cases) {
  for (const auto& [n, parts] : cases) EXPECT_EQ(seg(repeat(unit, n)).parts, parts) << n << " x " << unit;
}

TEST(CoreEncodingTest, Gsm7PartBoundaries) {
  expect_parts("a", {{160, 1}, {161, 2}, {306, 2}, {307, 3}, {1530, 10}, {1531, 11}});
  const auto s = seg(repeat("a", 160));
  EXPECT_EQ(s.encoding, Encoding::Gsm7);
  EXPECT_EQ(s.units, 160);
  EXPECT_EQ(s.num_chars, 160);
}

TEST(CoreEncodingTest, Ucs2PartBoundaries) {
  // "Ж" (U+0416) is outside GSM-7: one UTF-16 unit each.
  expect_parts("\xD0\x96", {{70, 1}, {71, 2}, {134, 2}, {135, 3}, {670, 10}});
  EXPECT_EQ(seg(repeat("\xD0\x96", 71)).encoding, Encoding::Ucs2);
}

TEST(CoreEncodingTest, EscapeCharactersCountTwo) {
  const auto one = seg("{");
  EXPECT_EQ(one.units, 2);
  EXPECT_EQ(one.num_chars, 1);
  EXPECT_EQ(seg("[\\]^{|}~").units, 16);
  // 159 plain + 1 escape = 161 septets -> two parts, though only 160 characters.
  EXPECT_EQ(seg(repeat("a", 159) + "}").parts, 2);
  EXPECT_EQ(seg(repeat("a", 158) + "}").parts, 1);
}

TEST(CoreEncodingTest, EmojiForcesUcs2AndCountsTwoUnits) {
  const auto s = seg("Hi \xF0\x9F\x98\x80");   // "Hi 😀"
  EXPECT_EQ(s.encoding, Encoding::Ucs2);
  EXPECT_EQ(s.units, 5);
  EXPECT_EQ(s.num_chars, 4);
  EXPECT_EQ(seg("\xF0\x9F\x98\x80").units, 2);
  // 35 emoji = 70 units -> 1 part; 36 -> 72 units -> 2 parts.
  EXPECT_EQ(seg(repeat("\xF0\x9F\x98\x80", 35)).parts, 1);
  EXPECT_EQ(seg(repeat("\xF0\x9F\x98\x80", 36)).parts, 2);
}

TEST(CoreEncodingTest, ReducedSetBasicCharacters) {
  const std::string basic =
      "ABCXYZabcxyz0189\n\r !\"#$%&'()*+,-./:;<=>?@_"
      "\xC2\xA3\xC2\xA5\xC3\xA8\xC3\xA9\xC3\xB9\xC3\xAC\xC3\xB2\xC3\x98\xC3\xB8\xC3\x85\xC3\xA5\xC3\x86\xC3\xA6"
      "\xC3\x9F\xC3\x89\xC2\xA1\xC3\x84\xC3\x96\xC3\x91\xC3\x9C\xC2\xBF\xC3\xA4\xC3\xB6\xC3\xB1\xC3\xBC\xC3\xA0"
      "\xC2\xA7";
  const auto s = seg(basic);
  EXPECT_EQ(s.encoding, Encoding::Gsm7);
  EXPECT_EQ(s.units, s.num_chars);   // every one is a single septet
}

TEST(CoreEncodingTest, CharactersOutsideTelnyxSetSwitchToUcs2) {
  // backtick, Ç, Δ, Ω, ¤, €, tab: in 3GPP GSM-7 (some) but not in Telnyx's reduced set.
  for (const char* c : {"`", "\xC3\x87", "\xCE\x94", "\xCE\xA9", "\xC2\xA4", "\xE2\x82\xAC", "\t"}) {
    const auto s = seg(std::string("abc") + c);
    EXPECT_EQ(s.encoding, Encoding::Ucs2) << c;
    EXPECT_EQ(s.units, 4) << c;
  }
  EXPECT_EQ(gsm7_septets(U'`'), 0);
  EXPECT_EQ(gsm7_septets(U'\u20AC'), 0);
  EXPECT_EQ(gsm7_septets(U'\u00A7'), 1);
  EXPECT_EQ(gsm7_septets(U'~'), 2);
}

TEST(CoreEncodingTest, ForcedGsm7WithNonGsmCharacterFails) {
  const auto r = segment("Caf\xC3\x87 ok", EncodingPreference::Gsm7);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, SegmentError::Kind::NotGsm7);
  EXPECT_EQ(r.error().byte_offset, 3u);
  EXPECT_EQ(r.error().detail, "character '\xC3\x87' (U+00C7) is not in GSM-7");
  const auto tab = segment("a\tb", EncodingPreference::Gsm7);
  ASSERT_FALSE(tab.ok());
  EXPECT_EQ(tab.error().detail, "character U+0009 is not in GSM-7");
}

TEST(CoreEncodingTest, ForcedUcs2CountsUtf16Units) {
  const auto s = seg(repeat("a", 71), EncodingPreference::Ucs2);
  EXPECT_EQ(s.encoding, Encoding::Ucs2);
  EXPECT_EQ(s.units, 71);
  EXPECT_EQ(s.parts, 2);
  EXPECT_EQ(seg("{", EncodingPreference::Ucs2).units, 1);   // escapes cost 2 only in GSM-7
  EXPECT_EQ(seg(repeat("a", 160), EncodingPreference::Gsm7).parts, 1);
}

TEST(CoreEncodingTest, EmptyTextIsZeroUnitsZeroParts) {
  const auto s = seg("");
  EXPECT_EQ(s.units, 0);
  EXPECT_EQ(s.parts, 0);
  EXPECT_EQ(s.num_chars, 0);
  EXPECT_EQ(s.encoding, Encoding::Gsm7);
}

TEST(CoreEncodingTest, InvalidUtf8ReportsByteOffset) {
  struct Case { std::string text; size_t offset; };
  const Case cases[] = {
      {"abc\x80", 3},                 // lone continuation byte
      {"ab\xC0\xAF", 2},              // overlong '/'
      {"\xC1\xBF", 0},                // overlong
      {"x\xE0\x80\xAF", 1},           // overlong 3-byte
      {"xy\xF0\x80\x80\xAF", 2},      // overlong 4-byte
      {"ok\xED\xA0\x80", 2},          // UTF-16 surrogate U+D800 encoded in UTF-8
      {"ok\xED\xBF\xBF", 2},          // U+DFFF
      {"\xF4\x90\x80\x80", 0},        // U+110000 > U+10FFFF
      {"\xF5\x80\x80\x80", 0},        // invalid lead byte
      {"\xFF", 0},
      {"abcd\xE2\x82", 4},            // truncated at end
      {"abcd\xE2\x82z", 4},           // truncated by a non-continuation byte
      {"abcd\xF0\x9F\x98", 4},
  };
  for (const auto& c : cases) {
    const auto r = segment(c.text);
    ASSERT_FALSE(r.ok()) << c.offset;
    EXPECT_EQ(r.error().kind, SegmentError::Kind::InvalidUtf8);
    EXPECT_EQ(r.error().byte_offset, c.offset);
    EXPECT_EQ(r.error().detail, "invalid UTF-8 at byte " + std::to_string(c.offset));
  }
}

TEST(CoreEncodingTest, BoundaryCodePointsDecode) {
  EXPECT_EQ(seg("\xC2\x80").units, 1);               // U+0080
  EXPECT_EQ(seg("\xEF\xBF\xBF").units, 1);           // U+FFFF
  EXPECT_EQ(seg("\xF0\x90\x80\x80").units, 2);       // U+10000
  EXPECT_EQ(seg("\xF4\x8F\xBF\xBF").units, 2);       // U+10FFFF
  EXPECT_EQ(seg("\xED\x9F\xBF").units, 1);           // U+D7FF, just below the surrogates
}

TEST(CoreEncodingTest, HugeTextDoesNotOverflowOrCrash) {
  const std::string mb(1 << 20, 'a');
  const auto s = seg(mb);
  EXPECT_EQ(s.units, 1 << 20);
  EXPECT_EQ(s.parts, ((1 << 20) + 152) / 153);
  const auto bad = segment(mb + "\xC3");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().byte_offset, size_t{1} << 20);
}

TEST(CoreEncodingTest, EncodingNames) {
  EXPECT_EQ(encoding_name(Encoding::Gsm7), "GSM-7");
  EXPECT_EQ(encoding_name(Encoding::Ucs2), "UCS-2");
}

TEST(CoreEncodingTest, ReducedSetHasExactlyTheListedCharacters) {
  // 86 printable ASCII (95 minus backtick minus the 8 escapes) + LF + CR + 27 listed non-ASCII
  // characters (including §) are 1 septet; the 8 escapes are 2; nothing else is representable.
  int one = 0, two = 0;
  for (char32_t cp = 0; cp < 0x110000; ++cp) {
    const int s = gsm7_septets(cp);
    one += s == 1;
    two += s == 2;
    ASSERT_TRUE(s == 0 || cp < 0x100) << std::hex << static_cast<uint32_t>(cp);
  }
  EXPECT_EQ(one, 86 + 2 + 27);
  EXPECT_EQ(two, 8);
}
