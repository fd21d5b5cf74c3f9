// The event-driven load engine (wrk/wrk2 shape): `threads` workers, each owning one
// asio::io_context with one net::HttpClient on it (the project's shared asynchronous HTTP/1.1
// client, src/net/http_client.h), its plan cursor, its RunStats and LiveCounters; nothing is
// shared between workers, and their stats are merged once after join. Open loop: sends are
// issued when the plan says they are due, whatever the server does; a send that finds every
// connection busy waits in the worker's queue and is still charged from its due time. Closed
// loop: each connection sends again as soon as its previous response arrives.
// Owns pacing, the queue of due sends, error classification and the small Retry-After-aware
// retry; the shared client owns sockets, keep-alive, the per-request timeout and parsing, and
// never resends. Does not own what is sent (RequestFactory) or what a response means beyond its
// status (ResponseSink).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "core/rng.h"
#include "loadgen/http/request.h"
#include "loadgen/plan/plan.h"
#include "loadgen/report/stats.h"
#include "loadgen/run/progress.h"

namespace harness::loadgen {

// Builds the bytes of request `seq` (global index). Called on worker threads; each worker passes
// its own Rng, so an implementation without other state is thread-safe.
class RequestFactory {
 public:
  virtual ~RequestFactory() = default;
  virtual void build(uint64_t seq, core::Rng& rng, std::string& out) const = 0;
  // The bytes of attempt `attempt` (0 = first) of request `seq`: a retry is built again, so a
  // factory can re-sign it or number it (webhook meta.attempt). Default: the same as build().
  virtual void build_attempt(uint64_t seq, int attempt, core::Rng& rng, std::string& out) const {
    (void)attempt;
    build(seq, rng, out);
  }
};

// Told about every final response (any status); called on worker threads, must be thread-safe.
// `due_ns` and `done_ns` are on mono_now_ns()'s clock.
using ResponseSink = std::function<void(uint64_t seq, int status, const std::string& body,
                                        int64_t due_ns, int64_t done_ns)>;

// Retries of 429 and 5xx (never of transport errors: POST /v2/messages is not idempotent).
// The delay is Retry-After when the response carries it (capped by max_delay), else
// base_delay * 2^attempt, capped by max_delay.
// webhook_rules (inbound mode, Telnyx's delivery rules, contract §7.6): every non-2xx answer
// and every transport error, no answer within the timeout included, fails the attempt and is
// retried (a webhook delivery is idempotent by its event id); with `schedule` given, retry k
// waits schedule[k] (the last entry repeats) instead.
struct RetryConfig {
  int max_retries = 0;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
  bool webhook_rules = false;
  std::vector<std::chrono::milliseconds> schedule;
};

// Told about every attempt, retried or final, on worker threads (must be thread-safe): its
// status (0 for a transport error), whether it ran out of time, and the send's due time.
using AttemptSink = std::function<void(uint64_t seq, int attempt, int status, bool timed_out, int64_t due_ns)>;

struct EngineConfig {
  http::Url target;                 // host and port to connect to
  // Optional (inbound: Telnyx's failover URL): attempts from number failover_after on (0 = the
  // first) go to this host and port instead; the factory writes their Host and path.
  http::Url failover_target;
  int failover_after = 0;
  Plan plan;                        // open loop: this shard's plan (split over workers inside)
  bool closed_loop = false;
  uint32_t threads = 2;
  uint32_t connections = 1000;      // open loop: the most; closed loop: exactly this many
  Nanos duration{0};                // closed loop: how long to run; open loop: plan duration
  uint64_t max_count = UINT64_MAX;  // closed loop: stop after this many sends
  Nanos timeout = std::chrono::seconds(5);    // per request
  Nanos warmup{0};                  // sends due before this do not enter the histograms
  RetryConfig retry;
  const RequestFactory* factory = nullptr;
  ResponseSink on_response;         // optional
  AttemptSink on_attempt;           // optional
  // Optional: sends that probe the server (inbound chaos: forged or stale events it must
  // refuse). They are never retried and their answers are neither ok nor errors: they are
  // counted in stats.probes (a transport error still counts as an error).
  std::function<bool(uint64_t seq)> is_probe;
  // Optional (inbound chaos, --delay-rate): send `seq` this much after its due time, on purpose.
  // It is charged from the moment it was meant to go (due + delay). At most max_extra_delay.
  std::function<Nanos(uint64_t seq)> extra_delay;
  Nanos max_extra_delay{0};
  const std::atomic<bool>* stop = nullptr;   // optional external stop (SIGINT)
  // Called on the main thread about every `progress_interval` with a live snapshot.
  std::function<void(const LiveSnapshot&, Nanos elapsed)> on_progress;
  Nanos progress_interval = std::chrono::seconds(1);
};

struct EngineResult {
  RunStats stats;
  Nanos elapsed{0};
  std::string error;   // non-empty when the run could not start (e.g. host does not resolve)
};

// Monotonic nanoseconds (steady clock): the one time base of the engine and the receiver.
int64_t mono_now_ns();

// Blocks until the plan (or duration/count) is done and every in-flight request has finished or
// timed out. Stops by itself: the hard bound is duration + timeout + retry delays.
EngineResult run_engine(const EngineConfig& cfg);

}  // namespace harness::loadgen
