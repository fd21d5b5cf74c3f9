// The webhook engine's connections per destination as telnyx-mock exposes them: the
// --webhook-connections flag (validated: a bad value is one line on stderr and exit 2) and
// MockServerOptions::webhook_connections, which bounds the connections one receiver sees.
#include <gtest/gtest.h>
#include <httplib.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include "core/json.h"
#include "mock_server.h"
#include "support/process.h"
#include "support/scoped_server.h"

namespace harness::mock {
namespace {

using harness::testing::RunResult;

// telnyx-mock with `args`; it must exit by itself (--help and bad flags do, before listening).
RunResult run_mock(const std::vector<std::string>& args) { return harness::testing::run_program(TELNYX_MOCK_BINARY, args); }

TEST(WebhookConnectionsFlag, BadValuesAreOneLineAndExit2) {
  for (const std::string bad : {"0", "-3", "abc", "100001", "2.5"}) {
    const RunResult r = run_mock({"--port", "0", "--webhook-connections", bad});
    EXPECT_EQ(r.exit_code, 2) << "'" << bad << "': " << r.err;
    EXPECT_NE(r.err.find("--webhook-connections"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // A good value is accepted: the run then fails on the next flag, not on this one.
  const RunResult good = run_mock({"--webhook-connections", "256", "--config", "/nonexistent/telnyx.yaml"});
  EXPECT_EQ(good.exit_code, 2);
  EXPECT_EQ(good.err.find("--webhook-connections"), std::string::npos) << good.err;
  EXPECT_NE(good.err.find("--config"), std::string::npos) << good.err;
}

TEST(WebhookConnectionsFlag, HelpShowsItWithItsDefault) {
  const RunResult r = run_mock({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  const size_t at = r.out.find("--webhook-connections");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("=64", at), std::string::npos) << r.out;   // CLI11 shows the default as =64
}

// A receiver that holds each request a little, so a burst of events needs many connections;
// it records which client connection (remote port) carried each event.
class SlowReceiver {
 public:
  SlowReceiver() {
    http_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    http_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      {
        std::lock_guard<std::mutex> lk(mu_);
        ports_.insert(req.remote_port);
        ++count_;
      }
      cv_.notify_all();
      res.set_content("{}", "application/json");
    });
    server_ = std::make_unique<harness::testing::ScopedServer>(http_);
  }
  std::string url() const { return server_->url() + "/hooks"; }
  bool wait_for(size_t n) {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_for(lk, std::chrono::seconds(20), [&] { return count_ >= n; });
  }
  size_t connections() const {
    std::lock_guard<std::mutex> lk(mu_);
    return ports_.size();
  }

 private:
  httplib::Server http_;
  std::unique_ptr<harness::testing::ScopedServer> server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<int> ports_;
  size_t count_ = 0;
};

TEST(WebhookConnectionsOption, BoundsTheConnectionsOneReceiverSees) {
  SlowReceiver rx;
  MockServerOptions o;
  o.webhook_connections = 2;
  MockServer mock(o);
  ASSERT_FALSE(mock.start());
  httplib::Client api(mock.base_url());
  api.set_bearer_token_auth("KEYconnections");
  constexpr int kMessages = 12;   // 24 events at once: the default pool would open 8 connections
  for (int i = 0; i < kMessages; ++i) {
    const core::json body{{"to", "+1773555" + std::to_string(1000 + i)}, {"text", "hi"}, {"webhook_url", rx.url()}};
    auto r = api.Post("/v2/messages", body.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  ASSERT_TRUE(rx.wait_for(2 * kMessages));   // every event still arrives, through 2 connections
  EXPECT_GE(rx.connections(), 1u);
  EXPECT_LE(rx.connections(), 2u);
  mock.stop();
}

}  // namespace
}  // namespace harness::mock
