// Inbound mode against small integrations on 127.0.0.1 that reply through the in-process
// telnyx-mock: a correct one (verifies signatures and timestamps, deduplicates on data.id,
// replies once, answers at once) passes every threshold under chaos; each deliberately buggy
// one (a double reply on a re-delivery, accepting forged and stale events, slow acks) fails
// the threshold that covers its bug.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <thread>

#include "core/clock.h"
#include "core/signing.h"
#include "loadgen/report/thresholds.h"
#include "loadgen/run/inbound_waves.h"
#include "loadgen/run/modes.h"
#include "mock_server.h"
#include "support/scoped_server.h"

using namespace harness::loadgen;
using namespace std::chrono_literals;

namespace {

struct Bugs {
  bool no_verify = false;      // accepts any signature and any timestamp
  bool no_dedup = false;       // handles every delivery, re-deliveries included
  int slow_every = 0;          // the first delivery of every Nth event answers only once its
                               // retry has come, so after the deadline whatever the machine's speed
  bool no_time_check = false;  // verifies the signature but not the timestamp: accepts replays
  bool needs_sent_first = false;   // message.finalized for a message not yet sent: answers 500
  int64_t tolerance_s = 300;   // the timestamp tolerance (the correct value; tests shorten it)
};

// An integration: POST /hooks handles message.received by replying to the sender through the
// mock's POST /v2/messages.
class Integration {
 public:
  Integration(const harness::mock::MockServer& mock, const harness::core::Ed25519KeyPair& key, Bugs bugs)
      : mock_url_(mock.base_url()), public_key_(key.public_key_base64()), bugs_(bugs) {
    svr_.new_task_queue = [] { return new httplib::ThreadPool(32); };   // >= the 16 connections
    svr_.Post("/hooks", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    server_ = std::make_unique<harness::testing::ScopedServer>(svr_);
  }
  std::string url() const { return server_->url() + "/hooks"; }
  std::set<std::pair<std::string, int>> seen_attempts() {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }
  // The last status the integration recorded per message it sent (from message.sent and
  // message.finalized); a terminal status is never overwritten by a late message.sent.
  std::map<std::string, std::string> statuses() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    if (!bugs_.no_verify) {
      const auto now = harness::core::unix_seconds(std::chrono::system_clock::now());
      const int64_t tolerance = bugs_.no_time_check ? int64_t{1} << 40 : bugs_.tolerance_s;
      if (harness::core::verify_ed25519(public_key_, req.get_header_value("telnyx-signature-ed25519"),
                                        req.get_header_value("telnyx-timestamp"), req.body, now, tolerance) !=
          harness::core::VerifyStatus::Ok) {
        res.status = 401;
        return;
      }
    }
    const auto ev = harness::core::json::parse(req.body);
    const std::string id = ev["data"]["id"];
    const int attempt = ev["meta"]["attempt"];
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      attempts_.emplace(id, attempt);
      first = handled_.insert(id).second;
    }
    attempt_seen_.notify_all();
    if (!first && !bugs_.no_dedup) {   // already handled: acknowledge, do nothing
      res.status = 200;
      return;
    }
    const std::string type = ev["data"]["event_type"];
    if (type != "message.received") {   // the status of a message it sent
      const std::string msg = ev["data"]["payload"]["id"];
      const std::string status = ev["data"]["payload"]["to"][0]["status"];
      std::lock_guard<std::mutex> lock(mu_);
      auto it = status_.find(msg);
      if (type == "message.finalized" && it == status_.end() && bugs_.needs_sent_first) {
        res.status = 500;   // "no such message yet": the order it assumed did not come
        handled_.erase(id);
        return;
      }
      if (it == status_.end()) status_[msg] = status;
      else if (type == "message.finalized") it->second = status;   // a late message.sent changes nothing
      res.status = 200;
      return;
    }
    // The event's number is in its text ("HELLO <seq>").
    const std::string text = ev["data"]["payload"]["text"];
    const int seq = std::stoi(text.substr(text.find(' ') + 1));
    if (bugs_.slow_every > 0 && first && seq % bugs_.slow_every == 0) {
      // Late by construction: the retry comes only once this attempt's deadline has passed. (The
      // bound only keeps a broken run from hanging; its counts then fail the test.)
      std::unique_lock<std::mutex> lock(mu_);
      attempt_seen_.wait_for(lock, 30s, [&] { return attempts_.count({id, attempt + 1}) > 0; });
    }
    httplib::Client api(mock_url_);
    api.set_bearer_token_auth("KEY_inbound_it");
    const harness::core::json reply = {{"to", ev["data"]["payload"]["from"]["phone_number"]}, {"text", "got it"}};
    const auto r = api.Post("/v2/messages", reply.dump(), "application/json");
    res.status = r && r->status == 200 ? 200 : 500;
  }

  std::string mock_url_, public_key_;
  Bugs bugs_;
  httplib::Server svr_;
  std::unique_ptr<harness::testing::ScopedServer> server_;
  std::mutex mu_;
  std::condition_variable attempt_seen_;
  std::set<std::string> handled_;
  std::set<std::pair<std::string, int>> attempts_;
  std::map<std::string, std::string> status_;
};

InboundOptions options(const std::string& url, const harness::mock::MockServer& mock,
                       const harness::core::Ed25519KeyPair& key, double rate, InboundChaos chaos,
                       Nanos deadline = std::chrono::seconds(2)) {
  InboundOptions o;
  std::string err;
  EXPECT_TRUE(http::parse_url(url, o.load.target, err)) << err;
  o.load.path = o.load.target.path;
  o.load.plan.stages = {Stage{1s, rate, rate}};
  o.load.duration = 1s;
  o.load.threads = 1;
  o.load.connections = 16;
  o.load.timeout = deadline;                 // Telnyx's 2 s: no ack is late unless the test makes it so
  o.load.retry.max_retries = 2;              // 3 attempts, as Telnyx
  o.load.retry.schedule = {std::chrono::milliseconds(100)};
  o.load.grace = 5s;
  o.load.seed = 7;
  o.signing_key = key.private_key_base64();
  o.from = Template::parse("+1773555{seq:4}", err);
  o.to = Template::parse("+13125550100", err);
  o.text = Template::parse("HELLO {seq}", err);
  o.mock_url = mock.base_url();
  o.chaos = chaos;
  o.run_id = 42;
  return o;
}

// The thresholds a CI job would set on an integration.
const char* const kThresholds[] = {"findings==0", "double_replies==0", "replies_missing==0", "acks_late==0",
                                   "error_rate<1%", "events_failed==0"};

std::map<std::string, bool> verdicts(const Report& r) {
  std::vector<Threshold> ts;
  for (const char* t : kThresholds) ts.push_back(parse_threshold(t).value());
  std::map<std::string, bool> out;
  for (const auto& res : evaluate(ts, r)) out[res.threshold.text] = res.pass;
  return out;
}

// Runs inbound mode to its end; a run that cannot complete fails the test (gtest reports the
// exception with the run's error).
Report run(const InboundOptions& o) {
  auto rep = run_inbound(o, RunHooks{});
  if (!rep.ok()) throw std::runtime_error("run_inbound: " + rep.error());
  return std::move(rep.value());
}

// Each named threshold passes (true) or fails (false).
void expect_verdicts(const Report& r, std::initializer_list<std::pair<const char*, bool>> expected) {
  const auto v = verdicts(r);
  for (const auto& [t, pass] : expected) EXPECT_EQ(v.at(t), pass) << t;
}

// Every threshold a CI job would set passes.
void expect_all_pass(const Report& r) {
  for (const auto& [t, pass] : verdicts(r)) EXPECT_TRUE(pass) << t;
}

InboundChaos full_chaos() {
  InboundChaos c;
  c.duplicate = 0.2;
  c.forged = 0.1;
  c.stale = 0.1;
  return c;
}

// An integration with one bug switched on.
Bugs with_bug(bool Bugs::*bug) {
  Bugs b;
  b.*bug = true;
  return b;
}

// Chaos of one kind, with probability `p`.
InboundChaos with_chaos(double InboundChaos::*kind, double p) {
  InboundChaos c;
  c.*kind = p;
  return c;
}

class InboundTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(mock_.start()); }
  // Runs `events` events with `chaos` against a new integration with `bugs`; app() is that
  // integration, for the test to look at what it saw. A second run in one test takes other
  // senders (`from`), so that its replies stay apart from the first run's.
  Report run_app(const Bugs& bugs, const InboundChaos& chaos, double events, const char* from = nullptr) {
    app_ = std::make_unique<Integration>(mock_, key_, bugs);
    InboundOptions o = options(app_->url(), mock_, key_, events, chaos);
    std::string err;
    if (from) o.from = Template::parse(from, err);
    return run(o);
  }
  Integration& app() { return *app_; }

  harness::mock::MockServer mock_{{}};
  harness::core::Ed25519KeyPair key_ = harness::core::generate_ed25519();
  std::unique_ptr<Integration> app_;
};

}  // namespace

TEST_F(InboundTest, CorrectIntegrationPassesEveryThresholdUnderChaos) {
  const Report rep = run_app(Bugs{}, full_chaos(), 60);
  const auto& in = *rep.inbound;
  const auto& s = rep.run;
  EXPECT_EQ(in.events + in.duplicates_sent + in.forged_sent + in.stale_sent, 60u);
  EXPECT_GT(in.duplicates_sent, 0u);
  EXPECT_GT(in.forged_sent, 0u);
  EXPECT_GT(in.stale_sent, 0u);
  EXPECT_EQ(s.probes, in.forged_sent + in.stale_sent);   // refused with 401: not errors
  // Every planned send was answered as it should be: the achieved rate counts the probes too.
  EXPECT_DOUBLE_EQ(achieved_rate(rep) * rep.elapsed_seconds, static_cast<double>(s.planned));
  EXPECT_EQ(s.status_counts.at(401), s.probes);
  EXPECT_EQ(s.errors.total(), 0u);
  EXPECT_EQ(in.injected, in.events);
  EXPECT_EQ(in.replies_matched, in.events);
  EXPECT_EQ(in.double_replies, 0u);
  EXPECT_EQ(in.findings(), 0u);
  // The full event mix: message.sent and message.finalized for every reply, chaos included.
  EXPECT_EQ(in.received_delivered, in.events);
  EXPECT_EQ(in.received_acked, in.events);
  EXPECT_EQ(in.sent_delivered, in.replies_matched);
  EXPECT_EQ(in.finalized_delivered, in.replies_matched);
  EXPECT_EQ(in.sent_acked + in.finalized_acked, 2 * in.replies_matched);
  EXPECT_EQ(in.events_failed(), 0u);
  EXPECT_GT(in.status_duplicates_sent + in.status_forged_sent + in.status_stale_sent, 0u);
  EXPECT_EQ(app().statuses().size(), in.replies_matched);
  for (const auto& [msg, status] : app().statuses()) EXPECT_EQ(status, "delivered") << msg;
  expect_all_pass(rep);
}

TEST_F(InboundTest, AReplyToEveryDeliveryIsADoubleReply) {
  const Report rep = run_app(with_bug(&Bugs::no_dedup), with_chaos(&InboundChaos::duplicate, 0.3), 60);
  const auto& in = *rep.inbound;
  EXPECT_GT(in.duplicates_sent, 0u);
  EXPECT_EQ(in.double_replies, in.duplicates_sent);   // one extra reply per re-delivery
  EXPECT_EQ(in.replies_missing, 0u);
  expect_verdicts(rep, {{"double_replies==0", false}, {"findings==0", true}});
}

TEST_F(InboundTest, AcceptingForgedAndStaleEventsAreFindings) {
  InboundChaos c = with_chaos(&InboundChaos::forged, 0.15);
  c.stale = 0.15;
  const Report rep = run_app(with_bug(&Bugs::no_verify), c, 60);
  const auto& in = *rep.inbound;
  EXPECT_GT(in.forged_sent, 0u);
  EXPECT_GT(in.stale_sent, 0u);
  EXPECT_GT(in.status_forged_sent + in.status_stale_sent, 0u);   // the status events get them too
  EXPECT_EQ(in.forged_accepted, in.forged_sent + in.status_forged_sent);
  EXPECT_EQ(in.stale_accepted, in.stale_sent + in.status_stale_sent);
  EXPECT_EQ(in.probe_replies, in.forged_sent + in.stale_sent);   // it even answered the forger
  EXPECT_EQ(rep.run.errors.total(), 0u);
  expect_verdicts(rep, {{"findings==0", false}, {"double_replies==0", true}});
}

// Every 5th event is answered after the deadline (its first attempt waits for the retry): that
// attempt is late, and the retry carries the same data.id with meta.attempt 2 (the integration
// deduplicates it, so there is still exactly one reply per event).
TEST_F(InboundTest, SlowAcksAreLateAndRetriedWithTheSameEventId) {
  Bugs b;
  b.slow_every = 5;
  const Report rep = run_app(b, InboundChaos{}, 40);
  const auto& in = *rep.inbound;
  const auto& s = rep.run;
  EXPECT_EQ(in.acks_late, 8u);
  EXPECT_EQ(s.retries, 8u);
  EXPECT_EQ(s.ok, 40u);
  EXPECT_EQ(in.double_replies, 0u);
  EXPECT_EQ(in.replies_matched, 40u);
  int retried = 0;
  const auto seen = app().seen_attempts();
  for (const auto& [id, attempt] : seen)
    if (attempt == 2) {
      ++retried;
      EXPECT_EQ(seen.count({id, 1}), 1u) << id;
    }
  EXPECT_EQ(retried, 8);
  expect_verdicts(rep, {{"acks_late==0", false}, {"findings==0", true}});
}

// Event ids come from the run id: the same run id repeats them (a --seed run), another run id
// gives fresh ones, so a second run does not hit the integration's dedup table.
TEST_F(InboundTest, EventIdsAreFreshPerRunId) {
  Integration app(mock_, key_, Bugs{});
  auto ids_of = [&](uint64_t run_id, const std::set<std::pair<std::string, int>>& before) {
    InboundOptions o = options(app.url(), mock_, key_, 10, InboundChaos{});
    o.run_id = run_id;
    o.mock_url.clear();
    EXPECT_EQ(run(o).inbound->injected, 10u);
    std::set<std::string> ids;
    for (const auto& a : app.seen_attempts())
      if (!before.count(a)) ids.insert(a.first);
    return ids;
  };
  const auto a = ids_of(1, {});
  const auto b = ids_of(2, app.seen_attempts());
  EXPECT_EQ(a.size(), 10u);
  EXPECT_EQ(b.size(), 10u);
  for (const auto& id : b) EXPECT_EQ(a.count(id), 0u) << id;
}

// Telnyx's failover URL: a primary that refuses every delivery gets its 3 attempts, then the
// failover URL gets the event, the first attempt at once, as meta.attempt 4.
TEST_F(InboundTest, AfterThreeFailedAttemptsTheFailoverUrlGetsTheEvent) {
  httplib::Server broken;
  // A pool thread per loadgen connection: cpp-httplib holds one per keep-alive connection, and
  // with fewer a delivery would wait for a free one past its deadline (late, not refused).
  broken.new_task_queue = [] { return new httplib::ThreadPool(32); };
  std::atomic<int> refused{0};
  broken.Post("/hooks", [&](const httplib::Request&, httplib::Response& res) {
    ++refused;
    res.status = 500;
  });
  harness::testing::ScopedServer primary(broken);
  Integration backup(mock_, key_, Bugs{});
  InboundOptions o = options(primary.url() + "/hooks", mock_, key_, 10, InboundChaos{});
  std::string err;
  ASSERT_TRUE(http::parse_url(backup.url(), o.failover, err)) << err;
  const Report rep = run(o);
  const auto& in = *rep.inbound;
  const auto& s = rep.run;
  // 10 message.received, then message.sent and message.finalized for each of the 10 replies.
  EXPECT_EQ(refused.load(), 90);
  EXPECT_EQ(in.acks_failed, 90u);
  EXPECT_EQ(s.retries, 30u);
  EXPECT_EQ(s.ok, 10u);
  EXPECT_EQ(in.replies_matched, 10u);
  EXPECT_EQ(in.sent_acked + in.finalized_acked, 20u);
  EXPECT_EQ(in.events_failed(), 0u);
  const auto seen = backup.seen_attempts();
  EXPECT_EQ(seen.size(), 30u);
  for (const auto& [id, attempt] : seen) EXPECT_EQ(attempt, 4) << id;
}

// The status events of the integration's replies: half the messages get message.finalized
// before message.sent (wave 1 is acknowledged or given up before wave 2 goes), some with a failed
// outcome. A correct integration keeps the terminal status whatever the order.
TEST_F(InboundTest, FinalizedBeforeSentIsHandledByACorrectIntegration) {
  InboundChaos c = with_chaos(&InboundChaos::reorder, 0.5);
  c.failed = 0.3;
  const Report rep = run_app(Bugs{}, c, 30);
  const auto& in = *rep.inbound;
  EXPECT_EQ(in.replies_matched, 30u);
  EXPECT_GT(in.reordered, 0u);
  EXPECT_LT(in.reordered, 30u);
  EXPECT_GT(in.finalized_outcome_failed, 0u);
  EXPECT_EQ(in.sent_acked, 30u);
  EXPECT_EQ(in.finalized_acked, 30u);
  EXPECT_EQ(in.events_failed(), 0u);
  uint64_t failed = 0;
  for (const auto& [msg, status] : app().statuses()) {
    EXPECT_NE(status, "sent") << msg;   // every message ended terminal, reordered or not
    failed += status == "delivery_failed" || status == "sending_failed";
  }
  EXPECT_EQ(app().statuses().size(), 30u);
  EXPECT_EQ(failed, in.finalized_outcome_failed);
  expect_all_pass(rep);
}

// An integration that cannot take message.finalized before message.sent refuses every attempt
// of each reordered finalized event: those events fail, and events_failed==0 fails the run.
TEST_F(InboundTest, AnIntegrationThatNeedsSentFirstFailsOnReorderedEvents) {
  const Report rep = run_app(with_bug(&Bugs::needs_sent_first), with_chaos(&InboundChaos::reorder, 0.5), 30);
  const auto& in = *rep.inbound;
  EXPECT_GT(in.reordered, 0u);
  EXPECT_EQ(in.finalized_failed, in.reordered);
  EXPECT_EQ(in.sent_failed, 0u);
  EXPECT_EQ(in.acks_failed, 3 * in.reordered);   // 3 attempts each
  expect_verdicts(rep, {{"events_failed==0", false}, {"findings==0", true}, {"double_replies==0", true}});
}

// Replays: captured requests sent again byte for byte once their timestamp is 2 s old, past the
// integration's 1 s tolerance. The correct integration refuses them as stale; one that checks
// the signature but not the timestamp accepts them, and each acceptance is a finding.
TEST_F(InboundTest, ReplaysPastTheToleranceMustBeRefused) {
  InboundChaos c = with_chaos(&InboundChaos::replay, 0.3);
  c.replay_after = 2s;
  c.tolerance = 1s;
  Bugs good;
  good.tolerance_s = 1;
  const Report ok = run_app(good, c, 20);
  const auto& a = *ok.inbound;
  EXPECT_GT(a.replays_sent, 0u);
  EXPECT_EQ(a.replays_refused, a.replays_sent);
  EXPECT_EQ(a.replay_accepted, 0u);
  expect_all_pass(ok);

  Bugs bad = good;
  bad.no_time_check = true;
  const Report rep = run_app(bad, c, 20, "+1773666{seq:4}");
  const auto& in = *rep.inbound;
  EXPECT_EQ(in.replays_sent, a.replays_sent);   // the same seed picks the same requests
  EXPECT_EQ(in.replay_accepted, in.replays_sent);
  EXPECT_EQ(in.findings(), in.replay_accepted);
  EXPECT_EQ(in.double_replies, 0u);   // it deduplicated them; accepting them is the bug
  expect_verdicts(rep, {{"findings==0", false}, {"events_failed==0", true}});
}

// Within the tolerance a replay must be deduplicated: answered 2xx and not acted on again. One
// that acts on it again replies twice to a replayed message.received.
TEST_F(InboundTest, ReplaysWithinTheToleranceMustBeDeduplicated) {
  const InboundChaos c = with_chaos(&InboundChaos::replay, 0.3);
  const Report ok = run_app(Bugs{}, c, 20);
  const auto& a = *ok.inbound;
  EXPECT_GT(a.replays_sent, 0u);
  EXPECT_EQ(a.replays_acked, a.replays_sent);
  expect_all_pass(ok);

  const Report rep = run_app(with_bug(&Bugs::no_dedup), c, 20, "+1773666{seq:4}");
  EXPECT_GT(rep.inbound->double_replies, 0u);
  expect_verdicts(rep, {{"double_replies==0", false}});
}

// Deliveries held back on purpose (--delay-rate / --delay-ms) still arrive; a correct
// integration passes, and the same seed holds back the same deliveries.
TEST_F(InboundTest, DelayedDeliveriesArriveAndAreCounted) {
  InboundChaos c = with_chaos(&InboundChaos::delay, 0.3);
  c.delay_max = 150ms;
  const Report rep = run_app(Bugs{}, c, 20);
  const auto& in = *rep.inbound;
  uint64_t expected = 0;
  for (uint64_t seq = 0; seq < 20; ++seq) expected += chaos_delay(c, 7, 0, seq).count() > 0;
  EXPECT_GT(expected, 0u);
  EXPECT_GE(in.delayed, expected);   // message.received ones, plus those of the status waves
  EXPECT_EQ(rep.run.ok, 20u);
  EXPECT_EQ(rep.run.unsent, 0u);
  expect_all_pass(rep);
}
