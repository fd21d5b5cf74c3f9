#include "loadgen/receiver/matcher.h"

#include <gtest/gtest.h>

using namespace harness::loadgen;

TEST(MatcherTest, MatchesSentAndFinalizedWithLatencies) {
  Matcher m;
  m.on_send("m1", 1'000'000);
  EXPECT_FALSE(m.settled());
  m.on_event("e1", "message.sent", "m1", 3'000'000);
  m.on_event("e2", "message.finalized", "m1", 11'000'000);
  EXPECT_TRUE(m.settled());
  const auto s = m.finish();
  EXPECT_EQ(s.registered, 1u);
  EXPECT_EQ(s.matched_sent, 1u);
  EXPECT_EQ(s.matched_finalized, 1u);
  EXPECT_EQ(s.duplicates + s.orphans + s.out_of_order + s.missing_sent + s.missing_finalized, 0u);
  ASSERT_EQ(s.to_sent.total_count(), 1u);
  EXPECT_NEAR(static_cast<double>(s.to_sent.max()), 2000, 2);        // 2 ms in us
  EXPECT_NEAR(static_cast<double>(s.to_finalized.max()), 10000, 10);
}

TEST(MatcherTest, EventsBeforeTheSendIsRegisteredAreNotOrphans) {
  Matcher m;
  m.on_event("e1", "message.sent", "m1", 5'000'000);
  m.on_event("e2", "message.finalized", "m1", 6'000'000);
  m.on_send("m1", 1'000'000);
  const auto s = m.finish();
  EXPECT_EQ(s.orphans, 0u);
  EXPECT_EQ(s.to_sent.total_count(), 1u);
  EXPECT_EQ(s.to_finalized.total_count(), 1u);
  EXPECT_TRUE(m.settled());
}

TEST(MatcherTest, CountsDuplicatesOutOfOrderOrphansAndMissing) {
  Matcher m;
  m.on_send("a", 0);
  m.on_send("b", 0);
  m.on_send("c", 0);
  m.on_event("a-sent", "message.sent", "a", 1000);
  m.on_event("a-sent", "message.sent", "a", 2000);            // duplicate event id
  m.on_event("a-fin", "message.finalized", "a", 3000);
  m.on_event("a-fin", "message.finalized", "a", 4000);        // duplicate again
  m.on_event("b-fin", "message.finalized", "b", 1000);        // before its sent
  m.on_event("b-sent", "message.sent", "b", 2000);
  m.on_event("c-sent", "message.sent", "c", 1000);            // c never finalized
  m.on_event("x-sent", "message.sent", "x", 1000);            // x was never sent
  m.on_event("x-fin", "message.finalized", "x", 1000);
  m.on_event("r1", "message.received", "", 1000);
  m.on_bad_signature();
  m.on_malformed();
  m.on_ack_failed();
  const auto s = m.finish();
  EXPECT_EQ(s.registered, 3u);
  EXPECT_EQ(s.events, 10u);
  EXPECT_EQ(s.duplicates, 2u);
  EXPECT_EQ(s.out_of_order, 1u);
  EXPECT_EQ(s.orphans, 2u);
  EXPECT_EQ(s.missing_sent, 0u);
  EXPECT_EQ(s.missing_finalized, 1u);
  EXPECT_EQ(s.received_events, 1u);
  EXPECT_EQ(s.bad_signatures, 1u);
  EXPECT_EQ(s.malformed, 1u);
  EXPECT_EQ(s.acks_failed, 1u);
  EXPECT_FALSE(m.settled());
}
