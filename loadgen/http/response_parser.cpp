#include "loadgen/http/response_parser.h"

#include <algorithm>
#include <cctype>

namespace harness::loadgen::http {
namespace {

constexpr size_t kMaxLine = 16 * 1024;      // a longer line means a broken or hostile peer
constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr uint64_t kMaxBody = 64ull << 20;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view list, std::string_view token) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    if (iequals(trim(list.substr(pos, comma - pos)), token)) return true;
    pos = comma + 1;
  }
  return false;
}

bool parse_decimal(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace

// Keeps the buffers' capacity: a connection parses one response after another.
void ResponseParser::reset() {
  state_ = State::NeedMore;
  phase_ = Phase::StatusLine;
  line_.clear();
  body_.clear();
  error_.clear();
  status_ = 0;
  http10_ = false;
  keep_alive_ = true;
  chunked_ = false;
  has_length_ = false;
  remaining_ = 0;
  retry_after_ = -1;
  header_bytes_ = 0;
}

ResponseParser::State ResponseParser::fail(std::string why) {
  error_ = std::move(why);
  phase_ = Phase::Finished;
  return state_ = State::Error;
}

// Collects one CRLF- (or LF-) terminated line, possibly across feeds. True when complete.
bool ResponseParser::take_line(std::string_view data, size_t& i, std::string& line) {
  const size_t nl = data.find('\n', i);
  const size_t end = nl == std::string_view::npos ? data.size() : nl;
  line_.append(data.data() + i, end - i);
  i = nl == std::string_view::npos ? data.size() : nl + 1;
  if (nl == std::string_view::npos) return false;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  line.swap(line_);
  line_.clear();
  return true;
}

bool ResponseParser::on_status_line(const std::string& line) {
  // "HTTP/1.1 200 OK"
  if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0 || line[8] != ' ') return false;
  http10_ = line.compare(5, 3, "1.0") == 0;
  keep_alive_ = !http10_;
  if (!std::isdigit(static_cast<unsigned char>(line[9])) || !std::isdigit(static_cast<unsigned char>(line[10])) ||
      !std::isdigit(static_cast<unsigned char>(line[11])))
    return false;
  status_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  return status_ >= 100;
}

bool ResponseParser::on_header(const std::string& line) {
  const size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string_view name(line.data(), colon);
  const std::string_view value = trim(std::string_view(line).substr(colon + 1));
  if (iequals(name, "content-length")) {
    uint64_t n = 0;
    if (!parse_decimal(value, n) || n > kMaxBody) return false;
    if (has_length_ && n != remaining_) return false;   // conflicting lengths: request smuggling
    has_length_ = true;
    remaining_ = n;
  } else if (iequals(name, "transfer-encoding")) {
    chunked_ = contains_token(value, "chunked");
  } else if (iequals(name, "connection")) {
    if (contains_token(value, "close")) keep_alive_ = false;
    if (contains_token(value, "keep-alive")) keep_alive_ = true;
  } else if (iequals(name, "retry-after")) {
    uint64_t n = 0;
    retry_after_ = parse_decimal(value, n) ? static_cast<int64_t>(n) : -1;
  }
  return true;
}

void ResponseParser::headers_done() {
  if (status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200)) {
    phase_ = Phase::Finished;
  } else if (chunked_) {
    phase_ = Phase::ChunkSize;   // chunked wins over Content-Length (RFC 9112 6.3)
  } else if (has_length_) {
    phase_ = remaining_ == 0 ? Phase::Finished : Phase::Body;
  } else {
    phase_ = Phase::UntilEof;
    keep_alive_ = false;
  }
}

ResponseParser::State ResponseParser::feed(std::string_view data, size_t& consumed) {
  size_t i = 0;
  std::string line;
  while (state_ == State::NeedMore) {
    if (phase_ == Phase::Finished) {
      // An interim 1xx response is skipped: the real one follows on the same connection.
      if (status_ >= 100 && status_ < 200) {
        const size_t keep = i;
        reset();
        i = keep;
        continue;
      }
      state_ = State::Done;
      break;
    }
    if (i >= data.size()) break;
    switch (phase_) {
      case Phase::StatusLine:
      case Phase::Headers:
      case Phase::Trailers: {
        const size_t before = i;
        const bool complete = take_line(data, i, line);
        header_bytes_ += i - before;
        if (line_.size() > kMaxLine || header_bytes_ > kMaxHeaderBytes) return consumed = i, fail("header too long");
        if (!complete) break;
        if (phase_ == Phase::StatusLine) {
          if (!on_status_line(line)) return consumed = i, fail("bad status line");
          phase_ = Phase::Headers;
        } else if (phase_ == Phase::Headers) {
          if (line.empty()) {
            headers_done();
          } else if (!on_header(line)) {
            return consumed = i, fail("bad header: " + line.substr(0, 80));
          }
        } else if (line.empty()) {
          phase_ = Phase::Finished;   // end of trailers
        }
        break;
      }
      case Phase::Body:
      case Phase::ChunkData: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - i));
        body_.append(data.data() + i, n);
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) phase_ = phase_ == Phase::Body ? Phase::Finished : Phase::ChunkDataEnd;
        break;
      }
      case Phase::ChunkSize: {
        if (!take_line(data, i, line)) {
          if (line_.size() > kMaxLine) return consumed = i, fail("chunk size line too long");
          break;
        }
        const std::string_view hex = trim(std::string_view(line).substr(0, line.find(';')));
        if (hex.empty() || hex.size() > 15) return consumed = i, fail("bad chunk size");
        uint64_t n = 0;
        for (char c : hex) {
          const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                        : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                    : -1;
          if (d < 0) return consumed = i, fail("bad chunk size");
          n = n * 16 + static_cast<uint64_t>(d);
        }
        if (body_.size() + n > kMaxBody) return consumed = i, fail("body too large");
        remaining_ = n;
        phase_ = n == 0 ? Phase::Trailers : Phase::ChunkData;
        break;
      }
      case Phase::ChunkDataEnd: {
        if (!take_line(data, i, line)) break;
        if (!line.empty()) return consumed = i, fail("chunk not followed by CRLF");
        phase_ = Phase::ChunkSize;
        break;
      }
      case Phase::UntilEof:
        if (body_.size() + (data.size() - i) > kMaxBody) return consumed = i, fail("body too large");
        body_.append(data.data() + i, data.size() - i);
        i = data.size();
        break;
      case Phase::Finished:
        break;
    }
  }
  consumed = i;
  return state_;
}

ResponseParser::State ResponseParser::on_eof() {
  if (state_ != State::NeedMore) return state_;
  if (phase_ == Phase::UntilEof) {
    phase_ = Phase::Finished;
    keep_alive_ = false;
    return state_ = State::Done;
  }
  return fail("connection closed mid-response");
}

}  // namespace harness::loadgen::http
