// Every socket fault, observed from a raw TCP client (what the bytes and the ending were) and from
// an HTTP client (what a real integration would see).
#include "fixture.h"

namespace harness::mock::scenario::testing {
namespace {

class FaultsTest : public ScenarioServerTest {
 protected:
  void SetUp() override {
    ScenarioServerTest::SetUp();
    load(R"(
faults: { timeout_cap: 3s }
rules:
  - { name: hang, match: { path: /v2/hang }, fault: timeout }
  - { name: reset, match: { path: /v2/reset }, fault: connection_reset }
  - { name: empty, match: { path: /v2/empty }, fault: empty_response }
  - { name: garbage, match: { path: /v2/garbage }, fault: malformed_response }
  - { name: drop, match: { method: POST, path: /v2/messages, body: { text: "drop*" } }, fault: accept_then_drop }
)");
  }
};

TEST_F(FaultsTest, ConnectionResetSendsRst) {
  auto raw = raw_exchange(server_->port(), http_post("/v2/reset", "{}"));
  EXPECT_TRUE(raw.reset);
  EXPECT_TRUE(raw.bytes.empty());
  auto r = post("/v2/reset", "{}");
  EXPECT_EQ(r.status, -1);
  EXPECT_EQ(engine_->report()["faults"]["connection_resets"], 2);
}

TEST_F(FaultsTest, EmptyResponseClosesWithoutAByte) {
  auto raw = raw_exchange(server_->port(), http_post("/v2/empty", "{}"));
  EXPECT_TRUE(raw.eof);
  EXPECT_TRUE(raw.bytes.empty());
  EXPECT_EQ(post("/v2/empty", "{}").status, -1);
}

TEST_F(FaultsTest, MalformedResponseIsNotHttp) {
  auto raw = raw_exchange(server_->port(), http_post("/v2/garbage", "{}"));
  EXPECT_EQ(raw.bytes, faults::kMalformedResponse);
  EXPECT_TRUE(raw.eof || raw.reset);
  EXPECT_EQ(post("/v2/garbage", "{}").status, -1);
}

TEST_F(FaultsTest, TimeoutHangsUntilTheClientGivesUp) {
  auto c = client(1);   // the client gives up after 1 s
  auto r = wrap(c->Post("/v2/hang", auth(), "{}", "application/json"));
  EXPECT_EQ(r.status, -1);
  EXPECT_EQ(r.error, httplib::Error::Read);
  EXPECT_EQ(engine_->report()["faults"]["timeouts"], 1);
}

TEST_F(FaultsTest, TimeoutIsCappedServerSide) {
  // A client that waits longer than the 3 s cap sees the connection closed without a response.
  auto raw = raw_exchange(server_->port(), http_post("/v2/hang", "{}"));
  EXPECT_TRUE(raw.eof || raw.reset);
  EXPECT_TRUE(raw.bytes.empty());
  EXPECT_GE(engine_->fault_executor()->lot().expired(), 1u);
}

TEST_F(FaultsTest, AcceptThenDropStoresTheMessageButLosesTheAnswer) {
  auto r = send(message("+17735550188", "drop me"));
  EXPECT_EQ(r.status, -1);
  auto stored = control("GET", "/_mock/messages?api_key=KEYscenario");
  ASSERT_EQ(stored.status, 200);
  bool found = false;
  for (const auto& m : stored.body["data"]) found = found || m["message"]["text"] == "drop me";
  EXPECT_TRUE(found);
  EXPECT_EQ(send(message("+17735550188", "keep me")).status, 200);
  EXPECT_EQ(engine_->report()["faults"]["dropped_after_accept"], 1);
}

TEST_F(FaultsTest, OtherRequestsAreServedAfterFaults) {
  for (const char* p : {"/v2/reset", "/v2/empty", "/v2/garbage"}) (void)post(p, "{}");
  EXPECT_EQ(get("/v2/messaging_profiles").status, 200);
}

}  // namespace
}  // namespace harness::mock::scenario::testing
