// The scenario's decision state is kept in stripes by key, each with its own lock, instead of
// behind one mutex: over real sockets, counters, token buckets and state machines keep their
// documented semantics for two tenants sending interleaved (per API key: each tenant its own;
// without `per`: one counter for everybody), and the stripes a decision locks are those of its
// keys only, so tenants under per-key rules never wait for each other.
#include <algorithm>
#include <string>
#include <vector>
#include "fixture.h"
#include "scenario/decide.h"
#include "scenario/loader.h"

namespace harness::mock::scenario::testing {
namespace {

class TenantStateTest : public ScenarioServerTest {
 protected:
  int send_as(const std::string& key) { return send(message("+17735550188", "hello", key), key).status; }
  json rule(const std::string& name) {
    const Reply report = control("GET", "/_mock/report");
    for (const auto& r : report.body["rules"])
      if (r["name"] == name) return r;
    return json();
  }
};

TEST_F(TenantStateTest, PerApiKeyCountersAreEachTenantsOwnWhenTenantsInterleave) {
  load("name: t\nrules:\n  - name: third-fails\n    match: { method: POST, path: /v2/messages }\n"
       "    per: api_key\n    after: 2\n    times: 1\n    respond: { status: 503 }\n");
  std::vector<int> a, b;
  for (int i = 0; i < 4; ++i) {
    a.push_back(send_as("KEYtenantA"));
    b.push_back(send_as("KEYtenantB"));
  }
  EXPECT_EQ(a, (std::vector<int>{200, 200, 503, 200}));
  EXPECT_EQ(b, (std::vector<int>{200, 200, 503, 200}));
  const json r = rule("third-fails");
  EXPECT_EQ(r["matched"], 8);   // the report sums every stripe
  EXPECT_EQ(r["fired"], 2);
}

TEST_F(TenantStateTest, ARuleWithoutPerKeepsOneCounterForEveryTenant) {
  load("name: t\nrules:\n  - name: every-second\n    match: { method: POST, path: /v2/messages }\n"
       "    every: 2\n    respond: { status: 418 }\n");
  EXPECT_EQ(send_as("KEYtenantA"), 200);
  EXPECT_EQ(send_as("KEYtenantB"), 418);
  EXPECT_EQ(send_as("KEYtenantB"), 200);
  EXPECT_EQ(send_as("KEYtenantA"), 418);
  EXPECT_EQ(rule("every-second")["fired"], 2);
}

TEST_F(TenantStateTest, TokenBucketsPerApiKeyAndStateMachinesPerKeyStaySeparate) {
  load("name: t\nrules:\n  - name: go-down\n    match: { method: POST, path: /v2/messages, body: { text: down } }\n"
       "    per: api_key\n    set_state: down\n    respond: { status: 202 }\n"
       "  - name: while-down\n    match: { method: POST, path: /v2/messages }\n    per: api_key\n"
       "    when_state: down\n    respond: { status: 503 }\n"
       "rate_limits:\n  - per: api_key\n    rate: 1/s\n    burst: 2\n");
  // The clock does not move: a bucket only empties.
  EXPECT_EQ(send_as("KEYtenantA"), 200);
  EXPECT_EQ(send_as("KEYtenantA"), 200);
  EXPECT_EQ(send_as("KEYtenantA"), 429);
  EXPECT_EQ(send_as("KEYtenantB"), 200);   // B's bucket is its own
  // A's machine goes down; B's stays Started.
  EXPECT_EQ(send(message("+17735550188", "down", "KEYtenantA"), "KEYtenantA").status, 202);
  EXPECT_EQ(send_as("KEYtenantA"), 503);
  EXPECT_EQ(send_as("KEYtenantB"), 200);
  EXPECT_EQ(send_as("KEYtenantB"), 429);
  // Reset: buckets full and machines Started again, for both.
  ASSERT_EQ(control("POST", "/_mock/reset").status, 200);
  EXPECT_EQ(send_as("KEYtenantA"), 200);
  EXPECT_EQ(send_as("KEYtenantB"), 200);
}

// Two API keys in different stripes (found, not assumed: the hash is the library's).
std::pair<std::string, std::string> keys_in_different_stripes() {
  for (int i = 1;; ++i) {
    const std::string b = "KEYother" + std::to_string(i);
    if (ScenarioState::stripe_of("KEYone") != ScenarioState::stripe_of(b)) return {"KEYone", b};
  }
}

TEST(ScenarioStateStripes, DecisionsOnDifferentKeysLockDisjointStripesAndTheDefaultScenarioLocksNone) {
  auto sc = parse_scenario("name: t\nrules:\n  - name: r\n    match: { path: /v2/messages }\n    per: api_key\n"
                           "    probability: 0.5\n    respond: { status: 503 }\n"
                           "rate_limits:\n  - per: api_key\n    rate: 5/s\n");
  ASSERT_TRUE(sc) << sc.error().to_string();
  ScenarioState st(sc.value());
  const auto [ka, kb] = keys_in_different_stripes();
  const json body = {{"to", "+17735550188"}, {"text", "x"}};
  auto view = [&](const std::string& key) {
    RequestView v;
    v.method = "POST";
    v.path = "/v2/messages";
    v.api_key = key;
    v.body = &body;
    return v;
  };
  const auto sa = st.stripes_for(sc.value(), prepare(sc.value(), view(ka)));
  const auto sb = st.stripes_for(sc.value(), prepare(sc.value(), view(kb)));
  // Each names its key's stripe (counter and bucket) and the stripe of the rule's random stream.
  auto expected = [&](const std::string& key) {
    std::vector<size_t> v{ScenarioState::stripe_of(key), st.rng_stripes[0]};
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  EXPECT_EQ(sa, expected(ka));
  EXPECT_EQ(sb, expected(kb));
  // The shared random stream is the only stripe both may take (a probability rule draws from one
  // seeded stream per rule, as documented); without it they would be disjoint.
  auto no_prob = parse_scenario("name: t\nrules:\n  - name: r\n    match: { path: /v2/messages }\n    per: api_key\n"
                                "    respond: { status: 503 }\nrate_limits:\n  - per: api_key\n    rate: 5/s\n");
  ASSERT_TRUE(no_prob);
  ScenarioState st2(no_prob.value());
  const auto pa = st2.stripes_for(no_prob.value(), prepare(no_prob.value(), view(ka)));
  const auto pb = st2.stripes_for(no_prob.value(), prepare(no_prob.value(), view(kb)));
  ASSERT_EQ(pa, std::vector<size_t>{ScenarioState::stripe_of(ka)});
  ASSERT_EQ(pb, std::vector<size_t>{ScenarioState::stripe_of(kb)});
  // While one tenant's stripe is held, the other's can be taken.
  std::lock_guard<std::mutex> held(st2.lock_of(pa[0]));
  std::unique_lock<std::mutex> other(st2.lock_of(pb[0]), std::try_to_lock);
  EXPECT_TRUE(other.owns_lock());
  // The default scenario (no rules, no limits) locks nothing at all.
  Scenario def;
  ScenarioState st3(def);
  EXPECT_TRUE(st3.stripes_for(def, prepare(def, view(ka))).empty());
}

}  // namespace
}  // namespace harness::mock::scenario::testing
