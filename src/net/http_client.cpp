#include "net/http_client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace harness::net {

std::string_view error_name(ClientError e) {
  switch (e) {
    case ClientError::None: return "";
    case ClientError::Timeout: return "timeout";
    case ClientError::Connect: return "connection";
    case ClientError::Tls: return "tls";
    case ClientError::Write: return "write";
    case ClientError::ClosedBeforeResponse: return "connection closed before response";
    case ClientError::Read: return "read";
    case ClientError::BadResponse: return "bad response";
    case ClientError::Aborted: return "aborted";
  }
  return "error";
}

namespace {

using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;

struct Pending {
  std::string wire;
  std::chrono::nanoseconds timeout{0};
  Callback cb;
  SteadyClock::time_point queued_at;
};

struct Conn;

struct Pool {
  Origin origin;
  std::deque<Pending> queue;
  std::vector<std::shared_ptr<Conn>> idle;
  std::unordered_set<std::shared_ptr<Conn>> all;   // every open connection of the origin
  size_t connecting = 0;
  SteadyClock::time_point last_growth{};
};

struct Launch {
  std::shared_ptr<Conn> conn;
  Pending pending;
};

// Completes a request that never got a connection because the client was shut down.
void post_aborted(asio::io_context& io, Callback cb) {
  asio::post(io, [cb = std::move(cb)]() mutable {
    Result r;
    r.error = ClientError::Aborted;
    r.detail = "shutdown";
    cb(r);
  });
}

}  // namespace

struct ClientState : std::enable_shared_from_this<ClientState> {
  ClientState(asio::io_context& io_, ClientOptions o) : io(io_), opts(std::move(o)) {
    if (opts.max_connections_per_origin == 0) opts.max_connections_per_origin = 1;
    if (opts.max_connecting_per_origin == 0) opts.max_connecting_per_origin = 1;
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3);
    if (opts.ca_cert_file.empty()) {
      tls.set_verify_mode(asio::ssl::verify_none);
    } else {
      asio::error_code ec;
      tls.load_verify_file(opts.ca_cert_file, ec);
      if (ec) tls_error = "cannot load CA file " + opts.ca_cert_file + ": " + ec.message();
      tls.set_verify_mode(asio::ssl::verify_peer);
    }
  }

  // Opens connections for queued requests while both bounds allow. Called with mu held.
  std::vector<Launch> pump(Pool& pool);
  void post_launches(std::vector<Launch>& launches);

  asio::io_context& io;
  ClientOptions opts;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::string tls_error;
  std::mutex mu;
  bool stopped = false;
  std::unordered_map<std::string, std::unique_ptr<Pool>> pools;   // never erased
  size_t peak = 0;
  std::atomic<uint64_t> requests{0}, completed{0}, failed{0}, opened{0}, reused{0}, bytes_read{0},
      truncated{0};
  std::atomic<size_t> in_flight{0}, queued{0};
};

namespace {

bool is_ip_literal(const std::string& host) {
  asio::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One connection. Everything but the fields marked "mu" runs on its strand.
struct Conn : std::enable_shared_from_this<Conn> {
  using StatePtr = std::shared_ptr<ClientState>;
  enum class Phase { Opening, Busy, Idle, Closed };

  Conn(StatePtr s, Pool& p)
      : st(std::move(s)), pool(p), strand(asio::make_strand(st->io)), sock(strand),
        resolver(strand), timer(strand), parser(st->opts.max_body_bytes) {}

  StatePtr st;
  Pool& pool;
  Strand strand;
  tcp::socket sock;                                      // plain, or under `tls` once handshaken
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls;
  tcp::resolver resolver;
  asio::steady_timer timer;
  ResponseParser parser;
  std::array<char, 16 * 1024> buf{};
  Phase phase = Phase::Opening;
  Pending req;
  bool has_req = false;
  SteadyClock::time_point started;
  uint64_t timer_gen = 0;
  bool reading = false;
  bool watching = false;   // an idle plain connection waits for readability without reading
  bool writing = false;
  // The answer arrived before this request's write completion ran: the exchange finishes (the
  // connection back to the pool, then the callback) when it runs, so the connection is reused.
  bool done_pending = false;
  bool done_keep = false;
  Result done_result;
  Callback done_cb;
  bool got_bytes = false;
  bool reused = false;
  bool in_idle = false;   // mu: in pool.idle

  tcp::socket& lowest() { return tls ? tls->next_layer() : sock; }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& b, Handler&& h) {
    if (tls) tls->async_read_some(b, std::forward<Handler>(h));
    else sock.async_read_some(b, std::forward<Handler>(h));
  }
  template <class Buffers, class Handler>
  void async_write_all(const Buffers& b, Handler&& h) {
    if (tls) asio::async_write(*tls, b, std::forward<Handler>(h));
    else asio::async_write(sock, b, std::forward<Handler>(h));
  }

  bool client_stopped() {
    std::lock_guard<std::mutex> lock(st->mu);
    return st->stopped;
  }

  void arm_deadline(std::chrono::nanoseconds d) {
    const uint64_t gen = ++timer_gen;
    timer.expires_after(d);
    timer.async_wait([self = shared_from_this(), gen](const asio::error_code& ec) {
      if (ec || gen != self->timer_gen) return;
      self->on_timer();
    });
  }

  void on_timer() {
    if (phase == Phase::Opening || phase == Phase::Busy) {
      fail(ClientError::Timeout, "no complete response within the deadline");
    } else if (phase == Phase::Idle) {
      drop_idle();
    }
  }

  // ---- a new connection ------------------------------------------------------------------
  void open(Pending p) {
    req = std::move(p);
    has_req = true;
    phase = Phase::Opening;
    started = SteadyClock::now();
    st->queued.fetch_sub(1);
    st->in_flight.fetch_add(1);
    if (client_stopped()) return fail(ClientError::Aborted, "shutdown");
    arm_deadline(req.timeout);
    if (pool.origin.tls && !st->tls_error.empty()) return fail(ClientError::Tls, st->tls_error);
    if (is_ip_literal(pool.origin.host)) {
      asio::error_code ec;
      const auto addr = asio::ip::make_address(pool.origin.host, ec);
      const auto port = static_cast<unsigned short>(std::stoi(pool.origin.port));
      return connect_to(tcp::endpoint(addr, port));
    }
    resolver.async_resolve(
        pool.origin.host, pool.origin.port,
        [self = shared_from_this()](const asio::error_code& ec, tcp::resolver::results_type r) {
          if (self->phase != Phase::Opening) return;
          if (ec || r.empty()) {
            return self->fail(ClientError::Connect, "cannot resolve " + self->pool.origin.host +
                                                        ": " + ec.message());
          }
          asio::async_connect(self->sock, r,
                              [self](const asio::error_code& ec2, const tcp::endpoint&) {
                                self->on_connected(ec2);
                              });
        });
  }

  void connect_to(const tcp::endpoint& ep) {
    sock.async_connect(ep, [self = shared_from_this()](const asio::error_code& ec) {
      self->on_connected(ec);
    });
  }

  void on_connected(const asio::error_code& ec) {
    if (phase != Phase::Opening) return;
    if (ec) return fail(ClientError::Connect, ec.message());
    asio::error_code ignored;
    sock.set_option(tcp::no_delay(true), ignored);
    if (!pool.origin.tls) return connected();
    tls = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(sock), st->tls);
    if (!is_ip_literal(pool.origin.host)) {
      SSL_set_tlsext_host_name(tls->native_handle(), pool.origin.host.c_str());
    }
    if (!st->opts.ca_cert_file.empty()) {
      tls->set_verify_callback(asio::ssl::host_name_verification(pool.origin.host));
    }
    tls->async_handshake(asio::ssl::stream_base::client,
                         [self = shared_from_this()](const asio::error_code& hec) {
                           if (self->phase != Phase::Opening) return;
                           if (hec) return self->fail(ClientError::Tls, hec.message());
                           self->connected();
                         });
  }

  void connected() {
    std::vector<Launch> launches;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      --pool.connecting;
      launches = st->pump(pool);
    }
    st->post_launches(launches);
    begin_request();
  }

  // ---- a request on an open connection -----------------------------------------------------
  void begin_request() {
    phase = Phase::Busy;
    got_bytes = false;
    parser.reset();
    writing = true;
    async_write_all(asio::buffer(req.wire),
                    [self = shared_from_this()](const asio::error_code& ec, size_t) {
                      self->writing = false;
                      if (self->done_pending) {
                        self->done_pending = false;
                        Callback cb = std::move(self->done_cb);
                        Result r = std::move(self->done_result);
                        self->release(self->done_keep && !ec);
                        if (cb) cb(r);
                        return;
                      }
                      if (self->phase != Phase::Busy) return;
                      if (ec) {
                        if (self->reused && !self->got_bytes) {
                          return self->fail(ClientError::ClosedBeforeResponse, ec.message());
                        }
                        return self->fail(ClientError::Write, ec.message());
                      }
                    });
    ensure_reading();
  }

  // A request taken from the idle list by send().
  void run_taken(Pending p) {
    st->queued.fetch_sub(1);
    if (phase == Phase::Closed) {
      // The peer closed it while it was idle, before anything was written: nothing was sent,
      // so the request simply goes back to the front of the queue.
      st->queued.fetch_add(1);
      std::vector<Launch> launches;
      {
        std::lock_guard<std::mutex> lock(st->mu);
        if (st->stopped) {
          st->queued.fetch_sub(1);
          st->failed.fetch_add(1);
          post_aborted(st->io, std::move(p.cb));
          return;
        }
        pool.queue.push_front(std::move(p));
        launches = st->pump(pool);
      }
      st->post_launches(launches);
      return;
    }
    start_reused(std::move(p));
  }

  void start_reused(Pending p) {
    req = std::move(p);
    has_req = true;
    reused = true;
    started = SteadyClock::now();
    st->in_flight.fetch_add(1);
    st->reused.fetch_add(1);
    if (client_stopped()) return fail(ClientError::Aborted, "shutdown");
    arm_deadline(req.timeout);
    begin_request();
  }

  void ensure_reading() {
    if (reading || watching || phase == Phase::Closed) return;
    reading = true;
    async_read_some(asio::buffer(buf),
                    [self = shared_from_this()](const asio::error_code& ec, size_t n) {
                      self->reading = false;
                      self->on_read(ec, n);
                    });
  }

  // An idle connection must notice a peer that closes it. A plain one waits for readability
  // instead of reading: a read would first be tried at once and fail with EAGAIN (one wasted
  // system call per request when the connection is taken again right away, as a load generator
  // does). When the wait ends on a connection that has meanwhile been given a request, the
  // answer is read as usual.
  void watch_idle() {
    if (tls) return ensure_reading();
    if (reading || watching || phase == Phase::Closed) return;
    watching = true;
    sock.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const asio::error_code&) {
      self->watching = false;
      if (self->phase == Phase::Closed || self->phase == Phase::Opening) return;
      if (self->phase == Phase::Idle) return self->drop_idle();   // closed (or junk) while idle
      self->ensure_reading();
    });
  }

  void on_read(const asio::error_code& ec, size_t n) {
    if (phase == Phase::Closed || phase == Phase::Opening) return;
    if (phase == Phase::Idle) return drop_idle();   // closed by the peer (or junk) while idle
    if (!ec) {
      if (n > 0) got_bytes = true;
      st->bytes_read.fetch_add(n);
      size_t used = 0;
      const auto state = parser.feed(std::string_view(buf.data(), n), used);
      if (state == ResponseParser::State::NeedMore) return ensure_reading();
      if (state == ResponseParser::State::Error) return fail(ClientError::BadResponse, parser.error());
      return complete(used < n);
    }
    const bool eof = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    if (eof && got_bytes && parser.on_eof() == ResponseParser::State::Done) return complete(false);
    if (!got_bytes) return fail(ClientError::ClosedBeforeResponse, ec.message());
    fail(ClientError::Read, eof ? parser.error() : ec.message());
  }

  Result make_result(ClientError e, std::string detail) {
    Result r;
    r.error = e;
    r.detail = std::move(detail);
    const auto now = SteadyClock::now();
    r.elapsed = now - started;
    r.queued = started - req.queued_at;
    r.reused_connection = reused;
    return r;
  }

  void complete(bool extra_bytes) {
    ++timer_gen;
    timer.cancel();
    Result r = make_result(ClientError::None, {});
    r.response.status = parser.status();
    r.response.keep_alive = parser.keep_alive();
    r.response.body_bytes_seen = parser.body_bytes();
    r.response.body_truncated = parser.truncated();
    r.response.retry_after_seconds = parser.retry_after_seconds();
    r.response.body = parser.take_body();
    if (r.response.body_truncated) st->truncated.fetch_add(1);
    const bool keep = parser.keep_alive() && !parser.truncated() && !extra_bytes;
    parser.reset();
    Callback cb = std::move(req.cb);
    req = Pending{};
    has_req = false;
    st->in_flight.fetch_sub(1);
    st->completed.fetch_add(1);
    if (writing) {
      done_pending = true;
      done_keep = keep;
      done_result = std::move(r);
      done_cb = std::move(cb);
      return;
    }
    release(keep);
    cb(r);
  }

  void fail(ClientError e, std::string detail) {
    if (done_pending) {   // the answer was complete: the connection goes, the result stands
      done_pending = false;
      Callback cb = std::move(done_cb);
      Result r = std::move(done_result);
      release(false);
      if (cb) cb(r);
      return;
    }
    const bool was_opening = phase == Phase::Opening;
    ++timer_gen;
    timer.cancel();
    resolver.cancel();
    close_socket();
    Result r = make_result(e, std::move(detail));
    Callback cb = std::move(req.cb);
    const bool had = has_req;
    req = Pending{};
    has_req = false;
    if (had) {
      st->in_flight.fetch_sub(1);
      st->failed.fetch_add(1);
    }
    std::vector<Launch> launches;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      if (was_opening) --pool.connecting;
      forget_locked();
      launches = st->pump(pool);
    }
    st->post_launches(launches);
    if (cb) cb(r);
  }

  // After a response: reuse the connection for the next queued request, park it, or close it.
  void release(bool keep) {
    std::vector<Launch> launches;
    Pending next;
    bool have_next = false;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      if (keep && !st->stopped) {
        if (!pool.queue.empty()) {
          next = std::move(pool.queue.front());
          pool.queue.pop_front();
          have_next = true;
        } else {
          phase = Phase::Idle;
          in_idle = true;
          pool.idle.push_back(shared_from_this());
        }
      } else {
        forget_locked();
        launches = st->pump(pool);
      }
    }
    if (have_next) {
      st->queued.fetch_sub(1);
      start_reused(std::move(next));
    } else if (phase == Phase::Idle) {
      arm_deadline(st->opts.idle_timeout);
      watch_idle();   // notices a peer that closes the idle connection
    } else {
      close_socket();
      st->post_launches(launches);
    }
  }

  // The idle connection closed, sent junk or timed out.
  void drop_idle() {
    close_socket();
    std::vector<Launch> launches;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      if (in_idle) {
        auto it = std::find(pool.idle.begin(), pool.idle.end(), shared_from_this());
        if (it != pool.idle.end()) pool.idle.erase(it);
        in_idle = false;
      }
      // Otherwise send() has just taken it: run_taken() sees Closed and requeues the request.
      forget_locked();
      launches = st->pump(pool);
    }
    st->post_launches(launches);
  }

  void abort() {
    if (has_req) return fail(ClientError::Aborted, "shutdown");
    close_socket();
    std::lock_guard<std::mutex> lock(st->mu);
    forget_locked();
  }

  void forget_locked() { pool.all.erase(shared_from_this()); }

  void close_socket() {
    phase = Phase::Closed;
    ++timer_gen;
    timer.cancel();
    asio::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close(ignored);
  }
};

}  // namespace

std::vector<Launch> ClientState::pump(Pool& pool) {
  std::vector<Launch> out;
  if (stopped) return out;
  const bool paced = opts.grow_after.count() > 0;
  const auto now = paced ? SteadyClock::now() : SteadyClock::time_point{};
  while (!pool.queue.empty() && pool.all.size() < opts.max_connections_per_origin &&
         pool.connecting < opts.max_connecting_per_origin) {
    if (paced && pool.all.size() >= opts.max_connecting_per_origin) {
      if (now - pool.queue.front().queued_at < opts.grow_after) break;
      if (now - pool.last_growth < opts.grow_after / 4) break;
      pool.last_growth = now;
    }
    auto c = std::make_shared<Conn>(shared_from_this(), pool);
    pool.all.insert(c);
    ++pool.connecting;
    peak = std::max(peak, pool.all.size());
    opened.fetch_add(1);
    out.push_back(Launch{std::move(c), std::move(pool.queue.front())});
    pool.queue.pop_front();
  }
  return out;
}

void ClientState::post_launches(std::vector<Launch>& launches) {
  for (auto& l : launches) {
    asio::post(l.conn->strand, [c = l.conn, p = std::move(l.pending)]() mutable { c->open(std::move(p)); });
  }
  launches.clear();
}

HttpClient::HttpClient(asio::io_context& io, ClientOptions options)
    : state_(std::make_shared<ClientState>(io, std::move(options))) {}

HttpClient::~HttpClient() {
  shutdown();
  // Break the pool <-> connection cycle; connections still referenced by queued handlers go
  // with them.
  std::vector<std::shared_ptr<Conn>> drop;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (auto& [k, p] : state_->pools) {
      for (auto& c : p->all) drop.push_back(c);
      p->all.clear();
      p->idle.clear();
    }
  }
}

const ClientOptions& HttpClient::options() const { return state_->opts; }

void HttpClient::send(const Origin& origin, std::string wire, std::chrono::nanoseconds timeout,
                      Callback cb) {
  ClientState& s = *state_;
  s.requests.fetch_add(1);
  Pending p{std::move(wire), timeout, std::move(cb), SteadyClock::now()};
  std::shared_ptr<Conn> idle;
  std::vector<Launch> launches;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.stopped) {
      s.failed.fetch_add(1);
      post_aborted(s.io, std::move(p.cb));
      return;
    }
    auto& slot = s.pools[origin.key()];
    if (!slot) {
      slot = std::make_unique<Pool>();
      slot->origin = origin;
    }
    Pool& pool = *slot;
    s.queued.fetch_add(1);
    if (!pool.idle.empty()) {
      idle = std::move(pool.idle.back());
      pool.idle.pop_back();
      idle->in_idle = false;
    } else {
      pool.queue.push_back(std::move(p));
      launches = s.pump(pool);
    }
  }
  if (idle) {
    asio::post(idle->strand, [c = idle, p = std::move(p)]() mutable { c->run_taken(std::move(p)); });
  }
  s.post_launches(launches);
}

void HttpClient::shutdown() {
  ClientState& s = *state_;
  std::vector<Pending> pending;
  std::vector<std::shared_ptr<Conn>> conns;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.stopped) return;
    s.stopped = true;
    for (auto& [k, p] : s.pools) {
      for (auto& q : p->queue) pending.push_back(std::move(q));
      p->queue.clear();
      for (auto& c : p->idle) c->in_idle = false;
      p->idle.clear();
      for (auto& c : p->all) conns.push_back(c);
    }
  }
  for (auto& p : pending) {
    s.queued.fetch_sub(1);
    s.failed.fetch_add(1);
    post_aborted(s.io, std::move(p.cb));
  }
  for (auto& c : conns) asio::post(c->strand, [c] { c->abort(); });
}

ClientStats HttpClient::stats() const {
  ClientState& s = *state_;
  ClientStats out;
  out.requests = s.requests.load();
  out.completed = s.completed.load();
  out.failed = s.failed.load();
  out.connections_opened = s.opened.load();
  out.reused = s.reused.load();
  out.bytes_read = s.bytes_read.load();
  out.truncated = s.truncated.load();
  out.in_flight = s.in_flight.load();
  out.queued = s.queued.load();
  std::lock_guard<std::mutex> lock(s.mu);
  for (auto& [k, p] : s.pools) out.open_connections += p->all.size();
  out.peak_connections_per_origin = s.peak;
  return out;
}

}  // namespace harness::net
