// The access log over real sockets: a MockServer with a capturing sink gets one line per API
// request (method, path, status, key prefix, latency, error code) and one per webhook attempt
// (event, URL, status, error); control routes are not logged; no sink means no log.
#include <gtest/gtest.h>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "core/json.h"
#include "mock_server.h"
#include "support/scoped_server.h"
#include "mock_receiver_test.h"

namespace harness::mock {
namespace {

using core::json;
using testing::Receiver;
using testing::eventually;

class Lines {
 public:
  void add(const std::string& l) {
    std::lock_guard<std::mutex> lk(mu_);
    lines_.push_back(l);
  }
  std::vector<std::string> with(const std::string& needle) const {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<std::string> out;
    for (const auto& l : lines_)
      if (l.find(needle) != std::string::npos) out.push_back(l);
    return out;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lk(mu_);
    return lines_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

class AccessLogTest : public testing::MockReceiverTest {
 protected:
  void start(bool with_log) {
    rx.respond_with([](const testing::Received& r, int) { return r.path == "/fail" ? 503 : 200; });
    MockServerOptions o;
    o.seed = 9;
    if (with_log) o.access_log = [this](const std::string& l) { lines.add(l); };
    start_mock(o, "KEYaccesslog1");
  }
  std::string first_number() {
    auto r = api->Get("/v2/phone_numbers");
    EXPECT_TRUE(r);
    const json j = json::parse(r ? r->body : "{}", nullptr, false);
    return j["data"][0]["phone_number"].get<std::string>();
  }
  httplib::Result send(const std::string& from, const std::string& hook) {
    const json body = {{"from", from}, {"to", "+17735550188"}, {"text", "hello"},
                       {"webhook_url", receiver->url() + hook}, {"use_profile_webhooks", false}};
    return api->Post("/v2/messages", body.dump(), "application/json");
  }

  Lines lines;
};

TEST_F(AccessLogTest, OneLinePerApiRequestWithStatusKeyAndErrorCode) {
  start(true);
  const std::string from = first_number();
  auto ok = send(from, "/ok");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto bad = api->Post("/v2/messages", "{}", "application/json");
  ASSERT_TRUE(bad);
  ASSERT_EQ(bad->status, 422);
  httplib::Client anon(mock->base_url());
  auto unauth = anon.Get("/v2/messaging_profiles");
  ASSERT_TRUE(unauth);
  ASSERT_EQ(unauth->status, 401);
  ASSERT_TRUE(anon.Get("/_mock/messages"));   // control: not in the access log

  const auto posts = lines.with(" POST /v2/messages ");
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_NE(posts[0].find(" 200 key=KEYacces… "), std::string::npos) << posts[0];
  EXPECT_NE(posts[0].find("ms"), std::string::npos) << posts[0];
  EXPECT_EQ(posts[0].find("code="), std::string::npos) << posts[0];
  EXPECT_NE(posts[1].find(" 422 key=KEYacces… "), std::string::npos) << posts[1];
  EXPECT_NE(posts[1].find("code=10004"), std::string::npos) << posts[1];
  const auto gets = lines.with(" GET /v2/messaging_profiles 401 key=- ");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_NE(gets[0].find("code=10009"), std::string::npos) << gets[0];
  EXPECT_EQ(lines.with("/_mock").size(), 0u);
  EXPECT_EQ(lines.with("GET /v2/phone_numbers 200").size(), 1u);
}

TEST_F(AccessLogTest, OneLinePerWebhookAttemptIncludingFailures) {
  start(true);
  const std::string from = first_number();
  ASSERT_TRUE(send(from, "/ok"));
  ASSERT_TRUE(send(from, "/fail"));
  const std::string ok_url = receiver->url() + "/ok";
  const std::string fail_url = receiver->url() + "/fail";
  ASSERT_TRUE(eventually([&] {
    return lines.with("--> message.sent").size() >= 2 && lines.with("--> message.finalized").size() >= 1;
  }));
  const auto ok = lines.with("POST " + ok_url + " [200]");
  ASSERT_FALSE(ok.empty());
  EXPECT_EQ(ok[0].find("error="), std::string::npos) << ok[0];
  const auto failed = lines.with("POST " + fail_url + " [503]");
  ASSERT_FALSE(failed.empty());
  EXPECT_NE(failed[0].find("error="), std::string::npos) << failed[0];
  EXPECT_NE(failed[0].find("(attempt 1)"), std::string::npos) << failed[0];
  EXPECT_NE(failed[0].find("msg="), std::string::npos) << failed[0];
}

TEST_F(AccessLogTest, NoSinkNoLog) {
  start(false);
  ASSERT_TRUE(send(first_number(), "/ok"));
  ASSERT_TRUE(rx.wait_for(1));
  EXPECT_EQ(lines.size(), 0u);
}

}  // namespace
}  // namespace harness::mock
