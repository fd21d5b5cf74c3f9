#include "core/json_limits.h"

namespace harness::core {

bool json_nesting_exceeds(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;            // the escaped character cannot end the string
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > max_depth) return true;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return false;
}

JsonParse parse_json_bounded(std::string_view text, json& out, size_t max_depth) {
  if (json_nesting_exceeds(text, max_depth)) return JsonParse::TooDeep;
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return JsonParse::Invalid;
  out = std::move(j);
  return JsonParse::Ok;
}

std::string json_too_deep_detail(size_t max_depth) {
  return "The request body nests arrays or objects more than " + std::to_string(max_depth) +
         " levels deep.";
}

std::string dump_json(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace harness::core
