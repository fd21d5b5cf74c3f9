// Hostile input over real sockets: every finding of the hostile-input review gets a request that
// used to crash, exhaust memory or break a view, and the check that the mock answers it with a
// clear error and keeps serving other clients.
#include <string>
#include <vector>

#include "core/json_limits.h"
#include "fixture.h"

namespace harness::mock::scenario::testing {
namespace {

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class HostileTest : public ScenarioServerTest {
 protected:
  void expect_still_serving(const std::string& key = "KEYscenario") {
    auto r = send(message("+17735550188", "still here", key), key);
    EXPECT_EQ(r.status, 200) << r.body.dump();
  }
  static void expect_too_deep(const Reply& r) {
    EXPECT_EQ(r.status, 400) << r.body.dump();
    EXPECT_EQ(r.code(), "10015") << r.body.dump();
    ASSERT_TRUE(r.body.is_object());
    EXPECT_NE(r.body["errors"][0].value("detail", "").find("64 levels"), std::string::npos) << r.body.dump();
  }
};

// 100,000 levels used to kill the process (SIGSEGV in a recursive dump) before authentication.
TEST_F(HostileTest, DeeplyNestedSendBodyIs400BeforeAuth) {
  const std::string body = "{\"to\":" + nested(100000) + ",\"text\":\"x\"}";
  for (const char* path : {"/v2/messages", "/v2/messages/long_code", "/v2/messages/number_pool"}) {
    SCOPED_TRACE(path);
    expect_too_deep(wrap(client()->Post(path, body, "application/json")));   // no API key
    expect_too_deep(post(path, body));
  }
  expect_still_serving();
}

TEST_F(HostileTest, NestingLimitIsExact) {
  // 64 levels parse (and then fail validation as a message: 'to' must be a string), 65 do not.
  auto at = post("/v2/messages", "{\"to\":" + nested(63) + ",\"text\":\"x\"}");
  EXPECT_EQ(at.status, 400) << at.body.dump();
  EXPECT_NE(at.body["errors"][0].value("detail", "").find("'to'"), std::string::npos) << at.body.dump();
  expect_too_deep(post("/v2/messages", "{\"to\":" + nested(64) + ",\"text\":\"x\"}"));
}

TEST_F(HostileTest, DeepArrayFieldMatchedByAScenarioDoesNotCrash) {
  load("name: deep\nrules:\n  - name: any-to\n    match: {body: {to: '*b'}}\n    respond: {status: 500}\n");
  // Within the depth limit but a large array: the rule cannot see it, the request is validated.
  std::string many = "[";
  for (int i = 0; i < 5000; ++i) many += (i ? ",\"b\"" : "\"b\"");
  many += "]";
  auto r = post("/v2/messages", "{\"to\":" + many + ",\"text\":\"x\"}");
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_NE(r.body["errors"][0].value("detail", "").find("'to'"), std::string::npos) << r.body.dump();
  expect_still_serving();
}

TEST_F(HostileTest, DeepControlBodiesAre400) {
  const std::string deep = "{\"a\":" + nested(100000) + "}";
  expect_too_deep(control("POST", "/_mock/inbound", deep));
  expect_too_deep(control("POST", "/_mock/verify", deep));
  expect_too_deep(control("PUT", "/_mock/scenario", nested(100000)));
  EXPECT_EQ(control("GET", "/_mock/report").status, 200);
}

// One request with a byte that is not UTF-8 in its path used to turn GET /_mock/requests into a
// 500 (type_error.316) for as long as the entry stayed in the journal.
TEST_F(HostileTest, InvalidUtf8InPathQueryOrKeyKeepsViewsServing) {
  raw_exchange(server_->port(), "GET /\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  raw_exchange(server_->port(), "GET /v2/messages/\xc3\x28?x=\xfe HTTP/1.1\r\nHost: x\r\n"
                                "Authorization: Bearer KEY\xff\r\nConnection: close\r\n\r\n");
  auto journal = control("GET", "/_mock/requests");
  ASSERT_EQ(journal.status, 200);
  bool replaced = false;
  for (const auto& e : journal.body["data"])
    if (e.value("path", "") == "/\xEF\xBF\xBD") replaced = true;
  EXPECT_TRUE(replaced) << journal.body.dump();
  EXPECT_EQ(control("GET", "/_mock/report").status, 200);
  EXPECT_EQ(control("GET", "/_mock/webhooks").status, 200);
  EXPECT_EQ(control("GET", "/_mock/messages").status, 200);
  EXPECT_EQ(control("GET", "/metrics").status, 200);
}

// Nine levels of ten aliases each: about 10^9 nodes once expanded, in a few hundred bytes.
std::string laughs(const std::string& indent) {
  std::string y = indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    y += indent + "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) y += (k ? ", " : "") + prev;
    y += "]\n";
  }
  return y;
}

// A 651-byte scenario and a 466-byte verify body used to drive the mock to 3 GB.
TEST_F(HostileTest, YamlAliasBombsAreRefusedWithLineAndColumn) {
  const std::string scenario = "name: bomb\nrules:\n  - name: r\n    match: {path: '*'}\n    respond:\n"
                               "      status: 200\n      body:\n" + laughs("        ");
  auto r = control("PUT", "/_mock/scenario", scenario);
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_NE(r.body.value("message", "").find("expands to more than"), std::string::npos) << r.body.dump();
  EXPECT_GT(r.body.value("line", 0), 0);
  EXPECT_GT(r.body.value("column", 0), 0);
  auto v = control("POST", "/_mock/verify", laughs(""));
  EXPECT_EQ(v.status, 400) << v.body.dump();
  EXPECT_NE(v.body.value("error", "").find("line "), std::string::npos) << v.body.dump();
  EXPECT_NE(v.body.value("error", "").find("expands to more than"), std::string::npos) << v.body.dump();
  // A body that contains itself used to recurse until the stack ran out.
  auto cyclic = control("PUT", "/_mock/scenario", "name: cyclic\nrules:\n  - name: r\n    respond:\n      status: 200\n"
                                                  "      body: &b [1, *b]\n");
  EXPECT_EQ(cyclic.status, 400) << cyclic.body.dump();
  EXPECT_NE(cyclic.body.value("message", "").find("cycle"), std::string::npos) << cyclic.body.dump();
  EXPECT_EQ(control("GET", "/_mock/scenario").body.value("name", ""), "default");   // nothing half-loaded
  expect_still_serving();
}

TEST_F(HostileTest, InboundBurstBoundsAreCheckedAtLoad) {
  const std::string num = own_number();
  auto big = control("PUT", "/_mock/scenario", "name: b\ninbound:\n  - to: '" + num + "'\n    count: 1000000000000000000\n");
  EXPECT_EQ(big.status, 400) << big.body.dump();
  EXPECT_NE(big.body.value("message", "").find("at most 1000000 messages"), std::string::npos) << big.body.dump();
  EXPECT_EQ(big.body.value("line", 0), 4);
  auto fast = control("PUT", "/_mock/scenario", "name: b\ninbound:\n  - to: '" + num + "'\n    rate: 1000000000/s\n");
  EXPECT_EQ(fast.status, 400) << fast.body.dump();
  EXPECT_NE(fast.body.value("message", "").find("at most 10000/s"), std::string::npos) << fast.body.dump();
  load("name: b\ninbound:\n  - to: '" + num + "'\n    count: 3\n    rate: 10000/s\n");
}

// A glob that used to cost seconds per request against a large field now matches in linear time;
// the request is answered and the rule still works on ordinary input.
TEST_F(HostileTest, LongGlobAgainstALargeFieldIsAnswered) {
  load("name: g\nrules:\n  - name: slow\n    match: {body: {text: '*" + std::string(2000, 'a') +
       "b'}}\n    respond: {status: 418}\n");
  auto r = send(message("+17735550188", std::string(900 * 1024, 'a')));
  EXPECT_NE(r.status, 418);
  EXPECT_NE(r.status, -1);
  EXPECT_EQ(send(message("+17735550188", "x" + std::string(2000, 'a') + "b")).status, 418);
  expect_still_serving("KEYother");
}

class TenantBoundsTest : public HostileTest {
 protected:
  TenantBoundsTest() {
    opts_.config_yaml = "settings:\n  max_messages: 40\n  max_messages_per_tenant: 30\n  max_open_tenants: 4\n";
  }
  std::string send_id(const std::string& key) {
    auto r = send(message("+17735550188", "m", key), key);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.body["data"].value("id", "");
  }
};

// One tenant's burst used to evict another tenant's messages from the shared store.
TEST_F(TenantBoundsTest, ABurstEvictsOnlyTheSendersMessages) {
  const std::string quiet = send_id("KEYquiet");
  std::vector<std::string> loud;
  for (int i = 0; i < 100; ++i) loud.push_back(send_id("KEYloud"));
  EXPECT_EQ(get("/v2/messages/" + quiet, "KEYquiet").status, 200);
  EXPECT_EQ(get("/v2/messages/" + loud.front(), "KEYloud").status, 404);   // its own oldest went
  EXPECT_EQ(get("/v2/messages/" + loud.back(), "KEYloud").status, 200);
  // A third tenant fills the store: the heaviest tenant (loud, 30) pays, not quiet.
  for (int i = 0; i < 20; ++i) send_id("KEYthird");
  EXPECT_EQ(get("/v2/messages/" + quiet, "KEYquiet").status, 200);
  EXPECT_EQ(get("/v2/messages/" + loud.back(), "KEYloud").status, 200);
  EXPECT_EQ(control("GET", "/_mock/health").body["data"].value("messages", 0), 40);
}

// Open mode used to create a tenant for every new KEY... key without limit.
TEST_F(TenantBoundsTest, OpenModeTenantCapIs429) {
  for (const char* key : {"KEYscenario", "KEYa", "KEYb", "KEYc"}) EXPECT_EQ(get("/v2/phone_numbers", key).status, 200);
  auto r = get("/v2/phone_numbers", "KEYd");
  EXPECT_EQ(r.status, 429) << r.body.dump();
  EXPECT_EQ(r.code(), "10011");
  EXPECT_NE(r.body["errors"][0].value("detail", "").find("max_open_tenants"), std::string::npos) << r.body.dump();
  EXPECT_EQ(get("/v2/phone_numbers", "notakey").status, 401);   // not a KEY... key: still 401
  EXPECT_EQ(get("/v2/phone_numbers", "KEYa").status, 200);      // known keys keep working
  ASSERT_EQ(control("POST", "/_mock/reset").status, 200);       // reset frees the slots
  EXPECT_EQ(get("/v2/phone_numbers", "KEYd").status, 200);
}

}  // namespace
}  // namespace harness::mock::scenario::testing
