#include "http/access_log.h"

#include <cstdio>
#include "webhook/attempt_log.h"

namespace harness::mock {
namespace {

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fms", v);
  return buf;
}

// Paths and URLs come from the client: keep the line one line.
std::string printable(std::string_view s, size_t max = 200) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (char c : s) {
    if (out.size() >= max) {
      out += "…";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out;
}

}  // namespace

std::string AccessLog::key_prefix(std::string_view api_key) {
  if (api_key.empty()) return "-";
  if (api_key.size() <= 8) return printable(api_key);
  return printable(api_key.substr(0, 8)) + "…";
}

std::string AccessLog::stamp() const {
  // format_rfc3339: "2025-03-01T12:00:03.148+00:00" -> "12:00:03.148"
  const std::string t = core::format_rfc3339(clock_.now());
  return t.size() >= 23 ? t.substr(11, 12) : t;
}

void AccessLog::request(std::string_view method, std::string_view path, int status,
                        std::string_view api_key, double latency_ms, std::optional<int> error_code) {
  std::string line = "telnyx-mock: " + stamp() + " " + printable(method, 16) + " " + printable(path) + " " +
                     std::to_string(status) + " key=" + key_prefix(api_key) + " " + ms(latency_ms);
  if (error_code) line += " code=" + std::to_string(*error_code);
  write(line);
}

void AccessLog::webhook(const AttemptRecord& r) {
  std::string line = "telnyx-mock: " + stamp() + " --> " + r.event_type;
  if (!r.message_id.empty()) line += " msg=" + r.message_id.substr(0, 8) + "…";
  if (r.url.empty()) {
    line += " not sent (" + std::string(outcome_name(r.outcome)) + ")";
  } else {
    line += " POST " + printable(r.url) + " [" + (r.http_status ? std::to_string(r.http_status) : "---") + "] " +
            ms(r.latency_ms);
    if (!r.error.empty()) line += " error=" + printable(r.error, 80);
    if (r.attempt > 1 || !r.error.empty()) line += " (attempt " + std::to_string(r.attempt) + ")";
  }
  for (const auto& c : r.chaos) line += " chaos=" + c;
  write(line);
}

void AccessLog::write(const std::string& line) {
  std::lock_guard<std::mutex> lk(mu_);
  sink_(line);
}

}  // namespace harness::mock
