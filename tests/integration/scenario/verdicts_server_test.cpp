// Client verdicts end to end: the lost-response trap catches a naive client and spares a correct
// one; Retry-After and permanent-error retries are measured; /_mock/verify is one curl in CI.
#include "fixture.h"

#include <atomic>
#include <functional>

#include "scenario/fault_executor.h"
#include "support/paths.h"

namespace harness::mock::scenario::testing {
namespace {

class VerdictsServerTest : public ScenarioServerTest {
 protected:
  void load_trap() {
    load(harness::testing::read_file(harness::testing::source_path("scenarios/lost-response-duplicate-trap.yaml")));
  }
  // Retries on any transport error, as many integrations do.
  Reply naive_send(const json& m) {
    Reply r;
    for (int attempt = 0; attempt < 3; ++attempt) {
      r = send(m);
      if (r.status != -1) break;
    }
    return r;
  }
};

TEST_F(VerdictsServerTest, NaiveClientCreatesADuplicateThatReportAndVerifyFlag) {
  load_trap();
  const json m = message("+17735550188");
  auto r = naive_send(m);
  EXPECT_EQ(r.status, 200);   // the retry "worked"... and sent the SMS twice
  auto report = control("GET", "/_mock/report");
  ASSERT_EQ(report.status, 200);
  EXPECT_EQ(report.body["verdicts"]["duplicates"]["count"], 1);
  const auto& item = report.body["verdicts"]["duplicates"]["items"][0];
  EXPECT_EQ(item["to"], "+17735550188");
  EXPECT_EQ(item["message_ids"].size(), 2u);
  bool rule_counted = false;
  for (const auto& rule : report.body["rules"])
    if (rule["name"] == "drop-first-answer") rule_counted = rule["fired"] == 1;
  EXPECT_TRUE(rule_counted) << report.body["rules"].dump();
  auto verify = control("POST", "/_mock/verify", R"({"duplicates": 0, "retry_after_violations": 0})");
  EXPECT_EQ(verify.status, 409);
  EXPECT_EQ(verify.body["failures"][0]["expectation"], "duplicates");
  EXPECT_EQ(verify.body["failures"][0]["actual"], 1);
}

TEST_F(VerdictsServerTest, ClientThatSendsOnceIsNotFlagged) {
  load_trap();
  auto r = send(message("+17735550188"));
  EXPECT_EQ(r.status, -1);   // answer lost; a correct client reconciles instead of resending
  EXPECT_EQ(send(message("+17735550199", "another recipient")).status, -1);
  auto report = control("GET", "/_mock/report");
  EXPECT_EQ(report.body["verdicts"]["duplicates"]["count"], 0);
  auto verify = control("POST", "/_mock/verify", "duplicates: 0\nretry_after_violations: 0\n");   // YAML too
  EXPECT_EQ(verify.status, 200) << verify.body.dump();
  EXPECT_EQ(verify.body["ok"], true);
}

TEST_F(VerdictsServerTest, RetryAfterViolationsAreMeasured) {
  load(R"(
rules:
  - name: slow-down
    match: { method: POST, path: /v2/messages }
    per: body.to
    sequence:
      - respond: { status: 429, error: 10011, headers: { Retry-After: "2" } }
      - respond: { status: 429, error: 10011, headers: { Retry-After: "2" } }
      - pass
)");
  const json m = message("+17735550188");
  EXPECT_EQ(send(m).status, 429);
  clock_.advance(std::chrono::milliseconds(500));
  EXPECT_EQ(send(m).status, 429);                  // 1.5 s too early
  clock_.advance(std::chrono::milliseconds(2500));
  EXPECT_EQ(send(m).status, 200);                  // waited: fine
  auto report = control("GET", "/_mock/report");
  EXPECT_EQ(report.body["verdicts"]["retry_after_violations"]["count"], 1);
  EXPECT_EQ(report.body["verdicts"]["retry_after_violations"]["items"][0]["early_by_ms"], 1500);
  EXPECT_EQ(control("POST", "/_mock/verify", R"({"retry_after_violations": 0})").status, 409);
  EXPECT_EQ(control("POST", "/_mock/verify", R"({"retry_after_violations": {"max": 1}, "duplicates": 0})").status, 200);
}

TEST_F(VerdictsServerTest, RetriesAfterPermanentErrorsAreFlagged) {
  load(harness::testing::read_file(harness::testing::source_path("scenarios/revoked-key.yaml")));
  const json m = message("+17735550188", "hello");   // a revoked key cannot even list its numbers
  EXPECT_EQ(send(m, "KEY_revoked_9").status, 401);
  EXPECT_EQ(send(m, "KEY_revoked_9").status, 401);
  auto report = control("GET", "/_mock/report");
  EXPECT_EQ(report.body["verdicts"]["permanent_error_retries"]["count"], 1);
  EXPECT_EQ(report.body["verdicts"]["permanent_error_retries"]["items"][0]["previous_status"], 401);
  // A 40305 (from number not owned) is permanent too.
  const json bad_from{{"from", "+13125550000"}, {"to", "+17735550188"}, {"text", "x"}};
  EXPECT_EQ(send(bad_from, "KEYfresh").status, 400);
  EXPECT_EQ(send(bad_from, "KEYfresh").status, 400);
  EXPECT_EQ(control("GET", "/_mock/report").body["verdicts"]["permanent_error_retries"]["count"], 2);
}

TEST_F(VerdictsServerTest, A429RuleCarriesRateLimitHeadersLikeARealOne) {
  load(R"(
rate_limits:
  - { per: api_key, rate: 5/s, burst: 7 }
rules:
  - name: slow-down
    match: { method: POST, path: /v2/messages }
    times: 1
    respond: { status: 429, error: 10011, headers: { Retry-After: "3" } }
  - name: bare-429
    match: { method: POST, path: /v2/messages, body: { text: bare } }
    respond: { status: 429, error: 10011 }
)");
  auto r = send(message("+17735550188"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "3");
  EXPECT_EQ(r.header("x-ratelimit-limit"), "7");
  EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(r.header("x-ratelimit-reset"), "3");
  auto bare = send(message("+17735550188", "bare"));
  EXPECT_EQ(bare.status, 429);
  EXPECT_EQ(bare.header("Retry-After"), "");   // only when the rule gives one
  EXPECT_EQ(bare.header("x-ratelimit-reset"), "1");
}

TEST_F(VerdictsServerTest, MagicNumber429sAreJournalledWithRouteAndTenant) {
  EXPECT_EQ(send(message("+15005550004")).status, 429);
  auto j = control("GET", "/_mock/requests?status=429");
  ASSERT_EQ(j.body["data"].size(), 1u) << j.body.dump();
  EXPECT_EQ(j.body["data"][0]["route"], "/v2/messages");
  EXPECT_FALSE(j.body["data"][0]["tenant"].get<std::string>().empty()) << j.body.dump();
}

TEST_F(VerdictsServerTest, WaitParametersAreChecked) {
  EXPECT_EQ(control("POST", "/_mock/verify?wait=soon", R"({"duplicates": 0})").status, 400);
  EXPECT_EQ(control("POST", "/_mock/verify?until=tomorrow", R"({"duplicates": 0})").status, 400);
  // Nothing pending (no webhook engine linked here): idle at once.
  auto idle = control("GET", "/_mock/wait?until=webhooks_idle&timeout=1s");
  EXPECT_EQ(idle.status, 200) << idle.body.dump();
  EXPECT_EQ(idle.body["webhooks_idle"], true);
  // Expectations that cannot hold: 409 once the wait is over, saying how long it waited.
  send(message("+17735550188", "twice"));
  send(message("+17735550188", "twice"));
  auto late = control("POST", "/_mock/verify?wait=100ms", R"({"duplicates": 0})");
  EXPECT_EQ(late.status, 409);
  EXPECT_GE(late.body["waited_ms"].get<int>(), 100);
}

TEST_F(VerdictsServerTest, VerifyRejectsUnknownExpectations) {
  auto r = control("POST", "/_mock/verify", R"({"dupes": 0})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"].get<std::string>().find("expected one of"), std::string::npos);
}

TEST_F(VerdictsServerTest, ResetClearsVerdicts) {
  load_trap();
  (void)naive_send(message("+17735550188"));
  ASSERT_EQ(control("POST", "/_mock/reset").status, 200);
  EXPECT_EQ(control("GET", "/_mock/report").body["verdicts"]["duplicates"]["count"], 0);
}

// The socket fault comes after the request is recorded: a client that retries the instant its
// connection drops must find the dropped attempt already in the verdicts. The wrapper looks at
// the report at the moment the fault is carried out.
class ReportAtFault : public FaultExecutor {
 public:
  ReportAtFault(std::shared_ptr<ScenarioEngine> engine, std::shared_ptr<FaultExecutor> inner)
      : engine_(std::move(engine)), inner_(std::move(inner)) {}
  bool execute(FaultKind kind, net::Exchange& conn, std::function<void()> gave_up) override {
    duplicates_at_fault = engine_->report()["verdicts"]["duplicates"]["count"].get<int>();
    return inner_->execute(kind, conn, std::move(gave_up));
  }
  std::atomic<int> duplicates_at_fault{-1};

 private:
  std::shared_ptr<ScenarioEngine> engine_;
  std::shared_ptr<FaultExecutor> inner_;
};

TEST_F(VerdictsServerTest, ADroppedAnswerIsRecordedBeforeTheConnectionCloses) {
  auto spy = std::make_shared<ReportAtFault>(engine_, engine_->fault_executor());
  server_->set_fault_executor(spy);
  load(R"(
rules:
  - name: drop-the-second
    match: { method: POST, path: /v2/messages }
    sequence: [ pass, { fault: accept_then_drop } ]
)");
  const json m = message("+17735550188");
  EXPECT_EQ(send(m).status, 200);
  EXPECT_EQ(send(m).status, -1);   // stored, answer lost
  EXPECT_EQ(spy->duplicates_at_fault.load(), 1);
}

}  // namespace
}  // namespace harness::mock::scenario::testing
