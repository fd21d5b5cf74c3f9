// The client against a live in-process telnyx-mock: the management flow end to end (profile,
// search, buy, assign, send, retrieve) and the server-side error kinds. Scenario-driven faults
// (429 with Retry-After, accept-then-drop) are loaded with PUT /_mock/scenario.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "client/client.h"
#include "mock_server.h"

namespace harness::client {
namespace {

using std::chrono::milliseconds;

class ClientAgainstMock : public ::testing::Test {
 protected:
  // A text to +17735550188 from the pool of the account's first messaging profile.
  static SendParams pool_send(Client& c) {
    SendParams p;
    p.to = "+17735550188";
    p.text = "hi";
    auto probe = c.list_profiles();
    EXPECT_TRUE(probe.ok());
    p.messaging_profile_id = !probe.ok() || probe->data.empty() ? std::string("x") : probe->data[0].id;
    return p;
  }
  void SetUp() override {
    mock::MockServerOptions mo;
    mo.scenarios = true;
    server_ = std::make_unique<mock::MockServer>(mo);
    auto err = server_->start();
    ASSERT_FALSE(err) << *err;
  }
  Config config(const std::string& key = "KEYclienttest") {
    Config c;
    c.tenant = "mock";
    c.api_key = key;
    c.base_url = server_->base_url() + "/v2";
    c.read_timeout = milliseconds(3000);
    return c;
  }
  ClientDeps deps() {
    ClientDeps d;
    d.clock = &clock_;
    d.sleeper = &sleeper_;
    d.telemetry = &telemetry_;
    d.rng_seed = 9;
    return d;
  }
  // Loads a scenario; the answer's body on failure.
  ::testing::AssertionResult load_scenario(const std::string& yaml) {
    httplib::Client c(server_->base_url());
    auto r = c.Put("/_mock/scenario", yaml, "application/yaml");
    if (!r) return ::testing::AssertionFailure() << "no answer from PUT /_mock/scenario";
    if (r->status != 200) return ::testing::AssertionFailure() << r->status << " " << r->body;
    return ::testing::AssertionSuccess();
  }
  core::json report() {
    httplib::Client c(server_->base_url());
    auto r = c.Get("/_mock/report");
    return r && r->status == 200 ? core::json::parse(r->body) : core::json::object();
  }

  core::ManualClock clock_;
  ManualSleeper sleeper_{clock_};
  RecordingTelemetry telemetry_;
  std::unique_ptr<mock::MockServer> server_;
};

TEST_F(ClientAgainstMock, ManagementFlowSearchBuyAssignSend) {
  Client c(config(), deps());
  ProfileParams pp;
  pp.name = "dealership-north";
  pp.webhook_url = "http://127.0.0.1:9/hooks";
  auto prof = c.create_or_update_profile(pp);
  ASSERT_TRUE(prof.ok()) << prof.error().summary();
  auto same = c.create_or_update_profile(pp);
  ASSERT_TRUE(same.ok()) << same.error().summary();
  EXPECT_EQ(same->id, prof->id);
  auto found = c.find_profile_by_name("dealership-north");
  ASSERT_TRUE(found.ok() && found->has_value());

  NumberSearch s;
  s.features = {"sms"};
  auto avail = c.search_by_area_code("312", s);
  ASSERT_TRUE(avail.ok()) << avail.error().summary();
  ASSERT_FALSE(avail->empty());
  EXPECT_EQ(avail->front().phone_number.substr(0, 5), "+1312");

  auto order = c.search_and_buy_first("312", std::nullopt, s);
  ASSERT_TRUE(order.ok()) << order.error().summary();
  ASSERT_EQ(order->phone_numbers.size(), 1u);
  const std::string number = order->phone_numbers[0].phone_number;

  auto owned = c.find_by_number(number);
  ASSERT_TRUE(owned.ok()) << owned.error().summary();
  ASSERT_TRUE(owned->has_value());

  // Not yet on a profile: the mock refuses it as a sender (40305, validation).
  SendParams p;
  p.from = number;
  p.to = "+17735550188";
  p.text = "Your car is ready for pick-up";
  auto refused = c.send(p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().type, ErrorKind::Validation);
  EXPECT_EQ(refused.error().code, "40305");

  auto assigned = c.assign_to_messaging_profile((*owned)->id, prof->id);
  ASSERT_TRUE(assigned.ok()) << assigned.error().summary();
  EXPECT_EQ(assigned->messaging_profile_id, prof->id);

  auto sent = c.send(p);
  ASSERT_TRUE(sent.ok()) << sent.error().summary();
  EXPECT_EQ(sent->messaging_profile_id, prof->id);
  EXPECT_EQ(sent->status(), "queued");
  auto got = c.retrieve(sent->id);
  ASSERT_TRUE(got.ok()) << got.error().summary();
  EXPECT_EQ(got->id, sent->id);

  auto numbers = c.list_numbers();
  ASSERT_TRUE(numbers.ok()) << numbers.error().summary();
  EXPECT_GE(numbers->data.size(), 1u);
  auto profiles = c.list_profiles();
  ASSERT_TRUE(profiles.ok()) << profiles.error().summary();
  EXPECT_GE(profiles->meta.total_results, 1);
}

TEST_F(ClientAgainstMock, BadKeyIsAuthenticationAndNotRetried) {
  Client c(config("not-a-key"), deps());
  SendParams p;
  p.to = "+17735550188";
  p.text = "hi";
  p.messaging_profile_id = "any";
  auto r = c.send(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Authentication);
  EXPECT_EQ(r.error().http_status, 401);
  EXPECT_EQ(r.error().code, "10009");
  EXPECT_TRUE(sleeper_.slept().empty());
}

TEST_F(ClientAgainstMock, UnknownMessageIsApi404) {
  Client c(config(), deps());
  auto r = c.retrieve("4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Api);
  EXPECT_EQ(r.error().http_status, 404);
  EXPECT_EQ(r.error().code, "10005");
  EXPECT_FALSE(r.error().request_id.empty());
}

TEST_F(ClientAgainstMock, RateLimitScenarioIsRetriedAfterRetryAfter) {
  ASSERT_TRUE(load_scenario(R"(name: client-429
seed: 1
rules:
  - name: throttle-first
    match: { method: POST, path: /v2/messages }
    sequence:
      - respond: { status: 429, error: 10011, headers: { Retry-After: "2" } }
      - pass
)"));
  Client c(config(), deps());
  SendParams p = pool_send(c);
  auto r = c.send(p);
  ASSERT_TRUE(r.ok()) << r.error().summary();
  ASSERT_EQ(sleeper_.slept().size(), 1u);
  EXPECT_EQ(sleeper_.slept()[0], milliseconds(2000));
  core::json rep = report();
  ASSERT_TRUE(rep.contains("rules")) << rep.dump();
  EXPECT_EQ(rep["rules"][0]["fired"], 2);   // the 429 step, then the pass
  EXPECT_EQ(rep["verdicts"]["duplicates"]["count"], 0);
}

TEST_F(ClientAgainstMock, AcceptThenDropIsAmbiguousAndNotResent) {
  ASSERT_TRUE(load_scenario(R"(name: client-drop
seed: 1
rules:
  - name: drop
    match: { method: POST, path: /v2/messages }
    times: 1
    fault: accept_then_drop
)"));
  Client c(config(), deps());
  SendParams p = pool_send(c);
  auto r = c.send(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, ErrorKind::Network);
  EXPECT_TRUE(r.error().ambiguous);
  EXPECT_TRUE(sleeper_.slept().empty());
  // The message exists although the answer was lost, and it was not sent a second time. The
  // mock counts the fault just after closing the connection: look again briefly.
  core::json rep = report();
  for (int i = 0; i < 200 && rep["faults"]["dropped_after_accept"] != 1; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    rep = report();
  }
  EXPECT_EQ(rep["faults"]["dropped_after_accept"], 1) << rep.dump();
  EXPECT_EQ(rep["verdicts"]["requests"], 2);   // the profile probe and the one send
}

}  // namespace
}  // namespace harness::client
