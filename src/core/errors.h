// The Telnyx error catalogue (contract §4): code -> HTTP status, title, detail template and
// retry class, and the error envelope {"errors":[...]}. The HTTP status of 403xx send errors is
// unconfirmed upstream: it defaults to 400 (contract §12) and callers may override it per code.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "core/json.h"

namespace harness::core {

enum class RetryClass {
  Never,              // fix the request or the account first (validation, auth, permanent)
  AfterRetryAfter,    // 429: wait for Retry-After / x-ratelimit-reset, then retry
  Backoff,            // 5xx and transient: retry with exponential backoff
  Automatic,          // delivery errors Telnyx retries itself (40006, 40008)
  AfterIntervention,  // delivery errors that need a change before retrying (contract §4.4)
  Permanent,          // delivery errors that will never succeed
};

enum class ErrorFamily { General, Send, Delivery, NumberState, Account };

struct ErrorInfo {
  int code;
  int http_status;            // for synchronous errors; 0 for asynchronous delivery errors
  std::string_view title;
  std::string_view detail;    // template; "{}" is replaced by the argument of make_error_object
  RetryClass retry;
  ErrorFamily family;
};

// nullptr when the code is not in the catalogue.
const ErrorInfo* find_error(int code);
// Every catalogued code, ascending.
const std::vector<ErrorInfo>& error_catalogue();

// One element of "errors": code is a string holding an integer (contract §4.1).
struct ErrorObject {
  std::string code;
  std::string title;
  std::optional<std::string> detail;
  std::optional<std::string> source_pointer;    // "source": {"pointer": "/to"}
  std::optional<std::string> source_parameter;  // "source": {"parameter": "page[size]"}
  std::optional<std::string> meta_url;          // "meta": {"url": ".../errors/<code>"}
  bool operator==(const ErrorObject& o) const;
};
void to_json(json& j, const ErrorObject& e);
void from_json(const json& j, ErrorObject& e);

struct ErrorEnvelope {
  std::vector<ErrorObject> errors;
};
void to_json(json& j, const ErrorEnvelope& e);
void from_json(const json& j, ErrorEnvelope& e);

// Builds the catalogued error (title, detail from the template with `detail_arg`, meta.url).
// Detail rules: a template with "{}" gets `detail_arg` substituted (an empty argument yields
// "<title>." rather than a sentence with a hole); a template without "{}" is used as is unless
// `detail_arg` is non-empty, which then replaces it as the caller's more specific detail.
// An unknown code yields title "Unexpected error" and the code as given.
ErrorObject make_error_object(int code, std::string_view detail_arg = {},
                              std::optional<std::string> pointer = std::nullopt);
// {"errors":[make_error_object(...)]} serialised.
std::string error_body(int code, std::string_view detail_arg = {},
                       std::optional<std::string> pointer = std::nullopt);
// {"errors":[e]} serialised (an error already built, e.g. a RequestProblem's).
std::string error_body(const ErrorObject& e);

}  // namespace harness::core
