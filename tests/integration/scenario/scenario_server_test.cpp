// Loading, every selector and every action over real sockets, through the mock's HTTP pipeline.
#include "fixture.h"

namespace harness::mock::scenario::testing {
namespace {

TEST_F(ScenarioServerTest, PutGetAndDeleteScenario) {
  load("name: first\nrules:\n  - name: teapot\n    match: { path: /v2/messages }\n    respond: { status: 418 }\n");
  auto g = control("GET", "/_mock/scenario");
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.body["name"], "first");
  EXPECT_EQ(g.body["rules"], json::array({"teapot"}));
  EXPECT_NE(g.body["yaml"].get<std::string>().find("teapot"), std::string::npos);
  EXPECT_EQ(send(message("+17735550188")).status, 418);
  ASSERT_EQ(control("DELETE", "/_mock/scenario").status, 200);
  EXPECT_EQ(send(message("+17735550188")).status, 200);
}

TEST_F(ScenarioServerTest, MalformedScenarioIsRejectedAndThePreviousOneStays) {
  load("name: good\nrules:\n  - name: teapot\n    match: { path: /v2/messages }\n    respond: { status: 418 }\n");
  auto bad = control("PUT", "/_mock/scenario",
                     "name: broken\nrules:\n  - name: x\n    fault: explode\n");
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["line"], 4);
  EXPECT_EQ(bad.body["column"], 12);
  EXPECT_NE(bad.body["message"].get<std::string>().find("expected timeout, connection_reset"), std::string::npos);
  EXPECT_EQ(bad.body["error"].get<std::string>().rfind("<request>:4:12:", 0), 0u) << bad.body.dump();
  auto unknown = control("PUT", "/_mock/scenario", "name: x\nrules:\n  - name: y\n    respnd: { status: 500 }\n");
  ASSERT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body["line"], 4);
  EXPECT_NE(unknown.body["message"].get<std::string>().find("expected one of:"), std::string::npos);
  EXPECT_EQ(control("GET", "/_mock/scenario").body["name"], "good");
  EXPECT_EQ(send(message("+17735550188")).status, 418);   // still in force
}

TEST_F(ScenarioServerTest, SequencePerKeyThenPass) {
  load(R"(
rules:
  - name: throttle
    match: { method: POST, path: /v2/messages }
    per: body.to
    sequence:
      - respond: { status: 429, error: 10011, headers: { Retry-After: "1" } }
      - pass
)");
  auto first = send(message("+17735550001"));
  EXPECT_EQ(first.status, 429);
  EXPECT_EQ(first.code(), "10011");
  EXPECT_EQ(first.header("Retry-After"), "1");
  EXPECT_EQ(send(message("+17735550002")).status, 429);
  auto second = send(message("+17735550001"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body["data"]["to"][0]["phone_number"], "+17735550001");
  EXPECT_EQ(send(message("+17735550001")).status, 200);
}

TEST_F(ScenarioServerTest, EveryTimesAfter) {
  load(R"(
rules:
  - { name: every-3rd, match: { path: /v2/every }, every: 3, respond: { status: 503 } }
  - { name: twice, match: { path: /v2/times }, times: 2, respond: { status: 503 } }
  - { name: after-2, match: { path: /v2/after }, after: 2, respond: { status: 503 } }
)");
  auto statuses = [&](const std::string& path) {
    std::vector<int> s;
    for (int i = 0; i < 5; ++i) s.push_back(get(path).status);
    return s;
  };
  // Not firing = faithful behaviour, which for these unknown paths is 404.
  EXPECT_EQ(statuses("/v2/every"), (std::vector<int>{404, 404, 503, 404, 404}));
  EXPECT_EQ(statuses("/v2/times"), (std::vector<int>{503, 503, 404, 404, 404}));
  EXPECT_EQ(statuses("/v2/after"), (std::vector<int>{404, 404, 503, 503, 503}));
}

TEST_F(ScenarioServerTest, ProbabilityIsReproducibleFromTheSeed) {
  load("seed: 77\nrules:\n  - { name: coin, match: { path: /v2/coin }, probability: 0.5, respond: { status: 503 } }\n");
  auto run = [&] {
    std::string s;
    for (int i = 0; i < 40; ++i) s += get("/v2/coin").status == 503 ? 'x' : '.';
    return s;
  };
  const std::string a = run();
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
  ASSERT_EQ(control("POST", "/_mock/reset").status, 200);   // streams re-seeded
  EXPECT_EQ(run(), a);
}

TEST_F(ScenarioServerTest, StateMachineAndResetHook) {
  load(R"(
rules:
  - { name: outage, match: { path: /v2/outage }, set_state: down, respond: { status: 200 } }
  - { name: down, when_state: down, respond: { status: 503, error: 10007 } }
)");
  const json m = message("+17735550188");
  EXPECT_EQ(send(m).status, 200);
  EXPECT_EQ(get("/v2/outage").status, 200);
  EXPECT_EQ(send(m).status, 503);
  EXPECT_EQ(get("/v2/messaging_profiles").status, 503);   // the whole API is down
  ASSERT_EQ(control("POST", "/_mock/reset").status, 200);
  EXPECT_EQ(send(m).status, 200);
}

TEST_F(ScenarioServerTest, MatchesHeadersQueryAndApiKey) {
  load(R"(
rules:
  - { name: hdr, match: { headers: { X-Chaos: "on*" } }, respond: { status: 502 } }
  - { name: qry, match: { query: { "page[size]": "9?" } }, respond: { status: 504 } }
  - { name: key, match: { api_key: "KEY_revoked*" }, respond: { status: 401, error: 10009 } }
  - { name: body, match: { body: { text: "*boom*" } }, respond: { status: 500, error: 10007 } }
)");
  EXPECT_EQ(get("/v2/messaging_profiles", "KEYscenario", {{"X-Chaos", "only"}}).status, 502);
  EXPECT_EQ(get("/v2/messaging_profiles?page[size]=90").status, 504);
  EXPECT_EQ(get("/v2/messaging_profiles?page[size]=9").status, 200);
  auto revoked = get("/v2/messaging_profiles", "KEY_revoked_1");
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(revoked.code(), "10009");
  EXPECT_EQ(send(message("+17735550188", "a boom here")).status, 500);
  EXPECT_EQ(send(message("+17735550188", "calm")).status, 200);
}

TEST_F(ScenarioServerTest, RespondWithCustomBodyHeadersAndDelay) {
  load(R"(
rules:
  - name: custom
    match: { path: /v2/custom }
    delay: 20ms
    respond: { status: 503, headers: { X-Why: maintenance }, body: { maintenance: true } }
  - name: slow-pass
    match: { path: /v2/messages }
    delay: 20ms
    pass: true
)");
  auto r = get("/v2/custom");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("X-Why"), "maintenance");
  EXPECT_EQ(r.body, (json{{"maintenance", true}}));
  auto sent = send(message("+17735550188"));
  EXPECT_EQ(sent.status, 200);
  EXPECT_EQ(sent.body["data"]["record_type"], "message");
}

TEST_F(ScenarioServerTest, RateLimitsAnswer429WithHeadersAndRecover) {
  load("rate_limits:\n  - { per: api_key, rate: 1/s, burst: 2 }\n");
  const json m = message("+17735550188");
  auto a = send(m);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.header("x-ratelimit-limit"), "2");
  EXPECT_EQ(a.header("x-ratelimit-remaining"), "1");
  EXPECT_EQ(send(m).status, 200);
  auto limited = send(m);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code(), "10011");
  EXPECT_EQ(limited.header("Retry-After"), "1");
  EXPECT_EQ(limited.header("x-ratelimit-reset"), "1");
  EXPECT_EQ(limited.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(send(message("+17735550188", "x", "KEYother"), "KEYother").status, 200);   // per key
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(send(m).status, 200);
}

TEST_F(ScenarioServerTest, MagicNumbersWorkWithoutAScenario) {
  auto blocked = send(message("+15005550003"));
  EXPECT_EQ(blocked.status, 400);
  EXPECT_EQ(blocked.code(), "40300");
  auto limited = send(message("+15005550004"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "1");
  EXPECT_EQ(send(message("+15005550001")).status, 200);
  EXPECT_EQ(send(message("+15005550002")).status, 200);   // fails later, in its webhook
  auto lost = send(message("+15005550005"));
  EXPECT_EQ(lost.status, -1);
  // The lost one was stored all the same.
  auto stored = control("GET", "/_mock/messages?api_key=KEYscenario");
  int to_lost = 0;
  for (const auto& m : stored.body["data"])
    if (m["message"]["to"][0]["phone_number"] == "+15005550005") ++to_lost;
  EXPECT_EQ(to_lost, 1);
}

}  // namespace
}  // namespace harness::mock::scenario::testing
