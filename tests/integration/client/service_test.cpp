// The reference service in-process, against a fake Telnyx API on 127.0.0.1:0.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "fake_api.h"
#include "support/scoped_server.h"
#include "tools/service/service.h"

namespace harness::tools::service {
namespace {

using core::json;
using harness::testing::Accepted;
using harness::testing::ScopedServer;
using std::chrono::milliseconds;

// Telnyx-like send endpoint: records accepted messages; `mode` scripts faults.
class FakeSend {
 public:
  enum class Mode { Accept, Unauthorized, RateLimitOnce, DropAfterAccept };
  explicit FakeSend(httplib::Server& svr) {
    svr.Post("/v2/messages", [this](const httplib::Request& req, httplib::Response& res) {
      json b = json::parse(req.body);
      std::unique_lock<std::mutex> lk(mu_);
      ++posts_;
      if (mode_ == Mode::Unauthorized) {
        res.status = 401;
        res.set_content(R"({"errors":[{"code":"10009","title":"Authentication failed"}]})", "application/json");
        return;
      }
      if (mode_ == Mode::RateLimitOnce && !limited_) {
        limited_ = true;
        res.status = 429;
        res.set_header("Retry-After", "0");
        res.set_content(R"({"errors":[{"code":"10011","title":"Too many requests"}]})", "application/json");
        return;
      }
      Accepted a{"msg-" + std::to_string(accepted_.size() + 1), b.value("from", ""), b["to"],
                 b.value("text", ""), b.value("tags", std::vector<std::string>{})};
      accepted_.push_back(a);
      if (mode_ == Mode::DropAfterAccept) {
        // The message exists, but the caller never hears back: the answer is held until the test
        // moves on (a mode change or the end of the test), long after the caller's read timeout.
        // (The bound only keeps a broken test from hanging.)
        const uint64_t held = generation_;
        released_.wait_for(lk, std::chrono::seconds(30), [&] { return generation_ != held; });
        res.status = 200;
        res.set_content("{}", "application/json");
        return;
      }
      res.set_content(harness::testing::send_answer(a), "application/json");
    });
  }
  // A mode change also releases the answers DropAfterAccept is holding.
  void set_mode(Mode m) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      mode_ = m;
      ++generation_;
    }
    released_.notify_all();
  }
  void release() { set_mode(mode()); }
  Mode mode() {
    std::lock_guard<std::mutex> lk(mu_);
    return mode_;
  }
  std::vector<Accepted> accepted() {
    std::lock_guard<std::mutex> lk(mu_);
    return accepted_;
  }
  int posts() {
    std::lock_guard<std::mutex> lk(mu_);
    return posts_;
  }

 private:
  std::mutex mu_;
  std::condition_variable released_;
  uint64_t generation_ = 0;   // bumped by every mode change
  Mode mode_ = Mode::Accept;
  bool limited_ = false;
  int posts_ = 0;
  std::vector<Accepted> accepted_;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = std::make_unique<FakeSend>(api_);
    api_srv_ = std::make_unique<ScopedServer>(api_);
    db_path_ = ::testing::TempDir() + "svc-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    for (const char* sfx : {"", "-wal", "-shm"}) std::remove((db_path_ + sfx).c_str());
    kp_ = core::generate_ed25519();
  }
  void start(std::chrono::milliseconds reconcile = milliseconds(60000),
             std::chrono::milliseconds timeout = milliseconds(3000), const core::Clock* clock = nullptr) {
    ServiceConfig c;
    c.port = 0;
    c.database = db_path_;
    c.api_key = "KEYservice";
    c.base_url = api_srv_->url() + "/v2";
    c.timeout = timeout;
    c.webhook_public_key = kp_.public_key_base64();
    c.workers = 2;
    c.base_delay = milliseconds(5);
    c.max_delay = milliseconds(20);
    c.reconcile_window = reconcile;
    c.poll_interval = milliseconds(10);
    c.dealerships = {{"north", {"+13125550147"}, "", "North Motors: we got your text."},
                     {"south", {"+14155550123"}, "", "South Autos: thanks!"}};
    auto ob = Outbox::open(db_path_);
    ASSERT_TRUE(ob.ok()) << ob.error();
    svc_ = std::make_unique<Service>(c, std::move(ob.value()), clock ? *clock : clock_);
    port_ = svc_->start();
    ASSERT_GT(port_, 0);
    cli_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    cli_->set_read_timeout(5, 0);
  }
  void TearDown() override {
    cli_.reset();
    svc_.reset();
    fake_->release();   // before the fake's server stops: it waits for its handlers
  }
  json post_send(const json& body, const std::string& key = "") {
    httplib::Headers h;
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    auto r = cli_->Post("/telnyx/send-sms", h, body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return {};
    last_status_ = r->status;
    return json::parse(r->body, nullptr, false);
  }
  // Submits `text` to +17735550188 for the north dealership under idempotency key `key`; the
  // outbox id ("" when the service refused it).
  std::string submit(const std::string& text, const std::string& key) {
    const json a = post_send({{"to", "+17735550188"}, {"text", text}, {"dealership", "north"}}, key);
    return a.is_object() && a.contains("id") ? std::to_string(a["id"].get<int64_t>()) : "";
  }
  // Whether outbox row `id` reaches `state` (polled, as the service's workers are real threads).
  bool reaches(const std::string& id, const std::string& state) {
    return eventually([&] { return status_of(id).value("state", "") == state; });
  }
  json status_of(const std::string& id) {
    auto r = cli_->Get(("/telnyx/message-status/" + id).c_str());
    if (!r || r->status != 200) return {};
    return json::parse(r->body);
  }
  // Rows in the service's outbox, whatever their state.
  int64_t outbox_rows() {
    OutboxCounts c = svc_->outbox().counts();
    return c.pending + c.in_flight + c.reconciling + c.sent + c.failed;
  }
  // Polls until pred() or ~10 s; the service's workers are real threads.
  template <class Pred>
  bool eventually(Pred pred) {
    for (int i = 0; i < 1000; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return pred();
  }

  core::SystemClock clock_;
  // For tests about the outbox's windows: it moves only when the test says so. (Webhooks signed
  // with the real time would fall outside its tolerance.)
  core::ManualClock manual_clock_{core::SystemClock().now()};
  httplib::Server api_;
  std::unique_ptr<FakeSend> fake_;
  std::unique_ptr<ScopedServer> api_srv_;
  std::string db_path_;
  core::Ed25519KeyPair kp_;
  std::unique_ptr<Service> svc_;
  std::unique_ptr<httplib::Client> cli_;
  int port_ = 0;
  int last_status_ = 0;
};

TEST_F(ServiceTest, DoubleSubmitIsOneSms) {
  start();
  json a = post_send({{"to", "+17735550188"}, {"text", "Oil change done"}, {"dealership", "north"}}, "job-1");
  EXPECT_EQ(last_status_, 202);
  json b = post_send({{"to", "+17735550188"}, {"text", "Oil change done"}, {"dealership", "north"}}, "job-1");
  EXPECT_EQ(last_status_, 200);
  EXPECT_TRUE(b["duplicate"].get<bool>());
  EXPECT_EQ(a["id"], b["id"]);
  const std::string id = std::to_string(a["id"].get<int64_t>());
  ASSERT_TRUE(reaches(id, "sent"));
  json st = status_of(id);
  EXPECT_EQ(st["message_id"], "msg-1");
  EXPECT_EQ(st["status"], "queued");
  EXPECT_EQ(st["from"], "+13125550147");
  EXPECT_EQ(fake_->accepted().size(), 1u);
  ASSERT_EQ(fake_->accepted()[0].tags.size(), 1u);
  EXPECT_EQ(fake_->accepted()[0].tags[0], "outbox-" + id);
  // Reading by the Telnyx message id works too.
  EXPECT_EQ(status_of("msg-1")["id"], a["id"]);
}

TEST_F(ServiceTest, RejectsBadInputWithoutEnqueueing) {
  start();
  post_send({{"to", "7735550188"}, {"text", "x"}, {"dealership", "north"}});
  EXPECT_EQ(last_status_, 422);
  post_send({{"to", "+17735550188"}, {"text", "x"}, {"dealership", "nowhere"}});
  EXPECT_EQ(last_status_, 422);
  auto r = cli_->Post("/telnyx/send-sms", "not json", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(svc_->outbox().counts().pending, 0);
}

TEST_F(ServiceTest, WebhookUpdatesStatusInOrderAndDedups) {
  start();
  const std::string id = submit("Ready", "k");
  ASSERT_TRUE(reaches(id, "sent"));
  Accepted m = fake_->accepted().at(0);
  using harness::testing::post_webhook;
  using harness::testing::webhook_body;
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.finalized", "ev-2", m, "delivered")), 200);
  EXPECT_EQ(status_of(id)["status"], "delivered");
  // Late message.sent must not overwrite delivered.
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.sent", "ev-1", m, "sent")), 200);
  EXPECT_EQ(status_of(id)["status"], "delivered");
  // Duplicate event id: acknowledged, nothing applied.
  auto r = cli_->Get("/telnyx/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.finalized", "ev-2", m, "delivery_failed")), 200);
  EXPECT_EQ(status_of(id)["status"], "delivered");
}

TEST_F(ServiceTest, WebhookWithBadSignatureIsRejected) {
  start();
  Accepted m{"msg-x", "+13125550147", "+17735550188", "hi", {}};
  core::Ed25519KeyPair other = core::generate_ed25519();
  EXPECT_EQ(harness::testing::post_webhook(port_, other, harness::testing::webhook_body("message.sent", "e", m, "sent")), 401);
  const int64_t old = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count() - 1000;
  EXPECT_EQ(harness::testing::post_webhook(port_, kp_, harness::testing::webhook_body("message.sent", "e", m, "sent"), old), 401);
  auto r = cli_->Post("/telnyx/webhook", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(ServiceTest, InboundGetsExactlyOneReplyFromTheOwningDealership) {
  start();
  Accepted in{"inbound-1", "+17735550188", "+14155550123", "Is my car ready?", {}};
  using harness::testing::post_webhook;
  using harness::testing::webhook_body;
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.received", "ev-in-1", in, "webhook_delivered", "inbound")), 200);
  // Redelivered with the same event id, and (as happens) under a new event id: still one reply.
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.received", "ev-in-1", in, "webhook_delivered", "inbound")), 200);
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.received", "ev-in-1b", in, "webhook_delivered", "inbound")), 200);
  // A reply is written to the outbox before the webhook is acknowledged, so the outbox holds
  // every reply these three deliveries will ever cause: exactly one row.
  EXPECT_EQ(outbox_rows(), 1);
  ASSERT_TRUE(eventually([&] { return fake_->accepted().size() == 1; }));
  auto acc = fake_->accepted();
  ASSERT_EQ(acc.size(), 1u);
  EXPECT_EQ(acc[0].from, "+14155550123");
  EXPECT_EQ(acc[0].to, "+17735550188");
  EXPECT_EQ(acc[0].text, "South Autos: thanks!");
  // STOP and numbers we do not own get no reply.
  Accepted stop{"inbound-2", "+17735550188", "+14155550123", "STOP", {}};
  Accepted stranger{"inbound-3", "+17735550188", "+19995550000", "hello", {}};
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.received", "ev-in-2", stop, "webhook_delivered", "inbound")), 200);
  EXPECT_EQ(post_webhook(port_, kp_, webhook_body("message.received", "ev-in-3", stranger, "webhook_delivered", "inbound")), 200);
  EXPECT_EQ(outbox_rows(), 1);
  // A message sent after them goes out second: nothing was queued for STOP or the stranger.
  json after = post_send({{"to", "+17735550188"}, {"text", "Sentinel"}, {"dealership", "north"}}, "sentinel");
  ASSERT_EQ(last_status_, 202);
  ASSERT_TRUE(eventually([&] { return fake_->accepted().size() >= 2; }));
  EXPECT_EQ(fake_->accepted().size(), 2u);
  EXPECT_EQ(fake_->accepted().at(1).text, "Sentinel");
}

TEST_F(ServiceTest, AuthenticationFailureIsDiscardedAfterOneAttempt) {
  fake_->set_mode(FakeSend::Mode::Unauthorized);
  start();
  const std::string id = submit("x", "auth");
  ASSERT_TRUE(reaches(id, "failed"));
  EXPECT_EQ(fake_->posts(), 1);
  EXPECT_NE(status_of(id)["last_error"].get<std::string>().find("authentication"), std::string::npos);
}

TEST_F(ServiceTest, RateLimitIsSnoozedThenSent) {
  fake_->set_mode(FakeSend::Mode::RateLimitOnce);
  start();
  const std::string id = submit("x", "rl");
  ASSERT_TRUE(reaches(id, "sent"));
  EXPECT_EQ(fake_->posts(), 2);
  EXPECT_EQ(status_of(id)["attempts"], 1);   // the snooze did not count
}

TEST_F(ServiceTest, AmbiguousSendIsReconciledByWebhookNotResent) {
  fake_->set_mode(FakeSend::Mode::DropAfterAccept);
  start(milliseconds(60000), milliseconds(200));
  const std::string id = submit("Pick-up at 5", "amb");
  ASSERT_TRUE(reaches(id, "reconciling"));
  EXPECT_EQ(fake_->posts(), 1);
  // The message.sent webhook for it arrives, without the tag (matched by from/to/text).
  Accepted m = fake_->accepted().at(0);
  m.tags.clear();
  EXPECT_EQ(harness::testing::post_webhook(port_, kp_, harness::testing::webhook_body("message.sent", "ev-a", m, "sent")), 200);
  json st = status_of(id);
  EXPECT_EQ(st["state"], "sent");
  EXPECT_EQ(st["message_id"], m.id);
  EXPECT_EQ(st["status"], "sent");
  EXPECT_EQ(st["attempts"], 1);
  // The row is terminal now: a later message is the only other send the fake ever sees.
  fake_->set_mode(FakeSend::Mode::Accept);
  post_send({{"to", "+17735550188"}, {"text", "Sentinel"}, {"dealership", "north"}}, "amb-sentinel");
  ASSERT_EQ(last_status_, 202);
  ASSERT_TRUE(eventually([&] { return fake_->posts() >= 2; }));
  EXPECT_EQ(fake_->posts(), 2);
  EXPECT_EQ(fake_->accepted().at(1).text, "Sentinel");
  EXPECT_EQ(status_of(id)["state"], "sent");
}

// The outbox's clock is a ManualClock: the reconcile window passes only when the test moves it,
// however slowly the machine runs.
TEST_F(ServiceTest, AmbiguousSendIsResentOnlyAfterTheWindow) {
  fake_->set_mode(FakeSend::Mode::DropAfterAccept);
  start(milliseconds(300), milliseconds(200), &manual_clock_);
  const std::string id = submit("Lost?", "amb2");
  ASSERT_TRUE(reaches(id, "reconciling"));
  fake_->set_mode(FakeSend::Mode::Accept);
  // 1 ms short of the window: a later message goes out, the ambiguous one still waits.
  manual_clock_.advance(milliseconds(299));
  json s = post_send({{"to", "+17735550188"}, {"text", "Sentinel"}, {"dealership", "north"}}, "amb2-sentinel");
  const std::string sid = std::to_string(s["id"].get<int64_t>());
  ASSERT_TRUE(reaches(sid, "sent"));
  EXPECT_EQ(fake_->posts(), 2);
  EXPECT_EQ(status_of(id)["state"], "reconciling");
  // Past the window it is sent again, once.
  manual_clock_.advance(milliseconds(2));
  ASSERT_TRUE(reaches(id, "sent"));
  EXPECT_EQ(fake_->posts(), 3);
  EXPECT_EQ(status_of(id)["attempts"], 2);
}

TEST_F(ServiceTest, HealthAndWebhookSelfTest) {
  start();
  auto h = cli_->Get("/telnyx/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(json::parse(h->body)["status"], "ok");
  auto t = cli_->Get("/telnyx/webhook-test");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, 200) << t->body;
  json j = json::parse(t->body);
  EXPECT_TRUE(j["valid_signature_accepted"].get<bool>());
  EXPECT_TRUE(j["forged_signature_rejected"].get<bool>());
  EXPECT_EQ(j["verification"], "ed25519");
}

// Webhook senders keep several connections open between deliveries; each idle keep-alive
// connection holds one HTTP thread. Sixteen of them (more than httplib's default pool of 8 on a
// small machine) must not keep a new connection from being served: with too few threads the
// last request waits for a keep-alive timeout (5 s), longer than these clients wait (3 s).
TEST_F(ServiceTest, IdleKeepAliveConnectionsDoNotStarveNewRequests) {
  start();
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 40; ++i) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_keep_alive(true);
    c->set_read_timeout(3, 0);
    c->set_connection_timeout(3, 0);
    auto r = c->Get("/telnyx/health");
    ASSERT_TRUE(r) << "connection " << i << " not served while " << i << " others are idle";
    EXPECT_EQ(r->status, 200);
    idle.push_back(std::move(c));
  }
  httplib::Client fresh("127.0.0.1", port_);
  fresh.set_read_timeout(3, 0);
  auto r = fresh.Post("/telnyx/send-sms", {{"Idempotency-Key", "after-idle"}},
                      json{{"to", "+17735550188"}, {"text", "Still answering"}, {"dealership", "north"}}.dump(),
                      "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
}

TEST(ServiceConfig, ListenThreads) {
  auto good = parse_service_config("listen: {port: 0, threads: 16}\nwebhook: {public_key: abc}\n");
  ASSERT_TRUE(good.ok()) << good.error();
  EXPECT_EQ(good->http_threads, 16);
  auto dflt = parse_service_config("webhook: {public_key: abc}\n");
  ASSERT_TRUE(dflt.ok()) << dflt.error();
  EXPECT_EQ(dflt->http_threads, 64);
  auto bad = parse_service_config("listen: {threads: 1}\nwebhook: {public_key: abc}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("listen.threads"), std::string::npos) << bad.error();
}

// Bad input: one line naming the file, the 1-based line and column of the node, and the key.
TEST(ServiceConfig, ErrorsNameFileLineColumnAndKey) {
  struct Bad {
    const char* yaml;
    const char* where;      // "file:line:col: "
    const char* fragment;
  };
  const Bad cases[] = {
      {"listen: {threads: 1}\nwebhook: {public_key: abc}\n", "svc.yaml:1:19: ",
       "listen.threads: expected an integer from 4 to 1024, got '1'"},
      {"webhook: {public_key: abc, require_signatures: false}\n", "svc.yaml:1:28: ",
       "unknown key 'require_signatures' in webhook"},
      {"webhook: {public_key: abc}\ndatabse: x.db\n", "svc.yaml:2:1: ", "unknown key 'databse' in the configuration"},
      {"webhook: {require_signature: maybe}\n", "svc.yaml:1:30: ", "webhook.require_signature: expected true or false"},
      {"webhook: {public_key: abc}\ndealerships:\n  - name: n\n    numbers: [\"+13125550147\", \"3125550148\"]\n",
       "svc.yaml:4:31: ", "dealerships[0].numbers: 3125550148"},
      {"webhook: {public_key: abc}\ndealerships:\n  - {numbers: [\"+13125550147\"]}\n", "svc.yaml:3:5: ",
       "dealerships[0].name: is required"},
      {"webhook: {public_key: abc}\nretry: {max_delay_ms: soon}\n", "svc.yaml:2:23: ",
       "retry.max_delay_ms: expected an integer"},
      {"listen: [\n", "svc.yaml:2:1: ", ""},
  };
  for (const Bad& b : cases) {
    auto c = parse_service_config(b.yaml, "svc.yaml");
    ASSERT_FALSE(c.ok()) << b.yaml;
    EXPECT_EQ(c.error().rfind(b.where, 0), 0u) << c.error();
    EXPECT_NE(c.error().find(b.fragment), std::string::npos) << c.error();
    EXPECT_EQ(c.error().find('\n'), std::string::npos) << c.error();
  }
}

TEST(ServiceConfig, ReportsTheFailingKey) {
  auto bad = parse_service_config("database: x.db\nwebhook: {require_signature: false}\nworkers: 0\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("workers"), std::string::npos);
  auto nokey = parse_service_config("database: x.db\n");
  ASSERT_FALSE(nokey.ok());
  EXPECT_NE(nokey.error().find("webhook.public_key"), std::string::npos);
  auto badnum = parse_service_config(
      "webhook: {require_signature: false}\ndealerships:\n  - {name: n, numbers: [\"3125550147\"]}\n");
  ASSERT_FALSE(badnum.ok());
  EXPECT_NE(badnum.error().find("dealerships[0].numbers"), std::string::npos);
  auto good = parse_service_config(
      "listen: {port: 0}\nwebhook: {public_key: abc}\nreconcile_window_ms: 500\n"
      "dealerships:\n  - {name: n, numbers: [\"+13125550147\"]}\n");
  ASSERT_TRUE(good.ok()) << good.error();
  EXPECT_EQ(good->reconcile_window.count(), 500);
  EXPECT_EQ(good->owner_of("+13125550147")->name, "n");
}

}  // namespace
}  // namespace harness::tools::service
