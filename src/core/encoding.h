// SMS encoding and segmentation (contract §9): Telnyx's reduced GSM-7 set (escape characters
// count 2 septets), UCS-2 (characters outside the BMP count 2 UTF-16 units), parts 160/153 and
// 70/67, at most 10 parts. Invalid UTF-8 is a reported error, never a crash.
#pragma once
#include <cstddef>
#include <string>
#include <optional>
#include <string_view>
#include "core/expected.h"

namespace harness::core {

enum class Encoding { Gsm7, Ucs2 };
enum class EncodingPreference { Auto, Gsm7, Ucs2 };   // request field "encoding"

constexpr int kMaxParts = 10;

struct Segmentation {
  Encoding encoding = Encoding::Gsm7;
  int units = 0;       // GSM-7 septets or UTF-16 code units
  int parts = 0;       // may exceed kMaxParts: the caller decides (40302)
  int num_chars = 0;   // Unicode code points (contract §12)
};

struct SegmentError {
  enum class Kind { InvalidUtf8, NotGsm7 };
  Kind kind;
  size_t byte_offset = 0;   // where the problem starts
  std::string detail;       // e.g. "invalid UTF-8 at byte 7", "character 'Ç' (U+00C7) is not in GSM-7"
};

// Empty text: units 0, parts 0 (Telnyx requires non-empty SMS text; the caller reports 40316).
// Auto picks GSM-7 when every character is in Telnyx's set, else UCS-2 for the whole message.
// Forced Gsm7 with an unencodable character -> NotGsm7; invalid UTF-8 -> InvalidUtf8 (checked
// first, whatever the preference).
Expected<Segmentation, SegmentError> segment(std::string_view utf8,
                                             EncodingPreference pref = EncodingPreference::Auto);
// Byte offset of the first invalid sequence under the same strict UTF-8 rules as segment();
// nullopt when the whole text is valid.
std::optional<size_t> first_invalid_utf8(std::string_view s);
// Septets of one code point in Telnyx GSM-7: 1 basic, 2 escape, 0 not representable.
int gsm7_septets(char32_t cp);
// Wire value of an encoding: "GSM-7" / "UCS-2" (contract §12).
std::string_view encoding_name(Encoding e);

}  // namespace harness::core
