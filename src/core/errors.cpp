// The catalogue is one sorted table so that lookups, the test that every contract code is
// present, and the mock's error pages all read the same data.
//
// HTTP statuses: general codes as contract §4.2; 403xx send errors and number-state errors
// default to 400 (contract §12: unconfirmed upstream, callers override per code); delivery
// errors are asynchronous and carry 0. Retry classes of delivery errors follow contract §4.4;
// delivery codes the contract's retry table does not list (40004, 40009, 40012, 40013, 40015,
// 40019, 40020) are classified here: content/number problems are Permanent, filter and
// carrier-policy blocks AfterIntervention.
#include "core/errors.h"

#include <algorithm>

namespace harness::core {
namespace {

using R = RetryClass;
using F = ErrorFamily;

const std::vector<ErrorInfo>& table() {
  static const std::vector<ErrorInfo> kTable = [] {
    std::vector<ErrorInfo> t = {
        // ---- account level (support.telnyx.com article 6505121) ----
        {20002, 401, "API key revoked", "The API key used has been revoked.", R::Never, F::Account},
        {20006, 401, "Expired access token", "The access token has expired.", R::Never, F::Account},
        {20100, 403, "Insufficient funds", "The account does not have enough balance for this request.", R::Never,
         F::Account},
        // ---- general API codes (contract §4.2) ----
        {10001, 422, "Inactive phone number", "The phone number is not active.", R::Never, F::General},
        {10002, 422, "Invalid phone number", "The phone number is not valid: {}", R::Never, F::General},
        {10003, 422, "Invalid URL", "The URL is not valid (at most 2000 characters): {}", R::Never, F::General},
        {10004, 422, "Missing required parameter", "The '{}' parameter is required.", R::Never, F::General},
        {10005, 404, "Resource not found", "The requested resource or URL could not be found.", R::Never,
         F::General},
        {10006, 400, "Invalid ID", "The ID is not valid: {}", R::Never, F::General},
        {10007, 500, "Unexpected error", "An unexpected error occurred.", R::Backoff, F::General},
        {10008, 408, "Request timeout", "The request took too long to process.", R::Backoff, F::General},
        {10009, 401, "Authentication failed", "API key missing or not valid.", R::Never, F::General},
        {10010, 403, "Authorization failed", "You are not authorized to perform this action.", R::Never,
         F::General},
        {10011, 429, "Too many requests", "Request limit exceeded.", R::AfterRetryAfter, F::General},
        {10012, 409, "Duplicate resource", "The resource already exists.", R::Never, F::General},
        {10013, 422, "Missing association", "A required association is missing.", R::Never, F::General},
        {10014, 415, "Unsupported Media Type", "The request body must be application/json.", R::Never,
         F::General},
        {10015, 400, "Bad Request", "The request could not be understood.", R::Never, F::General},
        {10016, 422, "Phone number must be in +E.164 format", "The phone number must be in +E.164 format: {}",
         R::Never, F::General},
        {10017, 422, "Associated resource does not exist", "The associated resource does not exist.", R::Never,
         F::General},
        {10018, 400, "Invalid sort direction", "The sort direction is not valid.", R::Never, F::General},
        {10019, 422, "Invalid email", "The email address is not valid.", R::Never, F::General},
        {10020, 400, "Invalid resource type", "The resource type is not valid.", R::Never, F::General},
        {10021, 409, "Resource in use", "The resource is in use and cannot be changed.", R::Never, F::General},
        {10022, 400, "Invalid IDs", "One or more IDs are not valid.", R::Never, F::General},
        {10023, 400, "Invalid JSON", "The request body is not valid JSON.", R::Never, F::General},
        {10027, 422, "Idempotency key reused",
         "The Idempotency-Key was already used with a different request.", R::Never, F::General},
        {10036, 409, "Request in progress",
         "A request with the same Idempotency-Key is still being processed.", R::Backoff, F::General},
        {10039, 403, "Destination not verified",
         "Only pre-verified destinations are allowed on trial accounts.", R::Never, F::General},
        // ---- number state ----
        {40100, 400, "Number not enabled for messaging", "The number is not messaging-enabled.", R::Never,
         F::NumberState},
        {40150, 400, "Number not in registry", "The number is not in the messaging registry.", R::Never,
         F::NumberState},
        {40151, 400, "Messaging enablement pending", "Messaging enablement for the number is pending.",
         R::AfterIntervention, F::NumberState},
        {40155, 400, "LOA required", "A letter of authorization is required for this number.", R::Never,
         F::NumberState},
        // ---- delivery errors (contract §4.4): asynchronous, HTTP status 0 ----
        {40001, 0, "Not routable", "The destination is not routable.", R::Permanent, F::Delivery},
        {40002, 0, "Blocked as spam - temporary", "The message was temporarily blocked as spam.",
         R::AfterIntervention, F::Delivery},
        {40003, 0, "Blocked as spam - permanent", "The message was permanently blocked as spam.", R::Permanent,
         F::Delivery},
        {40004, 0, "Rejected by destination", "The destination rejected the message.", R::Permanent, F::Delivery},
        {40005, 0, "Message expired during transmission", "The message expired before delivery.",
         R::AfterIntervention, F::Delivery},
        {40006, 0, "Recipient server unavailable", "The recipient is temporarily unavailable.", R::Automatic,
         F::Delivery},
        {40008, 0, "Undeliverable", "Carrier rejected the message.", R::Automatic, F::Delivery},
        {40009, 0, "Invalid message body", "The message body is not valid.", R::Permanent, F::Delivery},
        {40010, 0, "Not 10DLC registered", "The sending number is not registered to a 10DLC campaign.",
         R::Permanent, F::Delivery},
        {40011, 0, "Too many requests", "Upstream rate limit exceeded.", R::AfterIntervention, F::Delivery},
        {40012, 0, "Invalid destination number", "The destination number is not valid.", R::Permanent,
         F::Delivery},
        {40013, 0, "Invalid source number", "The source number is not valid.", R::Permanent, F::Delivery},
        {40014, 0, "Expired in queue", "The message expired while queued.", R::AfterIntervention, F::Delivery},
        {40015, 0, "Spam detected", "The message was blocked by the internal spam filter.", R::AfterIntervention,
         F::Delivery},
        {40016, 0, "T-Mobile sending limit reached", "The T-Mobile daily sending limit was reached.",
         R::AfterIntervention, F::Delivery},
        {40017, 0, "AT&T spam rejection", "AT&T rejected the message as spam.", R::AfterIntervention,
         F::Delivery},
        {40018, 0, "AT&T sending limit reached", "The AT&T sending limit was reached.", R::AfterIntervention,
         F::Delivery},
        {40019, 0, "AT&T invalid tag data", "AT&T rejected the campaign tag data.", R::AfterIntervention,
         F::Delivery},
        {40020, 0, "Artificial traffic inflation", "2FA traffic to this destination is blocked for 24 hours.",
         R::AfterIntervention, F::Delivery},
        // ---- send-time errors (contract §4.3): synchronous, 400 by default ----
        {40300, 400, "Blocked due to STOP message", "The recipient has opted out (STOP).", R::Permanent, F::Send},
        {40301, 400, "Unsupported message type", "Messages between these number types are not supported.",
         R::Never, F::Send},
        {40302, 400, "Message too large", "The message has too many segments: {}", R::Never, F::Send},
        {40304, 400, "Invalid combination of content arguments",
         "A message cannot combine SMS and MMS content.", R::Never, F::Send},
        {40305, 400, "Invalid 'from' address", "The 'from' address is not on the sending messaging profile.",
         R::Never, F::Send},
        {40306, 400, "Alpha sender not configured", "Alphanumeric sender ID is not configured on the profile.",
         R::Never, F::Send},
        {40307, 400, "Alpha sender mismatch", "The alphanumeric sender ID does not match the profile.", R::Never,
         F::Send},
        {40308, 400, "Invalid 'from' address for MMS", "The 'from' address cannot send MMS.", R::Never, F::Send},
        {40309, 400, "Invalid destination region",
         "The destination region is not in the profile's whitelisted destinations: {}", R::Never, F::Send},
        {40310, 400, "Invalid 'to' address", "Destination must be one valid phone number.", R::Never, F::Send},
        {40311, 400, "Invalid messaging profile secret", "The messaging profile secret is not valid.", R::Never,
         F::Send},
        {40312, 400, "Messaging profile disabled", "The messaging profile is disabled.", R::Never, F::Send},
        {40313, 400, "Missing messaging profile secret", "The messaging profile secret is missing.", R::Never,
         F::Send},
        {40314, 400, "Messaging disabled on account", "Messaging is disabled on this account.", R::Permanent,
         F::Send},
        {40315, 400, "Unhealthy 'from' address", "The 'from' address is unhealthy.", R::Never, F::Send},
        {40316, 400, "No content provided", "The message needs text or media.", R::Never, F::Send},
        {40317, 400, "Invalid MMS content", "MMS allows at most 10 media URLs with a total size under 1 MB.",
         R::Never, F::Send},
        {40318, 400, "Message queue full", "The message queue is full.", R::AfterIntervention, F::Send},
        {40319, 400, "Incompatible message type", "The message type is not compatible with the numbers.",
         R::Never, F::Send},
        {40320, 400, "'from' temporarily unusable", "The 'from' address is pending and cannot send yet.",
         R::Never, F::Send},
        {40321, 400, "No usable numbers in pool", "The number pool has no usable numbers.", R::Never, F::Send},
        {40322, 400, "Blocked due to content", "The message content was blocked.", R::Permanent, F::Send},
        {40323, 400, "Activation failed", "Messaging activation failed.", R::Never, F::Send},
        {40325, 400, "Invalid alpha sender ID", "The alphanumeric sender ID is not valid: {}", R::Never, F::Send},
        {40328, 400, "SMS exceeds recommended size", "The SMS is longer than recommended.", R::Never, F::Send},
        {40329, 400, "Toll-free number not verified", "The toll-free number is not verified.", R::Never, F::Send},
        {40330, 400, "Toll-free number not provisioned", "The toll-free number is not provisioned.", R::Never,
         F::Send},
        {40331, 400, "No whitelisted destinations", "The messaging profile has no whitelisted destinations.",
         R::Never, F::Send},
        {40333, 400, "Spend limit reached", "The profile's daily spend limit was reached.", R::Never, F::Send},
    };
    std::sort(t.begin(), t.end(), [](const ErrorInfo& a, const ErrorInfo& b) { return a.code < b.code; });
    return t;
  }();
  return kTable;
}

constexpr std::string_view kErrorUrlPrefix = "https://developers.telnyx.com/docs/overview/errors/";

// The member `key` of `j` when it is present and not null.
std::optional<std::string> optional_string(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

// The member `key` of `j` when it is an object, else null.
const json* object_member(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

}  // namespace

const ErrorInfo* find_error(int code) {
  const auto& t = table();
  auto it = std::lower_bound(t.begin(), t.end(), code, [](const ErrorInfo& e, int c) { return e.code < c; });
  return it != t.end() && it->code == code ? &*it : nullptr;
}

const std::vector<ErrorInfo>& error_catalogue() { return table(); }

bool ErrorObject::operator==(const ErrorObject& o) const {
  return code == o.code && title == o.title && detail == o.detail && source_pointer == o.source_pointer &&
         source_parameter == o.source_parameter && meta_url == o.meta_url;
}

void to_json(json& j, const ErrorObject& e) {
  // Optional members are omitted, not null: real Telnyx errors often carry only code/title/detail.
  j = json{{"code", e.code}, {"title", e.title}};
  if (e.detail) j["detail"] = *e.detail;
  if (e.source_pointer || e.source_parameter) {
    json src = json::object();
    if (e.source_pointer) src["pointer"] = *e.source_pointer;
    if (e.source_parameter) src["parameter"] = *e.source_parameter;
    j["source"] = std::move(src);
  }
  if (e.meta_url) j["meta"] = json{{"url", *e.meta_url}};
}

void from_json(const json& j, ErrorObject& e) {
  const json& code = j.at("code");
  // The wire type is a string; tolerate an integer from sloppy producers.
  e.code = code.is_number_integer() ? std::to_string(code.get<int64_t>()) : code.get<std::string>();
  e.title = j.at("title").get<std::string>();
  e.detail = optional_string(j, "detail");
  const json* source = object_member(j, "source");
  e.source_pointer = source ? optional_string(*source, "pointer") : std::nullopt;
  e.source_parameter = source ? optional_string(*source, "parameter") : std::nullopt;
  const json* meta = object_member(j, "meta");
  e.meta_url = meta ? optional_string(*meta, "url") : std::nullopt;
}

void to_json(json& j, const ErrorEnvelope& e) {
  json arr = json::array();
  for (const auto& o : e.errors) arr.push_back(o);
  j = json{{"errors", std::move(arr)}};
}

void from_json(const json& j, ErrorEnvelope& e) { e.errors = j.at("errors").get<std::vector<ErrorObject>>(); }

ErrorObject make_error_object(int code, std::string_view detail_arg, std::optional<std::string> pointer) {
  ErrorObject e;
  e.code = std::to_string(code);
  e.meta_url = std::string(kErrorUrlPrefix) + e.code;
  e.source_pointer = std::move(pointer);
  const ErrorInfo* info = find_error(code);
  if (!info) {
    e.title = "Unexpected error";
    if (!detail_arg.empty()) e.detail = std::string(detail_arg);
    return e;
  }
  e.title = std::string(info->title);
  const std::string tmpl(info->detail);
  const size_t at = tmpl.find("{}");
  if (at == std::string::npos) {
    // No placeholder: a non-empty argument is the caller's own, more specific detail.
    e.detail = detail_arg.empty() ? tmpl : std::string(detail_arg);
  } else if (detail_arg.empty()) {
    // A template with a hole reads badly without its argument; the title says enough.
    e.detail = std::string(info->title) + ".";
  } else {
    e.detail = tmpl.substr(0, at) + std::string(detail_arg) + tmpl.substr(at + 2);
  }
  return e;
}

std::string error_body(int code, std::string_view detail_arg, std::optional<std::string> pointer) {
  return error_body(make_error_object(code, detail_arg, std::move(pointer)));
}

std::string error_body(const ErrorObject& e) {
  ErrorEnvelope env;
  env.errors.push_back(e);
  // The detail may come from the caller's input, which need not be UTF-8.
  return json(env).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace harness::core
