// The body of POST /v2/messages (and the typed send endpoints), decoded with precise errors:
// each problem carries the Telnyx code and a JSON pointer (contract §3.1, §4). Unknown fields are
// ignored. Type errors -> 10015 with source.pointer; missing `to` -> 10004 (422).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "core/errors.h"
#include "core/expected.h"
#include "core/json.h"

namespace harness::core {

struct SendRequest {
  std::string to;
  std::optional<std::string> from;
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> text;
  std::optional<std::string> subject;
  std::vector<std::string> media_urls;
  std::optional<std::string> type;                 // "SMS" | "MMS"
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_failover_url;
  bool use_profile_webhooks = true;
  bool auto_detect = false;
  std::string encoding = "auto";                   // auto | gsm7 | ucs2
  std::optional<std::string> send_at;
  std::vector<std::string> tags;
  bool operator==(const SendRequest& o) const;
};
void to_json(json& j, const SendRequest& r);       // absent optionals are omitted, not null

struct RequestProblem {
  int http_status;          // 400 / 422
  ErrorObject error;        // code, title, detail, source.pointer
};
// Decodes an already-parsed JSON body; checks types and presence, not business rules.
Expected<SendRequest, RequestProblem> decode_send_request(const json& body);
// Parses raw bytes first: malformed JSON -> 400 / 10015; non-object -> 400 / 10015.
Expected<SendRequest, RequestProblem> decode_send_request(std::string_view raw_body);
// Raw-body overloads for std::string and literals: without them such calls would be ambiguous
// between the json and string_view overloads (json converts implicitly from strings).
Expected<SendRequest, RequestProblem> decode_send_request(const std::string& raw_body);
Expected<SendRequest, RequestProblem> decode_send_request(const char* raw_body);

// The content rules every message passes, sent or simulated inbound: text or media (40316),
// no media on type SMS (40304), at most 10 media URLs (40317). The status is the catalogue's.
std::optional<RequestProblem> content_problem(bool has_text, size_t media_count,
                                              const std::optional<std::string>& type = std::nullopt);

}  // namespace harness::core
