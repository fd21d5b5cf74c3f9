#include <gtest/gtest.h>

#include "core/clock.h"
#include "helpers.h"
#include "scenario/decide.h"
#include "scenario/magic_numbers.h"

namespace harness::mock::scenario {
namespace {

using testing::parse_ok;
using testing::Req;
using testing::send;
using Kind = Decision::Kind;

core::TimePoint t0() { return core::TimePoint(std::chrono::seconds(1740830400)); }

struct Harness {
  Scenario sc;
  ScenarioState st;
  core::TimePoint now = t0();
  explicit Harness(const std::string& yaml) : sc(parse_ok(yaml)), st(sc) {}
  Decision operator()(const RequestView& r) { return decide(sc, r, st, now); }
};

const std::string* header(const Decision& d, const std::string& name) {
  for (const auto& [k, v] : d.headers)
    if (k == name) return &v;
  return nullptr;
}

TEST(DecideTest, NoRulesPasses) {
  Harness h("name: empty\n");
  const Decision d = h(send("+17735550188"));
  EXPECT_EQ(d.kind, Kind::Pass);
  EXPECT_EQ(d.rule, "");
}

TEST(DecideTest, SequencePerKeyRepeatsLastStep) {
  Harness h(R"(
rules:
  - name: seq
    match: { method: POST, path: /v2/messages }
    per: body.to
    sequence:
      - respond: { status: 429, error: 10011, headers: { Retry-After: "1" } }
      - fault: connection_reset
      - pass
)");
  auto a = send("+17735550001"), b = send("+17735550002");
  EXPECT_EQ(h(a).status, 429);
  EXPECT_EQ(h(b).status, 429);   // its own sequence
  EXPECT_EQ(h(a).fault, FaultKind::ConnectionReset);
  const Decision third = h(a);
  EXPECT_EQ(third.kind, Kind::Pass);
  EXPECT_EQ(third.rule, "seq");
  EXPECT_EQ(h(a).kind, Kind::Pass);   // the last step repeats
  EXPECT_EQ(h(b).kind, Kind::Fault);
}

TEST(DecideTest, RespondBuildsTheTelnyxEnvelope) {
  Harness h("rules:\n  - respond: { status: 400, error: 40300, headers: { X-Extra: yes } }\n");
  const Decision d = h(send("+17735550188"));
  EXPECT_EQ(d.kind, Kind::Respond);
  EXPECT_EQ(d.status, 400);
  EXPECT_EQ(d.error_code, 40300);
  auto body = core::json::parse(d.body);
  ASSERT_TRUE(body.contains("errors"));
  EXPECT_EQ(body["errors"][0]["code"], "40300");
  EXPECT_FALSE(body["errors"][0]["title"].get<std::string>().empty());
  ASSERT_NE(header(d, "X-Extra"), nullptr);
}

TEST(DecideTest, EveryTimesAfter) {
  Harness every("rules:\n  - every: 3\n    respond: { status: 503 }\n");
  std::vector<int> fired;
  for (int i = 1; i <= 9; ++i)
    if (every(send("+1")).kind == Kind::Respond) fired.push_back(i);
  EXPECT_EQ(fired, (std::vector<int>{3, 6, 9}));

  Harness times("rules:\n  - times: 2\n    respond: { status: 503 }\n");
  fired.clear();
  for (int i = 1; i <= 5; ++i)
    if (times(send("+1")).kind == Kind::Respond) fired.push_back(i);
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));

  Harness after("rules:\n  - after: 2\n    times: 2\n    respond: { status: 503 }\n");
  fired.clear();
  for (int i = 1; i <= 6; ++i)
    if (after(send("+1")).kind == Kind::Respond) fired.push_back(i);
  EXPECT_EQ(fired, (std::vector<int>{3, 4}));
}

TEST(DecideTest, FirstMatchingRuleThatFiresWins) {
  Harness h(R"(
rules:
  - name: second-only
    every: 2
    respond: { status: 500 }
  - name: fallback
    respond: { status: 418 }
)");
  auto a = h(send("+1"));
  auto b = h(send("+1"));
  EXPECT_EQ(a.rule, "fallback");   // matched but did not fire: the next rule decides
  EXPECT_EQ(b.rule, "second-only");
}

TEST(DecideTest, PassStopsEvaluation) {
  Harness h("rules:\n  - name: let-through\n    match: { body: { to: \"+1*\" } }\n    pass: true\n"
            "  - name: never\n    respond: { status: 500 }\n");
  const Decision d = h(send("+17735550188"));
  EXPECT_EQ(d.kind, Kind::Pass);
  EXPECT_EQ(d.rule, "let-through");
  EXPECT_EQ(h(send("44")).status, 500);
}

TEST(DecideTest, MatchesMethodPathQueryHeadersApiKeyAndBody) {
  Harness h(R"(
rules:
  - name: all
    match:
      method: get
      path: /v2/messages/*
      query: { "page[size]": "2?" }
      headers: { X-Tenant: "acme-*" }
      api_key: "KEY_a*"
    respond: { status: 404, error: 10005 }
  - name: body
    match: { body: { text: "*urgent*", "meta.tier": gold } }
    respond: { status: 202 }
)");
  Req ok("GET", "/v2/messages/abc", nullptr, "KEY_abc");
  ok.query("page[size]", "25").header("x-tenant", "acme-eu");
  EXPECT_EQ(h(ok).rule, "all");
  Req body("POST", "/v2/messages", core::json{{"text", "an urgent note"}, {"meta", {{"tier", "gold"}}}});
  EXPECT_EQ(h(body).status, 202);

  // One field off: no rule matches.
  Req wrong_key = ok, wrong_method = ok;
  wrong_key.view.api_key = "KEY_b";
  wrong_method.view.method = "POST";
  Req wrong_query("GET", "/v2/messages/abc", nullptr, "KEY_abc");
  wrong_query.query("page[size]", "250").header("x-tenant", "acme-eu");
  Req other("POST", "/v2/messages", core::json{{"text", "an urgent note"}, {"meta", {{"tier", "silver"}}}});
  Req no_body("POST", "/v2/messages");
  const std::pair<const char*, const Req*> misses[] = {{"api key", &wrong_key}, {"query", &wrong_query},
                                                      {"method", &wrong_method}, {"body field", &other},
                                                      {"no body", &no_body}};
  for (const auto& [why, req] : misses) EXPECT_EQ(h(*req).rule, "") << why;
}

TEST(DecideTest, StateMachineMovesAndResets) {
  Harness h(R"(
rules:
  - name: come-back
    match: { path: /v2/recover }
    when_state: down
    set_state: Started
    respond: { status: 200 }
  - name: go-down
    match: { path: /v2/outage }
    set_state: down
    respond: { status: 200 }
  - name: broken
    when_state: down
    respond: { status: 503 }
)");
  EXPECT_EQ(h(send("+1")).kind, Kind::Pass);
  EXPECT_EQ(h(Req("POST", "/v2/recover")).rule, "");   // not down yet
  EXPECT_EQ(h(Req("POST", "/v2/outage")).rule, "go-down");
  EXPECT_EQ(h(send("+1")).status, 503);
  EXPECT_EQ(h(send("+1")).rule, "broken");
  EXPECT_EQ(h(Req("POST", "/v2/recover")).rule, "come-back");
  EXPECT_EQ(h(send("+1")).kind, Kind::Pass);
  EXPECT_EQ(h(Req("POST", "/v2/outage")).rule, "go-down");
  EXPECT_EQ(h(send("+1")).status, 503);
  h.st.reset(h.sc);   // /_mock/reset: every machine back to Started
  EXPECT_EQ(h(send("+1")).kind, Kind::Pass);
}

TEST(DecideTest, SameSeedSameDecisions) {
  const std::string yaml = R"(
seed: 7
rules:
  - name: flaky
    probability: 0.3
    fault: connection_reset
  - name: slow
    probability: 0.5
    delay: 100ms
)";
  auto run = [&](const std::string& y) {
    Harness h(y);
    std::string trace;
    for (int i = 0; i < 300; ++i) {
      const Decision d = h(send("+1" + std::to_string(i % 7)));
      trace += d.rule.empty() ? '-' : d.rule[0];
    }
    return trace;
  };
  const std::string a = run(yaml), b = run(yaml);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find('f'), std::string::npos);
  EXPECT_NE(a.find('s'), std::string::npos);
  std::string other_seed = yaml;
  other_seed.replace(other_seed.find("seed: 7"), 7, "seed: 8");
  EXPECT_NE(run(other_seed), a);
}

TEST(DecideTest, AddingARuleDoesNotShiftOtherRulesDraws) {
  // The "flaky" rule draws from its own stream, so an unrelated rule (which never matches these
  // requests) placed before it leaves its decisions unchanged.
  auto run = [](const std::string& extra) {
    Harness h("seed: 9\nrules:\n" + extra + "  - name: flaky\n    probability: 0.5\n    respond: { status: 500 }\n");
    std::string trace;
    for (int i = 0; i < 200; ++i) trace += h(send("+1")).kind == Kind::Respond ? 'x' : '.';
    return trace;
  };
  const std::string base = run("");
  EXPECT_EQ(run("  - name: other\n    match: { path: /elsewhere }\n    probability: 0.5\n    respond: { status: 503 }\n"), base);
}

TEST(DecideTest, RateLimitTokenBucketWithHeaders) {
  Harness h("rate_limits:\n  - per: api_key\n    rate: 2/s\n    burst: 2\n");
  const Decision a = h(send("+1"));
  EXPECT_EQ(a.kind, Kind::Pass);
  ASSERT_NE(header(a, "x-ratelimit-remaining"), nullptr);
  EXPECT_EQ(*header(a, "x-ratelimit-limit"), "2");
  EXPECT_EQ(*header(a, "x-ratelimit-remaining"), "1");
  EXPECT_EQ(h(send("+1")).kind, Kind::Pass);
  const Decision limited = h(send("+1"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.error_code, 10011);
  EXPECT_EQ(limited.rule, "rate_limit:1");
  ASSERT_NE(header(limited, "Retry-After"), nullptr);
  EXPECT_EQ(*header(limited, "Retry-After"), "1");
  EXPECT_EQ(*header(limited, "x-ratelimit-reset"), "1");
  EXPECT_EQ(h(send("+1", "KEY_other")).kind, Kind::Pass);   // its own bucket
  h.now += std::chrono::milliseconds(500);                    // one token back
  EXPECT_EQ(h(send("+1")).kind, Kind::Pass);
  EXPECT_EQ(h(send("+1")).status, 429);
  EXPECT_EQ(h(Req("GET", "/v2/messages/x")).kind, Kind::Pass);   // default match: sends only
}

TEST(DecideTest, RateLimitRetryAfterCanBeSwitchedOff) {
  Harness h("rate_limits:\n  - { per: from, rate: 1/m, burst: 1, retry_after: false }\n");
  EXPECT_EQ(h(send("+1")).kind, Kind::Pass);
  const Decision d = h(send("+2"));   // same from number
  EXPECT_EQ(d.status, 429);
  EXPECT_EQ(header(d, "Retry-After"), nullptr);
  EXPECT_EQ(*header(d, "x-ratelimit-reset"), "60");
}

TEST(DecideTest, MagicNumbersWithoutAScenario) {
  Harness h("");
  EXPECT_EQ(h(send("+15005550001")).final_status, "delivered");
  const Decision failed = h(send("+15005550002"));
  EXPECT_EQ(failed.kind, Kind::Pass);
  EXPECT_EQ(failed.final_status, "delivery_failed");
  EXPECT_EQ(failed.final_errors, std::vector<int>{40008});
  const Decision blocked = h(send("+15005550003"));
  EXPECT_EQ(blocked.status, 400);
  EXPECT_EQ(blocked.error_code, 40300);
  const Decision limited = h(send("+15005550004"));
  EXPECT_EQ(limited.status, 429);
  ASSERT_NE(header(limited, "Retry-After"), nullptr);
  const Decision lost = h(send("+15005550005"));
  EXPECT_EQ(lost.kind, Kind::Fault);
  EXPECT_EQ(lost.fault, FaultKind::AcceptThenDrop);
  EXPECT_EQ(lost.final_status, "delivered");
  const Decision slow = h(send("+15005550006"));
  EXPECT_EQ(slow.delay, std::chrono::seconds(2));
  EXPECT_EQ(slow.rule, "magic:+15005550006");
  Harness off("magic_numbers: false\n");
  EXPECT_EQ(off(send("+15005550003")).kind, Kind::Pass);
}

TEST(DecideTest, WebhookOutcomesSetTheFinalStatus) {
  Harness h("webhooks:\n  outcomes:\n    - match: { to: \"+1555000050?\" }\n      status: delivery_failed\n      errors: [40008]\n");
  const Decision d = h(send("+15550000501"));
  EXPECT_EQ(d.final_status, "delivery_failed");
  EXPECT_EQ(d.final_errors, std::vector<int>{40008});
  EXPECT_FALSE(h(send("+15550000600")).final_status.has_value());
}

TEST(DecideTest, TimeoutCarriesTheCapAndDelayCombines) {
  Harness h("faults: { timeout_cap: 5s }\nrules:\n  - { fault: timeout, delay: 50ms }\n");
  const Decision d = h(send("+1"));
  EXPECT_EQ(d.fault, FaultKind::Timeout);
  EXPECT_EQ(d.hang_cap, std::chrono::seconds(5));
  EXPECT_EQ(d.delay, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace harness::mock::scenario

namespace harness::mock::scenario {
namespace {

// A body field nested 100,000 levels deep (request bodies are attacker data): matching reads it
// as absent instead of serialising it recursively.
TEST(BodyFieldTest, DeepOrLargeContainersCountAsAbsent) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  core::json body = core::json::parse("{\"to\":" + deep + ",\"text\":\"x\"}");
  RequestView v;
  v.method = "POST";
  v.path = "/v2/messages";
  v.body = &body;
  EXPECT_FALSE(body_field(v, "to"));
  EXPECT_EQ(body_field(v, "text"), "x");
  body["to"] = core::json::array();
  for (int i = 0; i < 2000; ++i) body["to"].push_back(i);
  EXPECT_FALSE(body_field(v, "to"));
  body["to"] = core::json::parse(R"(["+13125550100",{"n":[1,true]}])");
  EXPECT_EQ(body_field(v, "to"), R"(["+13125550100",{"n":[1,true]}])");
  body["to"] = 42;
  EXPECT_EQ(body_field(v, "to"), "42");
  // The magic-number lookup and every rule read `to` through body_field: a decision completes.
  Scenario sc = testing::parse_ok("name: deep\nrules:\n  - name: r\n    match: {body: {to: '*'}}\n    respond: {status: 500}\n");
  ScenarioState st(sc);
  body["to"] = core::json::parse(deep);
  EXPECT_EQ(decide(sc, v, st, core::TimePoint{}).kind, Decision::Kind::Pass);
}

}  // namespace
}  // namespace harness::mock::scenario
