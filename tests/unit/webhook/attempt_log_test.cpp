// The bounded attempt log: counters, filters, oldest-first eviction.
#include "webhook/attempt_log.h"

#include <gtest/gtest.h>

namespace harness::mock {
namespace {

AttemptRecord rec(const std::string& msg, const std::string& type, AttemptOutcome o,
                  bool final = false) {
  AttemptRecord r;
  r.message_id = msg;
  r.event_type = type;
  r.event_id = msg + "/" + type;
  r.tenant_id = "t1";
  r.outcome = o;
  r.final = final;
  return r;
}

TEST(AttemptLogTest, CountsByOutcome) {
  AttemptLog log(10);
  log.count_scheduled(3);
  log.record(rec("m1", "message.sent", AttemptOutcome::Failed));
  log.record(rec("m1", "message.sent", AttemptOutcome::Delivered, true));
  log.record(rec("m2", "message.sent", AttemptOutcome::Failed, true));
  log.record(rec("m3", "message.sent", AttemptOutcome::Dropped, true));
  log.record(rec("m4", "message.sent", AttemptOutcome::Overflow, true));
  log.count_chaos(ChaosKind::Duplicate);
  auto s = log.stats();
  EXPECT_EQ(s.events_scheduled, 3u);
  EXPECT_EQ(s.attempts, 3u);
  EXPECT_EQ(s.attempts_failed, 2u);
  EXPECT_EQ(s.events_delivered, 1u);
  EXPECT_EQ(s.events_failed, 1u);
  EXPECT_EQ(s.events_dropped, 1u);
  EXPECT_EQ(s.queue_overflow, 1u);
  EXPECT_EQ(s.chaos[static_cast<size_t>(ChaosKind::Duplicate)], 1u);
  core::json j = s;
  EXPECT_EQ(j["chaos"]["duplicate"], 1);
  EXPECT_EQ(j["queue_overflow"], 1);
}

TEST(AttemptLogTest, FiltersNewestFirst) {
  AttemptLog log(10);
  log.record(rec("m1", "message.sent", AttemptOutcome::Delivered, true));
  log.record(rec("m2", "message.sent", AttemptOutcome::Delivered, true));
  log.record(rec("m1", "message.finalized", AttemptOutcome::Delivered, true));
  AttemptFilter f;
  f.message_id = "m1";
  auto r = log.query(f);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].event_type, "message.finalized");
  EXPECT_GT(r[0].seq, r[1].seq);
  f.event_type = "message.sent";
  EXPECT_EQ(log.query(f).size(), 1u);
  AttemptFilter other_tenant;
  other_tenant.tenant_id = "t2";
  EXPECT_TRUE(log.query(other_tenant).empty());
  AttemptFilter limited;
  limited.limit = 1;
  EXPECT_EQ(log.query(limited).size(), 1u);
}

TEST(AttemptLogTest, EvictsOldestAndKeepsCounting) {
  AttemptLog log(3);
  for (int i = 0; i < 5; ++i) {
    log.record(rec("m" + std::to_string(i), "message.sent", AttemptOutcome::Delivered, true));
  }
  EXPECT_EQ(log.size(), 3u);
  auto s = log.stats();
  EXPECT_EQ(s.records_evicted, 2u);
  EXPECT_EQ(s.events_delivered, 5u);   // counters survive eviction
  AttemptFilter f;
  f.message_id = "m0";
  EXPECT_TRUE(log.query(f).empty());
  f.message_id = "m4";
  EXPECT_EQ(log.query(f).size(), 1u);
}

TEST(AttemptLogTest, RecordJsonHasEveryField) {
  AttemptRecord r = rec("m1", "message.sent", AttemptOutcome::Failed);
  r.url = "http://h/";
  r.attempt = 2;
  r.http_status = 302;
  r.error = "status 302";
  r.signature = "ed25519";
  r.chaos = {"duplicate"};
  core::json j = r;
  for (const char* k : {"event_id", "message_id", "event_type", "url", "attempt", "status",
                        "latency_ms", "error", "signature", "chaos", "outcome", "final", "at"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["status"], 302);
  EXPECT_EQ(j["outcome"], "failed");
  AttemptRecord ok = rec("m1", "message.sent", AttemptOutcome::Delivered);
  core::json jo = ok;
  EXPECT_TRUE(jo["error"].is_null());
  EXPECT_TRUE(jo["status"].is_null());
}

TEST(AttemptLogTest, ClearResetsRecordsAndCounters) {
  AttemptLog log(3);
  log.record(rec("m1", "message.sent", AttemptOutcome::Delivered, true));
  log.clear();
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.stats().events_delivered, 0u);
}

}  // namespace
}  // namespace harness::mock
