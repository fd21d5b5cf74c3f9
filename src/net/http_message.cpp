#include "net/http_message.h"

#include <http_parser.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace harness::net {

void write_request(const Request& r, std::string& out) {
  out.reserve(out.size() + 128 + r.body.size());
  out += r.method;
  out += ' ';
  out += r.target.empty() ? "/" : r.target;
  out += " HTTP/1.1\r\nHost: ";
  out += r.host;
  out += "\r\n";
  for (const auto& [k, v] : r.headers) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    out += "Content-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += r.body;
}

std::string Origin::key() const { return (tls ? "https://" : "http://") + host_header(); }

std::string Origin::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl out;
  if (url.substr(0, 7) == "http://") {
    url.remove_prefix(7);
  } else if (url.substr(0, 8) == "https://") {
    out.origin.tls = true;
    url.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  const size_t hash = url.find('#');
  if (hash != std::string_view::npos) url = url.substr(0, hash);
  const size_t end = url.find_first_of("/?");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;   // no userinfo
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    const int p = std::stoi(std::string(port));
    if (p <= 0 || p > 65535) return std::nullopt;
  }
  out.origin.host = std::string(host);
  out.origin.port = port.empty() ? (out.origin.tls ? "443" : "80") : std::string(port);
  out.target = rest.empty() ? "/" : std::string(rest);
  if (out.target.front() == '?') out.target.insert(0, "/");
  return out;
}

// ---- ResponseParser --------------------------------------------------------------------------

struct ResponseParser::Impl {
  http_parser parser{};
  http_parser_settings settings{};
  State state = State::NeedMore;
  size_t body_limit;
  std::string body;
  std::string error;
  std::string field;          // header name being read (lower case)
  std::string value;          // its value
  bool in_value = false;
  size_t header_bytes = 0;
  size_t prefix_seen = 0;     // bytes of "HTTP/" checked at the start of the response
  uint64_t body_seen = 0;
  bool truncated = false;
  bool complete = false;
  bool keep_alive = false;
  int status = 0;
  int64_t retry_after = -1;

  explicit Impl(size_t limit) : body_limit(limit) {
    settings.on_message_begin = [](http_parser* p) { return self(p)->on_begin(); };
    settings.on_status = [](http_parser* p, const char*, size_t n) { return self(p)->count(n); };
    settings.on_header_field = [](http_parser* p, const char* at, size_t n) {
      return self(p)->on_field(at, n);
    };
    settings.on_header_value = [](http_parser* p, const char* at, size_t n) {
      return self(p)->on_value(at, n);
    };
    settings.on_headers_complete = [](http_parser* p) { return self(p)->on_headers_complete(); };
    settings.on_body = [](http_parser* p, const char* at, size_t n) { return self(p)->on_body(at, n); };
    settings.on_message_complete = [](http_parser* p) { return self(p)->on_complete(); };
    reset();
  }
  static Impl* self(http_parser* p) { return static_cast<Impl*>(p->data); }

  void reset() {
    http_parser_init(&parser, HTTP_RESPONSE);
    parser.data = this;
    state = State::NeedMore;
    clear_message();
    error.clear();
    prefix_seen = 0;
  }
  void clear_message() {
    body.clear();
    field.clear();
    value.clear();
    in_value = false;
    header_bytes = 0;
    body_seen = 0;
    truncated = false;
    complete = false;
    keep_alive = false;
    status = 0;
    retry_after = -1;
  }

  int on_begin() {
    clear_message();
    return 0;
  }
  int count(size_t n) {
    header_bytes += n;
    if (header_bytes > kMaxHeaderBytes) {
      error = "response header section larger than 64 KiB";
      return 1;
    }
    return 0;
  }
  void header_done() {
    if (field == "retry-after") {
      retry_after = -1;
      if (!value.empty() && value.size() <= 9 &&
          value.find_first_not_of("0123456789") == std::string::npos) {
        retry_after = std::stoll(value);
      }
    }
    field.clear();
    value.clear();
  }
  int on_field(const char* at, size_t n) {
    if (count(n)) return 1;
    if (in_value) {
      header_done();
      in_value = false;
    }
    for (size_t i = 0; i < n && field.size() < 64; ++i) {
      field += static_cast<char>(std::tolower(static_cast<unsigned char>(at[i])));
    }
    return 0;
  }
  int on_value(const char* at, size_t n) {
    if (count(n)) return 1;
    in_value = true;
    if (field == "retry-after" && value.size() < 64) value.append(at, std::min<size_t>(n, 64));
    return 0;
  }
  int on_headers_complete() {
    if (in_value) header_done();
    in_value = false;
    status = static_cast<int>(parser.status_code);
    return 0;
  }
  int on_body(const char* at, size_t n) {
    body_seen += n;
    const size_t room = body_limit > body.size() ? body_limit - body.size() : 0;
    body.append(at, std::min(n, room));
    if (n > room) {
      truncated = true;
      http_parser_pause(&parser, 1);   // stop here: the rest is never read
    }
    return 0;
  }
  int on_complete() {
    const int code = static_cast<int>(parser.status_code);
    if (code >= 100 && code < 200 && code != 101) return 0;   // interim: the real one follows
    complete = true;
    keep_alive = http_should_keep_alive(&parser) != 0;
    http_parser_pause(&parser, 1);   // one response per feed: the rest stays unconsumed
    return 0;
  }

  State fail_from_parser() {
    if (error.empty()) {
      error = std::string(http_errno_name(HTTP_PARSER_ERRNO(&parser))) + ": " +
              http_errno_description(HTTP_PARSER_ERRNO(&parser));
    }
    state = State::Error;
    return state;
  }

  State feed(std::string_view data, size_t& consumed) {
    consumed = 0;
    if (state != State::NeedMore) return state;
    if (data.empty()) return state;
    // libhttp-parser (built non-strict) does not check the protocol name: "HTTX/1.1" passes.
    static constexpr std::string_view kPrefix = "HTTP/";
    for (size_t i = 0; prefix_seen < kPrefix.size() && i < data.size(); ++i, ++prefix_seen) {
      if (data[i] != kPrefix[prefix_seen]) {
        error = "not an HTTP response";
        state = State::Error;
        return state;
      }
    }
    consumed = http_parser_execute(&parser, &settings, data.data(), data.size());
    const auto err = HTTP_PARSER_ERRNO(&parser);
    if (err == HPE_PAUSED) {
      if (complete || truncated) {
        if (truncated) keep_alive = false;
        status = static_cast<int>(parser.status_code);
        state = State::Done;
        return state;
      }
    }
    if (err != HPE_OK) return fail_from_parser();
    if (parser.upgrade) {
      error = "unexpected protocol upgrade";
      state = State::Error;
    }
    return state;
  }

  State on_eof() {
    if (state != State::NeedMore) return state;
    http_parser_execute(&parser, &settings, nullptr, 0);
    if (complete) {
      keep_alive = false;
      state = State::Done;
      return state;
    }
    if (HTTP_PARSER_ERRNO(&parser) != HPE_OK && HTTP_PARSER_ERRNO(&parser) != HPE_PAUSED) {
      return fail_from_parser();
    }
    error = "connection closed before the response was complete";
    state = State::Error;
    return state;
  }
};

ResponseParser::ResponseParser(size_t body_limit) : impl_(std::make_unique<Impl>(body_limit)) {}
ResponseParser::~ResponseParser() = default;
ResponseParser::ResponseParser(ResponseParser&& o) noexcept : impl_(std::move(o.impl_)) {
  if (impl_) impl_->parser.data = impl_.get();
}
ResponseParser& ResponseParser::operator=(ResponseParser&& o) noexcept {
  impl_ = std::move(o.impl_);
  if (impl_) impl_->parser.data = impl_.get();
  return *this;
}

ResponseParser::State ResponseParser::feed(std::string_view data, size_t& consumed) {
  return impl_->feed(data, consumed);
}
ResponseParser::State ResponseParser::on_eof() { return impl_->on_eof(); }
void ResponseParser::reset() { impl_->reset(); }
ResponseParser::State ResponseParser::state() const { return impl_->state; }
int ResponseParser::status() const { return impl_->status; }
bool ResponseParser::keep_alive() const { return impl_->keep_alive; }
const std::string& ResponseParser::body() const { return impl_->body; }
std::string ResponseParser::take_body() { return std::move(impl_->body); }
bool ResponseParser::truncated() const { return impl_->truncated; }
uint64_t ResponseParser::body_bytes() const { return impl_->body_seen; }
int64_t ResponseParser::retry_after_seconds() const { return impl_->retry_after; }
const std::string& ResponseParser::error() const { return impl_->error; }
size_t ResponseParser::body_limit() const { return impl_->body_limit; }
void ResponseParser::set_body_limit(size_t limit) { impl_->body_limit = limit; }

}  // namespace harness::net
