// Segmentation as Telnyx bills it (contract §9). The GSM-7 table is Telnyx's *reduced* set, not
// 3GPP TS 23.038: backtick, Ç, the Greek capitals, ¤ and € are deliberately absent, so texts with
// them switch to UCS-2 exactly as Telnyx would.
//
// Empty text: 0 units and 0 parts (there is nothing to send; the caller rejects empty SMS text
// with 40316 before billing matters).
#include "core/encoding.h"

#include <climits>
#include <cstdint>
#include <cstdio>

namespace harness::core {
namespace {

// Non-ASCII basic characters of Telnyx's set (1 septet each).
constexpr char32_t kBasicExtra[] = {
    0x00A3 /*£*/, 0x00A5 /*¥*/, 0x00E8 /*è*/, 0x00E9 /*é*/, 0x00F9 /*ù*/, 0x00EC /*ì*/, 0x00F2 /*ò*/,
    0x00D8 /*Ø*/, 0x00F8 /*ø*/, 0x00C5 /*Å*/, 0x00E5 /*å*/, 0x00C6 /*Æ*/, 0x00E6 /*æ*/, 0x00DF /*ß*/,
    0x00C9 /*É*/, 0x00A1 /*¡*/, 0x00C4 /*Ä*/, 0x00D6 /*Ö*/, 0x00D1 /*Ñ*/, 0x00DC /*Ü*/, 0x00BF /*¿*/,
    0x00E4 /*ä*/, 0x00F6 /*ö*/, 0x00F1 /*ñ*/, 0x00FC /*ü*/, 0x00E0 /*à*/, 0x00A7 /*§*/,
};

struct Decoded {
  char32_t cp;
  size_t len;   // bytes consumed; 0 = invalid sequence
};

// Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF, no truncation.
Decoded decode_one(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  size_t need;
  char32_t cp;
  char32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) { need = 1; cp = b0 & 0x1F; min = 0x80; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { need = 2; cp = b0 & 0x0F; min = 0x800; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { need = 3; cp = b0 & 0x07; min = 0x10000; }
  else return {0, 0};   // continuation byte, C0/C1 overlong lead, or F5..FF
  if (i + need >= s.size()) return {0, 0};   // truncated at the end of the text
  for (size_t k = 1; k <= need; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, need + 1};
}

std::string describe(char32_t cp, std::string_view raw) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  // Control characters are shown by code point only, so the detail stays printable.
  if (cp < 0x20 || cp == 0x7F) return std::string("character ") + buf;
  return "character '" + std::string(raw) + "' (" + buf + ")";
}

int clamp_int(int64_t v) { return v > INT_MAX ? INT_MAX : static_cast<int>(v); }

int parts_for(int64_t units, int64_t single, int64_t per_part) {
  if (units == 0) return 0;
  if (units <= single) return 1;
  return clamp_int((units + per_part - 1) / per_part);
}

// Septets for every code point below U+0100 (the whole reduced set lives there), built once.
struct Latin1Table {
  unsigned char septets[256] = {};
  Latin1Table() {
    septets[static_cast<unsigned char>('\n')] = 1;
    septets[static_cast<unsigned char>('\r')] = 1;
    for (int c = 0x20; c < 0x7F; ++c) septets[c] = 1;
    septets[static_cast<unsigned char>('`')] = 0;   // explicitly excluded by Telnyx
    for (char c : {'[', '\\', ']', '^', '{', '|', '}', '~'}) septets[static_cast<unsigned char>(c)] = 2;
    for (char32_t c : kBasicExtra) septets[c] = 1;
  }
};

}  // namespace

int gsm7_septets(char32_t cp) {
  static const Latin1Table table;
  return cp < 0x100 ? table.septets[cp] : 0;
}

std::string_view encoding_name(Encoding e) { return e == Encoding::Gsm7 ? "GSM-7" : "UCS-2"; }

std::optional<size_t> first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const Decoded d = decode_one(s, i);
    if (d.len == 0) return i;
    i += d.len;
  }
  return std::nullopt;
}

Expected<Segmentation, SegmentError> segment(std::string_view utf8, EncodingPreference pref) {
  int64_t septets = 0, utf16 = 0, chars = 0;
  bool all_gsm = true;
  size_t first_non_gsm = 0;
  char32_t first_non_gsm_cp = 0;
  size_t first_non_gsm_len = 0;
  for (size_t i = 0; i < utf8.size();) {
    const Decoded d = decode_one(utf8, i);
    if (d.len == 0) {
      return unexpected(SegmentError{SegmentError::Kind::InvalidUtf8, i,
                                     "invalid UTF-8 at byte " + std::to_string(i)});
    }
    ++chars;
    utf16 += d.cp > 0xFFFF ? 2 : 1;
    const int s = gsm7_septets(d.cp);
    if (s == 0 && all_gsm) {
      all_gsm = false;
      first_non_gsm = i;
      first_non_gsm_cp = d.cp;
      first_non_gsm_len = d.len;
    }
    septets += s;
    i += d.len;
  }
  Segmentation out;
  out.num_chars = clamp_int(chars);
  const bool use_gsm = pref == EncodingPreference::Gsm7 || (pref == EncodingPreference::Auto && all_gsm);
  if (use_gsm && !all_gsm) {
    return unexpected(SegmentError{
        SegmentError::Kind::NotGsm7, first_non_gsm,
        describe(first_non_gsm_cp, utf8.substr(first_non_gsm, first_non_gsm_len)) + " is not in GSM-7"});
  }
  if (use_gsm) {
    out.encoding = Encoding::Gsm7;
    out.units = clamp_int(septets);
    out.parts = parts_for(septets, 160, 153);
  } else {
    out.encoding = Encoding::Ucs2;
    out.units = clamp_int(utf16);
    out.parts = parts_for(utf16, 70, 67);
  }
  return out;
}

}  // namespace harness::core
