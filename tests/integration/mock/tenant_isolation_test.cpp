// Tenants do not wait for each other: while one tenant's operation holds its store lock (held
// open by the store's hold hook, a latch the test releases), another tenant's requests on another
// loop thread are answered over real sockets. With one lock over every tenant they would wait
// until the client's read timeout.
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <string_view>
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

// Holds the first matching operation until released (or for at most a minute, so a broken
// store cannot hang the test run).
class Latch {
 public:
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lk(mu_);
    arrived_ = true;
    cv_.notify_all();
    cv_.wait_for(lk, std::chrono::seconds(60), [&] { return released_; });
  }
  bool wait_arrived() {
    std::unique_lock<std::mutex> lk(mu_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return arrived_; });
  }
  void release() {
    std::lock_guard<std::mutex> lk(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool arrived_ = false, released_ = false;
};

class TenantIsolationTest : public MockFixture {
 protected:
  TenantIsolationTest() { opts_.threads = 2; }

  void SetUp() override {
    MockFixture::SetUp();
    // Connections are handed to the loop threads in turn: the other tenant's connection opens
    // first, the slow tenant's next, so they are served by different loops.
    fast_ = client("KEYfast");
    slow_ = client("KEYslow");
    slow_tenant_ = *server_->store().authenticate("KEYslow");
  }
  void TearDown() override {
    latch_.release();
    if (held_.valid()) held_.wait();
    server_->store().set_hold_hook(nullptr);
    fast_.reset();
    slow_.reset();
    MockFixture::TearDown();
  }
  std::unique_ptr<httplib::Client> client(const std::string& key) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    c->set_read_timeout(10, 0);
    c->set_default_headers({{"Authorization", "Bearer " + key}});
    EXPECT_EQ(wrap(c->Get("/v2/messaging_profiles")).status, 200);   // opens the connection
    return c;
  }
  // Holds the slow tenant's `op` on the latch and starts `request` on the slow connection.
  void hold(std::string_view op, std::function<Reply(httplib::Client&)> request) {
    server_->store().set_hold_hook([this, op = std::string(op)](const std::string& tenant, std::string_view what) {
      if (tenant == slow_tenant_ && what == op) latch_.arrive_and_wait();
    });
    held_ = std::async(std::launch::async, [this, request] { return request(*slow_); });
    ASSERT_TRUE(latch_.wait_arrived()) << op << " never reached the store";
  }
  Reply finish_held() {
    latch_.release();
    return held_.get();
  }
  Reply send_fast() {
    return wrap(fast_->Post("/v2/messages", R"({"to":"+17735550188","text":"not waiting"})", "application/json"));
  }

  std::unique_ptr<httplib::Client> fast_, slow_;
  std::string slow_tenant_;
  Latch latch_;
  std::future<Reply> held_;
};

TEST_F(TenantIsolationTest, ReadingOneTenantsMessagesDoesNotHoldUpAnotherTenantsSends) {
  auto mine = wrap(slow_->Post("/v2/messages", R"({"to":"+17735550188","text":"mine"})", "application/json"));
  ASSERT_EQ(mine.status, 200) << mine.raw;
  const std::string id = mine.body["data"]["id"];
  hold("get_message", [id](httplib::Client& c) { return wrap(c.Get(("/v2/messages/" + id).c_str())); });

  auto sent = send_fast();
  ASSERT_EQ(sent.status, 200) << sent.raw;
  const std::string fast_id = sent.body["data"]["id"];
  auto read = wrap(fast_->Get(("/v2/messages/" + fast_id).c_str()));
  EXPECT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["data"]["id"], fast_id);
  // The held tenant's message is not visible to the other tenant, and its read completes.
  EXPECT_EQ(wrap(fast_->Get(("/v2/messages/" + id).c_str())).code(), "10005");

  auto slow = finish_held();
  EXPECT_EQ(slow.status, 200) << slow.raw;
  EXPECT_EQ(slow.body["data"]["id"], id);
}

TEST_F(TenantIsolationTest, WritingOneTenantsProfilesDoesNotHoldUpAnotherTenant) {
  hold("create_profile", [](httplib::Client& c) {
    return wrap(c.Post("/v2/messaging_profiles", R"({"name":"held","whitelisted_destinations":["US"]})",
                       "application/json"));
  });
  EXPECT_EQ(send_fast().status, 200);
  auto created = wrap(fast_->Post("/v2/messaging_profiles", R"({"name":"mine","whitelisted_destinations":["US"]})",
                                  "application/json"));
  EXPECT_EQ(created.status, 200) << created.raw;
  EXPECT_EQ(wrap(fast_->Get("/v2/phone_numbers")).status, 200);
  auto listed = wrap(fast_->Get("/v2/messaging_profiles"));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["data"].size(), 2u) << listed.raw;   // Default and "mine", not "held"

  auto slow = finish_held();
  EXPECT_EQ(slow.status, 200) << slow.raw;
  EXPECT_EQ(slow.body["data"]["name"], "held");
  auto slow_list = wrap(slow_->Get("/v2/messaging_profiles"));
  EXPECT_EQ(slow_list.body["data"].size(), 2u) << slow_list.raw;
}

// A tenant listing its messages holds only its own: the other tenant keeps sending and reading,
// and a list of every tenant (GET /_mock/messages) still shows both.
TEST_F(TenantIsolationTest, ListingOneTenantsMessagesDoesNotHoldUpAnotherTenant) {
  ASSERT_EQ(wrap(slow_->Post("/v2/messages", R"({"to":"+17735550188","text":"listed"})", "application/json")).status,
            200);
  hold("recent_messages", [](httplib::Client& c) { return wrap(c.Get("/_mock/messages?api_key=KEYslow&limit=100000")); });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send_fast().status, 200);
  auto slow = finish_held();
  ASSERT_EQ(slow.status, 200) << slow.raw;
  ASSERT_EQ(slow.body["data"].size(), 1u) << slow.raw;
  EXPECT_EQ(slow.body["data"][0]["message"]["text"], "listed");
  server_->store().set_hold_hook(nullptr);
  auto all = wrap(fast_->Get("/_mock/messages"));
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.body["data"].size(), 4u) << all.raw;
  EXPECT_EQ(all.body["data"][3]["message"]["text"], "listed");   // newest first, across tenants
  EXPECT_EQ(all.body["data"][0]["message"]["text"], "not waiting");
}

}  // namespace
}  // namespace harness::mock::testing
