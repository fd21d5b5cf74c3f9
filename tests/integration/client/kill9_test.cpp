// Crash safety of the reference service: kill -9 mid-run, restart, resubmit everything -
// every SMS is sent exactly once. The fake API records a message before it answers (so a kill
// can land between "accepted by Telnyx" and "recorded by the service") and delivers a signed
// message.sent webhook for each message, retrying until the service acknowledges it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "fake_api.h"
#include "process.h"
#include "support/scoped_server.h"

namespace harness::testing {
namespace {

using core::json;
using std::chrono::milliseconds;

class CrashFakeApi {
 public:
  CrashFakeApi(core::Ed25519KeyPair kp, std::string port_file)
      : kp_(std::move(kp)), port_file_(std::move(port_file)) {
    svr_.Post("/v2/messages", [this](const httplib::Request& req, httplib::Response& res) {
      json b = json::parse(req.body);
      Accepted a;
      {
        std::lock_guard<std::mutex> lk(mu_);
        a = {"msg-" + std::to_string(++seq_), b.value("from", ""), b["to"], b.value("text", ""),
             b.value("tags", std::vector<std::string>{})};
        ++per_text_[a.text];
        pending_webhooks_.push_back({a, std::chrono::steady_clock::now() + milliseconds(400)});
      }
      std::this_thread::sleep_for(milliseconds(40));   // accepted, answer not yet sent
      res.set_content(harness::testing::send_answer(a), "application/json");
    });
    srv_ = std::make_unique<ScopedServer>(svr_);
    sender_ = std::thread([this] { deliver_loop(); });
  }
  ~CrashFakeApi() {
    stop_ = true;
    sender_.join();
  }
  std::string base() const { return srv_->url() + "/v2"; }
  int accepted() {
    std::lock_guard<std::mutex> lk(mu_);
    return seq_;
  }
  std::map<std::string, int> per_text() {
    std::lock_guard<std::mutex> lk(mu_);
    return per_text_;
  }

 private:
  // Telnyx keeps retrying webhooks; so does this, until the service acknowledges each one.
  void deliver_loop() {
    while (!stop_) {
      // Webhooks lag the API answer (as Telnyx's do), so a crash can leave a message accepted
      // by the API but known to the service only through its later webhook.
      std::optional<Accepted> next;
      {
        std::lock_guard<std::mutex> lk(mu_);
        if (!pending_webhooks_.empty() &&
            pending_webhooks_.front().second <= std::chrono::steady_clock::now())
          next = pending_webhooks_.front().first;
      }
      if (!next) {
        std::this_thread::sleep_for(milliseconds(10));
        continue;
      }
      std::ifstream pf(port_file_);
      int port = 0;
      if (!(pf >> port) || port <= 0 ||
          post_webhook(port, kp_, webhook_body("message.sent", "ev-" + next->id, *next, "sent")) != 200) {
        std::this_thread::sleep_for(milliseconds(50));
        continue;
      }
      std::lock_guard<std::mutex> lk(mu_);
      pending_webhooks_.pop_front();
    }
  }

  core::Ed25519KeyPair kp_;
  std::string port_file_;
  httplib::Server svr_;
  std::unique_ptr<ScopedServer> srv_;
  std::mutex mu_;
  int seq_ = 0;
  std::map<std::string, int> per_text_;
  std::deque<std::pair<Accepted, std::chrono::steady_clock::time_point>> pending_webhooks_;
  std::atomic<bool> stop_{false};
  std::thread sender_;
};

int wait_for_port(const std::string& path) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream f(path);
    int port = 0;
    if (f >> port && port > 0) return port;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return -1;
}

TEST(ServiceCrash, KillNineMidRunLosesNothingAndSendsNothingTwice) {
  const std::string dir = ::testing::TempDir() + "kill9-" + std::to_string(::getpid());
  const std::string db = dir + ".db", port_file = dir + ".port", cfg_path = dir + ".yaml",
                    log = dir + ".log";
  for (const std::string& p : {db, db + "-wal", db + "-shm", port_file, log}) std::remove(p.c_str());
  core::Ed25519KeyPair kp = core::generate_ed25519();
  CrashFakeApi api(kp, port_file);
  {
    std::ofstream y(cfg_path);
    y << "listen: {host: 127.0.0.1, port: 0}\n"
      << "port_file: " << port_file << "\n"
      << "database: " << db << "\n"
      << "telnyx: {api_key: KEYcrash, base_url: \"" << api.base() << "\", timeout_ms: 2000}\n"
      // This fake delivers webhooks 400 ms late and retries every 50 ms.
      << "webhook: {public_key: \"" << kp.public_key_base64() << "\", retry_schedule_ms: [400, 50]}\n"
      << "workers: 2\n"
      << "retry: {max_attempts: 5, base_delay_ms: 10, max_delay_ms: 50}\n"
      << "reconcile_window_ms: 3000\n"
      << "poll_interval_ms: 10\n"
      << "dealerships:\n  - {name: north, numbers: [\"+13125550147\"]}\n";
  }
  constexpr int kMessages = 40;
  auto submit_all = [&](int port, int expect_status_first) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(5, 0);
    int duplicates = 0;
    for (int i = 0; i < kMessages; ++i) {
      json b = {{"to", "+17735550188"}, {"text", "Service reminder " + std::to_string(i)},
                {"dealership", "north"}};
      auto r = c.Post("/telnyx/send-sms", {{"Idempotency-Key", "job-" + std::to_string(i)}},
                      b.dump(), "application/json");
      EXPECT_TRUE(r);
      if (!r) continue;
      if (expect_status_first) {
        EXPECT_EQ(r->status, 202);
      }
      if (r->status == 200) ++duplicates;
    }
    return duplicates;
  };

  pid_t pid = spawn_service(cfg_path, log);
  int port = wait_for_port(port_file);
  ASSERT_GT(port, 0) << read_file(log);
  submit_all(port, true);
  // Let part of the outbox go out, then crash while workers are mid-request.
  for (int i = 0; i < 1000 && api.accepted() < 12; ++i) std::this_thread::sleep_for(milliseconds(5));
  kill_hard(pid);
  const int sent_before_crash = api.accepted();
  EXPECT_LT(sent_before_crash, kMessages);
  std::remove(port_file.c_str());

  pid = spawn_service(cfg_path, log);
  port = wait_for_port(port_file);
  ASSERT_GT(port, 0) << read_file(log);
  // The caller did not know what survived, so it submits everything again.
  EXPECT_EQ(submit_all(port, false), kMessages);

  httplib::Client c("127.0.0.1", port);
  json health;
  for (int i = 0; i < 2000; ++i) {
    auto r = c.Get("/telnyx/health");
    if (r && r->status == 200) {
      health = json::parse(r->body);
      if (health["outbox"]["sent"] == kMessages) break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(health["outbox"]["sent"], kMessages) << health.dump() << read_file(log);
  EXPECT_EQ(health["outbox"]["failed"], 0);
  EXPECT_EQ(stop_gracefully(pid), 0);
  // The crash really interrupted sends: the restart found rows in flight and reconciled them.
  const std::string log_text = read_file(log);
  const size_t restart = log_text.find("listening on port", log_text.find("listening on port") + 1);
  ASSERT_NE(restart, std::string::npos) << log_text;
  EXPECT_EQ(log_text.find(", 0 in-flight row(s)", restart), std::string::npos) << log_text;

  auto per_text = api.per_text();
  EXPECT_EQ(per_text.size(), static_cast<size_t>(kMessages));   // nothing lost
  for (const auto& [text, n] : per_text) EXPECT_EQ(n, 1) << text;   // nothing sent twice
}

}  // namespace
}  // namespace harness::testing
