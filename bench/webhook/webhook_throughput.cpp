// Webhook engine throughput: messages are accepted open-loop at a fixed rate (wrk2 style: each
// one is due at start + k / rate, whatever happened before), every one emits message.sent and
// message.finalized to a local cpp-httplib receiver on 127.0.0.1, and the run reports the rate
// at which both events were delivered plus the send -> finalized-received delay measured from
// each message's due time (so a stalled dispatcher cannot hide its stall).
//
//   bench_webhook_throughput [--messages N] [--rate R] [--workers W] [--connections C]
//                            [--receiver-delay-ms D] [--receiver loop|httplib]
//
// --receiver-delay-ms makes the receiver answer each event after D ms (a web app writing to its
// database); the engine then needs about rate x 2 x D connections.
//
// --receiver picks the receiver: `loop` (default) is the project's event-loop server
// (net::HttpServer, one thread per core, a delay is a timer), `httplib` a cpp-httplib server with
// one thread per connection (connections + 8 threads), the receiver of the earlier runs in
// bench/RESULTS.md. Both answer at once (unless delayed) and run on the same cores as the
// engine, so the cheaper receiver leaves the engine more of them.
//
// The lifecycle timing is zero, so the delay is the engine's own overhead (scheduling, store
// advance, JSON, Ed25519 signing, HTTP round trips). Exit code 1 if any event was not delivered.
#include <httplib.h>
#include <sys/resource.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "core/clock.h"
#include "core/histogram.h"
#include "core/json.h"
#include "core/signing.h"
#include "net/http_server.h"
#include "webhook/engine.h"

namespace {

using Steady = std::chrono::steady_clock;
using harness::mock::MessageLifecycle;

// The minimum a store does on advance: find the message, set statuses, return a copy.
class BenchStore final : public MessageLifecycle {
 public:
  void put(const harness::core::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_[m.id] = m;
  }
  std::optional<harness::core::Message> advance(const std::string&, const std::string& id,
                                                const std::string& status,
                                                const std::vector<harness::core::ErrorObject>& errors,
                                                harness::core::TimePoint at) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = messages_.find(id);
    if (it == messages_.end()) return std::nullopt;
    for (auto& to : it->second.to) to.status = status;
    if (status == "sent") it->second.sent_at = harness::core::format_rfc3339(at);
    if (harness::core::is_terminal_status(status)) {
      it->second.completed_at = harness::core::format_rfc3339(at);
      it->second.errors = errors;
      it->second.cost = harness::core::Money{"0.0040", "USD"};
    }
    return it->second;
  }
  // Status changes without an event (`sending`): a store applies them on read; this one has
  // no reads, so it only records the latest status.
  bool follow_timeline(const std::string&, const std::string& id,
                       std::vector<harness::mock::TimedStatus> steps) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = messages_.find(id);
    if (it == messages_.end()) return false;
    if (!steps.empty()) {
      for (auto& to : it->second.to) to.status = steps.back().status;
    }
    return true;
  }

 private:
  std::mutex mu_;
  std::map<std::string, harness::core::Message> messages_;
};

long arg(int argc, char** argv, const char* name, long def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::strtol(argv[i + 1], nullptr, 10);
  }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  const long messages = arg(argc, argv, "--messages", 60000);
  const long rate = arg(argc, argv, "--rate", 6000);
  const long workers = arg(argc, argv, "--workers", 8);
  const long connections = arg(argc, argv, "--connections", 8);
  const long receiver_delay_ms = arg(argc, argv, "--receiver-delay-ms", 0);
  std::string receiver_kind = "loop";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--receiver") == 0) receiver_kind = argv[i + 1];
  if (messages <= 0 || rate <= 0 || workers <= 0 || connections <= 0 || receiver_delay_ms < 0 ||
      (receiver_kind != "loop" && receiver_kind != "httplib")) {
    std::fprintf(stderr,
                 "usage: %s [--messages N] [--rate R] [--workers W] [--connections C] [--receiver-delay-ms D] "
                 "[--receiver loop|httplib]\n",
                 argv[0]);
    return 2;
  }

  // Receiver: records when each message's finalized event arrived (index parsed from the id).
  std::vector<std::atomic<int64_t>> finalized_at(static_cast<size_t>(messages));
  for (auto& a : finalized_at) a.store(0);
  std::atomic<uint64_t> received{0}, sent_events{0}, finalized_events{0};
  // Cheap field scan instead of a full parse: the receiver must not be the bottleneck.
  auto record = [&](const std::string& body) {
    const auto now = Steady::now().time_since_epoch().count();
    ++received;
    const bool fin = body.find("\"event_type\":\"message.finalized\"") != std::string::npos;
    const size_t p = body.find("\"id\":\"b-");
    if (fin && p != std::string::npos) {
      const long k = std::strtol(body.c_str() + p + 8, nullptr, 10);
      if (k >= 0 && k < static_cast<long>(finalized_at.size())) finalized_at[static_cast<size_t>(k)].store(now);
      ++finalized_events;
    } else {
      ++sent_events;
    }
  };
  httplib::Server rx;
  std::thread rx_thread;
  std::unique_ptr<harness::net::HttpServer> loop_rx;
  int port = -1;
  if (receiver_kind == "httplib") {
    rx.new_task_queue = [connections] { return new httplib::ThreadPool(static_cast<size_t>(connections) + 8); };
    rx.set_keep_alive_max_count(1000000);
    rx.set_tcp_nodelay(true);
    rx.Post("/hooks", [&](const httplib::Request& req, httplib::Response& res) {
      if (receiver_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(receiver_delay_ms));
      record(req.body);
      res.status = 200;
    });
    port = rx.bind_to_any_port("127.0.0.1");
    rx_thread = std::thread([&] { rx.listen_after_bind(); });
    while (!rx.is_running()) std::this_thread::yield();
  } else {
    harness::net::ServerOptions so;
    so.limits.max_connections = static_cast<size_t>(connections) * 2 + 64;
    loop_rx = std::make_unique<harness::net::HttpServer>(
        so,
        [&](const std::shared_ptr<harness::net::Exchange>& ex) {
          auto answer = [&record, ex] {
            record(ex->req.body);
            ex->res.status = 200;
            ex->reply();
          };
          if (receiver_delay_ms > 0) {
            ex->after(std::chrono::milliseconds(receiver_delay_ms), answer);
          } else {
            answer();
          }
        },
        [](const httplib::Request&, httplib::Response&, const std::string&) {});
    if (auto err = loop_rx->start()) {
      std::fprintf(stderr, "receiver: %s\n", err->c_str());
      return 1;
    }
    port = loop_rx->port();
  }

  BenchStore store;
  harness::core::SystemClock clock;
  harness::mock::EngineOptions opts;
  opts.workers = static_cast<size_t>(workers);
  opts.connections_per_destination = static_cast<size_t>(connections);
  opts.queue_capacity = static_cast<size_t>(messages) * 2 + 16;
  auto engine = std::make_unique<harness::mock::WebhookEngine>(store, clock,
                                                               harness::core::generate_ed25519(), opts);
  harness::mock::WebhookSettings s;
  s.timing.sent_after = std::chrono::nanoseconds(0);
  s.timing.finalized_after = std::chrono::nanoseconds(0);
  engine->set_settings(s);

  harness::mock::OutboundContext proto;
  proto.tenant_id = "bench";
  proto.message.from.phone_number = "+13125550147";
  harness::core::MessageAddress to;
  to.phone_number = "+17735550188";
  to.status = "queued";
  proto.message.to.push_back(to);
  proto.message.text = "Your code is 4821";
  proto.routing.message_url = "http://127.0.0.1:" + std::to_string(port) + "/hooks";

  std::printf("webhook throughput: %ld messages at %ld/s offered, %ld workers, %ld connections, %s receiver\n",
              messages, rate, workers, connections, receiver_kind == "loop" ? "event-loop" : "cpp-httplib");
  const auto start = Steady::now();
  std::vector<int64_t> due(static_cast<size_t>(messages));
  for (long k = 0; k < messages; ++k) {
    const auto when = start + std::chrono::nanoseconds(static_cast<int64_t>(k * 1e9 / rate));
    due[static_cast<size_t>(k)] = when.time_since_epoch().count();
    while (Steady::now() < when) std::this_thread::sleep_until(when);
    harness::mock::OutboundContext ctx = proto;
    ctx.message.id = "b-" + std::to_string(k);
    store.put(ctx.message);
    engine->on_outbound_accepted(ctx);
  }
  const auto offered_end = Steady::now();
  const auto limit = offered_end + std::chrono::seconds(60);
  while (received.load() < static_cast<uint64_t>(2 * messages) && Steady::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto end = Steady::now();
  const auto stats = engine->log().stats();
  engine->shutdown();
  if (loop_rx) loop_rx->stop();
  rx.stop();
  if (rx_thread.joinable()) rx_thread.join();

  int64_t last = 0;
  harness::core::Histogram h(1, 3'600'000'000LL, 3);   // microseconds
  for (long k = 0; k < messages; ++k) {
    const int64_t f = finalized_at[static_cast<size_t>(k)].load();
    if (f == 0) continue;
    last = std::max(last, f);
    h.record(std::max<int64_t>(1, (f - due[static_cast<size_t>(k)]) / 1000));
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::nanoseconds(last) - start.time_since_epoch()).count();
  const double offered_secs = std::chrono::duration<double>(offered_end - start).count();
  std::printf("offered:   %.0f messages/s over %.2f s\n", messages / offered_secs, offered_secs);
  std::printf("delivered: %llu message.sent + %llu message.finalized in %.2f s\n",
              static_cast<unsigned long long>(sent_events.load()),
              static_cast<unsigned long long>(finalized_events.load()), secs);
  std::printf("rate:      %.0f messages/s with both events delivered (%.0f webhooks/s)\n",
              static_cast<double>(finalized_events.load()) / secs,
              static_cast<double>(received.load()) / secs);
  std::printf("send->finalized delay from due time: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              h.value_at_percentile(50) / 1000.0, h.value_at_percentile(99) / 1000.0,
              h.max() / 1000.0);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  // The machine may be shared: CPU time says what the work costs, whatever else runs.
  std::printf("cpu:       %.2f s user+sys (engine + receiver) -> %.0f messages per CPU-second\n",
              cpu, static_cast<double>(finalized_events.load()) / cpu);
  std::printf("engine: %llu attempts, %llu failed, %llu overflow\n",
              static_cast<unsigned long long>(stats.attempts),
              static_cast<unsigned long long>(stats.attempts_failed),
              static_cast<unsigned long long>(stats.queue_overflow));
  (void)end;
  return received.load() == static_cast<uint64_t>(2 * messages) ? 0 : 1;
}
