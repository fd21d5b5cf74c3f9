// telnyx-loadgen against the in-process telnyx-mock (harness::mock::MockServer), with the
// scenario engine attached where a test loads a scenario.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "core/clock.h"
#include "core/signing.h"
#include "loadgen/run/modes.h"
#include "mock_server.h"
#include "support/paths.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"

using namespace harness::loadgen;
using namespace std::chrono_literals;

namespace {

SendOptions send_options(const harness::mock::MockServer& srv, double rate, Nanos duration) {
  SendOptions o;
  std::string err;
  EXPECT_TRUE(http::parse_url(srv.base_url(), o.load.target, err)) << err;
  o.load.path = "/v2/messages";
  o.load.plan.stages = {Stage{duration, rate, rate}};
  o.load.rate = rate;
  o.load.duration = duration;
  o.load.threads = 2;
  o.load.connections = 32;
  o.load.timeout = 5s;
  o.api_key = "KEY_loadgen_it";
  o.from = Template::parse("", err);
  o.to = Template::parse("+1773555{seq:4}", err);
  o.text = Template::parse("load {seq}", err);
  return o;
}

}  // namespace

// Issue P6: a constant 2,000/s held within 1 % over 10 s, counted (achieved vs intended), not
// timed. Open loop: every planned send is issued whatever the latency, so the count holds on a
// loaded machine; the 1 % allows for sends still queued when the run's bound is reached.
TEST(MockLoadTest, ConstantRateOf2000PerSecondHeldWithinOnePercent) {
  harness::mock::MockServer srv({});
  ASSERT_FALSE(srv.start());
  const SendOptions o = send_options(srv, 2000, 10s);
  const auto rep = run_send(o, RunHooks{});
  ASSERT_TRUE(rep.ok()) << rep.error();
  const auto& s = rep.value().run;
  const double intended = 20000;
  EXPECT_EQ(s.planned, 20000u);
  EXPECT_GE(static_cast<double>(s.issued), 0.99 * intended);
  EXPECT_LE(static_cast<double>(s.issued), intended);
  EXPECT_GE(static_cast<double>(s.ok), 0.99 * intended) << "status 200: " << (s.status_counts.count(200) ? s.status_counts.at(200) : 0);
  // Every second of the plan got its 2,000 sends (by due time).
  ASSERT_GE(s.timeline.slots.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(s.timeline.slots[i].sent, 2000u) << "second " << i;
}

// The coordinated-omission proof: scenarios/stall-one-in-thousand.yaml, loaded into the mock over
// PUT /_mock/scenario, answers every 1,000th send after 1 s. Open loop at 800/s over ONE
// connection, the ~800 sends due during each stall wait in loadgen's queue. Charged from their due
// time (corrected) the stall shows at p99.9; charged from their write (uncorrected) it does not,
// because only the stalled sends themselves (0.1 %) waited. At 800/s a stall comes every 1.25 s,
// so the connection drains each backlog before the next one: corrected p99.9 is one stall (~1 s),
// not a backlog growing from stall to stall.
TEST(MockLoadTest, CorrectedLatencyShowsAOneInAThousandStallThatUncorrectedHides) {
#ifdef HARNESS_SANITIZE
  // A latency proof needs the mock to keep up with 800 sends/s on one connection, which a
  // sanitizer build does not; the regular build runs it.
  GTEST_SKIP() << "latency proof: not meaningful under AddressSanitizer";
#endif
  harness::mock::MockServerOptions mo;
  mo.scenarios = true;
  harness::mock::MockServer srv(mo);
  ASSERT_FALSE(srv.start());
  httplib::Client control(srv.base_url());
  const std::string yaml =
      harness::testing::read_file(harness::testing::source_path("scenarios/stall-one-in-thousand.yaml"));
  ASSERT_FALSE(yaml.empty());
  const auto put = control.Put("/_mock/scenario", yaml, "application/yaml");
  ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "no answer from PUT /_mock/scenario");

  SendOptions o = send_options(srv, 800, 7s);   // 5,600 sends: the 1,000th to the 5,000th stall
  o.load.threads = 1;
  o.load.connections = 1;
  const auto rep = run_send(o, RunHooks{});
  ASSERT_TRUE(rep.ok()) << rep.error();
  const auto& s = rep.value().run;
  ASSERT_EQ(s.ok, 5600u);
  ASSERT_EQ(s.unsent, 0u);

  // The mock's own account: every send matched the rule, and it fired on every 1,000th.
  const auto got = control.Get("/_mock/report");
  ASSERT_TRUE(got && got->status == 200);
  const auto report = harness::core::json::parse(got->body);
  uint64_t matched = 0, fired = 0;
  for (const auto& rule : report["rules"])
    if (rule["name"] == "stall-every-thousandth") {
      matched = rule["matched"].get<uint64_t>();
      fired = rule["fired"].get<uint64_t>();
    }
  EXPECT_EQ(matched, 5600u);
  ASSERT_EQ(fired, 5u);

  // Only what the run guarantees on any machine, however loaded: a stall lasts at least 1 s, and
  // on one connection every send due while a stall is pending waits for it. No upper bound on any
  // latency is asserted (a loaded machine adds its own).
  const auto& corrected = s.corrected;
  const auto& uncorrected = s.uncorrected;
  ASSERT_EQ(uncorrected.total_count(), 5600u);
  ASSERT_EQ(corrected.total_count(), uncorrected.total_count());
  std::cout << "corrected p99.9 " << corrected.value_at_percentile(99.9) << " us, uncorrected p99.9 "
            << uncorrected.value_at_percentile(99.9) << " us, uncorrected max " << uncorrected.max() << " us\n";
  // The correction charges each send from its due time, never later than its write: corrected
  // dominates uncorrected at every percentile.
  for (double p : {50.0, 90.0, 99.0, 99.9, 100.0})
    EXPECT_GE(corrected.value_at_percentile(p), uncorrected.value_at_percentile(p)) << "p" << p;
  // The stalled sends themselves waited at least 1 s from their write: the `fired` largest
  // uncorrected latencies are all >= 0.9 s.
  const double n = static_cast<double>(uncorrected.total_count());
  const double f = static_cast<double>(fired);
  EXPECT_GE(uncorrected.value_at_percentile(100.0 * (n - f + 0.5) / n), 900'000);
  // Charged from their due time, the sends queued behind each stall waited too: the 80 due in the
  // 0.1 s after a stalled send's write cannot go out before its answer, so they waited >= 0.9 s,
  // some 400 sends (7 %) in all, and corrected p99 is a stall. Uncorrected, only the 5 stalled
  // sends waited that long: without the correction (corrected == uncorrected) p99 would be an
  // ordinary send and this fails.
  EXPECT_GE(corrected.value_at_percentile(99.0), 900'000) << "corrected p99 " << corrected.value_at_percentile(99.0);
  EXPECT_GE(corrected.value_at_percentile(99.9), 900'000);
}

// Issue P6: the receiver's loss and duplicate counts equal exactly what the mock's seeded
// webhook chaos injected (the mock's own counters, GET /_mock/webhooks "stats").
TEST(MockLoadTest, WebhookLossAndDuplicatesEqualWhatTheMockInjected) {
  harness::mock::MockServerOptions mo;
  mo.seed = 7;
  harness::mock::MockServer srv(mo);
  ASSERT_FALSE(srv.start());
  auto engine = srv.webhook_engine();
  ASSERT_TRUE(engine);
  harness::mock::WebhookSettings ws = *engine->settings();
  ws.seed = 20260301;
  ws.timing.sent_after = 5ms;
  ws.timing.finalized_after = 20ms;
  ws.chaos.duplicate = 0.10;
  ws.chaos.drop = 0.05;
  engine->set_settings(ws);

  SendOptions o = send_options(srv, 200, 2s);   // 400 messages, 800 events before chaos
  o.webhooks = true;
  o.keys_from = srv.base_url();                 // exercises GET /_mock/keys
  o.receiver.threads = 16;
  o.load.grace = 3s;                            // drops never arrive: the wait runs its course
  const auto rep = run_send(o, RunHooks{});
  ASSERT_TRUE(rep.ok()) << rep.error();
  for (int i = 0; i < 200 && !engine->idle(); ++i) std::this_thread::sleep_for(10ms);
  const auto injected = engine->log().stats();
  const auto& w = *rep.value().webhooks;
  const auto chaos = [&](harness::mock::ChaosKind k) { return injected.chaos[static_cast<size_t>(k)]; };

  EXPECT_EQ(rep.value().run.ok, 400u);
  EXPECT_EQ(w.registered, 400u);
  EXPECT_GT(chaos(harness::mock::ChaosKind::Duplicate), 0u);
  EXPECT_GT(injected.events_dropped, 0u);
  EXPECT_EQ(w.duplicates, chaos(harness::mock::ChaosKind::Duplicate));
  EXPECT_EQ(w.missing_sent + w.missing_finalized, injected.events_dropped);
  EXPECT_EQ(w.orphans, 0u);
  EXPECT_EQ(w.bad_signatures, 0u);
  EXPECT_EQ(w.matched_sent + w.matched_finalized + injected.events_dropped, 800u);
}

// Inbound mode end to end: signed message.received events into a small integration that
// verifies them and replies through the mock; every event is matched to its reply.
TEST(MockLoadTest, InboundEventsAreMatchedToTheIntegrationsReplies) {
  harness::mock::MockServer srv({});
  ASSERT_FALSE(srv.start());
  const auto key = harness::core::generate_ed25519();
  std::atomic<int> verified{0}, statuses{0};
  httplib::Server integ;
  integ.new_task_queue = [] { return new httplib::ThreadPool(32); };
  integ.Post("/hooks", [&](const httplib::Request& req, httplib::Response& res) {
    const auto now = harness::core::unix_seconds(std::chrono::system_clock::now());
    if (harness::core::verify_ed25519(key.public_key_base64(), req.get_header_value("telnyx-signature-ed25519"),
                                      req.get_header_value("telnyx-timestamp"), req.body, now) !=
        harness::core::VerifyStatus::Ok) {
      res.status = 401;
      return;
    }
    const auto ev = harness::core::json::parse(req.body);
    if (ev["data"]["event_type"] != "message.received") {   // the status of one of its replies
      ++statuses;
      res.status = 200;
      return;
    }
    ++verified;
    const std::string from = ev["data"]["payload"]["from"]["phone_number"];
    httplib::Client api(srv.base_url());
    api.set_bearer_token_auth("KEY_inbound_it");
    const harness::core::json reply = {{"to", from}, {"text", "got it"}};
    const auto r = api.Post("/v2/messages", reply.dump(), "application/json");
    res.status = r && r->status == 200 ? 200 : 500;
  });
  harness::testing::ScopedServer s(integ);

  InboundOptions o;
  std::string err;
  ASSERT_TRUE(http::parse_url(s.url() + "/hooks", o.load.target, err)) << err;
  o.load.path = "/hooks";
  o.load.plan.stages = {Stage{1s, 50, 50}};
  o.load.duration = 1s;
  o.load.threads = 1;
  o.load.connections = 8;
  o.load.grace = 5s;
  o.signing_key = key.private_key_base64();
  o.from = Template::parse("+1773555{seq:4}", err);
  o.to = Template::parse("+13125550100", err);
  o.text = Template::parse("HELLO {seq}", err);
  o.mock_url = srv.base_url();
  const auto rep = run_inbound(o, RunHooks{});
  ASSERT_TRUE(rep.ok()) << rep.error();
  ASSERT_TRUE(rep.value().inbound);
  const auto& in = *rep.value().inbound;
  EXPECT_EQ(verified.load(), 50);
  EXPECT_EQ(in.injected, 50u);
  EXPECT_EQ(in.replies_matched, 50u);
  EXPECT_EQ(in.replies_missing, 0u);
  EXPECT_EQ(in.reply_latency.total_count(), 50u);
  EXPECT_EQ(statuses.load(), 100);   // message.sent and message.finalized for each reply
  EXPECT_EQ(in.sent_acked + in.finalized_acked, 100u);
}

// Issue 13: an answer the mock drops on purpose (+15005550005, accept_then_drop: the message is
// stored) on a reused keep-alive connection is a counted transport error, never a silent resend
// that would store a second message.
TEST(MockLoadTest, DroppedAnswerOnReusedConnectionIsNotResent) {
  harness::mock::MockServerOptions mo;
  mo.scenarios = true;   // magic numbers come with the scenario engine
  harness::mock::MockServer srv(mo);
  ASSERT_FALSE(srv.start());
  SendOptions o = send_options(srv, 6, 1s);
  o.load.threads = 1;
  o.load.connections = 1;   // every send after the first goes out on a reused connection
  std::string err;
  // seq 0..5: +15005550000 .. +15005550005; the last one's answer is dropped.
  o.to = Template::parse("+1500555000{seq:1}", err);
  ASSERT_TRUE(err.empty()) << err;
  const auto rep = run_send(o, RunHooks{});
  ASSERT_TRUE(rep.ok()) << rep.error();
  const auto& s = rep.value().run;
  EXPECT_EQ(s.issued, 6u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_EQ(s.errors.read, 1u);   // the dropped answer, counted
  EXPECT_EQ(s.completed, 5u);
  // The mock stored the dropped send exactly once.
  httplib::Client c("127.0.0.1", srv.port());
  auto res = c.Get("/_mock/messages?api_key=KEY_loadgen_it&limit=100");
  ASSERT_TRUE(res);
  const auto j = nlohmann::json::parse(res->body);
  int dropped_stored = 0;
  for (const auto& m : j["data"]) {
    if (m["message"]["to"][0]["phone_number"] == "+15005550005") ++dropped_stored;
  }
  EXPECT_EQ(dropped_stored, 1);
}
