// Abuse keeps telnyx-mock serving: every bad request gets Telnyx's envelope (or a clean 4xx)
// and the next normal request succeeds. Also auth and wrong-method handling.
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

class RobustnessTest : public MockFixture {
 protected:
  void expect_still_serving() {
    auto r = send({{"to", "+17735550188"}, {"text", "still here"}});
    EXPECT_EQ(r.status, 200) << r.raw;
  }
  static void expect_envelope(const Reply& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.raw;
    EXPECT_EQ(r.code(), code) << r.raw;
    ASSERT_TRUE(r.body.is_object());
    EXPECT_TRUE(r.body["errors"][0].contains("title"));
    auto ct = r.headers.find("Content-Type");
    ASSERT_NE(ct, r.headers.end());
    EXPECT_EQ(ct->second.rfind("application/json", 0), 0u);
  }
};

TEST_F(RobustnessTest, MissingMalformedOrUnknownKeyIs401) {
  auto none = wrap(client_->Post("/v2/messages", R"({"to":"+17735550188","text":"x"})", "application/json"));
  expect_envelope(none, 401, "10009");
  EXPECT_EQ(none.body["errors"][0]["title"], "Authentication failed");
  expect_envelope(wrap(client_->Get("/v2/messaging_profiles", {{"Authorization", "Basic abc"}})), 401, "10009");
  expect_envelope(wrap(client_->Get("/v2/messaging_profiles", {{"Authorization", "Bearer"}})), 401, "10009");
  expect_envelope(get("/v2/messaging_profiles", "notakey"), 401, "10009");
  expect_envelope(get("/v2/messaging_profiles", "KEY with space"), 401, "10009");
  expect_still_serving();
}

TEST_F(RobustnessTest, MalformedJsonIs400) {
  expect_envelope(post("/v2/messages", "{\"to\": "), 400, "10015");
  expect_envelope(post("/v2/messages", ""), 400, "10015");
  expect_envelope(post("/v2/messages", "[1,2,3]"), 400, "10015");
  expect_envelope(post("/v2/messaging_profiles", "nul"), 400, "10015");
  expect_still_serving();
}

TEST_F(RobustnessTest, TenMegabyteBodyIs413) {
  std::string big(10 * 1024 * 1024, 'a');
  auto r = post("/v2/messages", "{\"to\":\"+17735550188\",\"text\":\"" + big + "\"}");
  // Either the envelope arrives or the server closes after refusing; it never serves the body.
  if (r.status != -1) expect_envelope(r, 413, "10015");
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  expect_still_serving();
}

TEST_F(RobustnessTest, InvalidUtf8IsRejected) {
  std::string body = "{\"to\":\"+17735550188\",\"text\":\"bad \xC3\x28 bytes\"}";
  expect_envelope(post("/v2/messages", body), 400, "10015");
  std::string in_key = std::string("{\"to\":\"+17735550188\",\"te\xff") + "xt\":\"x\"}";
  expect_envelope(post("/v2/messages", in_key), 400, "10015");
  expect_still_serving();
}

TEST_F(RobustnessTest, InvalidUtf8InThePathIsStillTheRightError) {
  // The decoded id is not UTF-8; it is echoed in the error detail, which must still be JSON.
  auto r = get("/v2/messages/%FE%FF");
  expect_envelope(r, 404, "10005");
  EXPECT_NE(r.body["errors"][0]["detail"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << r.raw;
  expect_envelope(get("/v2/messaging_profiles/%C3"), 404, "10005");
  expect_still_serving();
}

TEST_F(RobustnessTest, WrongJsonTypesPointAtTheField) {
  auto r = post("/v2/messages", R"({"to":17735550188,"text":"x"})");
  EXPECT_EQ(r.status / 100, 4);
  EXPECT_EQ(r.pointer(), "/to");
  r = post("/v2/messages", R"({"to":"+17735550188","text":["x"]})");
  EXPECT_EQ(r.status / 100, 4);
  EXPECT_EQ(r.pointer(), "/text");
  r = post("/v2/messages", R"({"to":"+17735550188","text":"x","media_urls":"http://x"})");
  EXPECT_EQ(r.pointer(), "/media_urls");
  r = post("/v2/messaging_profiles", R"({"name":5,"whitelisted_destinations":["US"]})");
  EXPECT_EQ(r.pointer(), "/name");
  r = post("/v2/messaging_profiles", R"({"name":"x","whitelisted_destinations":"US"})");
  EXPECT_EQ(r.pointer(), "/whitelisted_destinations");
  expect_still_serving();
}

TEST_F(RobustnessTest, TenThousandUnknownRoutesOnOneConnection) {
  int not_found = 0;
  for (int i = 0; i < 10000; ++i) {
    auto r = client_->Get(("/v2/nothing/" + std::to_string(i)).c_str(), auth());
    if (r && r->status == 404 && r->body.find("\"10005\"") != std::string::npos) ++not_found;
  }
  EXPECT_EQ(not_found, 10000);
  expect_still_serving();
  auto journal = wrap(client_->Get("/_mock/requests?limit=1"));
  EXPECT_EQ(journal.body["meta"]["journal_size"], 10000);   // bounded by max_journal
}

TEST_F(RobustnessTest, WrongMethodOnKnownRouteIs405WithEnvelope) {
  auto r = wrap(client_->Put("/v2/messages", auth(), "{}", "application/json"));
  expect_envelope(r, 405, "10015");
  EXPECT_EQ(r.headers.find("Allow")->second, "POST");
  expect_envelope(patch("/v2/messages/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f", "{}"), 405, "10015");
  expect_envelope(post("/v2/phone_numbers", "{}"), 405, "10015");
  expect_envelope(wrap(client_->Delete("/_mock/health")), 405, "10015");
  expect_envelope(get("/v3/messages"), 404, "10005");
  expect_still_serving();
}

TEST_F(RobustnessTest, GarbageRequestLineGetsCleanError) {
  httplib::Client raw("127.0.0.1", server_->port());
  auto r = raw.Get("/v2/%ZZ%00bad", auth());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status / 100, 4);
  expect_still_serving();
}

}  // namespace
}  // namespace harness::mock::testing
