// Bounded handling of JSON that comes from outside (request bodies, control bodies): a nesting
// limit checked by a linear pre-scan before nlohmann/json builds anything, and serialisation that
// never fails on invalid UTF-8. nlohmann/json parses iteratively but serialises recursively, so a
// value nested 100,000 levels deep parses fine and then overflows the stack when dumped: the
// limit is enforced where the text enters, not where it is written out.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include "core/json.h"

namespace harness::core {

constexpr size_t kDefaultJsonMaxDepth = 64;

enum class JsonParse { Ok, Invalid, TooDeep };

// True when some array or object in `text` is nested more than `max_depth` levels deep
// (brackets inside strings do not count). Linear, no allocation; stops at the first excess.
// Works on any text: invalid JSON is only scanned, not judged.
bool json_nesting_exceeds(std::string_view text, size_t max_depth);

// TooDeep (out untouched) when the nesting exceeds max_depth, Invalid when the text is not
// JSON, else Ok with the value in `out`.
JsonParse parse_json_bounded(std::string_view text, json& out, size_t max_depth = kDefaultJsonMaxDepth);

// The error detail for TooDeep, naming the limit.
std::string json_too_deep_detail(size_t max_depth);

// Compact (indent < 0) or indented JSON text; invalid UTF-8 in strings becomes U+FFFD instead
// of throwing type_error.316. For every view that may echo bytes a client sent.
std::string dump_json(const json& j, int indent = -1);

}  // namespace harness::core
