#include "client/error.h"

#include <cctype>
#include <cstdlib>

#include "core/errors.h"
#include "core/json.h"

namespace harness::client {

std::string_view to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::Validation: return "validation";
    case ErrorKind::Authentication: return "authentication";
    case ErrorKind::RateLimit: return "rate_limit";
    case ErrorKind::Network: return "network";
    case ErrorKind::Api: return "api";
  }
  return "api";
}

bool Error::retryable() const {
  switch (type) {
    case ErrorKind::Validation:
    case ErrorKind::Authentication: return false;
    case ErrorKind::RateLimit: return true;
    case ErrorKind::Network: return !ambiguous;
    case ErrorKind::Api: return http_status >= 500 || http_status == 408;
  }
  return false;
}

std::string Error::summary() const {
  std::string s(to_string(type));
  if (http_status) s += " " + std::to_string(http_status);
  if (!code.empty()) s += " " + code;
  if (!title.empty()) s += " " + title;
  if (!detail.empty()) s += ": " + detail;
  if (retry_after) s += " (retry after " + std::to_string(retry_after->count()) + " ms)";
  if (ambiguous) s += " (ambiguous: may have been processed)";
  return s;
}

namespace {

// A strictly non-negative decimal number of seconds, possibly fractional ("2", "1.5").
std::optional<double> parse_seconds(const std::string& v) {
  if (v.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str()) return std::nullopt;
  while (*end && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (*end || !(d >= 0) || d > 86400.0 * 365) return std::nullopt;
  return d;
}

const std::string* find(const Headers& h, const char* name) {
  auto it = h.find(name);
  return it == h.end() ? nullptr : &it->second;
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_from_headers(const Headers& headers) {
  using std::chrono::milliseconds;
  // Order follows the official SDKs (contract §5.1): retry-after-ms, Retry-After, then the
  // documented x-ratelimit-reset. HTTP-date Retry-After values are not used by Telnyx.
  if (auto* v = find(headers, "retry-after-ms"))
    if (auto d = parse_seconds(*v)) return milliseconds(static_cast<long long>(*d));
  if (auto* v = find(headers, "retry-after"))
    if (auto d = parse_seconds(*v)) return milliseconds(static_cast<long long>(*d * 1000));
  if (auto* v = find(headers, "x-ratelimit-reset"))
    if (auto d = parse_seconds(*v)) return milliseconds(static_cast<long long>(*d * 1000));
  return std::nullopt;
}

Error validation_error(std::string code, std::string title, std::string detail, std::string pointer) {
  Error e;
  e.type = ErrorKind::Validation;
  e.code = std::move(code);
  e.title = std::move(title);
  e.detail = std::move(detail);
  e.pointer = std::move(pointer);
  return e;
}

Error error_from_http(int status, std::string_view body, const Headers& headers) {
  Error e;
  e.http_status = status;
  if (auto* id = find(headers, "x-request-id")) e.request_id = *id;

  core::json j = core::json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("errors") && j["errors"].is_array() &&
      !j["errors"].empty() && j["errors"][0].is_object()) {
    const core::json& first = j["errors"][0];
    if (first.contains("code")) {
      const auto& c = first["code"];
      e.code = c.is_string() ? c.get<std::string>() : c.dump();   // tolerate numeric codes
    }
    e.title = first.value("title", std::string());
    if (first.contains("detail") && first["detail"].is_string()) e.detail = first["detail"];
    if (first.contains("source") && first["source"].is_object()) {
      const auto& src = first["source"];
      if (src.contains("pointer") && src["pointer"].is_string()) e.pointer = src["pointer"];
    }
  } else if (!body.empty()) {
    // Not the Telnyx envelope (a proxy page, the deprecated mock's Stripe shape): keep a prefix.
    e.detail = std::string(body.substr(0, 200));
  }

  if (status == 429 || e.code == "10011") {
    e.type = ErrorKind::RateLimit;
    e.retry_after = retry_after_from_headers(headers);
  } else if (status == 401 || e.code == "10009" || (status == 403 && e.code == "10010")) {
    e.type = ErrorKind::Authentication;
  } else if (status == 400 || status == 422 || status == 415) {
    e.type = ErrorKind::Validation;
  } else if (status == 403 && !e.code.empty() && e.code.rfind("403", 0) == 0) {
    // Send errors (403xx) may come with 403 (contract §4.3: status unconfirmed upstream).
    e.type = ErrorKind::Validation;
  } else {
    e.type = ErrorKind::Api;
  }
  if (e.title.empty()) {
    if (!e.code.empty()) {
      if (auto* info = core::find_error(std::atoi(e.code.c_str()))) e.title = std::string(info->title);
    }
    if (e.title.empty()) e.title = "HTTP " + std::to_string(status);
  }
  return e;
}

}  // namespace harness::client
