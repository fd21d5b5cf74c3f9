// Decoding of the send body. Order of checks: the body must be a JSON object (10015), then each
// known field is type-checked in a fixed order and the first problem is reported with its JSON
// pointer (10015, 400), then `to` must be present (10004, 422). Null counts as absent for every
// optional field (send_at is documented as nullable; being lenient elsewhere costs nothing).
// Business rules (E.164, content, profile) belong to the server, not here.
#include "core/send_request.h"

namespace harness::core {
namespace {

RequestProblem problem(int code, std::string detail, std::optional<std::string> pointer) {
  ErrorObject e = make_error_object(code, detail, std::move(pointer));
  const ErrorInfo* info = find_error(code);
  return RequestProblem{info ? info->http_status : 400, std::move(e)};
}

RequestProblem type_problem(const std::string& field, const std::string& pointer, const char* expected) {
  return problem(10015, "The '" + field + "' parameter must be " + expected + ".", pointer);
}

const json* field(const json& body, std::string_view key) {
  auto it = body.find(key);   // a string_view: the look-up's comparisons do not measure the key again
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::optional<RequestProblem> read_string(const json& body, const char* key, std::optional<std::string>& out) {
  const json* v = field(body, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) return type_problem(key, std::string("/") + key, "a string");
  out = v->get<std::string>();
  return std::nullopt;
}

std::optional<RequestProblem> read_bool(const json& body, const char* key, bool& out) {
  const json* v = field(body, key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) return type_problem(key, std::string("/") + key, "a boolean");
  out = v->get<bool>();
  return std::nullopt;
}

std::optional<RequestProblem> read_string_array(const json& body, const char* key, std::vector<std::string>& out) {
  const json* v = field(body, key);
  if (!v) return std::nullopt;
  const std::string ptr = std::string("/") + key;
  if (!v->is_array()) return type_problem(key, ptr, "an array of strings");
  out.clear();
  for (size_t i = 0; i < v->size(); ++i) {
    const json& e = (*v)[i];
    if (!e.is_string()) return type_problem(key, ptr + "/" + std::to_string(i), "an array of strings");
    out.push_back(e.get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

bool SendRequest::operator==(const SendRequest& o) const {
  return to == o.to && from == o.from && messaging_profile_id == o.messaging_profile_id && text == o.text &&
         subject == o.subject && media_urls == o.media_urls && type == o.type && webhook_url == o.webhook_url &&
         webhook_failover_url == o.webhook_failover_url && use_profile_webhooks == o.use_profile_webhooks &&
         auto_detect == o.auto_detect && encoding == o.encoding && send_at == o.send_at && tags == o.tags;
}

void to_json(json& j, const SendRequest& r) {
  // A request body, not a record: absent optionals and empty arrays are omitted; the three
  // defaulted flags are always written so the receiver never has to guess a default.
  j = json{{"to", r.to}};
  auto put = [&](const char* k, const std::optional<std::string>& v) {
    if (v) j[k] = *v;
  };
  put("from", r.from);
  put("messaging_profile_id", r.messaging_profile_id);
  put("text", r.text);
  put("subject", r.subject);
  if (!r.media_urls.empty()) j["media_urls"] = r.media_urls;
  put("type", r.type);
  put("webhook_url", r.webhook_url);
  put("webhook_failover_url", r.webhook_failover_url);
  j["use_profile_webhooks"] = r.use_profile_webhooks;
  j["auto_detect"] = r.auto_detect;
  j["encoding"] = r.encoding;
  put("send_at", r.send_at);
  if (!r.tags.empty()) j["tags"] = r.tags;
}

Expected<SendRequest, RequestProblem> decode_send_request(const json& body) {
  if (!body.is_object()) return unexpected(problem(10015, "The request body must be a JSON object.", std::nullopt));
  SendRequest r;
  std::optional<std::string> to;
  // `to` is one string (contract §3.1), not an array: arrays belong to group MMS.
  if (auto p = read_string(body, "to", to)) return unexpected(*p);
  if (auto p = read_string(body, "from", r.from)) return unexpected(*p);
  if (auto p = read_string(body, "messaging_profile_id", r.messaging_profile_id)) return unexpected(*p);
  if (auto p = read_string(body, "text", r.text)) return unexpected(*p);
  if (auto p = read_string(body, "subject", r.subject)) return unexpected(*p);
  if (auto p = read_string_array(body, "media_urls", r.media_urls)) return unexpected(*p);
  if (auto p = read_string(body, "type", r.type)) return unexpected(*p);
  if (r.type && *r.type != "SMS" && *r.type != "MMS")
    return unexpected(type_problem("type", "/type", "one of SMS, MMS"));
  if (auto p = read_string(body, "webhook_url", r.webhook_url)) return unexpected(*p);
  if (auto p = read_string(body, "webhook_failover_url", r.webhook_failover_url)) return unexpected(*p);
  if (auto p = read_bool(body, "use_profile_webhooks", r.use_profile_webhooks)) return unexpected(*p);
  if (auto p = read_bool(body, "auto_detect", r.auto_detect)) return unexpected(*p);
  std::optional<std::string> enc;
  if (auto p = read_string(body, "encoding", enc)) return unexpected(*p);
  if (enc) {
    if (*enc != "auto" && *enc != "gsm7" && *enc != "ucs2")
      return unexpected(type_problem("encoding", "/encoding", "one of auto, gsm7, ucs2"));
    r.encoding = *enc;
  }
  if (auto p = read_string(body, "send_at", r.send_at)) return unexpected(*p);
  if (auto p = read_string_array(body, "tags", r.tags)) return unexpected(*p);
  if (!to) return unexpected(problem(10004, "to", std::string("/to")));
  r.to = std::move(*to);
  return r;
}

Expected<SendRequest, RequestProblem> decode_send_request(std::string_view raw_body) {
  json body = json::parse(raw_body.begin(), raw_body.end(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return unexpected(problem(10015, "The request body is not valid JSON.", std::nullopt));
  return decode_send_request(body);
}

Expected<SendRequest, RequestProblem> decode_send_request(const std::string& raw_body) {
  return decode_send_request(std::string_view(raw_body));
}

Expected<SendRequest, RequestProblem> decode_send_request(const char* raw_body) {
  return decode_send_request(std::string_view(raw_body ? raw_body : ""));
}

std::optional<RequestProblem> content_problem(bool has_text, size_t media_count,
                                              const std::optional<std::string>& type) {
  auto problem = [](int code, std::string_view detail, std::string pointer) {
    const ErrorInfo* info = find_error(code);
    return RequestProblem{info != nullptr ? info->http_status : 400,
                          make_error_object(code, detail, std::move(pointer))};
  };
  if (!has_text && media_count == 0) return problem(40316, "Provide 'text' or 'media_urls'.", "/text");
  if (type && *type == "SMS" && media_count > 0) {
    return problem(40304, "type SMS cannot carry media_urls.", "/media_urls");
  }
  if (media_count > 10) return problem(40317, "At most 10 media URLs are allowed.", "/media_urls");
  return std::nullopt;
}

}  // namespace harness::core
