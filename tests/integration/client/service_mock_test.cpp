// The reference service end to end against a live in-process telnyx-mock with its webhook
// engine: send through the outbox, receive the mock's signed message.sent / message.finalized,
// and answer an inbound SMS (POST /_mock/inbound) exactly once from the owning dealership.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <thread>

#include "client/client.h"
#include "mock_server.h"
#include "tools/service/service.h"

namespace harness::tools::service {
namespace {

using core::json;
using std::chrono::milliseconds;

template <class Pred>
bool eventually(Pred pred, int tries = 1500) {
  for (int i = 0; i < tries; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

TEST(ServiceAgainstMock, SendDeliverAndReplyToInbound) {
  mock::MockServer mock_srv(mock::MockServerOptions{});
  auto err = mock_srv.start();
  ASSERT_FALSE(err) << *err;
  const std::string key = "KEYservicee2e";
  client::Config cc;
  cc.api_key = key;
  cc.base_url = mock_srv.base_url() + "/v2";
  client::Client admin(cc);
  auto numbers = admin.list_numbers();
  ASSERT_TRUE(numbers.ok()) << numbers.error().summary();
  ASSERT_FALSE(numbers->data.empty());
  const std::string dealer_number = numbers->data[0].phone_number;
  auto profiles = admin.list_profiles();
  ASSERT_TRUE(profiles.ok() && !profiles->data.empty());
  const core::MessagingProfile profile = profiles->data[0];

  const std::string db = ::testing::TempDir() + "svc-mock-" + std::to_string(::getpid()) + ".db";
  for (const char* sfx : {"", "-wal", "-shm"}) std::remove((db + sfx).c_str());
  ServiceConfig sc;
  sc.port = 0;
  sc.database = db;
  sc.api_key = key;
  sc.base_url = cc.base_url;
  sc.webhook_public_key = mock_srv.webhook_keys().public_key_base64();
  sc.poll_interval = milliseconds(10);
  sc.dealerships = {{"north", {dealer_number}, profile.id, "North Motors: thanks, we will call you."}};
  auto ob = Outbox::open(db);
  ASSERT_TRUE(ob.ok()) << ob.error();
  core::SystemClock clock;
  Service svc(sc, std::move(ob.value()), clock);
  const int port = svc.start();
  ASSERT_GT(port, 0);

  // Point the profile's webhooks at the service.
  client::ProfileParams pp;
  pp.name = profile.name;
  pp.webhook_url = "http://127.0.0.1:" + std::to_string(port) + "/telnyx/webhook";
  auto updated = admin.create_or_update_profile(pp);
  ASSERT_TRUE(updated.ok()) << updated.error().summary();
  ASSERT_EQ(updated->id, profile.id);

  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);
  auto r = http.Post("/telnyx/send-sms", {{"Idempotency-Key", "e2e-1"}},
                     json{{"to", "+17735550188"}, {"text", "Your car is ready"}, {"dealership", "north"}}.dump(),
                     "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string id = std::to_string(json::parse(r->body)["id"].get<int64_t>());
  auto status = [&](const std::string& any) -> json {
    auto g = http.Get(("/telnyx/message-status/" + any).c_str());
    return g && g->status == 200 ? json::parse(g->body) : json::object();
  };
  EXPECT_TRUE(eventually([&] { return status(id).value("status", "") == "delivered"; }))
      << status(id).dump();

  httplib::Client control(mock_srv.base_url());
  auto in = control.Post("/_mock/inbound",
                         json{{"from", "+17735550188"}, {"to", dealer_number}, {"text", "Is it ready?"}}.dump(),
                         "application/json");
  ASSERT_TRUE(in);
  ASSERT_EQ(in->status, 200) << in->body;
  const std::string inbound_id = json::parse(in->body)["data"]["id"];
  EXPECT_TRUE(eventually([&] { return status("reply:" + inbound_id).value("state", "") == "sent"; }))
      << status("reply:" + inbound_id).dump();
  json reply = status("reply:" + inbound_id);
  EXPECT_EQ(reply["from"], dealer_number);
  EXPECT_EQ(reply["to"], "+17735550188");
  svc.stop();
  auto c = Outbox::open(db);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->counts().sent, 2);
}

}  // namespace
}  // namespace harness::tools::service
