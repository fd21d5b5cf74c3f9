// The engine against small cpp-httplib servers on 127.0.0.1: errors by kind, retries, chunked
// bodies, closed-loop counts and stopping. The coordinated-omission proof runs against the mock's
// scenario engine (mock_test.cpp).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "loadgen/report/report.h"
#include "loadgen/run/engine.h"
#include "support/scoped_server.h"

using namespace harness::loadgen;
using namespace std::chrono_literals;
using harness::testing::ScopedServer;

namespace {

// cpp-httplib holds one pool thread per keep-alive connection until it idles out (5 s); the
// default pool of 8 would make the 9th connection wait, which is the test server's limit, not
// the engine's.
void big_pool(httplib::Server& svr) {
  svr.new_task_queue = [] { return new httplib::ThreadPool(96); };
}

class FixedRequest final : public RequestFactory {
 public:
  explicit FixedRequest(std::string host) : host_(std::move(host)) {}
  void build(uint64_t seq, harness::core::Rng&, std::string& out) const override {
    const std::string body = "{\"seq\":" + std::to_string(seq) + "}";
    out += "POST /v2/messages HTTP/1.1\r\nHost: " + host_ + "\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  std::string host_;
};

EngineConfig config_for(int port, const RequestFactory& f, double rate, Nanos duration) {
  EngineConfig c;
  c.target.host = "127.0.0.1";
  c.target.port = std::to_string(port);
  c.plan.stages = {Stage{duration, rate, rate}};
  c.duration = duration;
  c.threads = 2;
  c.connections = 64;
  c.timeout = 5s;
  c.factory = &f;
  return c;
}

// Closed loop: `count` sends over `connections` connections, each one sent when the one before it
// on its connection is answered, within `duration`.
EngineConfig closed_loop_for(int port, const RequestFactory& f, Nanos duration, int connections, uint64_t count) {
  EngineConfig c = config_for(port, f, 0, duration);
  c.closed_loop = true;
  c.connections = connections;
  c.max_count = count;
  return c;
}

}  // namespace

TEST(EngineTest, ErrorsAreCountedByKind) {
  httplib::Server svr;
  big_pool(svr);
  std::atomic<uint64_t> n{0};
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) {
    const uint64_t i = n++;
    if (i % 4 == 1) res.status = 503;
    else if (i % 4 == 2) std::this_thread::sleep_for(600ms);   // past the 300 ms timeout
    res.set_content("{}", "application/json");
  });
  ScopedServer s(svr);
  FixedRequest f("127.0.0.1:" + std::to_string(s.port()));
  EngineConfig c = closed_loop_for(s.port(), f, 1s, 1, 40);
  c.threads = 1;
  c.timeout = 300ms;
  const auto r = run_engine(c);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.stats.issued, r.stats.completed + r.stats.errors.timeout);
  EXPECT_GT(r.stats.errors.status, 0u);
  EXPECT_GT(r.stats.errors.timeout, 0u);
  EXPECT_EQ(r.stats.errors.status, r.stats.status_counts.at(503));
  EXPECT_EQ(r.stats.errors.connect + r.stats.errors.read + r.stats.errors.write, 0u);

  // Nothing listens on this port any more: every send is a connect error.
  int closed_port = 0;
  {
    httplib::Server tmp;
    ScopedServer t(tmp);
    closed_port = t.port();
  }
  EngineConfig d = config_for(closed_port, f, 200, 500ms);
  const auto e = run_engine(d);
  EXPECT_EQ(e.stats.issued, 100u);
  EXPECT_EQ(e.stats.errors.connect, 100u);
  EXPECT_EQ(e.stats.completed, 0u);
}

TEST(EngineTest, RetriesHonourRetryAfterAndReportFirstAttemptSeparately) {
  httplib::Server svr;
  big_pool(svr);
  std::atomic<uint64_t> n{0};
  std::mutex mu;
  std::set<std::string> seen;
  // The first attempt of each send is refused with 429 + Retry-After: 0, the retry succeeds.
  svr.Post("/v2/messages", [&](const httplib::Request& req, httplib::Response& res) {
    ++n;
    std::lock_guard<std::mutex> lock(mu);
    if (seen.insert(req.body).second) {
      res.status = 429;
      res.set_header("Retry-After", "0");
    }
    res.set_content("{}", "application/json");
  });
  ScopedServer s(svr);
  FixedRequest f("127.0.0.1:" + std::to_string(s.port()));
  EngineConfig c = config_for(s.port(), f, 100, 1s);
  c.threads = 1;
  c.retry.max_retries = 2;
  const auto r = run_engine(c);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.stats.issued, 100u);
  EXPECT_EQ(r.stats.ok, 100u);
  EXPECT_EQ(r.stats.retries, 100u);
  EXPECT_EQ(n.load(), 200u);
  EXPECT_EQ(r.stats.first_attempt.total_count(), 100u);
  EXPECT_EQ(r.stats.corrected.total_count(), 100u);
  EXPECT_EQ(r.stats.status_counts.count(429), 0u);   // only final statuses are counted
}

TEST(EngineTest, ChunkedResponsesAndClosedLoopCount) {
  httplib::Server svr;
  big_pool(svr);
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink& sink) {
      sink.write("{\"data\":", 8);
      sink.write("{\"id\":\"x\"}}", 11);
      sink.done();
      return true;
    });
  });
  ScopedServer s(svr);
  FixedRequest f("127.0.0.1:" + std::to_string(s.port()));
  EngineConfig c = closed_loop_for(s.port(), f, 10s, 4, 501);
  std::atomic<uint64_t> bodies_ok{0};
  c.on_response = [&](uint64_t, int status, const std::string& body, int64_t, int64_t) {
    if (status == 200 && body == "{\"data\":{\"id\":\"x\"}}") ++bodies_ok;
  };
  const auto r = run_engine(c);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.stats.issued, 501u);
  EXPECT_EQ(r.stats.ok, 501u);
  EXPECT_EQ(bodies_ok.load(), 501u);
}

TEST(EngineTest, ExternalStopEndsTheRunAndCountsUnsent) {
  httplib::Server svr;
  big_pool(svr);
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
  ScopedServer s(svr);
  FixedRequest f("127.0.0.1:" + std::to_string(s.port()));
  EngineConfig c = config_for(s.port(), f, 100, 60s);
  std::atomic<bool> stop{false};
  c.stop = &stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop = true;
  });
  const auto r = run_engine(c);
  stopper.join();
  EXPECT_LT(r.stats.issued, 200u);   // stopped long before the 6,000 planned
  EXPECT_EQ(r.stats.issued, r.stats.ok);
  EXPECT_EQ(r.stats.planned, r.stats.issued + r.stats.unsent);
}

TEST(EngineTest, UnresolvableHostIsARunError) {
  FixedRequest f("nowhere.invalid:80");
  EngineConfig c = config_for(80, f, 10, 1s);
  c.target.host = "nowhere.invalid";
  const auto r = run_engine(c);
  EXPECT_NE(r.error, "");
}

// Throughput by completion second: sends due in second 0 whose answers take 1.2 s are counted
// done in a later second, while the due-time view keeps them in second 0.
TEST(EngineTest, TimelineCountsCompletionsInTheSecondTheyHappened) {
  httplib::Server svr;
  big_pool(svr);
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(1200ms);
    res.set_content("{}", "application/json");
  });
  ScopedServer s(svr);
  FixedRequest f("127.0.0.1:" + std::to_string(s.port()));
  EngineConfig c = config_for(s.port(), f, 20, 1s);
  c.threads = 1;
  const auto r = run_engine(c);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.stats.ok, 20u);
  const auto& slots = r.stats.timeline.slots;
  ASSERT_GE(slots.size(), 2u);
  EXPECT_EQ(slots[0].sent, 20u);
  EXPECT_EQ(slots[0].ok, 20u);
  EXPECT_EQ(slots[0].done_ok, 0u);
  uint64_t done = 0;
  for (const auto& sl : slots) done += sl.done_ok;
  EXPECT_EQ(done, 20u);
}

// Warm-up sends leave the histograms, not the counts: the achieved rate is measured over the
// same sends and time as the intended one, so it must not read lower with --warmup.
TEST(EngineTest, WarmupSendsCountTowardsTheAchievedRate) {
  httplib::Server svr;
  big_pool(svr);
  svr.Post("/v2/messages", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  ScopedServer s(svr);
  FixedRequest f("127.0.0.1");
  EngineConfig c = config_for(s.port(), f, 40, 1s);
  c.warmup = 500ms;
  const EngineResult r = run_engine(c);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.stats.planned, 40u);
  EXPECT_EQ(r.stats.ok, 40u);
  // Send k is due at k/40 s: the first 20 are due before the warm-up ends.
  EXPECT_EQ(r.stats.corrected.total_count(), 20u);
  Report rep;
  rep.run = r.stats;
  rep.elapsed_seconds = std::chrono::duration<double>(r.elapsed).count();
  EXPECT_DOUBLE_EQ(achieved_rate(rep) * rep.elapsed_seconds, 40.0);
}
