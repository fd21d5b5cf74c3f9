// The event-loop transport over real sockets: every limit (431 by size and by count, 414, 413 by
// Content-Length and for a chunked body that never ends, the slowloris deadline, the idle
// keep-alive timeout, the connection cap), garbage, chunked bodies, scenario delays as timers on
// one loop thread, pipelining behind a delay, socket faults over TLS, and stop() while peers
// trickle, hang or wait. No timing asserts: waits are bounded so a regression fails instead of
// hanging.
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "mock_server.h"
#include "raw_connection.h"
#include "scenario/engine.h"
#include "support/paths.h"

namespace harness::mock::testing {
namespace {

using core::json;
using std::chrono::milliseconds;

// A response read off the wire.
struct Wire {
  int status = 0;          // 0: no status line
  std::string head;
  json body;
  std::string code() const {
    if (!body.is_object() || !body.contains("errors")) return "";
    return body["errors"][0].value("code", "");
  }
  bool has_header(const std::string& line) const { return head.find(line) != std::string::npos; }
};

Wire parse_wire(const std::string& raw) {
  Wire w;
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return w;
  w.status = std::stoi(raw.substr(9, 3));
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return w;
  w.head = raw.substr(0, end + 2);
  w.body = json::parse(raw.substr(end + 4), nullptr, false);
  return w;
}

// True once `r` holds one complete response (by Content-Length).
bool complete_response(const std::string& r) {
  const size_t end = r.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const size_t cl = r.find("Content-Length: ");
  if (cl == std::string::npos || cl > end) return true;
  return r.size() >= end + 4 + std::stoul(r.substr(cl + 16));
}

const std::string kBody = R"({"to":"+17735550188","text":"transport"})";

std::string post(const std::string& body = kBody, const std::string& extra = "") {
  return "POST /v2/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer KEYt\r\n"
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra + "\r\n" + body;
}

class TransportTest : public ::testing::Test {
 protected:
  // Starts a mock with these settings (YAML under `settings:`), `threads` loop threads and, when
  // given, a scenario.
  void start(const std::string& settings, int threads = 1, const std::string& scenario = "",
             bool tls = false) {
    MockServerOptions o;
    o.threads = threads;
    if (!settings.empty()) o.config_yaml = "settings: " + settings + "\n";
    if (tls) o.tls = TlsOptions{harness::testing::source_path("fixtures/tls/cert.pem"),
                                harness::testing::source_path("fixtures/tls/key.pem")};
    o.scenarios = !scenario.empty();
    server_ = std::make_unique<MockServer>(o);
    auto err = server_->start();
    ASSERT_FALSE(err) << *err;
    if (!scenario.empty()) {
      engine_ = server_->scenario_engine();
      auto bad = engine_->load_yaml(scenario);
      ASSERT_FALSE(bad) << bad->to_string();
    }
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  int port() const { return server_->port(); }

  json last_journal_entry() {
    httplib::Client c("127.0.0.1", port());
    c.set_read_timeout(5, 0);
    auto r = c.Get("/_mock/requests?limit=1");
    if (!r) return json();
    return json::parse(r->body, nullptr, false)["data"][0];
  }
  void expect_still_serving() {
    httplib::Client c("127.0.0.1", port());
    c.set_read_timeout(5, 0);
    auto r = c.Post("/v2/messages", {{"Authorization", "Bearer KEYt"}}, kBody, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // Sends `request`, reads to the end of the connection, checks the envelope and the close.
  Wire refused(const std::string& request, int status) {
    RawConnection c(port());
    EXPECT_TRUE(c.connected());
    c.send_all(request);
    const Wire w = parse_wire(c.read_to_end());
    EXPECT_EQ(w.status, status) << w.head;
    EXPECT_EQ(w.code(), "10015") << w.head;
    EXPECT_TRUE(w.has_header("Connection: close")) << w.head;
    EXPECT_TRUE(w.has_header("Content-Type: application/json")) << w.head;
    EXPECT_TRUE(w.has_header("x-request-id: ")) << w.head;
    EXPECT_TRUE(c.ended());
    return w;
  }

  std::unique_ptr<MockServer> server_;
  std::shared_ptr<scenario::ScenarioEngine> engine_;
};

TEST_F(TransportTest, HeaderSectionOverTheLimitIs431) {
  start("{ max_header_bytes: 2048 }");
  refused("GET /v2/messaging_profiles HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n", 431);
  const json e = last_journal_entry();
  EXPECT_EQ(e["status"], 431);
  EXPECT_EQ(e["path"], "/v2/messaging_profiles");
  httplib::Client c("127.0.0.1", port());
  auto m = c.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("telnyx_mock_requests_refused_total 1\n"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("unmatched\",status=\"431\"}"), std::string::npos) << m->body;
  expect_still_serving();
}

TEST_F(TransportTest, TooManyHeaderFieldsIs431) {
  start("{ max_headers: 8 }");
  std::string req = "GET /v2/messaging_profiles HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 20; ++i) req += "X-H" + std::to_string(i) + ": v\r\n";
  refused(req + "\r\n", 431);
  // At the limit it is served.
  RawConnection ok(port());
  std::string fine = "GET /v2/messaging_profiles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYt\r\n";
  for (int i = 0; i < 6; ++i) fine += "X-H" + std::to_string(i) + ": v\r\n";
  ok.send_all(fine + "\r\n");
  EXPECT_EQ(parse_wire(ok.read_until(complete_response)).status, 200);
}

TEST_F(TransportTest, LongRequestLineIs414) {
  start("{ max_request_line_bytes: 256 }");
  refused("GET /v2/messages/" + std::string(1000, 'x') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
  expect_still_serving();
}

TEST_F(TransportTest, ContentLengthOverTheLimitIs413BeforeTheBody) {
  start("{ payload_max_bytes: 1024 }");
  // The body is never sent: the answer cannot have waited for it.
  const Wire w = refused(
      "POST /v2/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYt\r\nContent-Length: 100000000\r\n\r\n", 413);
  EXPECT_NE(w.body["errors"][0].value("detail", "").find("1024"), std::string::npos);
  EXPECT_EQ(last_journal_entry()["status"], 413);
  expect_still_serving();
}

TEST_F(TransportTest, ChunkedBodyOverTheLimitIs413WithoutWaitingForItsEnd) {
  start("{ payload_max_bytes: 1024 }");
  // 1,500 bytes in one chunk and no last chunk: only a server that stops at the limit answers.
  char size[16];
  std::snprintf(size, sizeof size, "%x", 1500);
  refused("POST /v2/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYt\r\nTransfer-Encoding: chunked\r\n\r\n" +
              std::string(size) + "\r\n" + std::string(1500, 'a') + "\r\n",
          413);
  expect_still_serving();
}

TEST_F(TransportTest, ChunkedBodyUnderTheLimitIsServed) {
  start("{ payload_max_bytes: 1024 }");
  RawConnection c(port());
  const std::string a = kBody.substr(0, 10), b = kBody.substr(10);
  char sa[16], sb[16];
  std::snprintf(sa, sizeof sa, "%zx", a.size());
  std::snprintf(sb, sizeof sb, "%zx", b.size());
  c.send_all("POST /v2/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYt\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n" + std::string(sa) + "\r\n" + a + "\r\n" + sb + "\r\n" + b + "\r\n0\r\n\r\n");
  const Wire w = parse_wire(c.read_until(complete_response));
  EXPECT_EQ(w.status, 200) << w.head;
  EXPECT_EQ(w.body["data"]["text"], "transport");
}

TEST_F(TransportTest, SlowlorisGets408AtTheRequestDeadline) {
  start("{ request_timeout_ms: 300 }");
  RawConnection c(port());
  ASSERT_TRUE(c.send_all("POST /v2/messages HTTP/1.1\r\nHost: x\r\n"));
  // One header byte every 50 ms, for at most 10 s: each byte is progress, yet the whole request
  // never arrives.
  std::string got;
  for (int i = 0; i < 200 && !c.ended() && !complete_response(got); ++i) {
    c.send_all("X");
    got = c.read_until(complete_response, milliseconds(50));
  }
  const Wire w = parse_wire(got);
  EXPECT_EQ(w.status, 408) << got;
  EXPECT_EQ(w.code(), "10015");
  EXPECT_TRUE(w.has_header("Connection: close"));
  c.read_to_end();
  EXPECT_TRUE(c.ended());
  expect_still_serving();
}

TEST_F(TransportTest, IdleKeepAliveConnectionIsClosed) {
  start("{ idle_timeout_ms: 200 }");
  RawConnection silent(port());
  EXPECT_EQ(silent.read_to_end(milliseconds(10000)), "");
  EXPECT_TRUE(silent.eof());
  // After an answer, the kept-alive connection is closed the same way.
  RawConnection used(port());
  used.send_all(post());
  const std::string first = used.read_until(complete_response);
  EXPECT_EQ(parse_wire(first).status, 200);
  EXPECT_EQ(used.read_to_end(milliseconds(10000)), first);
  EXPECT_TRUE(used.eof());
}

TEST_F(TransportTest, ConnectionsBeyondTheCapAreClosedAtOnce) {
  start("{ max_connections: 2 }");
  RawConnection a(port()), b(port());
  for (RawConnection* c : {&a, &b}) {
    c->send_all(post());
    ASSERT_EQ(parse_wire(c->read_until(complete_response)).status, 200);
  }
  RawConnection over(port());
  ASSERT_TRUE(over.connected());   // the kernel accepts; the mock closes it without a byte
  over.send_all(post());
  EXPECT_EQ(over.read_to_end(milliseconds(10000)), "");
  EXPECT_TRUE(over.ended());
  // /metrics counts it (asked on one of the two open connections).
  a.send_all("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string metrics = a.read_until([](const std::string& r) {
    const size_t second = r.find("HTTP/1.1 ", 1);
    return second != std::string::npos && complete_response(r.substr(second));
  });
  EXPECT_NE(metrics.find("telnyx_mock_connections_total{outcome=\"over_max_connections\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("telnyx_mock_connections_open 2\n"), std::string::npos);
  // A slot frees when a connection closes.
  a.close();
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    RawConnection again(port());
    again.send_all(post());
    status = parse_wire(again.read_until(complete_response, milliseconds(2000))).status;
    if (status != 200) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(status, 200);
  // The kept-alive one still works.
  b.send_all(post());
  EXPECT_EQ(parse_wire(b.read_until([](const std::string& r) {
              return r.find("HTTP/1.1", 10) != std::string::npos && complete_response(r.substr(r.find("HTTP/1.1", 10)));
            }).substr(0, 12)).status, 200);
}

TEST_F(TransportTest, GarbageIs400AndClosed) {
  start("");
  const char tls_hello[] = "\x16\x03\x01\x02\x00 this is not http\r\n\r\n";
  refused(std::string(tls_hello, sizeof tls_hello - 1), 400);
  refused("GET /v2/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", 400);
  expect_still_serving();
}

TEST_F(TransportTest, TwoHundredDelayedRequestsOnOneLoopThreadAllSucceed) {
  // 200 ms per send on one loop thread: if a delay held the thread, 200 requests would need
  // 40 s; as timers they overlap. Bounded wait, no timing assert.
  start("", 1, "rules:\n  - { name: slow, match: { method: POST, path: /v2/messages }, delay: 200ms }\n");
  constexpr int kN = 200;
  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < kN; ++i) {
    conns.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(conns.back()->connected());
    ASSERT_TRUE(conns.back()->send_all(post()));
  }
  int ok = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (auto& c : conns) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (parse_wire(c->read_until(complete_response, left)).status == 200) ++ok;
  }
  EXPECT_EQ(ok, kN);
}

TEST_F(TransportTest, PipelinedRequestsStayInOrderBehindADelay) {
  start("", 1, "rules:\n  - { name: slow, match: { method: POST, path: /v2/messages }, delay: 300ms }\n");
  RawConnection c(port());
  const std::string unknown = "GET /v2/nothing HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYt\r\n\r\n";
  ASSERT_TRUE(c.send_all(post() + unknown));
  const std::string all = c.read_until([](const std::string& r) {
    const size_t second = r.find("HTTP/1.1 ", 1);
    return second != std::string::npos && complete_response(r.substr(second));
  });
  const size_t ok = all.find("HTTP/1.1 200");
  const size_t missing = all.find("HTTP/1.1 404");
  ASSERT_NE(ok, std::string::npos) << all;
  ASSERT_NE(missing, std::string::npos) << all;
  EXPECT_LT(ok, missing);
}

TEST_F(TransportTest, FaultsActOnTlsConnections) {
  if (!std::ifstream(harness::testing::source_path("fixtures/tls/cert.pem"))) GTEST_SKIP() << "fixtures/tls is missing";
  start("", 1,
        "rules:\n"
        "  - { name: reset, match: { path: /v2/reset }, fault: connection_reset }\n"
        "  - { name: empty, match: { path: /v2/empty }, fault: empty_response }\n"
        "  - { name: slow, match: { path: /v2/messages }, delay: 100ms }\n",
        true);
  auto client = [&] {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port());
    c->enable_server_certificate_verification(false);
    c->set_read_timeout(5, 0);
    return c;
  };
  const httplib::Headers auth{{"Authorization", "Bearer KEYt"}};
  std::signal(SIGPIPE, SIG_IGN);   // the TLS client writes into the reset connection
  EXPECT_FALSE(client()->Post("/v2/reset", auth, "{}", "application/json"));
  EXPECT_FALSE(client()->Post("/v2/empty", auth, "{}", "application/json"));
  auto r = client()->Post("/v2/messages", auth, kBody, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const json report = engine_->report();
  EXPECT_EQ(report["faults"]["connection_resets"], 1);
  EXPECT_EQ(report["faults"]["empty_responses"], 1);
}

TEST_F(TransportTest, StopReturnsWhilePeersTrickleHangAndWait) {
  start("{ request_timeout_ms: 600000, idle_timeout_ms: 600000 }", 1,
        "faults: { timeout_cap: 600s }\n"
        "rules:\n"
        "  - { name: hang, match: { path: /v2/hang }, fault: timeout }\n"
        "  - { name: slow, match: { path: /v2/messages }, delay: 30s }\n");
  RawConnection trickle(port()), hung(port()), delayed(port()), idle(port());
  trickle.send_all("POST /v2/messages HTTP/1.1\r\nHost: x\r\n");
  hung.send_all("POST /v2/hang HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  delayed.send_all(post());
  for (int i = 0; i < 500 && engine_->fault_executor()->parked() == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  ASSERT_EQ(engine_->fault_executor()->parked(), 1u);
  std::thread trickler([&] {
    for (int i = 0; i < 100 && trickle.send_all("X"); ++i) std::this_thread::sleep_for(milliseconds(20));
  });
  std::this_thread::sleep_for(milliseconds(100));
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  std::printf("[ measure  ] stop() with a trickling, a hung, a delayed and an idle peer: %.1f ms\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  trickler.join();
  for (RawConnection* c : {&hung, &delayed, &idle}) {
    c->read_to_end(milliseconds(5000));
    EXPECT_TRUE(c->ended());
  }
  EXPECT_EQ(engine_->fault_executor()->parked(), 0u);
}

}  // namespace
}  // namespace harness::mock::testing
