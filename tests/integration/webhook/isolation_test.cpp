// Webhook delivery on the event loop against hostile receivers on 127.0.0.1: one that accepts and
// never answers, one that drips its answer, one that answers 10 MB; a blackholed destination
// never delays another one; shutdown cuts attempts in flight whatever the receivers do.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "support/peer.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"
#include "webhook_test_support.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using harness::testing::Peer;
using harness::testing::ScopedServer;
using testing::Receiver;
using testing::accept;
using testing::eventually;
using testing::records_of;

void never_answer(Peer::Conn& c) {
  c.read_request();
  c.hold();
}

void drip(Peer::Conn& c) {
  if (!c.read_request()) return;
  const std::string answer = harness::testing::ok_response(std::string(2000, 'x'));
  for (char ch : answer) {
    if (c.peer->stopping() || !c.send_all(std::string(1, ch))) return;
    std::this_thread::sleep_for(20ms);
  }
}

WebhookRouting to_url(const std::string& url) {
  WebhookRouting r;
  r.message_url = url;
  return r;
}

// One attempt per URL, no retry: each event gets exactly one record.
WebhookSettings one_attempt(std::chrono::milliseconds deadline) {
  WebhookSettings s = testing::fast_settings();
  s.delivery.timeout = deadline;
  s.delivery.attempts_per_url = 1;
  return s;
}

class IsolationTest : public testing::EngineTest {
 protected:
  // Sends message `id`'s webhook to `peer` with one attempt and this deadline; the one record of
  // that attempt once it is over.
  AttemptRecord only_attempt(Peer& peer, const std::string& id, std::chrono::milliseconds deadline) {
    make_engine();
    engine->set_settings(one_attempt(deadline));
    accept(store, *engine, id, to_url(peer.url("/hook")));
    EXPECT_TRUE(eventually([&] { return records_of(*engine, id).size() == 1; }));
    const auto records = records_of(*engine, id);
    return records.empty() ? AttemptRecord{} : records[0];
  }
};

TEST_F(IsolationTest, ReceiverThatNeverAnswersFailsAtTheDeadline) {
  Peer peer(never_answer);
  const auto rec = only_attempt(peer, "m-silent", 200ms);
  EXPECT_EQ(rec.error, "timeout");
  EXPECT_EQ(rec.http_status, 0);
  EXPECT_GE(rec.latency_ms, 200.0);
  EXPECT_TRUE(rec.final);
}

TEST_F(IsolationTest, DrippingReceiverFailsAtTheWholeDeadline) {
  Peer peer(drip);
  const auto rec = only_attempt(peer, "m-drip", 300ms);
  EXPECT_EQ(rec.error, "timeout");
  EXPECT_GT(engine->client_stats().bytes_read, 0u);   // it did answer, a byte at a time
}

TEST_F(IsolationTest, HugeAnswerIsCappedAndTheAttemptRecorded) {
  Peer peer([](Peer::Conn& c) {
    while (c.read_request()) {
      if (!c.send_all(harness::testing::ok_response(std::string(10u << 20, 'b')))) return;
    }
  });
  EngineOptions o;
  o.response_body_cap = 64 * 1024;
  make_engine(o);
  engine->set_settings(one_attempt(5000ms));
  accept(store, *engine, "m-big", to_url(peer.url("/hook")));
  ASSERT_TRUE(eventually([&] { return records_of(*engine, "m-big").size() == 2; }));
  for (const auto& rec : records_of(*engine, "m-big")) {
    EXPECT_EQ(rec.outcome, AttemptOutcome::Delivered);
    EXPECT_EQ(rec.http_status, 200);
  }
  const auto st = engine->client_stats();
  EXPECT_EQ(st.truncated, 2u);
  // Two answers read: each at most its headers, the cap and one 16 KiB read beyond it.
  EXPECT_LE(st.bytes_read, 2 * (o.response_body_cap + 16 * 1024 + 256));
}

TEST_F(IsolationTest, BlackholedDestinationDoesNotDelayAnother) {
  Peer blackhole(never_answer);
  httplib::Server http;
  Receiver rx;
  rx.install(http);
  ScopedServer good(http);
  EngineOptions o;
  o.connections_per_destination = 8;   // most blackholed attempts wait for a connection
  make_engine(o);
  engine->set_settings(one_attempt(60000ms));
  constexpr int kStuck = 100;
  for (int i = 0; i < kStuck; ++i) {
    accept(store, *engine, "m-hole-" + std::to_string(i), to_url(blackhole.url("/hook")));
  }
  ASSERT_TRUE(eventually([&] { return engine->in_flight() == kStuck; }));
  accept(store, *engine, "m-good", to_url(good.url() + "/hook"));
  ASSERT_TRUE(rx.wait_for(2));
  ASSERT_TRUE(eventually([&] { return records_of(*engine, "m-good").size() == 2; }));
  // Every blackholed message.sent is still pending: not one attempt of them has finished.
  for (int i = 0; i < kStuck; ++i) {
    EXPECT_TRUE(records_of(*engine, "m-hole-" + std::to_string(i)).empty()) << i;
  }
  EXPECT_EQ(engine->in_flight(), static_cast<size_t>(kStuck));
  // Shutdown cuts them all, whatever the receiver does, and counts them.
  auto rep = engine->shutdown();
  EXPECT_EQ(rep.abandoned_attempts, static_cast<size_t>(kStuck));
  // Each cut message.sent and the message.finalized chained behind it.
  EXPECT_EQ(rep.stats.events_abandoned, static_cast<uint64_t>(2 * kStuck));
  EXPECT_NE(rep.summary().find("100 attempts cut in flight"), std::string::npos) << rep.summary();
  EXPECT_EQ(engine->in_flight(), 0u);
}

TEST_F(IsolationTest, ConnectionBoundPerDestinationIsRespected) {
  Peer slow([](Peer::Conn& c) {
    while (c.read_request()) {
      std::this_thread::sleep_for(20ms);
      if (!c.send_all(harness::testing::ok_response())) return;
    }
  });
  EngineOptions o;
  o.connections_per_destination = 3;
  make_engine(o);
  engine->set_settings(one_attempt(30000ms));
  for (int i = 0; i < 20; ++i) accept(store, *engine, "m-b" + std::to_string(i), to_url(slow.url("/hook")));
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_delivered == 40; }, 30s));
  EXPECT_LE(slow.most_open.load(), 3);
  EXPECT_LE(engine->client_stats().peak_connections_per_origin, 3u);
}

}  // namespace
}  // namespace harness::mock
