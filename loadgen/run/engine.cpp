// The only translation unit of the engine that includes Asio (it is heavy to compile).
#include "loadgen/run/engine.h"

#include <algorithm>
#include <asio.hpp>
#include <cerrno>
#include <sys/socket.h>
#include <deque>
#include <thread>

#include "net/http_message.h"

namespace harness::loadgen {

int64_t mono_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

using asio::ip::tcp;
using SteadyTp = std::chrono::steady_clock::time_point;

SteadyTp tp(int64_t ns) { return SteadyTp(std::chrono::duration_cast<SteadyTp::duration>(Nanos(ns))); }

enum class Fault { Connect, Read, Write, Timeout };

struct Job {
  uint64_t seq = 0;
  int64_t due_ns = 0;
  int64_t first_sent_ns = -1;
  int attempt = 0;
};

struct Conn {
  explicit Conn(asio::io_context& io) : sock(io), timer(io), in(16 * 1024) {}
  tcp::socket sock;
  asio::steady_timer timer;
  std::string out;
  std::vector<char> in;
  net::ResponseParser parser{1 << 20};   // bodies kept up to 1 MiB
  Job job;
  uint64_t gen = 0;          // bumps per request, so late handlers of an old one are ignored
  bool connected = false;
  bool reused = false;       // this request went out on a connection used before
  bool got_bytes = false;
  bool timed_out = false;
  bool busy = false;
  int64_t idle_since_ns = 0;   // when it last went back to the idle list
};

// A keep-alive connection idle this long is not reused: the server may be about to close it
// (telnyx-mock's idle_timeout_ms defaults to 5 s), and a request written into that close would
// fail without an answer. Retired and reconnected instead.
constexpr int64_t kMaxReuseIdleNs = 2'000'000'000;

// True when the peer already closed (or wrote to) an idle connection: reusing it would lose the
// request. One non-blocking peek, no byte consumed.
bool idle_connection_dead(tcp::socket& s) {
  char b;
  const ssize_t r = ::recv(s.native_handle(), &b, 1, MSG_PEEK | MSG_DONTWAIT);
  return r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

class Worker {
 public:
  Worker(const EngineConfig& cfg, uint32_t index, tcp::endpoint ep, int64_t start_ns, LiveCounters& live)
      : cfg_(cfg), index_(index), ep_(ep), start_ns_(start_ns), live_(live),
        cursor_(split(cfg.plan, index, cfg.threads)), rng_(core::stable_hash("worker/" + std::to_string(cfg.plan.seed) + "/" + std::to_string(index))),
        pacer_(io_), checker_(io_), deadline_(io_) {
    const uint32_t t = std::max<uint32_t>(1, cfg.threads);
    max_conns_ = cfg.connections / t + (index < cfg.connections % t ? 1 : 0);
    max_conns_ = std::max<uint32_t>(1, max_conns_);
    if (cfg.closed_loop) {
      closed_left_ = cfg.max_count == UINT64_MAX ? UINT64_MAX : cfg.max_count / t + (index < cfg.max_count % t ? 1 : 0);
      closed_end_ns_ = start_ns_ + cfg.duration.count();
    }
    const int64_t run_ns = cfg.closed_loop ? cfg.duration.count() : plan_duration(cfg.plan).count();
    int64_t retry_ns = 0;
    if (cfg.retry.max_retries > 0)
      retry_ns = cfg.retry.max_retries * (Nanos(cfg.retry.max_delay).count() + cfg.timeout.count());
    // The hard bound: nothing is issued after the plan ends, and every request has a timeout.
    hard_end_ns_ = start_ns_ + run_ns + cfg.timeout.count() + retry_ns + 1'000'000'000;
  }

  void run() {
    deadline_.expires_at(tp(hard_end_ns_));
    deadline_.async_wait([this](const asio::error_code& ec) { if (!ec) on_hard_deadline(); });
    arm_checker();
    if (cfg_.closed_loop) {
      pacer_.expires_at(tp(start_ns_));
      pacer_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;
        for (uint32_t i = 0; i < max_conns_ && closed_can_issue(); ++i) {
          conns_.push_back(std::make_unique<Conn>(io_));
          start(*conns_.back(), next_closed_job());
        }
        plan_done_ = !closed_can_issue();
        maybe_finish();
      });
    } else {
      arm_pacer();
    }
    io_.run();
    finished_.store(true);
  }

  RunStats stats;
  std::atomic<bool> finished_{false};

 private:
  // ---- open loop pacing -----------------------------------------------------------------
  // Takes the plan's next send into next_due_ns_ / next_seq_; false (and the run may finish)
  // when the plan is exhausted.
  bool load_next() {
    const auto d = cursor_.next();
    if (!d) {
      have_next_ = false;
      plan_done_ = true;
      maybe_finish();
      return false;
    }
    next_due_ns_ = start_ns_ + d->count();
    next_seq_ = global_index(cursor_.plan(), cursor_.issued() - 1);
    have_next_ = true;
    return true;
  }

  void arm_pacer() {
    if (stopping_) return;
    if (!have_next_ && !load_next()) return;
    pacer_.expires_at(tp(next_due_ns_));
    pacer_.async_wait([this](const asio::error_code& ec) {
      if (!ec) on_pace();
    });
  }

  void on_pace() {
    const int64_t now = mono_now_ns();
    // Issue everything already due; a bounded batch keeps I/O handlers from starving.
    for (int batch = 0; have_next_ && next_due_ns_ <= now && batch < 512 && !stopping_; ++batch) {
      issue(Job{next_seq_, next_due_ns_});
      if (!load_next()) return;
    }
    arm_pacer();
  }

  // ---- closed loop ----------------------------------------------------------------------
  bool closed_can_issue() const {
    return !stopping_ && closed_left_ > 0 && mono_now_ns() < closed_end_ns_;
  }
  Job next_closed_job() {
    if (closed_left_ != UINT64_MAX) --closed_left_;
    const uint64_t seq = closed_issued_++ * std::max<uint32_t>(1, cfg_.threads) + index_;
    const int64_t now = mono_now_ns();
    count_issue(now);
    return Job{seq, now};   // closed loop: due when sent, so corrected == uncorrected
  }

  // ---- dispatch ------------------------------------------------------------------------
  // A send the plan made due (it may still wait in the queue for a connection).
  void count_issue(int64_t due_ns) {
    ++stats.planned;
    ++stats.timeline.at(due_ns - start_ns_).sent;
  }

  void issue(Job job) {
    count_issue(job.due_ns);
    dispatch(job);
  }

  void dispatch(const Job& job) {
    Conn* c = nullptr;
    if (!idle_connected_.empty()) {
      c = idle_connected_.back();
      idle_connected_.pop_back();
      if (mono_now_ns() - c->idle_since_ns > kMaxReuseIdleNs || idle_connection_dead(c->sock)) close(*c);
    } else if (!idle_cold_.empty()) {
      c = idle_cold_.back();
      idle_cold_.pop_back();
    } else if (conns_.size() < max_conns_) {
      conns_.push_back(std::make_unique<Conn>(io_));
      c = conns_.back().get();
    }
    if (c) start(*c, job);
    else queue_.push_back(job);
  }

  void start(Conn& c, const Job& job) {
    if (job.attempt == 0) {   // first attempts only: retries are counted in stats.retries
      ++stats.issued;
      live_.add(live_.issued);
    }
    c.busy = true;
    ++in_flight_;
    live_.add(live_.in_flight);
    c.job = job;
    const uint64_t gen = ++c.gen;
    c.timed_out = false;
    c.got_bytes = false;
    c.parser.reset();
    c.out.clear();
    cfg_.factory->build(job.seq, rng_, c.out);
    c.timer.expires_after(cfg_.timeout);
    c.timer.async_wait([this, &c, gen](const asio::error_code& ec) {
      if (ec || gen != c.gen) return;
      c.timed_out = true;
      asio::error_code ignored;
      c.sock.close(ignored);   // the pending operation completes with an error -> Timeout
    });
    if (c.connected) {
      c.reused = true;
      write(c);
    } else {
      c.reused = false;
      connect(c);
    }
  }

  void connect(Conn& c) {
    const uint64_t gen = c.gen;
    c.sock.async_connect(ep_, [this, &c, gen](const asio::error_code& ec) {
      if (gen != c.gen) return;
      if (ec) return fail(c, c.timed_out ? Fault::Timeout : Fault::Connect);
      c.connected = true;
      asio::error_code ignored;
      c.sock.set_option(tcp::no_delay(true), ignored);
      write(c);
    });
  }

  void write(Conn& c) {
    const int64_t now = mono_now_ns();
    if (c.job.first_sent_ns < 0) c.job.first_sent_ns = now;
    const uint64_t gen = c.gen;
    asio::async_write(c.sock, asio::buffer(c.out), [this, &c, gen](const asio::error_code& ec, size_t) {
      if (gen != c.gen) return;
      if (ec) return fail(c, c.timed_out ? Fault::Timeout : Fault::Write);
      read(c);
    });
  }

  void read(Conn& c) {
    const uint64_t gen = c.gen;
    c.sock.async_read_some(asio::buffer(c.in), [this, &c, gen](const asio::error_code& ec, size_t n) {
      if (gen != c.gen) return;
      if (ec) {
        if (ec == asio::error::eof && c.got_bytes && c.parser.on_eof() == net::ResponseParser::State::Done) return complete(c);
        // A connection closed before any response byte (a keep-alive connection the server
        // dropped, or an answer lost on purpose) is a transport error, never a silent resend:
        // the server may have acted on the request.
        return fail(c, c.timed_out ? Fault::Timeout : Fault::Read);
      }
      c.got_bytes = true;
      stats.bytes_read += n;
      size_t used = 0;
      const auto st = c.parser.feed(std::string_view(c.in.data(), n), used);
      if (st == net::ResponseParser::State::NeedMore) return read(c);
      if (st == net::ResponseParser::State::Error) return fail(c, Fault::Read);
      complete(c);
    });
  }

  void close(Conn& c) {
    asio::error_code ignored;
    c.sock.close(ignored);
    c.connected = false;
  }

  void complete(Conn& c) {
    const int64_t now = mono_now_ns();
    c.timer.cancel();
    const int status = c.parser.status();
    if (!c.parser.keep_alive()) close(c);
    Job job = c.job;
    const bool retryable = status == 429 || status >= 500;
    if (retryable && job.attempt < cfg_.retry.max_retries && !stopping_) {
      if (job.attempt == 0 && measured(job)) stats.first_attempt.record(us(now - job.due_ns));
      schedule_retry(job, c.parser.retry_after_seconds());
    } else {
      record_final(job, status, now, c.parser.body());
    }
    release(c);
  }

  void schedule_retry(Job job, int64_t retry_after_s) {
    const auto cap = std::chrono::duration_cast<Nanos>(cfg_.retry.max_delay);
    Nanos delay = retry_after_s >= 0 ? Nanos(std::chrono::seconds(retry_after_s))
                                     : std::chrono::duration_cast<Nanos>(cfg_.retry.base_delay) * (int64_t{1} << std::min(job.attempt, 20));
    delay = std::min(delay, cap);
    ++job.attempt;
    ++stats.retries;
    ++pending_retries_;
    auto timer = std::make_shared<asio::steady_timer>(io_, delay);
    timer->async_wait([this, timer, job](const asio::error_code& ec) {
      --pending_retries_;
      if (ec || stopping_) {
        ++stats.unsent;
        maybe_finish();
        return;
      }
      dispatch(job);
    });
    retry_timers_.push_back(timer);
    if (retry_timers_.size() > 1024)   // forget fired timers now and then
      retry_timers_.erase(std::remove_if(retry_timers_.begin(), retry_timers_.end(),
                                         [](const auto& t) { return t.use_count() == 1; }),
                          retry_timers_.end());
  }

  bool measured(const Job& job) const { return job.due_ns - start_ns_ >= cfg_.warmup.count(); }
  static int64_t us(int64_t ns) { return std::max<int64_t>(1, ns / 1000); }

  void record_final(const Job& job, int status, int64_t now, const std::string& body) {
    ++stats.completed;
    ++stats.status_counts[status];
    const bool ok = status >= 200 && status < 300;
    auto& slot = stats.timeline.at(job.due_ns - start_ns_);
    const int64_t lat = us(now - job.due_ns);
    if (ok) {
      ++stats.ok;
      ++slot.ok;
    } else {
      ++stats.errors.status;
      ++slot.errors;
      live_.add(live_.errors);
    }
    if (measured(job)) {
      stats.corrected.record(lat);
      stats.uncorrected.record(us(now - job.first_sent_ns));
      if (job.attempt == 0) stats.first_attempt.record(lat);
    }
    slot.latency_sum_us += static_cast<uint64_t>(lat);
    slot.latency_max_us = std::max(slot.latency_max_us, lat);
    ++slot.coarse[static_cast<size_t>(coarse_bucket(lat))];
    live_.add(live_.coarse[static_cast<size_t>(coarse_bucket(lat))]);
    live_.add(live_.completed);
    if (cfg_.on_response) cfg_.on_response(job.seq, status, body, job.due_ns, now);
  }

  void fail(Conn& c, Fault f) {
    c.timer.cancel();
    close(c);
    switch (f) {
      case Fault::Connect: ++stats.errors.connect; break;
      case Fault::Read: ++stats.errors.read; break;
      case Fault::Write: ++stats.errors.write; break;
      case Fault::Timeout: ++stats.errors.timeout; break;
    }
    ++stats.timeline.at(c.job.due_ns - start_ns_).errors;
    live_.add(live_.errors);
    release(c);
  }

  void release(Conn& c) {
    ++c.gen;
    c.busy = false;
    --in_flight_;
    live_.in_flight.store(in_flight_, std::memory_order_relaxed);
    if (!queue_.empty() && !stopping_) {
      const Job next = queue_.front();
      queue_.pop_front();
      return start(c, next);
    }
    if (cfg_.closed_loop) {
      if (closed_can_issue()) return start(c, next_closed_job());
      plan_done_ = true;
    }
    c.idle_since_ns = mono_now_ns();
    (c.connected ? idle_connected_ : idle_cold_).push_back(&c);
    maybe_finish();
  }

  // ---- stopping -------------------------------------------------------------------------
  void arm_checker() {
    checker_.expires_after(std::chrono::milliseconds(50));
    checker_.async_wait([this](const asio::error_code& ec) {
      if (ec) return;
      if (cfg_.stop && cfg_.stop->load() && !stopping_) begin_stop();
      if (!done_) arm_checker();
    });
  }

  void begin_stop() {
    stopping_ = true;
    pacer_.cancel();
    stats.unsent += queue_.size();
    queue_.clear();
    maybe_finish();
  }

  void on_hard_deadline() {
    begin_stop();
    for (auto& c : conns_) {
      if (!c->busy) continue;
      c->timed_out = true;
      asio::error_code ignored;
      c->sock.close(ignored);
    }
    for (auto& t : retry_timers_) t->cancel();
  }

  void maybe_finish() {
    if (done_ || !(plan_done_ || stopping_)) return;
    if (in_flight_ > 0 || !queue_.empty() || pending_retries_ > 0) return;
    done_ = true;
    pacer_.cancel();
    checker_.cancel();
    deadline_.cancel();
    for (auto& c : conns_) close(*c);
    io_.stop();
  }

  const EngineConfig& cfg_;
  const uint32_t index_;
  const tcp::endpoint ep_;
  const int64_t start_ns_;
  LiveCounters& live_;
  Cursor cursor_;
  core::Rng rng_;
  asio::io_context io_{1};
  asio::steady_timer pacer_, checker_, deadline_;
  std::vector<std::unique_ptr<Conn>> conns_;   // declared after io_: destroyed before it
  std::vector<Conn*> idle_connected_, idle_cold_;
  std::deque<Job> queue_;
  std::vector<std::shared_ptr<asio::steady_timer>> retry_timers_;
  uint32_t max_conns_ = 1;
  uint64_t in_flight_ = 0;
  uint64_t pending_retries_ = 0;
  bool have_next_ = false;
  int64_t next_due_ns_ = 0;
  uint64_t next_seq_ = 0;
  bool plan_done_ = false, stopping_ = false, done_ = false;
  uint64_t closed_left_ = 0, closed_issued_ = 0;
  int64_t closed_end_ns_ = 0;
  int64_t hard_end_ns_ = 0;
};

}  // namespace

EngineResult run_engine(const EngineConfig& cfg) {
  EngineResult result;
  if (!cfg.factory) {
    result.error = "no request factory";
    return result;
  }
  tcp::endpoint ep;
  {
    asio::io_context io;
    tcp::resolver resolver(io);
    asio::error_code ec;
    const auto results = resolver.resolve(cfg.target.host, cfg.target.port, ec);
    if (ec || results.empty()) {
      result.error = "cannot resolve " + cfg.target.host + ":" + cfg.target.port + ": " + ec.message();
      return result;
    }
    ep = results.begin()->endpoint();
    for (const auto& r : results)
      if (r.endpoint().address().is_v4()) { ep = r.endpoint(); break; }
  }
  const uint32_t threads = std::max<uint32_t>(1, cfg.threads);
  std::vector<LiveCounters> live(threads);
  // Every worker measures from one shared start, a little in the future so all are ready.
  const int64_t start_ns = mono_now_ns() + 20'000'000;
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t i = 0; i < threads; ++i)
    workers.push_back(std::make_unique<Worker>(cfg, i, ep, start_ns, live[i]));
  std::vector<std::thread> pool;
  for (auto& w : workers) pool.emplace_back([&w] { w->run(); });

  // The main thread only watches: it reports progress and waits for the workers to stop.
  int64_t next_report = start_ns + cfg.progress_interval.count();
  for (;;) {
    bool all = true;
    for (auto& w : workers) all = all && w->finished_.load();
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const int64_t now = mono_now_ns();
    if (cfg.on_progress && now >= next_report) {
      LiveSnapshot s;
      for (auto& l : live) {
        s.issued += l.issued.load(std::memory_order_relaxed);
        s.completed += l.completed.load(std::memory_order_relaxed);
        s.errors += l.errors.load(std::memory_order_relaxed);
        s.in_flight += l.in_flight.load(std::memory_order_relaxed);
        for (int b = 0; b < kCoarseBuckets; ++b) s.coarse[b] += l.coarse[b].load(std::memory_order_relaxed);
      }
      cfg.on_progress(s, Nanos(now - start_ns));
      next_report = now + cfg.progress_interval.count();
    }
  }
  for (auto& t : pool) t.join();
  result.elapsed = Nanos(mono_now_ns() - start_ns);
  for (auto& w : workers) result.stats += w->stats;
  return result;
}

}  // namespace harness::loadgen
