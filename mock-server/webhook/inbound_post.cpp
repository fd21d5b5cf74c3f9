#include "webhook/inbound_post.h"

#include <optional>
#include <string>
#include "core/json_limits.h"
#include "rules/inbound_rules.h"
#include "webhook/plan.h"

namespace harness::mock {
namespace {

core::Unexpected<SendRefusal> refuse(int code, std::string detail, std::optional<std::string> pointer = std::nullopt) {
  return core::unexpected(SendRefusal{code, 0, std::move(detail), std::move(pointer)});
}

core::Unexpected<SendRefusal> wrong_type(const std::string& field, const char* expected,
                                         const std::string& pointer) {
  return refuse(10015, "The '" + field + "' parameter must be " + expected + ".", pointer);
}

}  // namespace

core::Expected<InboundRequest, SendRefusal> decode_inbound_post(std::string_view body) {
  core::json j;
  const auto parsed = core::parse_json_bounded(body, j);
  if (parsed == core::JsonParse::TooDeep) return refuse(10015, core::json_too_deep_detail(core::kDefaultJsonMaxDepth));
  if (parsed != core::JsonParse::Ok || !j.is_object()) return refuse(10015, "The request body must be a JSON object.");
  InboundRequest req;
  for (const char* field : {"from", "to"}) {
    const std::string pointer = std::string("/") + field;
    if (!j.contains(field) || j[field].is_null()) {
      return refuse(10004, std::string("The '") + field + "' parameter is required.", pointer);
    }
    if (!j[field].is_string()) return wrong_type(field, "a string", pointer);
  }
  req.from = j["from"].get<std::string>();
  req.to = j["to"].get<std::string>();
  if (j.contains("text") && !j["text"].is_null()) {
    if (!j["text"].is_string()) return wrong_type("text", "a string", "/text");
    req.text = j["text"].get<std::string>();
  }
  if (j.contains("media_urls") && !j["media_urls"].is_null()) {
    const auto& m = j["media_urls"];
    if (!m.is_array()) return wrong_type("media_urls", "an array of strings", "/media_urls");
    for (size_t i = 0; i < m.size(); ++i) {
      const std::string pointer = "/media_urls/" + std::to_string(i);
      if (!m[i].is_string()) return wrong_type("media_urls", "an array of strings", pointer);
      if (!split_url(m[i].get<std::string>())) return refuse(10015, "'media_urls' must hold http(s) URLs.", pointer);
      req.media_urls.push_back(m[i].get<std::string>());
    }
  }
  if (auto no = inbound_refusal(req)) return core::unexpected(std::move(*no));
  return req;
}

}  // namespace harness::mock
