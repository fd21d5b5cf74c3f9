#include <gtest/gtest.h>

#include <functional>

#include "helpers.h"
#include "scenario/verdicts.h"

namespace harness::mock::scenario {
namespace {

using testing::Req;
using testing::send;

core::TimePoint t0() { return core::TimePoint(std::chrono::seconds(1740830400)); }

Decision with_retry_after(int seconds) {
  Decision d;
  d.kind = Decision::Kind::Respond;
  d.status = 429;
  d.error_code = 10011;
  d.headers.emplace_back("Retry-After", std::to_string(seconds));
  return d;
}

// The recorder under test, with the default settings unless a test changes them.
class VerdictsTest : public ::testing::Test {
 protected:
  void configure(const std::function<void(VerdictSettings&)>& change) {
    VerdictSettings s;
    change(s);
    v.set_settings(s);
  }
  // With idempotency-key duplicates on: a send carrying this Idempotency-Key.
  Req keyed(const std::string& text, const std::string& key) {
    configure([](VerdictSettings& s) { s.idempotency_key = true; });
    Req r = send("+1", "KEY_a", text);
    r.header("idempotency-key", key);
    return r;
  }
  VerdictRecorder v;
};
class VerifyTest : public VerdictsTest {};

core::json report_of(const VerdictRecorder& v) { return {{"verdicts", v.to_json()}, {"rules", core::json::array()}}; }

TEST_F(VerdictsTest, DuplicateSendsWithinTheWindow) {
  auto a = send("+17735550188", "KEY_a", "code 1");
  v.on_request(a, t0());
  v.on_completed(a, Decision{}, 200, std::string("m1"), t0());
  auto other_text = send("+17735550188", "KEY_a", "code 2");
  v.on_completed(other_text, Decision{}, 200, std::string("m2"), t0());
  auto other_key = send("+17735550188", "KEY_b", "code 1");
  v.on_completed(other_key, Decision{}, 200, std::string("m3"), t0());
  EXPECT_EQ(v.duplicates(), 0u);
  v.on_completed(a, Decision{}, 200, std::string("m4"), t0() + std::chrono::seconds(5));
  EXPECT_EQ(v.duplicates(), 1u);
  const auto j = v.to_json();
  EXPECT_EQ(j["duplicates"]["items"][0]["message_ids"], (core::json{"m1", "m4"}));
  // Outside the window (default 10 minutes) the same text is a new message, not a duplicate.
  v.on_completed(a, Decision{}, 200, std::string("m5"), t0() + std::chrono::minutes(30));
  EXPECT_EQ(v.duplicates(), 1u);
}

// Regression: every repeat of the same content used to rebuild the list of all earlier ids
// under the recorder's lock (O(n) per request; a load test of one repeated SMS crawled). Counts
// stay exact; listed items are bounded and name the previous send and the repeat.
TEST_F(VerdictsTest, RepeatedContentStaysBoundedAndCountsExactly) {
  auto a = send("+17735550188", "KEY_a", "same text");
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    v.on_completed(a, Decision{}, 200, "m" + std::to_string(i), t0() + std::chrono::milliseconds(i));
  }
  EXPECT_EQ(v.duplicates(), static_cast<uint64_t>(n - 1));
  const auto j = v.to_json();
  ASSERT_EQ(j["duplicates"]["items"].size(), VerdictRecorder::kMaxItems);
  for (const auto& item : j["duplicates"]["items"]) EXPECT_EQ(item["message_ids"].size(), 2u);
  EXPECT_EQ(j["duplicates"]["items"][0]["message_ids"], (core::json{"m0", "m1"}));
  EXPECT_EQ(j["duplicates"]["items"][1]["message_ids"], (core::json{"m1", "m2"}));
  EXPECT_EQ(v.tracked_contents(), 1u);
}

// Regression (soak): a content map keyed by every distinct message grew to the cap, was cleared
// and grew again, so the mock's memory climbed for the whole run. Now contents leave when the
// window passes or, beyond the cap, oldest first; memory is flat under any load.
TEST_F(VerdictsTest, RememberedContentsLeaveWithTheWindowAndBeyondTheCap) {
  configure([](VerdictSettings& s) { s.duplicate_window = std::chrono::seconds(60); });
  auto at = [](int ms) { return t0() + std::chrono::milliseconds(ms); };
  for (int i = 0; i < 1000; ++i) {   // 1,000 distinct texts over 10 s
    auto r = send("+17735550188", "KEY_a", "text " + std::to_string(i));
    v.on_completed(r, Decision{}, 200, "m" + std::to_string(i), at(i * 10));
  }
  EXPECT_EQ(v.tracked_contents(), 1000u);
  // A repeat of text 0 inside the window is a duplicate and refreshes it.
  auto again = send("+17735550188", "KEY_a", "text 0");
  v.on_completed(again, Decision{}, 200, std::string("m-again"), at(30000));
  EXPECT_EQ(v.duplicates(), 1u);
  // 61 s after the last of them: only the refreshed one is still inside the window.
  auto late = send("+17735550188", "KEY_a", "late");
  v.on_completed(late, Decision{}, 200, std::string("m-late"), at(71000));
  EXPECT_EQ(v.tracked_contents(), 2u);   // "text 0" (refreshed at 30 s) and "late"
  v.on_completed(again, Decision{}, 200, std::string("m-third"), at(80000));
  EXPECT_EQ(v.duplicates(), 2u);
  EXPECT_EQ(v.to_json()["duplicates"]["items"][1]["message_ids"], (core::json{"m-again", "m-third"}));

  // Beyond the cap the oldest contents go first; the count never exceeds it.
  VerdictRecorder big;
  for (size_t i = 0; i < VerdictRecorder::kMaxTracked + 10; ++i) {
    auto r = send("+17735550188", "KEY_a", "n" + std::to_string(i));
    big.on_completed(r, Decision{}, 200, std::string("m"), at(0));
  }
  EXPECT_EQ(big.tracked_contents(), VerdictRecorder::kMaxTracked);
  auto newest = send("+17735550188", "KEY_a", "n" + std::to_string(VerdictRecorder::kMaxTracked + 9));
  big.on_completed(newest, Decision{}, 200, std::string("m2"), at(1));
  EXPECT_EQ(big.duplicates(), 1u);   // the newest are remembered
  auto oldest = send("+17735550188", "KEY_a", "n0");
  big.on_completed(oldest, Decision{}, 200, std::string("m3"), at(1));
  EXPECT_EQ(big.duplicates(), 1u);   // the oldest were forgotten
}

TEST_F(VerdictsTest, DuplicateByIdempotencyKeyWhenEnabled) {
  Req a = keyed("one", "k-1"), b = keyed("two", "k-1");
  v.on_completed(a, Decision{}, 200, std::string("m1"), t0());
  v.on_completed(b, Decision{}, 200, std::string("m2"), t0());
  EXPECT_EQ(v.duplicates(), 1u);
  EXPECT_EQ(v.to_json()["duplicates"]["items"][0]["by"], "idempotency_key");
}

TEST_F(VerdictsTest, IdempotencyKeySeenAtArrivalIsUsedAtCompletion) {
  Req a = keyed("one", "k-9"), b = keyed("two", "k-9");
  for (auto* r : {&a, &b}) {
    v.on_request(*r, t0());
    RequestView bare = r->view;
    bare.headers.clear();   // as the HTTP layer hands it over after the response
    v.on_completed(bare, Decision{}, 200, std::string(r == &a ? "m1" : "m2"), t0());
  }
  EXPECT_EQ(v.duplicates(), 1u);
}

TEST_F(VerdictsTest, RawBodyIsEnoughForDuplicates) {
  auto a = send("+1", "KEY_a", "same");
  RequestView raw_only = a.view;
  raw_only.body = nullptr;   // as handed over after the handler ran
  v.on_completed(raw_only, Decision{}, 200, std::string("m1"), t0());
  v.on_completed(raw_only, Decision{}, 200, std::string("m2"), t0());
  EXPECT_EQ(v.duplicates(), 1u);
  EXPECT_EQ(v.to_json()["duplicates"]["items"][0]["to"], "+1");
}

TEST_F(VerdictsTest, RetryAfterViolationsAreMeasured) {
  auto a = send("+1");
  v.on_request(a, t0());
  v.on_completed(a, with_retry_after(2), 429, std::nullopt, t0());
  v.on_request(a, t0() + std::chrono::milliseconds(500));    // 1.5 s too early
  EXPECT_EQ(v.retry_after_violations(), 1u);
  EXPECT_EQ(v.to_json()["retry_after_violations"]["items"][0]["early_by_ms"], 1500);
  v.on_completed(a, with_retry_after(2), 429, std::nullopt, t0() + std::chrono::milliseconds(500));
  v.on_request(a, t0() + std::chrono::milliseconds(2600));   // waited long enough
  EXPECT_EQ(v.retry_after_violations(), 1u);
  auto other = send("+2");
  v.on_request(other, t0() + std::chrono::milliseconds(2601));   // a different request is no retry
  EXPECT_EQ(v.retry_after_violations(), 1u);
}

TEST_F(VerdictsTest, RetriesOfPermanentFailures) {
  auto a = send("+1", "KEY_revoked");
  Decision d;
  d.error_code = 10009;
  v.on_request(a, t0());
  v.on_completed(a, d, 401, std::nullopt, t0());
  v.on_request(a, t0() + std::chrono::seconds(30));
  EXPECT_EQ(v.permanent_error_retries(), 1u);
  EXPECT_EQ(v.to_json()["permanent_error_retries"]["items"][0]["previous_error"], "10009");
  // 429 and 5xx are transient: retrying them is fine.
  auto b = send("+2");
  v.on_request(b, t0());
  v.on_completed(b, Decision{}, 503, std::nullopt, t0());
  v.on_request(b, t0() + std::chrono::seconds(1));
  EXPECT_EQ(v.permanent_error_retries(), 1u);
  v.reset();
  EXPECT_EQ(v.permanent_error_retries(), 0u);
  EXPECT_EQ(v.requests(), 0u);
}

Req with_body(core::json body, const std::string& key = "KEY_a") {
  return Req("POST", "/v2/messages", std::move(body), key);
}

TEST_F(VerdictsTest, DuplicatesAreLogicalMessagesWhateverElseDiffers) {
  core::json m{{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "code 1"}};
  v.on_completed(with_body(m), Decision{}, 200, std::string("m1"), t0());
  core::json retry = m;
  retry["tags"] = {"attempt-2"};
  retry["webhook_url"] = "https://example.com/other";
  v.on_completed(with_body(retry), Decision{}, 200, std::string("m2"), t0() + std::chrono::seconds(1));
  EXPECT_EQ(v.duplicates(), 1u);
  core::json mms = m;
  mms["media_urls"] = {"https://example.com/a.png"};   // other media: another message
  v.on_completed(with_body(mms), Decision{}, 200, std::string("m3"), t0() + std::chrono::seconds(2));
  EXPECT_EQ(v.duplicates(), 1u);
}

TEST_F(VerdictsTest, ARepliedInboundIsNoDuplicateButAnsweringItTwiceIs) {
  auto reply = with_body({{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "Thanks, we got it"}});
  v.on_inbound("KEY_a", "+17735550188", t0());
  v.on_completed(reply, Decision{}, 200, std::string("r1"), t0() + std::chrono::seconds(1));
  v.on_inbound("KEY_a", "+17735550188", t0() + std::chrono::seconds(10));
  v.on_completed(reply, Decision{}, 200, std::string("r2"), t0() + std::chrono::seconds(11));
  // Two texts in quick succession, both answered after they arrived.
  v.on_inbound("KEY_a", "+17735550188", t0() + std::chrono::seconds(20));
  v.on_inbound("KEY_a", "+17735550188", t0() + std::chrono::seconds(20));
  v.on_completed(reply, Decision{}, 200, std::string("r3"), t0() + std::chrono::seconds(21));
  v.on_completed(reply, Decision{}, 200, std::string("r4"), t0() + std::chrono::seconds(21));
  EXPECT_EQ(v.duplicates(), 0u);
  EXPECT_EQ(v.double_replies(), 0u);
  // One more: nothing left to answer. Same text: a duplicate and a double reply.
  v.on_completed(reply, Decision{}, 200, std::string("r5"), t0() + std::chrono::seconds(22));
  EXPECT_EQ(v.duplicates(), 1u);
  EXPECT_EQ(v.double_replies(), 1u);
  // Another text after one inbound: a double reply, not a duplicate.
  v.on_inbound("KEY_a", "+17735550188", t0() + std::chrono::seconds(30));
  v.on_completed(with_body({{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "a"}}), Decision{}, 200,
                 std::string("r6"), t0() + std::chrono::seconds(31));
  v.on_completed(with_body({{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "b"}}), Decision{}, 200,
                 std::string("r7"), t0() + std::chrono::seconds(32));
  EXPECT_EQ(v.double_replies(), 2u);
  EXPECT_EQ(v.to_json()["double_replies"]["items"][1]["message_ids"], (core::json{"r6", "r7"}));
  // An inbound of another tenant or from someone else answers nothing here.
  v.on_inbound("KEY_b", "+17735550188", t0() + std::chrono::seconds(40));
  v.on_inbound("KEY_a", "+17735550100", t0() + std::chrono::seconds(40));
  v.on_completed(reply, Decision{}, 200, std::string("r8"), t0() + std::chrono::seconds(41));
  EXPECT_EQ(v.duplicates(), 2u);
}

TEST_F(VerdictsTest, SharedIdempotencyKeyIsNamedInTheDuplicate) {
  auto a = send("+1", "KEY_a", "one");
  a.header("idempotency-key", "k-1");
  v.on_request(a, t0());
  v.on_completed(a, Decision{}, 200, std::string("m1"), t0());
  v.on_request(a, t0() + std::chrono::seconds(1));
  v.on_completed(a, Decision{}, 200, std::string("m2"), t0() + std::chrono::seconds(1));
  ASSERT_EQ(v.duplicates(), 1u);
  const auto item = v.to_json()["duplicates"]["items"][0];
  EXPECT_EQ(item["idempotency_key"], "k-1");
  EXPECT_NE(item["detail"].get<std::string>().find("does not honour"), std::string::npos);
  auto b = send("+1", "KEY_a", "one");   // no key: the detail does not mention one
  v.on_completed(b, Decision{}, 200, std::string("m3"), t0() + std::chrono::seconds(2));
  EXPECT_FALSE(v.to_json()["duplicates"]["items"][1].contains("idempotency_key"));
}

TEST_F(VerdictsTest, RetryVerdictsMatchTheLogicalRequest) {
  core::json m{{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "hello"}};
  auto first = with_body(m);
  v.on_request(first, t0());
  v.on_completed(first, with_retry_after(2), 429, std::nullopt, t0());
  core::json counted = m;
  counted["tags"] = {"attempt-2"};   // an attempt counter does not make it another request
  v.on_request(with_body(counted), t0() + std::chrono::milliseconds(100));
  EXPECT_EQ(v.retry_after_violations(), 1u);
  Decision unauthorized;
  unauthorized.error_code = 10009;
  v.on_completed(with_body(counted), unauthorized, 401, std::nullopt, t0() + std::chrono::seconds(1));
  counted["tags"] = {"attempt-3"};
  v.on_request(with_body(counted), t0() + std::chrono::seconds(5));
  EXPECT_EQ(v.permanent_error_retries(), 1u);
  // Another sender is another request.
  core::json other = m;
  other["from"] = "+13125550148";
  v.on_request(with_body(other), t0() + std::chrono::seconds(6));
  EXPECT_EQ(v.permanent_error_retries(), 1u);
}

TEST_F(VerdictsTest, RetriesWithoutBackoffAfterFailures) {
  configure([](VerdictSettings& s) { s.min_retry_backoff = std::chrono::milliseconds(100); });
  core::json m{{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "hello"}};
  auto a = with_body(m);
  v.on_request(a, t0());
  v.on_completed(a, Decision{}, 503, std::nullopt, t0());
  core::json changed = m;
  changed["tags"] = {"attempt-2"};
  v.on_request(with_body(changed), t0() + std::chrono::milliseconds(3));
  EXPECT_EQ(v.retries_without_backoff(), 1u);
  auto item = v.to_json()["retries_without_backoff"]["items"][0];
  EXPECT_EQ(item["previous"], "status 503");
  EXPECT_EQ(item["waited_ms"], 3);
  // A reset, then a retry after the minimum: fine.
  Decision reset;
  reset.kind = Decision::Kind::Fault;
  reset.fault = FaultKind::ConnectionReset;
  v.on_completed(a, reset, -1, std::nullopt, t0() + std::chrono::seconds(1));
  v.on_request(a, t0() + std::chrono::milliseconds(1150));
  EXPECT_EQ(v.retries_without_backoff(), 1u);
  // A reset retried at once is flagged, and named.
  v.on_completed(a, reset, -1, std::nullopt, t0() + std::chrono::seconds(2));
  v.on_request(a, t0() + std::chrono::seconds(2));
  EXPECT_EQ(v.retries_without_backoff(), 2u);
  EXPECT_EQ(v.to_json()["retries_without_backoff"]["items"][1]["previous"], "connection_reset");
  // A 503 with Retry-After is judged by retry_after_violations instead.
  Decision hinted = with_retry_after(1);
  hinted.status = 503;
  v.on_completed(a, hinted, 503, std::nullopt, t0() + std::chrono::seconds(3));
  v.on_request(a, t0() + std::chrono::seconds(3));
  EXPECT_EQ(v.retries_without_backoff(), 2u);
  EXPECT_EQ(v.retry_after_violations(), 1u);
  // Success clears the failure: the next send of the same text is a new request.
  v.on_completed(a, Decision{}, 200, std::string("m1"), t0() + std::chrono::seconds(5));
  v.on_request(a, t0() + std::chrono::seconds(5));
  EXPECT_EQ(v.retries_without_backoff(), 2u);
}

TEST_F(VerifyTest, EveryCountedVerdictOfTheReportIsAnExpectation) {
  core::json report = report_of(v);
  report["verdicts"]["forged_webhooks_accepted"] = {{"count", 2}, {"items", core::json::array()}};
  EXPECT_TRUE(verify_expectations({{"double_replies", 0}, {"retries_without_backoff", 0}}, report).ok);
  auto bad = verify_expectations({{"forged_webhooks_accepted", 0}}, report);
  ASSERT_FALSE(bad.ok);
  EXPECT_EQ(bad.failures[0]["actual"], 2);
  auto unknown = verify_expectations({{"duplicate_window_ms", 0}}, report);   // not a verdict
  ASSERT_TRUE(unknown.bad_request.has_value());
  EXPECT_NE(unknown.bad_request->find("forged_webhooks_accepted"), std::string::npos);
}

TEST_F(VerifyTest, ExactRangesAndRules) {
  auto a = send("+1");
  v.on_completed(a, Decision{}, 200, std::string("m1"), t0());
  v.on_completed(a, Decision{}, 200, std::string("m2"), t0());
  core::json report = report_of(v);
  report["rules"] = {{{"name", "drop"}, {"matched", 3}, {"fired", 2}}};
  auto ok = verify_expectations({{"retry_after_violations", 0}, {"rules", {{"drop", {{"min", 1}}}}}}, report);
  EXPECT_TRUE(ok.ok);
  auto bad = verify_expectations({{"duplicates", 0}, {"rules", {{"drop", 5}}}}, report);
  EXPECT_FALSE(bad.ok);
  ASSERT_EQ(bad.failures.size(), 2u);
  EXPECT_EQ(bad.failures[0]["expectation"], "duplicates");
  EXPECT_EQ(bad.failures[0]["actual"], 1);
  EXPECT_EQ(bad.failures[1]["expectation"], "rules.drop");
  auto unknown = verify_expectations({{"dupes", 0}}, report);
  ASSERT_TRUE(unknown.bad_request.has_value());
  EXPECT_NE(unknown.bad_request->find("expected one of"), std::string::npos);
  auto negative = verify_expectations({{"duplicates", -1}}, report);
  EXPECT_TRUE(negative.bad_request.has_value());
}

}  // namespace
}  // namespace harness::mock::scenario
