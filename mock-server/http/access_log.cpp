#include "http/access_log.h"

#include <algorithm>
#include <cstdio>
#include "webhook/attempt_log.h"

namespace harness::mock {
namespace {

// " 1.4ms": one decimal, without printf (every request's line has one).
void append_ms(std::string& out, double v) {
  if (!(v >= 0) || v > 1e12) {   // never for a measured latency; printf says what it is
    char buf[48];
    std::snprintf(buf, sizeof buf, " %.1fms", v);
    out += buf;
    return;
  }
  const auto tenths = static_cast<uint64_t>(v * 10 + 0.5);
  out += ' ';
  out += std::to_string(tenths / 10);
  out += '.';
  out += static_cast<char>('0' + tenths % 10);
  out += "ms";
}

// Paths and URLs come from the client: keep the line one line.
void append_printable(std::string& out, std::string_view s, size_t max = 200) {
  const bool cut = s.size() > max;
  const size_t from = out.size();
  out.append(s.data(), cut ? max : s.size());   // one append, then the controls replaced in place
  for (size_t i = from; i < out.size(); ++i) {
    const auto u = static_cast<unsigned char>(out[i]);
    if (u < 0x20 || u == 0x7f) out[i] = '?';
  }
  if (cut) out += "…";
}

std::string printable(std::string_view s, size_t max = 200) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  append_printable(out, s, max);
  return out;
}

}  // namespace

std::string AccessLog::key_prefix(std::string_view api_key) {
  if (api_key.empty()) return "-";
  if (api_key.size() <= 8) return printable(api_key);
  return printable(api_key.substr(0, 8)) + "…";
}

std::string AccessLog::stamp() const {
  // format_rfc3339 goes through printf: under load many lines share one millisecond, so each
  // thread keeps its last answer (the text depends on the millisecond alone).
  thread_local core::TimePoint last_ms{};
  thread_local std::string last;
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.now());
  if (last.empty() || ms != last_ms) {
    // "2025-03-01T12:00:03.148+00:00" -> "12:00:03.148"
    const std::string t = core::format_rfc3339(ms);
    last = t.size() >= 23 ? t.substr(11, 12) : t;
    last_ms = ms;
  }
  return last;
}

void AccessLog::request(std::string_view method, std::string_view path, int status,
                        std::string_view api_key, double latency_ms, std::optional<int> error_code) {
  // One line per request on the serving thread: built in place, no temporaries.
  std::string line;
  line.reserve(96 + std::min<size_t>(path.size(), 200));
  line += "telnyx-mock: ";
  line += stamp();
  line += ' ';
  append_printable(line, method, 16);
  line += ' ';
  append_printable(line, path);
  line += ' ';
  line += std::to_string(status);
  line += " key=";
  line += key_prefix(api_key);
  append_ms(line, latency_ms);
  if (error_code) {
    line += " code=";
    line += std::to_string(*error_code);
  }
  write(line);
}

void AccessLog::webhook(const AttemptRecord& r) {
  std::string line = "telnyx-mock: " + stamp() + " --> " + r.event_type;
  if (!r.message_id.empty()) line += " msg=" + r.message_id.substr(0, 8) + "…";
  if (r.url.empty()) {
    line += " not sent (" + std::string(outcome_name(r.outcome)) + ")";
  } else {
    line += " POST " + printable(r.url) + " [" + (r.http_status ? std::to_string(r.http_status) : "---") + "]";
    append_ms(line, r.latency_ms);
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

BatchedLineWriter::BatchedLineWriter(std::FILE* out, std::chrono::milliseconds interval, size_t max_buffer)
    : out_(out), max_buffer_(max_buffer), ticker_(std::in_place, interval, [this] { flush(); }) {}

BatchedLineWriter::~BatchedLineWriter() {
  ticker_.reset();   // no periodic flush can run after this one
  flush();
}

void BatchedLineWriter::write_line(std::string_view line) {
  bool full = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    buf_.append(line.data(), line.size());
    buf_ += '\n';
    full = buf_.size() >= max_buffer_;
  }
  if (full) flush();
}

void BatchedLineWriter::flush() {
  std::lock_guard<std::mutex> io(io_mu_);
  {
    // The buffer written last time, emptied, takes the place of this one: no allocation here.
    std::lock_guard<std::mutex> lk(mu_);
    if (buf_.empty()) return;
    spare_.swap(buf_);
  }
  std::fwrite(spare_.data(), 1, spare_.size(), out_);
  std::fflush(out_);
  spare_.clear();
  if (spare_.capacity() > 2 * max_buffer_) spare_.shrink_to_fit();
}

}  // namespace harness::mock
