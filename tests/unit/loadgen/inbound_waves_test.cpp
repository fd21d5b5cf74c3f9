// The seeded choices of inbound mode beyond message.received: status waves (order, outcomes,
// chaos copies), delays, and the inbound counters' JSON and rendering.
#include "loadgen/run/inbound_waves.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "loadgen/report/render.h"
#include "loadgen/report/report.h"
#include "loadgen/report/thresholds.h"

using namespace harness::loadgen;
using namespace std::chrono_literals;

namespace {
std::vector<harness::core::json> stored_messages(int n) {
  std::vector<harness::core::json> out;
  for (int i = 0; i < n; ++i)
    out.push_back({{"record_type", "message"}, {"id", "msg-" + std::to_string(i)}, {"direction", "outbound"},
                   {"to", {{{"phone_number", "+1773555" + std::to_string(1000 + i)}, {"status", "queued"}}}},
                   {"sent_at", nullptr}, {"completed_at", nullptr}, {"errors", harness::core::json::array()}});
  return out;
}

// The status waves of `messages` stored messages under `c`, with the counters they moved.
struct Waves {
  std::vector<Wave> w;
  InboundStats in;
};
Waves waves_of(int messages, const InboundChaos& c, uint64_t seed, uint64_t run_id) {
  Waves out;
  out.w = status_waves(stored_messages(messages), c, seed, run_id, out.in);
  return out;
}
}  // namespace

TEST(StatusWavesTest, EachMessageGetsSentAndFinalizedOnceInTheSeededOrder) {
  InboundChaos c;
  c.reorder = 0.25;
  c.failed = 0.2;
  const auto [w, in] = waves_of(2000, c, 7, 42);
  ASSERT_EQ(w.size(), 2u);
  ASSERT_EQ(w[0].events.size(), 2000u);
  ASSERT_EQ(w[1].events.size(), 2000u);
  uint64_t reordered = 0, failed = 0;
  std::set<std::string> ids;
  for (size_t i = 0; i < 2000; ++i) {
    const StatusEvent& first = w[0].events[i];
    const StatusEvent& second = w[1].events[i];
    ASSERT_NE(first.finalized, second.finalized);   // one of each per message
    reordered += first.finalized;
    const StatusEvent& fin = first.finalized ? first : second;
    const StatusEvent& sent = first.finalized ? second : first;
    ids.insert(fin.event_id);
    ids.insert(sent.event_id);
    const auto fj = harness::core::json::parse(fin.payload);
    const auto sj = harness::core::json::parse(sent.payload);
    EXPECT_EQ(sj["to"][0]["status"], "sent");
    EXPECT_EQ(sj["id"], fj["id"]);
    const std::string st = fj["to"][0]["status"];
    if (st == "delivered") {
      EXPECT_TRUE(fj["errors"].empty());
    } else {
      ASSERT_TRUE(st == "delivery_failed" || st == "sending_failed") << st;
      EXPECT_EQ(fj["errors"][0]["code"], st == "delivery_failed" ? "40008" : "40001");
      ++failed;
    }
  }
  EXPECT_EQ(ids.size(), 4000u);   // distinct event ids
  EXPECT_EQ(in.reordered, reordered);
  EXPECT_EQ(in.finalized_outcome_failed, failed);
  EXPECT_NEAR(static_cast<double>(reordered), 500, 80);
  EXPECT_NEAR(static_cast<double>(failed), 400, 80);
  // The same seed and run id give the same waves; no chaos, no copies.
  const auto again = waves_of(2000, c, 7, 42);
  EXPECT_EQ(again.w[0].events[17].event_id, w[0].events[17].event_id);
  EXPECT_EQ(again.in.reordered, in.reordered);
  EXPECT_EQ(w[0].slots.size(), 2000u);
}

TEST(StatusWavesTest, ChaosCopiesFollowTheirEvent) {
  InboundChaos c;
  c.duplicate = 0.1;
  c.forged = 0.05;
  const auto w = waves_of(1000, c, 3, 1).w;
  std::map<EventKind, int> n;
  for (size_t k = 0; k < w[1].slots.size(); ++k) {
    const WaveSlot& s = w[1].slots[k];
    ++n[s.kind];
    if (s.kind != EventKind::Normal) {
      ASSERT_GT(k, 0u);
      EXPECT_EQ(w[1].slots[k - 1].event, s.event);   // right after the genuine delivery
      EXPECT_EQ(w[1].slots[k - 1].kind, EventKind::Normal);
    }
  }
  EXPECT_EQ(n[EventKind::Normal], 1000);
  EXPECT_NEAR(n[EventKind::Duplicate], 100, 40);
  EXPECT_NEAR(n[EventKind::Forged], 50, 30);
  EXPECT_EQ(n[EventKind::Stale], 0);
}

TEST(ChaosDelayTest, SeededBoundedAndOnlyWhenAsked) {
  InboundChaos c;
  EXPECT_EQ(chaos_delay(c, 1, 0, 5), Nanos(0));
  c.delay = 0.3;
  EXPECT_EQ(chaos_delay(c, 1, 0, 5), Nanos(0));   // no --delay-max: nothing held
  c.delay_max = 200ms;
  int held = 0;
  for (uint64_t i = 0; i < 5000; ++i) {
    const Nanos d = chaos_delay(c, 9, 1, i);
    EXPECT_EQ(d, chaos_delay(c, 9, 1, i));
    EXPECT_LE(d, Nanos(200ms));
    held += d.count() > 0;
  }
  EXPECT_NEAR(held, 1500, 150);
}

TEST(InboundReportTest, NewCountersRoundTripMergeAndRender) {
  Report r;
  r.mode = "inbound";
  r.shards = {0};
  r.shard_count = 2;
  r.elapsed_seconds = 1;
  InboundStats in;
  in.sent_delivered = 10;
  in.sent_acked = 9;
  in.sent_failed = 1;
  in.finalized_failed = 2;
  in.replays_sent = 4;
  in.replay_accepted = 3;
  in.reordered = 5;
  r.inbound = in;
  const auto back = report_from_json(report_to_json(r));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value().inbound->replay_accepted, 3u);
  EXPECT_EQ(back.value().inbound->events_failed(), 3u);
  EXPECT_EQ(report_to_json(r)["inbound"]["findings"], 3);
  Report other = r;
  other.shards = {1};
  const auto m = merge_reports({r, other});
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m.value().inbound->reordered, 10u);
  EXPECT_EQ(m.value().inbound->sent_failed, 2u);
  const std::string html = html_report(r, {});
  EXPECT_NE(html.find("Events by type"), std::string::npos);
  EXPECT_NE(html.find("accepted past it 3"), std::string::npos);
  EXPECT_NE(text_summary(r, {}).find("message.sent 10/9/1"), std::string::npos) << text_summary(r, {});
}

// Status events are not requests of the run: their failures get their own warning when no
// events_failed threshold judges them.
TEST(InboundReportTest, UnjudgedEventFailuresWarn) {
  Report r;
  r.mode = "inbound";
  r.elapsed_seconds = 1;
  InboundStats in;
  in.finalized_failed = 4;
  r.inbound = in;
  const auto none = evaluate({parse_threshold("error_rate<1%").value()}, r);
  EXPECT_NE(error_warning(r, none).find("4 events were never acknowledged"), std::string::npos) << error_warning(r, none);
  EXPECT_NE(html_report(r, none).find("4 events were never acknowledged"), std::string::npos);
  const auto judged = evaluate({parse_threshold("events_failed==0").value()}, r);
  EXPECT_FALSE(judged[0].pass);
  EXPECT_EQ(error_warning(r, judged), "");
  r.run.errors.timeout = 2;   // and requests failed too: both warnings, one a line
  const std::string both = error_warning(r, {});
  EXPECT_NE(both.find("requests failed"), std::string::npos);
  EXPECT_NE(both.find("\nwarning: 4 events"), std::string::npos) << both;
  EXPECT_NE(html_report(r, {}).find("<br>warning: 4 events"), std::string::npos);
}
