// Errors as values for the reference sender: ErrorKind, Error and Result<T>.
//
// What the caller should do with each kind (STYLE rule 3; contract §4, §5):
//   Validation      never retry: fix the request (client-side checks, HTTP 400/422/415).
//   Authentication  never retry: fix the key or the account (HTTP 401, 403/10010).
//   RateLimit       retry after `retry_after` (Retry-After, else x-ratelimit-reset; HTTP 429).
//   Network         `ambiguous == false` (connect failed, circuit open): nothing reached Telnyx,
//                   safe to retry with backoff. `ambiguous == true` (timeout or reset after the
//                   request was written): the request may have been accepted; do NOT resend
//                   blindly - reconcile first, unless the request carried an idempotency key.
//   Api             5xx (and 408): retry with backoff; other statuses (404, 409, ...): do not.
// This header owns the classification of an HTTP answer into an Error; it does no I/O.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/expected.h"

namespace harness::client {

enum class ErrorKind { Validation, Authentication, RateLimit, Network, Api };
std::string_view to_string(ErrorKind k);

struct Error {
  ErrorKind type = ErrorKind::Api;
  int http_status = 0;             // 0 when no HTTP answer (validation, network)
  std::string code;                // Telnyx code as on the wire ("10011"), or a client code
  std::string title;
  std::string detail;
  std::optional<std::chrono::milliseconds> retry_after;   // RateLimit only
  std::string request_id;          // x-request-id of the answer, when there was one
  std::string pointer;             // source.pointer ("/to") when known
  bool ambiguous = false;          // Network only: the request may have been processed

  // Whether a plain resend of the same request is safe and useful (see the table above).
  bool retryable() const;
  std::string summary() const;     // one line: "rate_limit 429 10011 Too many requests: ..."
};

// Client-side error codes (not Telnyx codes) for failures without an HTTP answer.
inline constexpr std::string_view kCodeConnectFailed = "connect_failed";
inline constexpr std::string_view kCodeNoResponse = "no_response";       // ambiguous
inline constexpr std::string_view kCodeCircuitOpen = "circuit_open";
inline constexpr std::string_view kCodeBadResponse = "bad_response";     // unparsable 2xx body

// Response headers with lower-cased names.
using Headers = std::map<std::string, std::string>;

// A failure found before sending (or a caller's bad input): type Validation, a Telnyx code and
// title, the detail and the JSON pointer of the offending field ("/to"), when there is one.
Error validation_error(std::string code, std::string title, std::string detail, std::string pointer = {});

// Classifies a non-2xx HTTP answer: reads the first element of {"errors":[...]} (tolerating
// other shapes), Retry-After / retry-after-ms / x-ratelimit-reset and x-request-id.
Error error_from_http(int status, std::string_view body, const Headers& headers);
// Seconds or milliseconds from the rate-limit headers; nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> retry_after_from_headers(const Headers& headers);

// A value or an Error: core::Expected with an Error on the failure side. It adds only the
// implicit conversion from Error, so `return err;` works in functions returning Result<T>.
template <class T>
class [[nodiscard]] Result : public core::Expected<T, Error> {
 public:
  Result(T v) : core::Expected<T, Error>(std::move(v)) {}                        // NOLINT
  Result(Error e) : core::Expected<T, Error>(core::unexpected(std::move(e))) {}  // NOLINT
};

}  // namespace harness::client
