// One small SMS integration, written the way real ones are (send with retries, verify webhook
// signatures, dedupe events by id, one auto-reply per inbound text), with one deliberate bug
// switched on per test. Only the mock's own verdicts are asked (POST /_mock/verify, which also
// waits until no webhook is pending): every bug must be caught by a built-in verdict, and the
// correct integration must never be flagged, including when customers text twice and rightly
// get the same auto-reply twice. Real sockets on 127.0.0.1; the app "sleeps" by advancing the
// mock's injected clock, so backoff is measured without waiting.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/json.h"
#include "core/signing.h"
#include "mock_server.h"
#include "scenario/engine.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"

namespace harness::mock {
namespace {

using core::json;
using namespace std::chrono_literals;

const char kKey[] = "KEYverdicts";
const char kCustomer[] = "+17735550188";
const char kOtherCustomer[] = "+17735550199";
const char kReply[] = "Thanks! We got your message.";

struct Bugs {
  bool skip_signature_check = false;   // accepts anything
  bool ignore_timestamp = false;       // checks the signature, not its age
  bool wrong_public_key = false;       // verifies with a key of its own
  bool blind_resend = false;           // resends after a lost response
  bool attempt_counter_in_tags = false;
  bool idempotency_key = false;        // sends an Idempotency-Key (and trusts it)
  bool no_backoff = false;             // retries 5xx and transport errors at once
  bool ignore_retry_after = false;
  bool retry_permanent = false;        // retries 4xx such as 401
  bool double_reply = false;           // answers each inbound text twice, differently
  int receiver_status = 200;           // what the webhook endpoint answers a valid event
  bool slow_ack = false;               // answers after the mock's delivery deadline
};

Bugs with(std::initializer_list<bool Bugs::*> on) {
  Bugs b;
  for (auto field : on) b.*field = true;
  return b;
}
Bugs with_status(int receiver_status) {
  Bugs b;
  b.receiver_status = receiver_status;
  return b;
}

// The integration under test.
class App {
 public:
  App(core::ManualClock& clock, std::string mock_url, std::string public_key, Bugs bugs)
      : clock_(clock), mock_url_(std::move(mock_url)), public_key_(std::move(public_key)), bugs_(bugs) {
    if (bugs_.wrong_public_key) public_key_ = core::generate_ed25519().public_key_base64();
    http_.Post("/webhooks", [this](const httplib::Request& req, httplib::Response& res) { on_webhook(req, res); });
    http_.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server_ = std::make_unique<testing::ScopedServer>(http_);
  }
  ~App() { server_.reset(); }

  std::string webhook_url() const { return server_->url() + "/webhooks"; }
  void set_number(std::string n) { number_ = std::move(n); }

  // Sends one SMS with the app's retry policy; returns the final HTTP status (-1: transport).
  int send(const std::string& to, const std::string& text, const std::string& key = kKey) {
    json body{{"from", number_}, {"to", to}, {"text", text}, {"webhook_url", webhook_url()}};
    const std::string idem = "send-" + std::to_string(++sends_);
    int status = -1;
    for (int attempt = 1; attempt <= 4; ++attempt) {
      if (bugs_.attempt_counter_in_tags) body["tags"] = {"attempt-" + std::to_string(attempt)};
      httplib::Client c(mock_url_);
      c.set_read_timeout(10, 0);
      httplib::Headers h{{"Authorization", std::string("Bearer ") + key}};
      if (bugs_.idempotency_key) h.emplace("Idempotency-Key", idem);
      auto r = c.Post("/v2/messages", h, body.dump(), "application/json");
      if (!r) {
        // A lost response may have been processed: a correct app reconciles instead of resending.
        if (!bugs_.blind_resend) return -1;
        backoff(attempt);
        continue;
      }
      status = r->status;
      if (status < 300) return status;
      if (status == 429 || status >= 500) {
        const std::string ra = r->get_header_value("Retry-After");
        if (!ra.empty() && !bugs_.ignore_retry_after) clock_.advance(std::chrono::seconds(std::stoi(ra)));
        else if (ra.empty()) backoff(attempt);
        continue;
      }
      if (!bugs_.retry_permanent) return status;   // 4xx: retrying cannot help
    }
    return status;
  }

  size_t replies() const { return replies_.load(); }

 private:
  void backoff(int attempt) {
    if (!bugs_.no_backoff) clock_.advance(std::chrono::milliseconds(200 << attempt));
  }

  void on_webhook(const httplib::Request& req, httplib::Response& res) {
    if (bugs_.slow_ack) std::this_thread::sleep_for(400ms);   // the scenario's deadline is 150 ms
    const std::string ts = req.get_header_value("telnyx-timestamp");
    const int64_t now = core::unix_seconds(clock_.now());
    if (!bugs_.skip_signature_check) {
      const int64_t check_at = bugs_.ignore_timestamp && !ts.empty() ? std::atoll(ts.c_str()) : now;
      if (core::verify_ed25519(public_key_, req.get_header_value("telnyx-signature-ed25519"), ts, req.body,
                               check_at) != core::VerifyStatus::Ok) {
        res.status = 401;
        return;
      }
    }
    if (bugs_.receiver_status != 200) {
      res.status = bugs_.receiver_status;
      return;
    }
    const json event = json::parse(req.body, nullptr, false);
    if (event.is_discarded()) {
      res.status = 400;
      return;
    }
    const auto& data = event["data"];
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!seen_.insert(data["id"].get<std::string>()).second) return;   // a redelivery: done already
    }
    if (data["event_type"] == "message.received") {
      const std::string from = data["payload"]["from"]["phone_number"];
      send(from, kReply);
      if (bugs_.double_reply) send(from, "Reply STOP to opt out.");
      ++replies_;
    }
  }

  core::ManualClock& clock_;
  std::string mock_url_;
  std::string public_key_;
  Bugs bugs_;
  std::string number_;
  std::atomic<int> sends_{0};
  std::atomic<size_t> replies_{0};
  std::mutex mu_;
  std::set<std::string> seen_;
  httplib::Server http_;
  std::unique_ptr<testing::ScopedServer> server_;
};

// Every built-in verdict the report carries: the correct app must keep all of them at 0.
const json kAllZero = {{"duplicates", 0},
                       {"double_replies", 0},
                       {"retry_after_violations", 0},
                       {"retries_without_backoff", 0},
                       {"permanent_error_retries", 0},
                       {"forged_webhooks_accepted", 0},
                       {"valid_webhooks_rejected", 0},
                       {"webhook_receiver_errors", 0},
                       {"webhook_acks_late", 0}};

// Lifecycle and webhook retries fast; `deadline` is the webhook delivery deadline.
std::string base_scenario(const std::string& deadline) {
  return "name: verdict-clients\nseed: 41\nwebhooks:\n"
         "  timing: { sent_after: 0ms, finalized_after: 0ms }\n"
         "  delivery: { timeout: " + deadline + ", attempts_per_url: 3, backoff: [5ms] }\n";
}

// The first send is processed and its answer lost.
const char kLoseFirstAnswer[] = R"(
rules:
  - name: lose-first-answer
    match: { method: POST, path: /v2/messages }
    times: 1
    fault: accept_then_drop
)";

class BuggyClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MockServerOptions o;
    o.clock = &clock_;
    o.threads = 16;
    o.scenarios = true;   // with its link to the built-in webhook engine, as in the binary
    server_ = std::make_unique<MockServer>(o);
    auto err = server_->start();
    ASSERT_FALSE(err) << *err;
    scenarios_ = server_->scenario_engine();
  }
  void TearDown() override {
    // The engine closes its keep-alive connections to the app first, so the app stops at once.
    if (auto w = server_->webhook_engine()) w->shutdown();
    server_->stop();
    app_.reset();
  }

  httplib::Client control() const {
    httplib::Client c(server_->base_url());
    c.set_read_timeout(70, 0);
    return c;
  }
  void load(const std::string& extra, const std::string& deadline = "5s") {
    auto r = control().Put("/_mock/scenario", base_scenario(deadline) + extra, "application/yaml");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  // Starts the app: its number's profile sends inbound webhooks to it.
  App& start(Bugs bugs) {
    app_ = std::make_unique<App>(clock_, server_->base_url(), server_->webhook_keys().public_key_base64(), bugs);
    httplib::Client c(server_->base_url());
    c.set_bearer_token_auth(kKey);
    auto numbers = c.Get("/v2/phone_numbers");
    EXPECT_TRUE(numbers && numbers->status == 200);
    const json n = json::parse(numbers->body)["data"][0];
    app_->set_number(n["phone_number"]);
    auto patched = c.Patch(("/v2/messaging_profiles/" + n["messaging_profile_id"].get<std::string>()).c_str(),
                           json{{"webhook_url", app_->webhook_url()}}.dump(), "application/json");
    EXPECT_TRUE(patched && patched->status == 200);
    number_ = n["phone_number"];
    return *app_;
  }
  void customer_texts(const std::string& from, const std::string& text) {
    auto r = control().Post("/_mock/inbound", json{{"from", from}, {"to", number_}, {"text", text}}.dump(),
                            "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  // POST /_mock/verify, waiting (bounded) for the expectations and for the webhooks to settle.
  json verify(const json& expect, const std::string& wait = "10s") {
    auto r = control().Post(("/_mock/verify?until=webhooks_idle&wait=" + wait).c_str(), expect.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return json::object();
    json j = json::parse(r->body, nullptr, false);
    j["http_status"] = r->status;
    return j;
  }
  json report() {
    auto r = control().Get("/_mock/report");
    return r ? json::parse(r->body, nullptr, false) : json::object();
  }
  // The verdict caught the bug (at least once), and verify says so by name.
  void expect_caught(const std::string& verdict) {
    json zero = kAllZero;
    const json v = verify({{verdict, {{"min", 1}}}});
    ASSERT_EQ(v["http_status"], 200) << v.dump() << report().dump();
    const json all = verify(zero, "0s");
    EXPECT_EQ(all["http_status"], 409);
    bool named = false;
    for (const auto& f : all["failures"]) named = named || f["expectation"] == verdict;
    EXPECT_TRUE(named) << all.dump();
  }

  core::ManualClock clock_;
  std::unique_ptr<MockServer> server_;
  std::shared_ptr<scenario::ScenarioEngine> scenarios_;
  std::unique_ptr<App> app_;
  std::string number_;
};

TEST_F(BuggyClientsTest, CorrectAppIsNeverFlagged) {
  load(R"(
  chaos: { bad_signature: 0.3, stale_timestamp: 0.3, duplicate: 0.5 }
rules:
  - name: lose-first-answer
    match: { method: POST, path: /v2/messages, body: { text: "order 1" } }
    times: 1
    fault: accept_then_drop
  - name: unavailable-once
    match: { method: POST, path: /v2/messages, body: { text: "order 2" } }
    times: 1
    respond: { status: 503, error: 10007 }
  - name: slow-down-once
    match: { method: POST, path: /v2/messages, body: { text: "order 3" } }
    times: 1
    respond: { status: 429, error: 10011, headers: { Retry-After: "2" } }
)");
  App& app = start({});
  EXPECT_EQ(app.send(kCustomer, "order 1"), -1);   // lost: reconciled, not resent
  EXPECT_EQ(app.send(kCustomer, "order 2"), 200);  // 503, backoff, retry
  EXPECT_EQ(app.send(kCustomer, "order 3"), 200);  // 429, waits Retry-After, retry
  EXPECT_EQ(app.send(kOtherCustomer, "order 1"), 200);
  // The customer texts twice and rightly gets the same auto-reply twice; another texts once.
  customer_texts(kCustomer, "hello?");
  const json first = verify(kAllZero);
  ASSERT_EQ(first["http_status"], 200) << first.dump();
  customer_texts(kCustomer, "anyone there?");
  customer_texts(kOtherCustomer, "hi");
  const json v = verify(kAllZero);
  EXPECT_EQ(v["http_status"], 200) << v.dump() << report().dump();
  EXPECT_EQ(app.replies(), 3u);
  // The chaos really happened and the verifying receiver rejected exactly the forged attempts.
  const json r = report();
  EXPECT_GT(r["verdicts"]["requests"].get<int>(), 8);
  auto hooks = control().Get("/_mock/webhooks?limit=1000");
  ASSERT_TRUE(hooks);
  int corrupted = 0;
  const json records = json::parse(hooks->body);
  for (const auto& rec : records["data"]) {
    if (rec["corrupted"].empty()) continue;
    ++corrupted;
    EXPECT_EQ(rec["status"], 401) << rec.dump();
  }
  EXPECT_GT(corrupted, 0) << records["stats"].dump();
}

TEST_F(BuggyClientsTest, TwoTextsAnsweredAtOnceAreStillTwoLegitimateReplies) {
  load("");
  App& app = start({});
  // Both texts arrive before either is answered.
  customer_texts(kCustomer, "one");
  customer_texts(kCustomer, "two");
  const json v = verify(kAllZero);
  EXPECT_EQ(v["http_status"], 200) << v.dump() << report().dump();
  EXPECT_EQ(app.replies(), 2u);
}

TEST_F(BuggyClientsTest, BlindResendAfterALostResponseIsADuplicate) {
  load(kLoseFirstAnswer);
  start(with({&Bugs::blind_resend})).send(kCustomer, "Your code is 4821");
  expect_caught("duplicates");
}

TEST_F(BuggyClientsTest, AnAttemptCounterInTagsDoesNotHideTheDuplicate) {
  load(kLoseFirstAnswer);
  start(with({&Bugs::blind_resend, &Bugs::attempt_counter_in_tags})).send(kCustomer, "Your code is 4821");
  expect_caught("duplicates");
}

TEST_F(BuggyClientsTest, AnIdempotencyKeyDoesNotMakeAResendSafe) {
  load(kLoseFirstAnswer);
  start(with({&Bugs::blind_resend, &Bugs::idempotency_key})).send(kCustomer, "Your code is 4821");
  expect_caught("duplicates");
  const json item = report()["verdicts"]["duplicates"]["items"][0];
  EXPECT_EQ(item["idempotency_key"], "send-1") << item.dump();
  EXPECT_NE(item["detail"].get<std::string>().find("does not honour"), std::string::npos);
}

TEST_F(BuggyClientsTest, ADoubleReplyWithAnotherTextIsCaught) {
  load("");
  start(with({&Bugs::double_reply}));
  customer_texts(kCustomer, "hello?");
  expect_caught("double_replies");
  EXPECT_EQ(report()["verdicts"]["duplicates"]["count"], 0);
}

TEST_F(BuggyClientsTest, AReceiverThatSkipsVerificationAcceptsForgedWebhooks) {
  load("  chaos: { bad_signature: 1.0 }\n");
  start(with({&Bugs::skip_signature_check})).send(kCustomer, "hello");
  expect_caught("forged_webhooks_accepted");
}

TEST_F(BuggyClientsTest, AReceiverThatIgnoresTheTimestampAcceptsReplays) {
  load("  chaos: { stale_timestamp: 1.0 }\n");
  start(with({&Bugs::ignore_timestamp})).send(kCustomer, "hello");
  expect_caught("forged_webhooks_accepted");
  EXPECT_EQ(report()["verdicts"]["forged_webhooks_accepted"]["items"][0]["corrupted"][0], "stale_timestamp");
}

TEST_F(BuggyClientsTest, AReceiverWithTheWrongKeyRejectsValidWebhooks) {
  load("");
  start(with({&Bugs::wrong_public_key})).send(kCustomer, "hello");
  expect_caught("valid_webhooks_rejected");
}

TEST_F(BuggyClientsTest, RetryingA5xxAtOnceIsCaught) {
  load(R"(
rules:
  - name: unavailable-once
    match: { method: POST, path: /v2/messages }
    times: 1
    respond: { status: 503, error: 10007 }
)");
  EXPECT_EQ(start(with({&Bugs::no_backoff})).send(kCustomer, "hello"), 200);
  expect_caught("retries_without_backoff");
}

TEST_F(BuggyClientsTest, RetryingAResetAtOnceIsCaught) {
  load(R"(
rules:
  - name: reset-once
    match: { method: POST, path: /v2/messages }
    times: 1
    fault: connection_reset
)");
  EXPECT_EQ(start(with({&Bugs::blind_resend, &Bugs::no_backoff})).send(kCustomer, "hello"), 200);
  expect_caught("retries_without_backoff");
  EXPECT_EQ(report()["verdicts"]["retries_without_backoff"]["items"][0]["previous"], "connection_reset");
}

TEST_F(BuggyClientsTest, IgnoringRetryAfterIsCaught) {
  load(R"(
rules:
  - name: slow-down-once
    match: { method: POST, path: /v2/messages }
    times: 1
    respond: { status: 429, error: 10011, headers: { Retry-After: "2" } }
)");
  start(with({&Bugs::ignore_retry_after})).send(kCustomer, "hello");
  expect_caught("retry_after_violations");
}

TEST_F(BuggyClientsTest, RetryingARevokedKeyIsCaught) {
  load(R"(
rules:
  - name: revoked
    match: { method: POST, path: /v2/messages }
    respond: { status: 401, error: 10009 }
)");
  EXPECT_EQ(start(with({&Bugs::retry_permanent})).send(kCustomer, "hello"), 401);
  expect_caught("permanent_error_retries");
}

TEST_F(BuggyClientsTest, AReceiverAnswering5xxIsCaught) {
  load("");
  start(with_status(500)).send(kCustomer, "hello");
  expect_caught("webhook_receiver_errors");
}

TEST_F(BuggyClientsTest, AReceiverSlowerThanTheDeadlineIsCaught) {
  load("", "150ms");
  start(with({&Bugs::slow_ack})).send(kCustomer, "hello");
  expect_caught("webhook_acks_late");
}

}  // namespace
}  // namespace harness::mock
