// Client against small fake servers on 127.0.0.1:0 that answer exactly as Telnyx does.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "client/client.h"
#include "fake_telnyx.h"
#include "support/peer.h"
#include "support/scoped_server.h"

namespace harness::client {
namespace {

using harness::testing::Peer;
using harness::testing::ScopedServer;
using std::chrono::milliseconds;

struct Harness {
  core::ManualClock clock;
  ManualSleeper sleeper{clock};
  RecordingTelemetry telemetry;

  ClientDeps deps(RetrySettings r = {}) {
    ClientDeps d;
    d.clock = &clock;
    d.sleeper = &sleeper;
    d.telemetry = &telemetry;
    d.retry = r;
    d.rng_seed = 1;
    return d;
  }
  // hello() sent once through a client for `url` with these dependencies.
  Result<core::Message> send(const std::string& url, RetrySettings r = {});
};

// Retry settings that allow `n` attempts in all.
RetrySettings attempts(int n) {
  RetrySettings r;
  r.max_attempts = n;
  return r;
}

Config config_for(const std::string& url) {
  Config c;
  c.tenant = "dealer-1";
  c.api_key = "KEYtest";
  c.base_url = url + "/v2";
  c.default_from = "+13125550147";
  c.read_timeout = milliseconds(1500);
  return c;
}

// POST /v2/messages on 127.0.0.1:0: the nth request (counted from 1) is answered by answer(n, res).
class SendEndpoint {
 public:
  using Answer = std::function<void(int n, httplib::Response& res)>;
  explicit SendEndpoint(Answer answer) : answer_(std::move(answer)) {
    svr_.Post("/v2/messages", [this](const httplib::Request&, httplib::Response& res) { answer_(++hits_, res); });
    server_ = std::make_unique<ScopedServer>(svr_);
  }
  std::string url() const { return server_->url(); }
  int hits() const { return hits_.load(); }

 private:
  Answer answer_;
  std::atomic<int> hits_{0};
  httplib::Server svr_;
  std::unique_ptr<ScopedServer> server_;   // stops the server before svr_ goes
};

// Every request answered `status` with the Telnyx error envelope `body`, plus `headers`.
SendEndpoint::Answer always(int status, const char* body, httplib::Headers headers = {}) {
  return [=](int, httplib::Response& res) {
    res.status = status;
    for (const auto& [k, v] : headers) res.set_header(k, v);
    res.set_content(body, "application/json");
  };
}

// The first `failures` requests answered as `failure` does, the later ones with message `id`.
SendEndpoint::Answer fail_then_accept(int failures, SendEndpoint::Answer failure, std::string id) {
  return [=](int n, httplib::Response& res) {
    if (n <= failures) return failure(n, res);
    res.set_content(harness::testing::message_json(id), "application/json");
  };
}

SendParams hello() {
  SendParams p;
  p.to = "+17735550188";
  p.text = "Your code is 4821";
  return p;
}

Result<core::Message> Harness::send(const std::string& url, RetrySettings r) {
  Client c(config_for(url), deps(r));
  return c.send(hello());
}

TEST(ClientSend, PostsTheWireRequestAndReturnsTheMessage) {
  httplib::Server svr;
  std::string body, auth;
  svr.Post("/v2/messages", [&](const httplib::Request& req, httplib::Response& res) {
    body = req.body;
    auth = req.get_header_value("Authorization");
    res.set_content(harness::testing::message_json("m-1"), "application/json");
  });
  ScopedServer s(svr);
  Harness h;
  Config cfg = config_for(s.url());
  cfg.webhook_url = "https://hooks.example.test/telnyx";
  Client c(cfg, h.deps());
  auto r = c.send(hello());
  ASSERT_TRUE(r.ok()) << r.error().summary();
  EXPECT_EQ(r->id, "m-1");
  EXPECT_EQ(r->status(), "queued");
  EXPECT_EQ(auth, "Bearer KEYtest");
  auto j = core::json::parse(body);
  EXPECT_EQ(j["to"], "+17735550188");
  EXPECT_EQ(j["from"], "+13125550147");
  EXPECT_EQ(j["text"], "Your code is 4821");
  EXPECT_EQ(j["webhook_url"], "https://hooks.example.test/telnyx");
  auto ev = h.telemetry.events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].phase, TelemetryPhase::Start);
  EXPECT_EQ(ev[1].phase, TelemetryPhase::Stop);
  EXPECT_EQ(ev[1].message_id, "m-1");
  EXPECT_EQ(ev[1].http_status, 200);
  EXPECT_EQ(ev[1].tenant, "dealer-1");
  EXPECT_EQ(ev[1].operation, "messages.send");
}

TEST(ClientSend, ValidationFailsBeforeAnyRequest) {
  httplib::Server svr;
  std::atomic<int> hits{0};
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content(harness::testing::message_json("m-1"), "application/json");
  });
  ScopedServer s(svr);
  Harness h;
  Client c(config_for(s.url()), h.deps());
  SendParams p = hello();
  p.to = "7735550188";
  auto r = c.send(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Validation);
  EXPECT_EQ(r.error().code, "40310");
  EXPECT_EQ(r.error().pointer, "/to");
  EXPECT_EQ(hits.load(), 0);
  auto ev = h.telemetry.events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].phase, TelemetryPhase::Exception);
  EXPECT_EQ(ev[0].error_type, ErrorKind::Validation);
}

TEST(ClientSend, ServerValidationErrorIsNotRetried) {
  SendEndpoint api(always(400, harness::testing::kInvalidToBody));
  Harness h;
  auto r = h.send(api.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Validation);
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().code, "40310");
  EXPECT_EQ(api.hits(), 1);
}

TEST(ClientSend, AuthenticationErrorIsNotRetried) {
  SendEndpoint api(always(401, harness::testing::kAuthBody));
  Harness h;
  auto r = h.send(api.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Authentication);
  EXPECT_EQ(r.error().code, "10009");
  EXPECT_EQ(api.hits(), 1);
  EXPECT_TRUE(h.sleeper.slept().empty());
}

TEST(ClientSend, RateLimitWaitsRetryAfterThenSucceeds) {
  SendEndpoint api(fail_then_accept(
      1, always(429, harness::testing::kRateLimitBody, {{"Retry-After", "2"}, {"x-ratelimit-reset", "2"}}), "m-2"));
  Harness h;
  auto r = h.send(api.url());
  ASSERT_TRUE(r.ok()) << r.error().summary();
  EXPECT_EQ(api.hits(), 2);
  ASSERT_EQ(h.sleeper.slept().size(), 1u);
  EXPECT_EQ(h.sleeper.slept()[0], milliseconds(2000));
  auto ev = h.telemetry.events();
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[1].phase, TelemetryPhase::Exception);
  EXPECT_EQ(ev[1].error_type, ErrorKind::RateLimit);
  EXPECT_EQ(ev[1].error_code, "10011");
  EXPECT_EQ(ev[3].attempt, 2);
}

TEST(ClientSend, RateLimitExhaustedReportsRetryAfter) {
  SendEndpoint api(always(429, harness::testing::kRateLimitBody, {{"x-ratelimit-reset", "1"}}));
  Harness h;
  auto r = h.send(api.url(), attempts(3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::RateLimit);
  ASSERT_TRUE(r.error().retry_after);
  EXPECT_EQ(*r.error().retry_after, milliseconds(1000));
  EXPECT_EQ(h.sleeper.slept().size(), 2u);
}

TEST(ClientSend, ServerErrorsAreRetriedWithBackoff) {
  SendEndpoint api(fail_then_accept(2, always(503, harness::testing::kServerErrorBody), "m-3"));
  Harness h;
  RetrySettings rs;
  rs.base_delay = milliseconds(100);
  Client c(config_for(api.url()), h.deps(rs));
  auto r = c.send(hello());
  ASSERT_TRUE(r.ok()) << r.error().summary();
  EXPECT_EQ(api.hits(), 3);
  auto slept = h.sleeper.slept();
  ASSERT_EQ(slept.size(), 2u);
  EXPECT_LE(slept[0], milliseconds(100));
  EXPECT_LE(slept[1], milliseconds(200));
}

TEST(ClientSend, ServerErrorsGiveUpAsApiError) {
  SendEndpoint api(always(500, harness::testing::kServerErrorBody, {{"X-Request-Id", "req-500"}}));
  Harness h;
  auto r = h.send(api.url(), attempts(2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Api);
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_EQ(r.error().code, "10007");
  EXPECT_EQ(r.error().request_id, "req-500");
  EXPECT_EQ(api.hits(), 2);
}

TEST(ClientSend, ConnectFailureIsRetriedAndReportedAsNetwork) {
  const int port = harness::testing::unused_port();
  Harness h;
  auto r = h.send("http://127.0.0.1:" + std::to_string(port), attempts(3));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Network);
  EXPECT_FALSE(r.error().ambiguous);
  EXPECT_EQ(r.error().code, kCodeConnectFailed);
  EXPECT_EQ(h.sleeper.slept().size(), 2u);
}

TEST(ClientSend, ConnectionClosedAfterRequestIsAmbiguousAndNotResent) {
  Peer srv(harness::testing::close_after_request);
  Harness h;
  auto r = h.send(srv.url(""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Network);
  EXPECT_TRUE(r.error().ambiguous);
  EXPECT_EQ(r.error().code, kCodeNoResponse);
  EXPECT_EQ(srv.requests.load(), 1);
  EXPECT_TRUE(h.sleeper.slept().empty());
}

TEST(ClientSend, ReadTimeoutIsAmbiguousAndNotResent) {
  httplib::Server svr;
  std::atomic<int> hits{0};
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    std::this_thread::sleep_for(milliseconds(700));   // longer than the client's read timeout
    res.set_content(harness::testing::message_json("late"), "application/json");
  });
  ScopedServer s(svr);
  Harness h;
  Config cfg = config_for(s.url());
  cfg.read_timeout = milliseconds(200);
  Client c(cfg, h.deps());
  auto r = c.send(hello());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Network);
  EXPECT_TRUE(r.error().ambiguous);
  EXPECT_EQ(hits.load(), 1);
}

TEST(ClientSend, IdempotencyKeyAllowsResendAfterNoResponse) {
  Peer srv(harness::testing::close_after_request);
  Harness h;
  RetrySettings rs;
  rs.max_attempts = 3;
  Client c(config_for(srv.url("")), h.deps(rs));
  SendParams p = hello();
  p.idempotency_key = "order-17";
  auto r = c.send(p);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().ambiguous);
  EXPECT_EQ(srv.requests.load(), 3);
}

TEST(ClientSend, CircuitBreakerFailsFastOnceOpen) {
  SendEndpoint api(always(502, harness::testing::kServerErrorBody));
  Harness h;
  CircuitBreaker breaker(h.clock, {2, milliseconds(5000), 1});
  ClientDeps d = h.deps();
  d.breaker = &breaker;
  d.retry.max_attempts = 1;
  Client c(config_for(api.url()), d);
  EXPECT_FALSE(c.send(hello()).ok());
  EXPECT_FALSE(c.send(hello()).ok());
  auto r = c.send(hello());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kCodeCircuitOpen);
  EXPECT_EQ(r.error().type, ErrorKind::Network);
  EXPECT_FALSE(r.error().ambiguous);
  EXPECT_EQ(api.hits(), 2);
}

TEST(ClientRetrieve, ReturnsTheMessageAndMapsNotFound) {
  httplib::Server svr;
  svr.Get(R"(/v2/messages/([A-Za-z0-9-]+))", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.matches[1] == "m-9") {
      res.set_content(harness::testing::message_json("m-9", "+17735550188", "delivered"),
                      "application/json");
      return;
    }
    res.status = 404;
    res.set_content(R"({"errors":[{"code":"10005","title":"Resource not found"}]})", "application/json");
  });
  ScopedServer s(svr);
  Harness h;
  Client c(config_for(s.url()), h.deps());
  auto ok = c.retrieve("m-9");
  ASSERT_TRUE(ok.ok()) << ok.error().summary();
  EXPECT_EQ(ok->status(), "delivered");
  auto nf = c.retrieve("nope");
  ASSERT_FALSE(nf.ok());
  EXPECT_EQ(nf.error().type, ErrorKind::Api);
  EXPECT_EQ(nf.error().http_status, 404);
  EXPECT_EQ(nf.error().code, "10005");
}

TEST(ClientSend, UnreadableSuccessBodyIsNotResent) {
  httplib::Server svr;
  std::atomic<int> hits{0};
  svr.Post("/v2/messages", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("{not json", "application/json");
  });
  ScopedServer s(svr);
  Harness h;
  auto r = h.send(s.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Api);
  EXPECT_EQ(r.error().code, kCodeBadResponse);
  EXPECT_EQ(hits.load(), 1);
}

}  // namespace
}  // namespace harness::client
