// Each chaos kind against a real receiver: what arrives, and that every injection is recorded.
#include <gtest/gtest.h>
#include <atomic>
#include <map>
#include <thread>
#include <memory>
#include <set>
#include "core/signing.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"
#include "webhook_test_support.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using testing::Receiver;
using testing::accept;
using testing::eventually;

class ChaosTest : public testing::ReceiverTest {
 protected:
  void run(const ChaosSettings& chaos, int messages, int attempts_per_url = 3) {
    WebhookSettings s = testing::fast_settings();
    s.chaos = chaos;
    s.delivery.attempts_per_url = attempts_per_url;
    s.delivery.timeout = deadline;
    engine->set_settings(s);
    for (int i = 0; i < messages; ++i) accept(store, *engine, "m-" + std::to_string(i), to("/hooks"));
    ASSERT_TRUE(eventually([&] {
      auto st = engine->log().stats();
      // Every event was planned (sent or dropped) and every sent copy is finished.
      return st.events_scheduled + st.events_dropped >= static_cast<uint64_t>(2 * messages) &&
             st.events_delivered + st.events_failed == st.events_scheduled && engine->idle();
    }));
  }
  uint64_t chaos_count(ChaosKind k) const {
    return engine->log().stats().chaos[static_cast<size_t>(k)];
  }

  // fast_settings()'s short deadline; a test about ordering, not deadlines, may raise it.
  std::chrono::nanoseconds deadline = testing::fast_settings().delivery.timeout;
};

TEST_F(ChaosTest, DuplicateDeliversTheSameEventIdTwice) {
  ChaosSettings c;
  c.duplicate = 1.0;
  run(c, 3);
  std::map<std::string, int> per_event;
  for (const auto& g : rx.all()) ++per_event[g.event_id()];
  ASSERT_EQ(per_event.size(), 6u);
  for (const auto& [id, n] : per_event) EXPECT_EQ(n, 2) << id;
  EXPECT_EQ(chaos_count(ChaosKind::Duplicate), 6u);
  EXPECT_EQ(engine->log().stats().events_scheduled, 12u);
  for (const auto& rec : engine->log().query({})) {
    EXPECT_NE(std::find(rec.chaos.begin(), rec.chaos.end(), "duplicate"), rec.chaos.end());
  }
}

TEST_F(ChaosTest, ReorderDeliversFinalizedBeforeSent) {
  ChaosSettings c;
  c.reorder = 1.0;
  run(c, 4);
  std::map<std::string, std::vector<std::string>> order;
  for (const auto& g : rx.all()) order[g.message_id()].push_back(g.event_type());
  ASSERT_EQ(order.size(), 4u);
  for (const auto& [id, types] : order) {
    EXPECT_EQ(types, (std::vector<std::string>{"message.finalized", "message.sent"})) << id;
  }
  EXPECT_EQ(chaos_count(ChaosKind::Reorder), 4u);
  // The store still advanced in lifecycle order.
  EXPECT_EQ(store.history("m-0"), (std::vector<std::string>{"sending", "sent", "delivered"}));
}

TEST_F(ChaosTest, WithoutReorderSentAlwaysArrivesFirst) {
  // Enough messages that a race between a step and the next (both due at once) would show. A
  // burst of 1,000 events on 64 connections can pass the short deadline on a slow (sanitizer)
  // build, and a timed-out attempt's retry would be a second copy: this test is about order.
  deadline = 5s;
  run(ChaosSettings{}, 500);
  for (const auto& rec : engine->log().query({})) {
    EXPECT_EQ(rec.outcome, AttemptOutcome::Delivered) << rec.message_id << " " << rec.event_type
                                                      << " " << rec.error << " " << rec.latency_ms;
  }
  std::map<std::string, std::vector<std::string>> order;
  for (const auto& g : rx.all()) order[g.message_id()].push_back(g.event_type());
  for (const auto& [id, types] : order) {
    EXPECT_EQ(types, (std::vector<std::string>{"message.sent", "message.finalized"})) << id;
  }
  for (int k = 0; k < kChaosKinds; ++k) EXPECT_EQ(chaos_count(static_cast<ChaosKind>(k)), 0u);
}

TEST_F(ChaosTest, DelayIsAppliedAndRecorded) {
  ChaosSettings c;
  c.delay = 1.0;
  c.delay_min = 30ms;
  c.delay_max = 60ms;
  run(c, 2);
  EXPECT_EQ(rx.all().size(), 4u);
  EXPECT_EQ(chaos_count(ChaosKind::Delay), 4u);
  for (const auto& rec : engine->log().query({})) {
    EXPECT_NE(std::find(rec.chaos.begin(), rec.chaos.end(), "delay"), rec.chaos.end());
  }
}

TEST_F(ChaosTest, BadSignatureIsRejectedByAVerifyingReceiver) {
  // The receiver verifies like a correct integration and answers 401 on failure.
  rx.respond_with([this](const testing::Received& r, int) {
    auto v = core::verify_ed25519(key.public_key_base64(), r.header("telnyx-signature-ed25519"),
                                  r.header("telnyx-timestamp"), r.body,
                                  core::unix_seconds(clock.now()));
    return v == core::VerifyStatus::Ok ? 200 : 401;
  });
  ChaosSettings c;
  c.bad_signature = 1.0;
  run(c, 2, 1);
  EXPECT_EQ(rx.all().size(), 4u);
  for (const auto& g : rx.all()) {
    EXPECT_EQ(core::verify_ed25519(key.public_key_base64(), g.header("telnyx-signature-ed25519"),
                                   g.header("telnyx-timestamp"), g.body,
                                   core::unix_seconds(clock.now())),
              core::VerifyStatus::Mismatch);
  }
  EXPECT_EQ(engine->log().stats().events_failed, 4u);
  EXPECT_EQ(chaos_count(ChaosKind::BadSignature), 4u);
  EXPECT_EQ(engine->log().query({})[0].http_status, 401);
}

TEST_F(ChaosTest, StaleTimestampIsOlderThanTolerance) {
  ChaosSettings c;
  c.stale_timestamp = 1.0;
  run(c, 2);
  ASSERT_EQ(rx.all().size(), 4u);
  const int64_t now = core::unix_seconds(clock.now());
  for (const auto& g : rx.all()) {
    EXPECT_LT(std::stoll(g.header("telnyx-timestamp")), now - 300);
    EXPECT_EQ(core::verify_ed25519(key.public_key_base64(), g.header("telnyx-signature-ed25519"),
                                   g.header("telnyx-timestamp"), g.body, now),
              core::VerifyStatus::StaleTimestamp);
  }
  EXPECT_EQ(chaos_count(ChaosKind::StaleTimestamp), 4u);
}

// The receiver of a correct integration: verifies signature and timestamp, 401 on failure.
testing::Receiver::Responder verifying(const core::Ed25519KeyPair& key, const core::Clock& clock) {
  return [&key, &clock](const testing::Received& r, int) {
    auto v = core::verify_ed25519(key.public_key_base64(), r.header("telnyx-signature-ed25519"),
                                  r.header("telnyx-timestamp"), r.body, core::unix_seconds(clock.now()));
    return v == core::VerifyStatus::Ok ? 200 : 401;
  };
}

TEST_F(ChaosTest, CorruptionHitsTheFirstAttemptOnlyAndRetriesArriveValid) {
  rx.respond_with(verifying(key, clock));
  for (const char* kind : {"bad_signature", "stale_timestamp"}) {
    SCOPED_TRACE(kind);
    engine->reset_log();
    ChaosSettings c;
    (std::string(kind) == "bad_signature" ? c.bad_signature : c.stale_timestamp) = 1.0;
    run(c, 2);
    auto st = engine->log().stats();
    EXPECT_EQ(st.events_delivered, 4u);   // a verifying receiver gets every event
    EXPECT_EQ(st.events_failed, 0u);
    for (const auto& rec : engine->log().query({})) {
      if (rec.attempt == 1) {
        EXPECT_EQ(rec.corrupted, std::vector<std::string>{kind});
        if (rec.error != "timeout") {
          EXPECT_EQ(rec.http_status, 401);
        }
      } else {
        EXPECT_TRUE(rec.corrupted.empty());
        if (rec.error != "timeout") {
          EXPECT_EQ(rec.http_status, 200);
        }
      }
    }
    // A correct receiver is never flagged.
    const core::json v = engine->receiver_verdicts();
    EXPECT_EQ(v["forged_webhooks_accepted"]["count"], 0) << v.dump();
    EXPECT_EQ(v["valid_webhooks_rejected"]["count"], 0) << v.dump();
  }
}

TEST_F(ChaosTest, CorruptAllAttemptsCorruptsEveryRetry) {
  rx.respond_with(verifying(key, clock));
  ChaosSettings c;
  c.bad_signature = 1.0;
  c.corrupt_all_attempts = true;
  run(c, 1, 3);
  EXPECT_EQ(rx.all().size(), 6u);
  EXPECT_EQ(engine->log().stats().events_failed, 2u);
  for (const auto& rec : engine->log().query({})) EXPECT_EQ(rec.corrupted, std::vector<std::string>{"bad_signature"});
  const core::json json_rec = engine->webhooks_json({})["data"][0];
  EXPECT_EQ(json_rec["corrupted"], core::json::array({"bad_signature"}));
}

TEST_F(ChaosTest, ReceiverThatSkipsVerificationIsFlagged) {
  ChaosSettings c;   // the default receiver answers 200 to anything
  c.stale_timestamp = 1.0;
  run(c, 3);
  const core::json v = engine->receiver_verdicts();
  EXPECT_EQ(v["forged_webhooks_accepted"]["count"], 6) << v.dump();
  EXPECT_EQ(v["forged_webhooks_accepted"]["items"][0]["corrupted"], core::json::array({"stale_timestamp"}));
  engine->reset_log();
  EXPECT_EQ(engine->receiver_verdicts()["forged_webhooks_accepted"]["count"], 0);
}

TEST_F(ChaosTest, ReceiverErrorsLateAcksAndRejectedValidEventsAreFlagged) {
  // First attempt of each event: 503; second: slower than the 300 ms deadline; third: 400.
  // Shared, not on the stack: a late attempt may still be in the handler when the test body ends.
  auto release = std::make_shared<std::atomic<bool>>(false);
  rx.respond_with([release](const testing::Received& r, int) {
    if (r.attempt() == 1) return 503;
    if (r.attempt() == 2) {
      for (int i = 0; i < 200 && !release->load(); ++i) std::this_thread::sleep_for(5ms);
      return 200;
    }
    return 400;
  });
  run(ChaosSettings{}, 1, 3);
  *release = true;
  const core::json v = engine->receiver_verdicts();
  EXPECT_EQ(v["webhook_receiver_errors"]["count"], 2) << v.dump();
  EXPECT_EQ(v["webhook_receiver_errors"]["items"][0]["status"], 503);
  EXPECT_EQ(v["webhook_acks_late"]["count"], 2) << v.dump();
  EXPECT_EQ(v["valid_webhooks_rejected"]["count"], 2) << v.dump();
  EXPECT_EQ(v["forged_webhooks_accepted"]["count"], 0) << v.dump();
}

TEST_F(ChaosTest, DropNeverDeliversAndRecordsIt) {
  ChaosSettings c;
  c.drop = 1.0;
  run(c, 3);
  EXPECT_TRUE(rx.all().empty());
  auto st = engine->log().stats();
  EXPECT_EQ(st.events_dropped, 6u);
  EXPECT_EQ(st.attempts, 0u);
  EXPECT_EQ(chaos_count(ChaosKind::Drop), 6u);
  for (const auto& rec : engine->log().query({})) EXPECT_EQ(rec.outcome, AttemptOutcome::Dropped);
  // The message still reached its terminal status.
  EXPECT_EQ(store.get("tenant-1", "m-0")->status(), "delivered");
}

TEST_F(ChaosTest, SameSeedSameChaos) {
  ChaosSettings c;
  c.duplicate = 0.5;
  c.bad_signature = 0.5;
  c.drop = 0.2;
  run(c, 30);
  std::map<std::string, std::vector<std::string>> first;
  for (const auto& rec : engine->log().query({})) first[rec.message_id + rec.event_type] = rec.chaos;
  const auto counts = engine->log().stats().chaos;
  ASSERT_GT(counts[static_cast<size_t>(ChaosKind::Duplicate)], 0u);

  // A fresh engine, same seed, same messages: identical injections.
  engine->shutdown();
  engine = std::make_unique<WebhookEngine>(store, clock, key);
  run(c, 30);
  std::map<std::string, std::vector<std::string>> second;
  for (const auto& rec : engine->log().query({})) second[rec.message_id + rec.event_type] = rec.chaos;
  EXPECT_EQ(first, second);
  EXPECT_EQ(engine->log().stats().chaos, counts);
}

}  // namespace
}  // namespace harness::mock
