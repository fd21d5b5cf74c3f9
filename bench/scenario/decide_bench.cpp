// What the scenario engine adds to one request: decide() over 50 rules (target: under 5 us), and
// the whole ScenarioEngine::on_request + on_completed path (lock, verdicts, decision).
#include <benchmark/benchmark.h>

#include <string>

#include "core/clock.h"
#include "scenario/decide.h"
#include "scenario/engine.h"
#include "scenario/loader.h"

namespace {

using namespace harness;
using namespace harness::mock;
using namespace harness::mock::scenario;

// 49 rules that look at the request but do not fire for it (paths, bodies, headers, keys that
// differ; per-key counters; a probability), then one that fires, plus a rate limit: the request
// walks the whole list, which is the worst case for a first-match engine.
std::string fifty_rules() {
  std::string y = "seed: 3\nrules:\n";
  for (int i = 0; i < 49; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 5) {
      case 0: y += "  - name: path-" + n + "\n    match: { method: POST, path: \"/v2/other" + n + "/*\" }\n    respond: { status: 500 }\n"; break;
      case 1: y += "  - name: body-" + n + "\n    match: { path: /v2/messages, body: { to: \"+4420*" + n + "\" } }\n    per: body.to\n    sequence: [ { respond: { status: 429, error: 10011 } }, pass ]\n"; break;
      case 2: y += "  - name: header-" + n + "\n    match: { headers: { x-tenant: \"t-" + n + "-*\" } }\n    fault: connection_reset\n"; break;
      case 3: y += "  - name: key-" + n + "\n    match: { api_key: \"KEY_revoked_" + n + "*\" }\n    respond: { status: 401, error: 10009 }\n"; break;
      case 4: y += "  - name: text-" + n + "\n    match: { body: { text: \"*never" + n + "*\" } }\n    per: body.to\n    every: 3\n    respond: { status: 503 }\n"; break;
    }
  }
  y += "  - name: last\n    match: { method: POST, path: /v2/messages }\n    per: body.to\n    probability: 0.5\n    delay: 1ms\n";
  y += "rate_limits:\n  - { per: api_key, rate: 1000000/s, burst: 1000000 }\n";
  return y;
}

struct Fixture {
  core::json body{{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "Your code is 4821"}};
  std::string raw = body.dump();
  RequestView view;
  Fixture() {
    view.method = "POST";
    view.path = "/v2/messages";
    view.api_key = "KEY_bench";
    view.headers = {{"content-type", "application/json"}, {"x-tenant", "acme"}, {"user-agent", "bench"}};
    view.body = &body;
    view.raw_body = raw;
  }
};

void BM_Decide50Rules(benchmark::State& state) {
  auto parsed = parse_scenario(fifty_rules());
  if (!parsed) {
    state.SkipWithError(parsed.error().to_string().c_str());
    return;
  }
  const Scenario sc = std::move(parsed).value();
  ScenarioState st(sc);
  Fixture f;
  core::TimePoint now(std::chrono::seconds(1740830400));
  for (auto _ : state) {
    now += std::chrono::microseconds(1);
    benchmark::DoNotOptimize(decide(sc, f.view, st, now));
  }
}
BENCHMARK(BM_Decide50Rules);

void BM_EngineRequest50Rules(benchmark::State& state) {
  core::SystemClock clock;
  ScenarioEngine engine(clock);
  if (auto err = engine.load_yaml(fifty_rules())) {
    state.SkipWithError(err->to_string().c_str());
    return;
  }
  Fixture f;
  for (auto _ : state) {
    Decision d = engine.on_request(f.view);
    engine.on_completed(f.view, d, 200, std::nullopt);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_EngineRequest50Rules);

void BM_DecideNoRules(benchmark::State& state) {
  const Scenario sc;
  ScenarioState st(sc);
  Fixture f;
  core::TimePoint now(std::chrono::seconds(1740830400));
  for (auto _ : state) benchmark::DoNotOptimize(decide(sc, f.view, st, now));
}
BENCHMARK(BM_DecideNoRules);

}  // namespace

BENCHMARK_MAIN();
