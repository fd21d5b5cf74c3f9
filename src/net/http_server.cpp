#include "net/http_server.h"
#include "net/headers.h"

#include <http_parser.h>

#include <algorithm>
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <climits>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

namespace harness::net {
namespace {

using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using TlsStream = asio::ssl::stream<tcp::socket>;
constexpr auto kNever = SteadyClock::time_point::max();
// Per connection: small, since ten thousand idle or delayed connections each hold one; bodies
// arrive in several reads.
constexpr size_t kReadChunk = 4 * 1024;
// After a closing answer the connection reads (and drops) what the peer still sends for this
// long, so the peer reads the answer instead of a reset caused by its unread bytes.
constexpr std::chrono::milliseconds kLingerDrain{1000};
// A failed accept (out of descriptors) is retried after this pause instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetry{50};
const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(TlsStream& s) { return s.next_layer(); }

// Reason phrases of the statuses the project sends; the phrase is informational (RFC 9112 §4).
const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
  }
}

void trim_right(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
}

}  // namespace

// What every connection of one server shares: limits, handlers, counters.
struct SharedState {
  ServerLimits limits;
  RequestHandler handler;
  RefusalHandler refuse;
  std::atomic<uint64_t> accepted{0}, rejected{0}, refused{0}, open{0}, streams{0};
};

namespace {

// What a stream's handle and its connection share: written from any thread, read on the loop.
struct StreamShared {
  std::atomic<bool> open{true};
  std::atomic<size_t> queued{0};
  size_t cap = 0;
};

template <class Stream>
class Connection final : public Exchange, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(SharedState& sh, Stream stream)
      : sh_(sh), stream_(std::move(stream)), timer_(lowest(stream_).get_executor()),
        delay_(lowest(stream_).get_executor()), in_(kReadChunk) {
    sh_.open.fetch_add(1);
    http_parser_init(&parser_, HTTP_REQUEST);
    parser_.data = this;
  }
  ~Connection() override {
    end_park(ParkEnd::Shutdown);
    end_stream(StreamEnd::Shutdown);
    sh_.open.fetch_sub(1);
  }

  void start() {
    asio::error_code ec;
    const auto ep = lowest(stream_).remote_endpoint(ec);
    if (!ec) {
      remote_addr_ = ep.address().to_string();
      remote_port_ = ep.port();
    }
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      state_ = State::Handshake;
      set_deadline(SteadyClock::now() + sh_.limits.request_timeout);
      auto self = this->shared_from_this();
      stream_.async_handshake(asio::ssl::stream_base::server, [self](const asio::error_code& e) {
        if (self->state_ == State::Closed) return;
        if (e) return self->close();
        self->begin_idle();
      });
    } else {
      begin_idle();
    }
  }

  // ---- Exchange ----

  void reply() override {
    if (finished_ || state_ == State::Closed) return;
    finished_ = true;
    const std::string* connection = find_header(res.headers, "Connection");
    const bool close = !keep_alive_ || (connection && *connection == "close");
    serialize(close);
    state_ = State::Writing;
    close_after_write_ = close;
    set_deadline(SteadyClock::now() + sh_.limits.write_timeout);
    flush();
  }

  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    if (state_ == State::Closed) return;
    delay_.expires_after(delay);
    auto self = this->shared_from_this();
    delay_.async_wait([self, fn = std::move(fn)](const asio::error_code& ec) {
      if (ec || self->state_ == State::Closed) return;
      fn();
    });
  }

  void reset() override {
    if (finished_ || state_ == State::Closed) return;
    finished_ = true;
    asio::error_code ec;
    lowest(stream_).set_option(asio::socket_base::linger(true, 0), ec);
    close();
  }

  void close_silently() override {
    if (finished_ || state_ == State::Closed) return;
    finished_ = true;
    asio::error_code ec;
    lowest(stream_).shutdown(tcp::socket::shutdown_both, ec);
    close();
  }

  void send_raw_and_close(std::string_view bytes) override {
    if (finished_ || state_ == State::Closed) return;
    finished_ = true;
    pending_.append(bytes.data(), bytes.size());
    state_ = State::Writing;
    close_after_write_ = true;
    set_deadline(SteadyClock::now() + sh_.limits.write_timeout);
    flush();
  }

  void park(std::chrono::milliseconds cap, std::function<void(ParkEnd)> on_end) override {
    if (finished_ || state_ == State::Closed) {
      if (on_end) on_end(ParkEnd::Shutdown);
      return;
    }
    finished_ = true;
    on_park_end_ = std::move(on_end);
    state_ = State::Parked;
    in_pos_ = in_len_ = 0;   // a pipelined request behind this one is never answered either
    set_deadline(SteadyClock::now() + cap);
    read_more();
  }

  std::shared_ptr<StreamHandle> stream(StreamOptions opts, std::function<void(StreamEnd)> on_end) override;

  bool finished() const override { return finished_; }

  // ---- stream, on the loop (posted by Handle) ----

  void stream_push(std::string bytes) {
    if (state_ != State::Streaming) return;
    counted_pending_ += bytes.size();
    pending_ += bytes;
    flush();
  }

  void stream_overflow() {
    if (state_ != State::Streaming) return;
    end_stream(StreamEnd::Overflow);
    close();
  }

  // Writes what is queued, then closes (FIN) and drains.
  void stream_finish() {
    if (state_ != State::Streaming) return;
    end_stream(StreamEnd::Closed);
    state_ = State::Writing;
    close_after_write_ = true;
    set_deadline(SteadyClock::now() + sh_.limits.write_timeout);
    if (!writing_ && pending_.empty()) return drain();
    flush();
  }

 private:
  enum class State { Handshake, Idle, Reading, Processing, Writing, Draining, Parked, Streaming, Closed };
  class Handle;

  static Connection* of(http_parser* p) { return static_cast<Connection*>(p->data); }

  static const http_parser_settings& settings() {
    static const http_parser_settings s = [] {
      http_parser_settings st{};
      st.on_message_begin = [](http_parser* p) { return of(p)->on_message_begin(); };
      st.on_url = [](http_parser* p, const char* at, size_t n) { return of(p)->on_url(at, n); };
      st.on_header_field = [](http_parser* p, const char* at, size_t n) { return of(p)->on_header_field(at, n); };
      st.on_header_value = [](http_parser* p, const char* at, size_t n) { return of(p)->on_header_value(at, n); };
      st.on_headers_complete = [](http_parser* p) { return of(p)->on_headers_complete(); };
      st.on_body = [](http_parser* p, const char* at, size_t n) { return of(p)->on_body(at, n); };
      st.on_message_complete = [](http_parser* p) { return of(p)->on_message_complete(); };
      return st;
    }();
    return s;
  }

  // ---- parser callbacks ----

  int on_message_begin() {
    req = httplib::Request();
    res = httplib::Response();
    url_.clear();
    field_.clear();
    value_.clear();
    in_value_ = false;
    header_count_ = 0;
    header_bytes_ = 0;
    message_done_ = false;
    finished_ = false;
    return 0;
  }

  int on_url(const char* at, size_t n) {
    if (url_.size() + n > sh_.limits.max_request_line_bytes) {
      return fail(414, "The request line exceeds " + std::to_string(sh_.limits.max_request_line_bytes) + " bytes.");
    }
    url_.append(at, n);
    return 0;
  }

  int on_header_field(const char* at, size_t n) {
    if (in_value_) commit_header();
    if (field_.empty() && ++header_count_ > sh_.limits.max_headers) {
      return fail(431, "The request has more than " + std::to_string(sh_.limits.max_headers) + " header fields.");
    }
    if (!count_header_bytes(n)) return 0;
    field_.append(at, n);
    return 0;
  }

  int on_header_value(const char* at, size_t n) {
    in_value_ = true;
    if (!count_header_bytes(n)) return 0;
    value_.append(at, n);
    return 0;
  }

  bool count_header_bytes(size_t n) {
    header_bytes_ += n;
    if (header_bytes_ <= sh_.limits.max_header_bytes) return true;
    fail(431, "The request header section exceeds " + std::to_string(sh_.limits.max_header_bytes) + " bytes.");
    return false;
  }

  void commit_header() {
    trim_right(value_);
    req.headers.emplace(std::move(field_), std::move(value_));
    field_.clear();
    value_.clear();
    in_value_ = false;
  }

  int on_headers_complete() {
    if (in_value_ || !field_.empty()) commit_header();
    fill_request_line();
    if (!url_ok_) return fail(400, "The request target is not a valid URL.");
    if ((parser_.flags & F_CONTENTLENGTH) && parser_.content_length > sh_.limits.max_body_bytes) {
      return fail(413, body_limit_detail());
    }
    keep_alive_ = http_should_keep_alive(&parser_) != 0;
    const bool body_follows = (parser_.flags & F_CHUNKED) || ((parser_.flags & F_CONTENTLENGTH) && parser_.content_length > 0);
    if (body_follows && parser_.http_minor >= 1 && expects_continue()) {
      pending_.append(kContinue, sizeof kContinue - 1);
      flush();
    }
    return 0;
  }

  bool expects_continue() const {
    const std::string* expect = find_header(req.headers, "Expect");
    return expect && iequals(*expect, "100-continue");
  }

  int on_body(const char* at, size_t n) {
    if (req.body.size() + n > sh_.limits.max_body_bytes) return fail(413, body_limit_detail());
    req.body.append(at, n);
    return 0;
  }

  int on_message_complete() {
    message_done_ = true;
    keep_alive_ = keep_alive_ && http_should_keep_alive(&parser_) != 0 && !parser_.upgrade;
    http_parser_pause(&parser_, 1);
    return 0;
  }

  std::string body_limit_detail() const {
    return "Request body exceeds " + std::to_string(sh_.limits.max_body_bytes) + " bytes.";
  }

  int fail(int status, std::string detail) {
    if (refusal_status_ == 0) {
      refusal_status_ = status;
      refusal_detail_ = std::move(detail);
    }
    if (HTTP_PARSER_ERRNO(&parser_) == HPE_OK) http_parser_pause(&parser_, 1);   // stop parsing here
    return 0;
  }

  void fill_request_line() {
    req.method = http_method_str(static_cast<http_method>(parser_.method));
    req.version = parser_.http_major == 1 && parser_.http_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    req.target = url_;
    req.remote_addr = remote_addr_;
    req.remote_port = remote_port_;
    url_ok_ = true;
    std::string_view path = url_, query;
    if (!path.empty() && path.front() != '/' && path != "*") {
      // absolute-form: http://host/path?query
      http_parser_url u;
      http_parser_url_init(&u);
      if (http_parser_parse_url(url_.data(), url_.size(), 0, &u) != 0) {
        url_ok_ = false;
        return;
      }
      path = (u.field_set & (1 << UF_PATH)) ? std::string_view(url_).substr(u.field_data[UF_PATH].off, u.field_data[UF_PATH].len)
                                            : std::string_view("/");
      if (u.field_set & (1 << UF_QUERY))
        query = std::string_view(url_).substr(u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len);
    } else {
      const size_t hash = path.find('#');
      if (hash != std::string_view::npos) path = path.substr(0, hash);
      const size_t q = path.find('?');
      if (q != std::string_view::npos) {
        query = path.substr(q + 1);
        path = path.substr(0, q);
      }
    }
    req.path = httplib::detail::decode_url(std::string(path), false);
    if (!query.empty()) httplib::detail::parse_query_text(std::string(query), req.params);
  }

  // ---- connection states ----

  void begin_idle() {
    state_ = State::Idle;
    if (in_pos_ < in_len_) {   // a pipelined request is already here
      state_ = State::Reading;
      set_deadline(SteadyClock::now() + sh_.limits.request_timeout);
      parse();
      return;
    }
    set_deadline(SteadyClock::now() + sh_.limits.idle_timeout);
    read_more();
  }

  void read_more() {
    if (reading_ || state_ == State::Closed) return;
    reading_ = true;
    in_pos_ = in_len_ = 0;
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(in_.data(), in_.size()),
                            [self](const asio::error_code& ec, size_t n) { self->on_read(ec, n); });
  }

  void on_read(const asio::error_code& ec, size_t n) {
    reading_ = false;
    if (state_ == State::Closed) return;
    if (ec) {
      if (state_ == State::Parked) end_park(ParkEnd::PeerClosed);
      if (state_ == State::Streaming) end_stream(StreamEnd::PeerClosed);
      return close();
    }
    switch (state_) {
      case State::Parked:
      case State::Streaming:
      case State::Draining:
        read_more();   // dropped
        return;
      case State::Idle:
        state_ = State::Reading;
        set_deadline(SteadyClock::now() + sh_.limits.request_timeout);
        [[fallthrough]];
      case State::Reading:
        in_pos_ = 0;
        in_len_ = n;
        parse();
        return;
      default:
        return;   // not reading in the other states
    }
  }

  void parse() {
    while (state_ == State::Reading) {
      if (in_pos_ >= in_len_) return read_more();
      const size_t n = http_parser_execute(&parser_, &settings(), in_.data() + in_pos_, in_len_ - in_pos_);
      in_pos_ += n;
      const auto err = HTTP_PARSER_ERRNO(&parser_);
      if (refusal_status_ != 0) return refuse();
      if (err == HPE_PAUSED) {
        http_parser_pause(&parser_, 0);
        if (message_done_) return dispatch();
        continue;
      }
      if (err != HPE_OK) {
        fail(err == HPE_HEADER_OVERFLOW ? 431 : 400,
             err == HPE_HEADER_OVERFLOW ? "The request header section is too large."
                                        : std::string("The request is not valid HTTP (") + http_errno_name(err) + ").");
        return refuse();
      }
      if (parser_.upgrade) {   // CONNECT or an upgrade with a body: not served
        fail(400, "Protocol upgrades are not supported.");
        return refuse();
      }
    }
  }

  void dispatch() {
    message_done_ = false;
    state_ = State::Processing;
    set_deadline(kNever);
    std::shared_ptr<Exchange> ex = this->shared_from_this();
    try {
      sh_.handler(ex);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "http server: request handler failed: %s\n", e.what());
      if (!finished_) {
        res = httplib::Response();
        res.status = 500;
        keep_alive_ = false;
        reply();
      }
    }
  }

  void refuse() {
    sh_.refused.fetch_add(1);
    if (req.method.empty() && !url_.empty()) {
      req.method = http_method_str(static_cast<http_method>(parser_.method));
      const size_t q = url_.find('?');
      req.path = httplib::detail::decode_url(url_.substr(0, q), false);
    }
    res = httplib::Response();
    res.status = refusal_status_;
    try {
      if (sh_.refuse) sh_.refuse(req, res, refusal_detail_);
    } catch (const std::exception&) {
    }
    res.status = refusal_status_;
    keep_alive_ = false;
    finished_ = false;
    reply();
  }

  void serialize(bool close) {
    const int status = res.status < 0 ? 200 : res.status;
    std::string& out = pending_;
    out.reserve(out.size() + 256 + res.body.size());
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += reason(status);
    out += "\r\n";
    bool has_type = false;
    for (const auto& [k, v] : res.headers) {
      if (iequals(k, "Content-Length") || iequals(k, "Connection") || iequals(k, "Transfer-Encoding")) continue;
      if (iequals(k, "Content-Type")) has_type = true;
      out += k;
      out += ": ";
      out += v;
      out += "\r\n";
    }
    if (!has_type && !res.body.empty()) out += "Content-Type: text/plain\r\n";
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
    if (close) {
      out += "Connection: close\r\n";
    } else if (req.version == "HTTP/1.0") {
      out += "Connection: keep-alive\r\n";
    }
    out += "\r\n";
    if (req.method != "HEAD") out += res.body;
  }

  void flush() {
    if (writing_ || pending_.empty() || state_ == State::Closed) return;
    writing_ = true;
    out_.swap(pending_);
    pending_.clear();
    counted_out_ = counted_pending_;
    counted_pending_ = 0;
    if (state_ == State::Streaming) {
      write_due_ = SteadyClock::now() + sh_.limits.write_timeout;
      stream_deadline();
    }
    auto self = this->shared_from_this();
    asio::async_write(stream_, asio::buffer(out_), [self](const asio::error_code& ec, size_t) {
      self->writing_ = false;
      self->out_.clear();
      if (self->stream_shared_) self->stream_shared_->queued.fetch_sub(self->counted_out_);
      self->counted_out_ = 0;
      if (self->state_ == State::Closed) return;
      if (ec) {
        if (self->state_ == State::Streaming) self->end_stream(StreamEnd::PeerClosed);
        return self->close();
      }
      if (self->state_ == State::Streaming) {
        self->write_due_ = kNever;
        if (self->stream_opts_.heartbeat.count() > 0) self->hb_due_ = SteadyClock::now() + self->stream_opts_.heartbeat;
        if (!self->pending_.empty()) return self->flush();
        return self->stream_deadline();
      }
      if (!self->pending_.empty()) return self->flush();
      if (self->state_ != State::Writing) return;   // an interim 100 Continue went out
      if (self->close_after_write_) return self->drain();
      self->begin_idle();
    });
  }

  // Half-closes, then reads and drops what the peer still sends until it closes or a short
  // deadline passes.
  void drain() {
    state_ = State::Draining;
    asio::error_code ec;
    lowest(stream_).shutdown(tcp::socket::shutdown_send, ec);
    set_deadline(SteadyClock::now() + kLingerDrain);
    read_more();
  }

  void close() {
    if (state_ == State::Closed) return;
    state_ = State::Closed;
    finished_ = true;
    asio::error_code ec;
    timer_.cancel();
    delay_.cancel();
    lowest(stream_).close(ec);
  }

  void end_park(ParkEnd how) {
    if (!on_park_end_) return;
    auto f = std::move(on_park_end_);
    on_park_end_ = nullptr;
    f(how);
  }

  // Once per stream: the handle refuses further writes and the owner hears why.
  void end_stream(StreamEnd how) {
    if (!stream_shared_) return;
    stream_shared_->open.store(false);
    if (stream_counted_) {
      stream_counted_ = false;
      sh_.streams.fetch_sub(1);
    }
    if (!on_stream_end_) return;
    auto f = std::move(on_stream_end_);
    on_stream_end_ = nullptr;
    f(how);
  }

  void stream_deadline() { set_deadline(std::min(write_due_, hb_due_)); }

  // ---- one lazy deadline per connection ----
  // Moving the deadline later costs a store; the timer, when it fires early, re-arms itself.

  void set_deadline(SteadyClock::time_point t) {
    deadline_ = t;
    if (t == kNever) return;
    if (!timer_armed_ || t < timer_at_) arm(t);
  }

  void arm(SteadyClock::time_point t) {
    timer_armed_ = true;
    timer_at_ = t;
    const uint64_t gen = ++timer_gen_;
    timer_.expires_at(t);
    auto self = this->shared_from_this();
    timer_.async_wait([self, gen](const asio::error_code&) { self->on_timer(gen); });
  }

  void on_timer(uint64_t gen) {
    if (gen != timer_gen_) return;   // re-armed since
    timer_armed_ = false;
    if (state_ == State::Closed || deadline_ == kNever) return;
    if (SteadyClock::now() < deadline_) return arm(deadline_);
    switch (state_) {
      case State::Reading:
        fail(408, "The request did not arrive within " + std::to_string(sh_.limits.request_timeout.count()) + " ms.");
        return refuse();
      case State::Parked:
        end_park(ParkEnd::Expired);
        return close();
      case State::Streaming: {
        const auto now = SteadyClock::now();
        if (now >= write_due_) {   // the peer has not taken a write for write_timeout
          end_stream(StreamEnd::WriteTimeout);
          return close();
        }
        if (now >= hb_due_) {
          hb_due_ = now + stream_opts_.heartbeat;
          if (!writing_ && pending_.empty()) {
            pending_ += stream_opts_.heartbeat_bytes;
            flush();
          }
        }
        return stream_deadline();
      }
      default:
        return close();   // handshake, idle keep-alive, a write the peer does not take, drain
    }
  }

  SharedState& sh_;
  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer delay_;
  http_parser parser_{};
  State state_ = State::Idle;

  std::vector<char> in_;
  size_t in_pos_ = 0, in_len_ = 0;
  bool reading_ = false;
  std::string out_, pending_;   // being written / queued
  bool writing_ = false;
  bool close_after_write_ = false;

  std::string url_, field_, value_;
  bool in_value_ = false;
  bool url_ok_ = true;
  size_t header_count_ = 0, header_bytes_ = 0;
  bool message_done_ = false;
  bool keep_alive_ = true;
  bool finished_ = false;
  int refusal_status_ = 0;
  std::string refusal_detail_;
  std::function<void(ParkEnd)> on_park_end_;

  // Streaming (stream()): bytes written through the handle, counted against the cap until the
  // socket takes them.
  std::shared_ptr<StreamShared> stream_shared_;
  std::function<void(StreamEnd)> on_stream_end_;
  StreamOptions stream_opts_;
  bool stream_counted_ = false;
  size_t counted_pending_ = 0, counted_out_ = 0;
  SteadyClock::time_point write_due_ = kNever, hb_due_ = kNever;

  std::string remote_addr_;
  int remote_port_ = -1;

  SteadyClock::time_point deadline_ = kNever, timer_at_{};
  bool timer_armed_ = false;
  uint64_t timer_gen_ = 0;
};

// The thread-safe side of a stream: writes are counted against the cap here, then posted to the
// connection's loop. Holds the connection weakly: a stopped server's connections go with their
// loops, never kept alive by a handle.
template <class Stream>
class Connection<Stream>::Handle final : public StreamHandle {
 public:
  Handle(const std::shared_ptr<Connection>& c, std::shared_ptr<StreamShared> st)
      : conn_(c), st_(std::move(st)) {}
  ~Handle() override { close(); }

  bool write(std::string bytes) override {
    if (!st_->open.load()) return false;
    const size_t n = bytes.size();
    if (st_->queued.fetch_add(n) + n > st_->cap) {
      st_->queued.fetch_sub(n);
      st_->open.store(false);
      if (auto c = conn_.lock()) asio::post(lowest(c->stream_).get_executor(), [c] { c->stream_overflow(); });
      return false;
    }
    auto c = conn_.lock();
    if (!c) {
      st_->queued.fetch_sub(n);
      return false;
    }
    asio::post(lowest(c->stream_).get_executor(), [c, b = std::move(bytes)]() mutable { c->stream_push(std::move(b)); });
    return true;
  }
  void close() override {
    if (!st_->open.exchange(false)) return;
    if (auto c = conn_.lock()) asio::post(lowest(c->stream_).get_executor(), [c] { c->stream_finish(); });
  }
  bool open() const override { return st_->open.load(); }
  size_t queued_bytes() const override { return st_->queued.load(); }

 private:
  std::weak_ptr<Connection> conn_;
  std::shared_ptr<StreamShared> st_;
};

template <class Stream>
std::shared_ptr<StreamHandle> Connection<Stream>::stream(StreamOptions opts, std::function<void(StreamEnd)> on_end) {
  if (finished_ || state_ == State::Closed) return nullptr;
  finished_ = true;
  // The head: status and headers, no length; the body ends with the connection.
  const int status = res.status < 0 ? 200 : res.status;
  std::string& out = pending_;
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason(status);
  out += "\r\n";
  for (const auto& [k, v] : res.headers) {
    if (iequals(k, "Content-Length") || iequals(k, "Connection") || iequals(k, "Transfer-Encoding")) continue;
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  if (opts.socket_send_buffer > 0) {
    asio::error_code ignored;
    lowest(stream_).set_option(asio::socket_base::send_buffer_size(opts.socket_send_buffer), ignored);
  }
  stream_shared_ = std::make_shared<StreamShared>();
  stream_shared_->cap = opts.max_queued_bytes;
  stream_opts_ = std::move(opts);
  on_stream_end_ = std::move(on_end);
  stream_counted_ = true;
  sh_.streams.fetch_add(1);
  state_ = State::Streaming;
  in_pos_ = in_len_ = 0;   // a pipelined request behind this one is never answered
  if (stream_opts_.heartbeat.count() > 0) hb_due_ = SteadyClock::now() + stream_opts_.heartbeat;
  flush();
  stream_deadline();
  read_more();
  return std::make_shared<Handle>(this->shared_from_this(), stream_shared_);
}

struct Loop {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions opts;
  SharedState sh;
  std::unique_ptr<asio::ssl::context> tls;            // outlives the loops (streams use it)
  std::vector<std::unique_ptr<Loop>> loops;
  std::unique_ptr<tcp::acceptor> acceptor;             // on loops[0]
  std::unique_ptr<asio::steady_timer> accept_retry;    // on loops[0]
  size_t next = 0;
  int port = -1;
  std::mutex mu;
  bool running = false;

  void accept() {
    Loop& target = *loops[next++ % loops.size()];
    acceptor->async_accept(target.io, [this, &target](const asio::error_code& ec, tcp::socket s) {
      if (!acceptor->is_open() || ec == asio::error::operation_aborted) return;
      if (ec) {   // out of descriptors, or the peer left before accept: retry shortly
        accept_retry->expires_after(kAcceptRetry);
        accept_retry->async_wait([this](const asio::error_code& e) {
          if (!e) accept();
        });
        return;
      }
      sh.accepted.fetch_add(1);
      asio::error_code ignored;
      if (sh.open.load() >= sh.limits.max_connections) {
        sh.rejected.fetch_add(1);
        s.close(ignored);
        return accept();
      }
      s.set_option(tcp::no_delay(true), ignored);
      if (tls) {
        auto c = std::make_shared<Connection<TlsStream>>(sh, TlsStream(std::move(s), *tls));
        asio::post(target.io, [c] { c->start(); });
      } else {
        auto c = std::make_shared<Connection<tcp::socket>>(sh, std::move(s));
        asio::post(target.io, [c] { c->start(); });
      }
      accept();
    });
  }
};

HttpServer::HttpServer(ServerOptions opts, RequestHandler handler, RefusalHandler refuse)
    : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->sh.limits = impl_->opts.limits;
  impl_->sh.handler = std::move(handler);
  impl_->sh.refuse = std::move(refuse);
}

HttpServer::~HttpServer() { stop(); }

std::optional<std::string> HttpServer::start() {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lk(d.mu);
  if (d.running) return std::string("already started");
  const std::string where = d.opts.host + ":" + std::to_string(d.opts.port);
  if (d.opts.tls) {
    try {
      d.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      d.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
      d.tls->use_certificate_chain_file(d.opts.tls->cert_path);
      d.tls->use_private_key_file(d.opts.tls->key_path, asio::ssl::context::pem);
    } catch (const std::exception&) {
      d.tls.reset();
      return "cannot load TLS certificate '" + d.opts.tls->cert_path + "' / key '" + d.opts.tls->key_path + "'";
    }
  }
  int threads = d.opts.threads > 0 ? d.opts.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  for (int i = 0; i < threads; ++i) d.loops.push_back(std::make_unique<Loop>());

  asio::error_code ec;
  tcp::endpoint ep;
  const auto addr = asio::ip::make_address(d.opts.host, ec);
  if (!ec) {
    ep = tcp::endpoint(addr, static_cast<unsigned short>(d.opts.port));
  } else {
    tcp::resolver resolver(d.loops[0]->io);
    auto results = resolver.resolve(d.opts.host, std::to_string(d.opts.port), ec);
    if (ec || results.empty()) {
      d.loops.clear();
      return "cannot resolve " + d.opts.host;
    }
    ep = results.begin()->endpoint();
  }
  d.acceptor = std::make_unique<tcp::acceptor>(d.loops[0]->io);
  d.acceptor->open(ep.protocol(), ec);
  if (!ec) d.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) d.acceptor->bind(ep, ec);
  if (!ec) d.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    d.acceptor.reset();
    d.loops.clear();
    return "cannot listen on " + where + " (" + ec.message() + ")";
  }
  d.port = d.acceptor->local_endpoint().port();
  d.accept_retry = std::make_unique<asio::steady_timer>(d.loops[0]->io);
  d.accept();
  for (auto& l : d.loops) {
    Loop* loop = l.get();
    loop->thread = std::thread([loop] {
      for (;;) {
        try {
          loop->io.run();
          return;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "http server: loop error: %s\n", e.what());
        }
      }
    });
  }
  d.running = true;
  return std::nullopt;
}

void HttpServer::stop() {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lk(d.mu);
  if (!d.running) return;
  d.running = false;
  for (auto& l : d.loops) {
    l->work.reset();
    l->io.stop();
  }
  for (auto& l : d.loops)
    if (l->thread.joinable()) l->thread.join();
  asio::error_code ec;
  d.acceptor->close(ec);
  d.acceptor.reset();
  d.accept_retry.reset();
  // Destroying a loop destroys its pending handlers and with them the connections they hold
  // (sockets closed, parked connections reported). Loop 0 first: only it can hold (through an
  // accept in progress) objects of the other loops.
  for (auto& l : d.loops) l.reset();
  d.loops.clear();
}

int HttpServer::port() const { return impl_->port; }

int HttpServer::threads() const { return static_cast<int>(impl_->loops.size()); }

ServerCounters HttpServer::counters() const {
  const auto& s = impl_->sh;
  return {s.accepted.load(), s.rejected.load(), s.refused.load(), s.open.load(), s.streams.load()};
}

}  // namespace harness::net
