// The only translation unit of the engine that includes Asio (it is heavy to compile).
#include "loadgen/run/engine.h"

#include <algorithm>
#include <asio.hpp>
#include <deque>
#include <optional>
#include <thread>

#include "net/http_client.h"

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

struct Job {
  uint64_t seq = 0;
  int64_t due_ns = 0;
  int64_t first_sent_ns = -1;
  int attempt = 0;
};

// A keep-alive connection idle this long is dropped rather than reused: the server may be about
// to close it (telnyx-mock's idle_timeout_ms defaults to 5 s), and a request written into that
// close would fail without an answer. (The shared client also drops an idle connection the
// moment the peer closes it, so a request is never written into a known-dead connection.)
constexpr auto kMaxReuseIdle = std::chrono::seconds(2);

struct Origins {
  net::Origin primary, failover;
  bool has_failover = false;
};

// One worker: an io_context on its own thread, with one net::HttpClient (the project's shared
// asynchronous HTTP/1.1 client) on it. The worker owns pacing, its queue of due sends, retries
// and the figures; the client owns sockets, keep-alive, the per-request timeout and response
// parsing. At most max_conns_ requests are handed to the client at once, so every one of them
// gets a connection at once (the client's own queue stays empty) and a due send that finds all
// of them busy waits in this worker's queue, still charged from its due time.
class Worker {
 public:
  Worker(const EngineConfig& cfg, uint32_t index, Origins origins, int64_t start_ns, LiveCounters& live)
      : cfg_(cfg), index_(index), origins_(std::move(origins)), start_ns_(start_ns), live_(live),
        cursor_(split(cfg.plan, index, cfg.threads)), rng_(core::stable_hash("worker/" + std::to_string(cfg.plan.seed) + "/" + std::to_string(index))),
        pacer_(io_), checker_(io_), deadline_(io_) {
    const uint32_t t = std::max<uint32_t>(1, cfg.threads);
    max_conns_ = cfg.connections / t + (index < cfg.connections % t ? 1 : 0);
    max_conns_ = std::max<uint32_t>(1, max_conns_);
    net::ClientOptions co;
    co.max_connections_per_origin = max_conns_;
    co.max_connecting_per_origin = max_conns_;   // open on demand, as many as the load needs
    co.grow_after = Nanos(0);
    co.max_body_bytes = 1 << 20;                 // bodies kept up to 1 MiB
    co.idle_timeout = kMaxReuseIdle;
    client_.emplace(io_, co);
    if (cfg.closed_loop) {
      closed_left_ = cfg.max_count == UINT64_MAX ? UINT64_MAX : cfg.max_count / t + (index < cfg.max_count % t ? 1 : 0);
      closed_end_ns_ = start_ns_ + cfg.duration.count();
    }
    const int64_t run_ns = cfg.closed_loop ? cfg.duration.count() : plan_duration(cfg.plan).count();
    int64_t retry_ns = 0;
    if (cfg.retry.max_retries > 0)
      retry_ns = cfg.retry.max_retries * (Nanos(cfg.retry.max_delay).count() + cfg.timeout.count());
    // The hard bound: nothing is issued after the plan ends, and every request has a timeout.
    hard_end_ns_ = start_ns_ + run_ns + cfg.max_extra_delay.count() + cfg.timeout.count() + retry_ns + 1'000'000'000;
  }

  void run() {
    deadline_.expires_at(tp(hard_end_ns_));
    deadline_.async_wait([this](const asio::error_code& ec) { if (!ec) on_hard_deadline(); });
    arm_checker();
    if (cfg_.closed_loop) {
      pacer_.expires_at(tp(start_ns_));
      pacer_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;
        for (uint32_t i = 0; i < max_conns_ && closed_can_issue(); ++i) start(next_closed_job());
        plan_done_ = !closed_can_issue();
        maybe_finish();
      });
    } else {
      arm_pacer();
    }
    io_.run();
    stats.bytes_read = client_->stats().bytes_read;
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
    const Nanos hold = cfg_.extra_delay ? std::min(cfg_.extra_delay(job.seq), cfg_.max_extra_delay) : Nanos(0);
    if (hold.count() <= 0) return dispatch(job);
    // Held back on purpose: waits like a retry (so the run does not finish under it), then goes
    // as if it had been due then.
    job.due_ns += hold.count();
    dispatch_later(job, hold);
  }

  void dispatch(const Job& job) {
    if (in_flight_ < max_conns_) start(job);
    else queue_.push_back(job);
  }

  void start(const Job& job) {
    if (job.attempt == 0) {   // first attempts only: retries are counted in stats.retries
      ++stats.issued;
      live_.add(live_.issued);
    }
    ++in_flight_;
    live_.add(live_.in_flight);
    std::string wire;
    cfg_.factory->build_attempt(job.seq, job.attempt, rng_, wire);
    const bool failover = origins_.has_failover && job.attempt >= cfg_.failover_after;
    client_->send(failover ? origins_.failover : origins_.primary, std::move(wire), cfg_.timeout, [this, job](net::Result& r) { on_result(job, r); });
  }

  // Runs on this worker's thread (the client calls back on the loop, never inside send()).
  void on_result(Job job, net::Result& r) {
    const int64_t now = mono_now_ns();
    // The client measures from the moment the request got its connection: that is when this
    // attempt went out (the uncorrected latency's start).
    if (job.first_sent_ns < 0) job.first_sent_ns = now - r.elapsed.count();
    --in_flight_;
    live_.in_flight.store(in_flight_, std::memory_order_relaxed);
    const bool probe = cfg_.is_probe && cfg_.is_probe(job.seq);
    if (cfg_.on_attempt)
      cfg_.on_attempt(job.seq, job.attempt, r.ok() ? r.response.status : 0,
                      r.error == net::ClientError::Timeout, job.due_ns);
    if (r.ok() && probe) record_probe(job, r.response.status, now);
    else if (r.ok()) complete(job, r.response, now);
    else if (cfg_.retry.webhook_rules && !probe && job.attempt < cfg_.retry.max_retries && !stopping_ &&
             r.error != net::ClientError::Aborted)
      retry_after_failure(job, now);
    else fail(job, r.error);
    next();
  }

  // A probe's answer (any status): neither ok nor an error; the caller judges it.
  void record_probe(const Job& job, int status, int64_t now) {
    ++stats.completed;
    ++stats.probes;
    ++stats.status_counts[status];
    if (measured(job)) {
      stats.corrected.record(us(now - job.due_ns));
      stats.uncorrected.record(us(now - job.first_sent_ns));
    }
  }

  // Webhook rules: a transport error (no answer in time included) is retried like a refusal.
  void retry_after_failure(const Job& job, int64_t now) {
    if (job.attempt == 0 && measured(job)) stats.first_attempt.record(us(now - job.due_ns));
    schedule_retry(job, -1);
  }

  void complete(const Job& job, const net::Response& resp, int64_t now) {
    const int status = resp.status;
    const bool retryable = cfg_.retry.webhook_rules ? (status < 200 || status >= 300) : (status == 429 || status >= 500);
    if (retryable && job.attempt < cfg_.retry.max_retries && !stopping_) {
      if (job.attempt == 0 && measured(job)) stats.first_attempt.record(us(now - job.due_ns));
      schedule_retry(job, resp.retry_after_seconds);
    } else {
      record_final(job, status, now, resp.body);
    }
  }

  void schedule_retry(Job job, int64_t retry_after_s) {
    const auto cap = std::chrono::duration_cast<Nanos>(cfg_.retry.max_delay);
    const auto& sched = cfg_.retry.schedule;
    Nanos delay = retry_after_s >= 0 ? Nanos(std::chrono::seconds(retry_after_s))
                  : !sched.empty()   ? Nanos(sched[std::min<size_t>(static_cast<size_t>(job.attempt), sched.size() - 1)])
                                     : std::chrono::duration_cast<Nanos>(cfg_.retry.base_delay) * (int64_t{1} << std::min(job.attempt, 20));
    delay = std::min(delay, cap);
    ++job.attempt;
    ++stats.retries;
    dispatch_later(job, delay);
  }

  // A retry, or a send held back on purpose: counted as pending (the run does not finish under
  // it), unsent if the run stops first; the timers are cancelled at the hard deadline.
  void dispatch_later(const Job& job, Nanos delay) {
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
    const int64_t lat = us(now - job.due_ns);
    auto& done = stats.timeline.at(now - start_ns_);   // may reallocate: slot is taken after
    if (ok) ++done.done_ok;
    else ++done.done_errors;
    auto& slot = stats.timeline.at(job.due_ns - start_ns_);
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

  // Transport errors are never retried (POST /v2/messages is not idempotent): a connection that
  // closed before any response byte may have been acted on by the server.
  void fail(const Job& job, net::ClientError e) {
    switch (e) {
      case net::ClientError::Connect:
      case net::ClientError::Tls: ++stats.errors.connect; break;
      case net::ClientError::Write: ++stats.errors.write; break;
      case net::ClientError::ClosedBeforeResponse:
      case net::ClientError::Read:
      case net::ClientError::BadResponse: ++stats.errors.read; break;
      // Aborted: cut at the run's hard bound, i.e. it did not complete in time.
      case net::ClientError::Timeout:
      case net::ClientError::Aborted:
      case net::ClientError::None: ++stats.errors.timeout; break;
    }
    ++stats.timeline.at(mono_now_ns() - start_ns_).done_errors;
    ++stats.timeline.at(job.due_ns - start_ns_).errors;
    live_.add(live_.errors);
  }

  // A request slot came free: the oldest queued send, or (closed loop) the next one.
  void next() {
    if (!queue_.empty() && !stopping_) {
      const Job j = queue_.front();
      queue_.pop_front();
      return start(j);
    }
    if (cfg_.closed_loop) {
      if (closed_can_issue()) return start(next_closed_job());
      plan_done_ = true;
    }
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
    client_->shutdown();   // in-flight requests complete with Aborted (counted as timeouts)
    for (auto& t : retry_timers_) t->cancel();
  }

  void maybe_finish() {
    if (done_ || !(plan_done_ || stopping_)) return;
    if (in_flight_ > 0 || !queue_.empty() || pending_retries_ > 0) return;
    done_ = true;
    pacer_.cancel();
    checker_.cancel();
    deadline_.cancel();
    client_->shutdown();   // closes the idle keep-alive connections
    io_.stop();
  }

  const EngineConfig& cfg_;
  const uint32_t index_;
  const Origins origins_;
  const int64_t start_ns_;
  LiveCounters& live_;
  Cursor cursor_;
  core::Rng rng_;
  asio::io_context io_{1};
  asio::steady_timer pacer_, checker_, deadline_;
  std::optional<net::HttpClient> client_;   // declared after io_: destroyed before it
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
  // Resolved once: every worker's client connects to this address (no lookup per connection).
  auto resolve = [&result](const http::Url& u, net::Origin& out) {
    asio::io_context io;
    tcp::resolver resolver(io);
    asio::error_code ec;
    const auto results = resolver.resolve(u.host, u.port, ec);
    if (ec || results.empty()) {
      result.error = "cannot resolve " + u.host + ":" + u.port + ": " + ec.message();
      return false;
    }
    tcp::endpoint ep = results.begin()->endpoint();
    for (const auto& r : results)
      if (r.endpoint().address().is_v4()) { ep = r.endpoint(); break; }
    out.host = ep.address().to_string();
    out.port = std::to_string(ep.port());
    return true;
  };
  Origins origins;
  if (!resolve(cfg.target, origins.primary)) return result;
  if (cfg.failover_after > 0 && !cfg.failover_target.host.empty()) {
    if (!resolve(cfg.failover_target, origins.failover)) return result;
    origins.has_failover = true;
  }
  const uint32_t threads = std::max<uint32_t>(1, cfg.threads);
  std::vector<LiveCounters> live(threads);
  // Every worker measures from one shared start, a little in the future so all are ready.
  const int64_t start_ns = mono_now_ns() + 20'000'000;
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t i = 0; i < threads; ++i)
    workers.push_back(std::make_unique<Worker>(cfg, i, origins, start_ns, live[i]));
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
