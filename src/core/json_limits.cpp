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

namespace {

// The usual request body: one object whose members are plain strings (printable ASCII without
// escapes), true, false or null, e.g. {"to":"+1...","text":"..."}. Built straight into the
// value nlohmann would build (a repeated key: the last one wins, as there), without its lexer's
// per-character bookkeeping. Anything else (numbers, arrays, nested objects, escapes, other
// bytes, trailing data, malformed text) returns false and nlohmann parses it as before.
bool parse_flat_object(std::string_view t, json& out) {
  size_t i = 0;
  const auto ws = [&] {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  };
  const auto plain_string = [&](std::string_view& s) {
    if (i >= t.size() || t[i] != '"') return false;
    const size_t start = ++i;
    for (; i < t.size(); ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c == '"') {
        s = t.substr(start, i - start);
        ++i;
        return true;
      }
      if (c < 0x20 || c == '\\' || c >= 0x7f) return false;
    }
    return false;
  };
  ws();
  if (i >= t.size() || t[i] != '{') return false;
  ++i;
  json obj = json::object();
  ws();
  if (i < t.size() && t[i] == '}') {
    ++i;
  } else {
    for (;;) {
      ws();
      std::string_view key, text;
      if (!plain_string(key)) return false;
      ws();
      if (i >= t.size() || t[i] != ':') return false;
      ++i;
      ws();
      json value;   // null unless one of the others
      if (i < t.size() && t[i] == '"') {
        if (!plain_string(text)) return false;
        value = std::string(text);
      } else if (t.compare(i, 4, "true") == 0) {
        value = true;
        i += 4;
      } else if (t.compare(i, 5, "false") == 0) {
        value = false;
        i += 5;
      } else if (t.compare(i, 4, "null") == 0) {
        i += 4;
      } else {
        return false;
      }
      obj[std::string(key)] = std::move(value);
      ws();
      if (i < t.size() && t[i] == ',') {
        ++i;
        continue;
      }
      if (i < t.size() && t[i] == '}') {
        ++i;
        break;
      }
      return false;
    }
  }
  ws();
  if (i != t.size()) return false;
  out = std::move(obj);
  return true;
}

}  // namespace

JsonParse parse_json_bounded(std::string_view text, json& out, size_t max_depth) {
  if (json_nesting_exceeds(text, max_depth)) return JsonParse::TooDeep;
  if (parse_flat_object(text, out)) return JsonParse::Ok;
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
