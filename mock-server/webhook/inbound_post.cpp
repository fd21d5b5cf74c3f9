#include "webhook/inbound_post.h"

#include <optional>
#include <string>
#include "core/e164.h"
#include "core/errors.h"
#include "core/json_limits.h"
#include "webhook/plan.h"

namespace harness::mock {
namespace {

core::Unexpected<core::RequestProblem> problem(int status, int code, std::string_view detail,
                                               std::optional<std::string> pointer = std::nullopt) {
  return core::unexpected(core::RequestProblem{status, core::make_error_object(code, detail, std::move(pointer))});
}

bool is_sender_address(const std::string& s) {
  auto kind = core::classify_address(s);
  return kind == core::AddressKind::E164 || kind == core::AddressKind::ShortCode ||
         kind == core::AddressKind::Alphanumeric;
}

}  // namespace

core::Expected<InboundRequest, core::RequestProblem> decode_inbound_post(std::string_view body) {
  core::json j;
  const auto parsed = core::parse_json_bounded(body, j);
  if (parsed == core::JsonParse::TooDeep) {
    return problem(400, 10015, core::json_too_deep_detail(core::kDefaultJsonMaxDepth));
  }
  if (parsed != core::JsonParse::Ok || !j.is_object()) {
    return problem(400, 10015, "The request body must be a JSON object.");
  }
  InboundRequest req;
  for (const char* field : {"from", "to"}) {
    if (!j.contains(field) || j[field].is_null()) {
      return problem(422, 10004, std::string("The '") + field + "' field is required.", std::string("/") + field);
    }
    if (!j[field].is_string()) {
      return problem(422, 10015, std::string("'") + field + "' must be a string.", std::string("/") + field);
    }
  }
  req.from = j["from"].get<std::string>();
  req.to = j["to"].get<std::string>();
  if (auto why = core::e164_problem(req.to)) return problem(422, 10002, "'to' " + *why, std::string("/to"));
  if (!is_sender_address(req.from)) {
    return problem(422, 10002, "'from' is not a phone number, short code or sender ID.", std::string("/from"));
  }
  if (j.contains("text") && !j["text"].is_null()) {
    if (!j["text"].is_string()) return problem(422, 10015, "'text' must be a string.", std::string("/text"));
    req.text = j["text"].get<std::string>();
  }
  if (j.contains("media_urls") && !j["media_urls"].is_null()) {
    const auto& m = j["media_urls"];
    if (!m.is_array()) return problem(422, 10015, "'media_urls' must be an array of URLs.", std::string("/media_urls"));
    for (size_t i = 0; i < m.size(); ++i) {
      if (!m[i].is_string() || !split_url(m[i].get<std::string>())) {
        return problem(422, 10015, "'media_urls' must hold http(s) URLs.", "/media_urls/" + std::to_string(i));
      }
      req.media_urls.push_back(m[i].get<std::string>());
    }
  }
  // The send path's content rules, with the same codes and statuses.
  if (auto p = core::content_problem(!req.text.empty(), req.media_urls.size())) return core::unexpected(std::move(*p));
  return req;
}

}  // namespace harness::mock
