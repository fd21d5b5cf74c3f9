// The receiver's accounting against a signed-event injector with seeded chaos: every loss,
// duplicate, reordering and bad signature the injector decides must be counted exactly.
#include <gtest/gtest.h>
#include <httplib.h>

#include "core/clock.h"
#include "core/rng.h"
#include "core/signing.h"
#include "loadgen/receiver/receiver.h"
#include "loadgen/run/engine.h"
#include "support/raw_http.h"

using namespace harness::loadgen;
using namespace harness;

namespace {

struct Injected {
  uint64_t lost_sent = 0, lost_finalized = 0, duplicates = 0, reordered = 0, bad_signatures = 0, orphans = 0;
};

std::string event_body(const std::string& event_id, const std::string& type, const std::string& message_id) {
  return "{\"data\":{\"event_type\":\"" + type + "\",\"id\":\"" + event_id +
         "\",\"occurred_at\":\"2025-03-01T12:00:04.027+00:00\",\"record_type\":\"event\",\"payload\":"
         "{\"record_type\":\"message\",\"id\":\"" + message_id + "\",\"direction\":\"outbound\"}},"
         "\"meta\":{\"attempt\":1,\"delivered_to\":\"x\"}}";
}

int post(httplib::Client& cli, const std::string& path, const core::Ed25519KeyPair& key, const std::string& body,
         bool corrupt) {
  const std::string ts = std::to_string(core::unix_seconds(std::chrono::system_clock::now()));
  std::string sig = core::sign_ed25519(key, ts, body);
  if (corrupt) sig = core::sign_ed25519(key, ts, body + " ");   // well-formed, wrong bytes
  const auto res = cli.Post(path, {{"telnyx-timestamp", ts}, {"telnyx-signature-ed25519", sig}}, body, "application/json");
  return res ? res->status : -1;
}

}  // namespace

TEST(ReceiverTest, AccountingMatchesSeededChaosExactly) {
  const auto key = core::generate_ed25519();
  Matcher matcher;
  ReceiverConfig rc;
  rc.public_key_base64 = key.public_key_base64();
  rc.threads = 4;
  Receiver receiver(rc, matcher);
  ASSERT_EQ(receiver.start(), "");
  httplib::Client cli("127.0.0.1", receiver.port());

  core::Rng chaos(20250301);
  Injected inj;
  constexpr int kMessages = 400;
  for (int i = 0; i < kMessages; ++i) {
    const std::string mid = "msg-" + std::to_string(i);
    matcher.on_send(mid, mono_now_ns());
    std::vector<std::pair<std::string, std::string>> events = {{"ev-s-" + std::to_string(i), "message.sent"},
                                                               {"ev-f-" + std::to_string(i), "message.finalized"}};
    if (chaos.chance(0.1)) {
      std::swap(events[0], events[1]);
      ++inj.reordered;
    }
    for (const auto& [eid, type] : events) {
      if (chaos.chance(0.05)) {   // lost
        ++(type == "message.sent" ? inj.lost_sent : inj.lost_finalized);
        continue;
      }
      if (chaos.chance(0.05)) {   // a bad signature first; the sender then retries correctly
        ASSERT_EQ(post(cli, "/webhooks", key, event_body(eid, type, mid), true), 401);
        ++inj.bad_signatures;
      }
      ASSERT_EQ(post(cli, "/webhooks", key, event_body(eid, type, mid), false), 200);
      if (chaos.chance(0.07)) {
        ASSERT_EQ(post(cli, "/webhooks", key, event_body(eid, type, mid), false), 200);
        ++inj.duplicates;
      }
    }
  }
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(post(cli, "/webhooks", key, event_body("orphan-" + std::to_string(i), "message.sent", "never-sent-" + std::to_string(i)), false), 200);
    ++inj.orphans;
  }
  receiver.stop();
  const auto s = matcher.finish();
  EXPECT_EQ(s.registered, static_cast<uint64_t>(kMessages));
  EXPECT_EQ(s.missing_sent, inj.lost_sent);
  EXPECT_EQ(s.missing_finalized, inj.lost_finalized);
  EXPECT_EQ(s.duplicates, inj.duplicates);
  EXPECT_EQ(s.bad_signatures, inj.bad_signatures);
  EXPECT_EQ(s.orphans, inj.orphans);
  EXPECT_GT(inj.lost_sent + inj.lost_finalized, 0u);
  EXPECT_GT(inj.duplicates, 0u);
  EXPECT_GT(inj.bad_signatures, 0u);
  EXPECT_EQ(s.matched_sent, kMessages - inj.lost_sent + inj.orphans);
  EXPECT_EQ(s.matched_finalized, kMessages - inj.lost_finalized);
  EXPECT_EQ(s.to_sent.total_count(), kMessages - inj.lost_sent);
  EXPECT_EQ(s.to_finalized.total_count(), kMessages - inj.lost_finalized);
}

TEST(ReceiverTest, OutOfOrderCountsFinalizedBeforeSent) {
  const auto key = core::generate_ed25519();
  Matcher matcher;
  ReceiverConfig rc;
  rc.public_key_base64 = key.public_key_base64();
  Receiver receiver(rc, matcher);
  ASSERT_EQ(receiver.start(), "");
  httplib::Client cli("127.0.0.1", receiver.port());
  for (int i = 0; i < 10; ++i) {
    const std::string mid = "m" + std::to_string(i);
    matcher.on_send(mid, mono_now_ns());
    const bool reorder = i % 3 == 0;   // 0, 3, 6, 9
    const std::string s = event_body("s" + std::to_string(i), "message.sent", mid);
    const std::string f = event_body("f" + std::to_string(i), "message.finalized", mid);
    ASSERT_EQ(post(cli, "/webhooks", key, reorder ? f : s, false), 200);
    ASSERT_EQ(post(cli, "/webhooks", key, reorder ? s : f, false), 200);
  }
  receiver.stop();
  EXPECT_EQ(matcher.finish().out_of_order, 4u);
  EXPECT_TRUE(matcher.settled());
}

TEST(ReceiverTest, AckFailureRateAndStatusAreApplied) {
  Matcher matcher;
  ReceiverConfig rc;   // no key: signatures not checked
  rc.ack_status = 204;
  rc.ack_fail_rate = 0.5;
  rc.seed = 9;
  Receiver receiver(rc, matcher);
  ASSERT_EQ(receiver.start(), "");
  httplib::Client cli("127.0.0.1", receiver.port());
  int ok = 0, failed = 0;
  for (int i = 0; i < 100; ++i) {
    const auto res = cli.Post("/webhooks", event_body("e" + std::to_string(i), "message.sent", "m"), "application/json");
    ASSERT_TRUE(res);
    if (res->status == 204) ++ok;
    else if (res->status == 500) ++failed;
  }
  receiver.stop();
  const auto s = matcher.finish();
  EXPECT_EQ(ok + failed, 100);
  EXPECT_EQ(s.acks_failed, static_cast<uint64_t>(failed));
  EXPECT_EQ(s.events, static_cast<uint64_t>(ok));   // failed acks are not matched
  EXPECT_GT(failed, 20);
  EXPECT_GT(ok, 20);
}

TEST(ReceiverTest, MalformedBodiesAreCounted) {
  Matcher matcher;
  Receiver receiver(ReceiverConfig{}, matcher);
  ASSERT_EQ(receiver.start(), "");
  httplib::Client cli("127.0.0.1", receiver.port());
  EXPECT_EQ(cli.Post("/webhooks", "not json", "application/json")->status, 400);
  EXPECT_EQ(cli.Post("/webhooks", "{\"data\":{}}", "application/json")->status, 400);
  receiver.stop();
  EXPECT_EQ(matcher.finish().malformed, 2u);
}

// A peer streaming 50 MB of chunks at the webhook receiver used to be buffered whole.
TEST(ReceiverTest, ChunkedBodiesStopAtTheCap) {
  Matcher matcher;
  ReceiverConfig rc;
  rc.public_key_base64 = core::generate_ed25519().public_key_base64();
  rc.threads = 2;
  Receiver receiver(rc, matcher);
  ASSERT_EQ(receiver.start(), "");
  const int status = harness::testing::chunked_post(receiver.port(), "POST", rc.path, 50u << 20);
  EXPECT_TRUE(status == 413 || status == -1) << status;
  EXPECT_EQ(harness::testing::chunked_post(receiver.port(), "GET", rc.path, 50u << 20) == 200, false);
  httplib::Client cli("127.0.0.1", receiver.port());
  auto r = cli.Post(rc.path, "{}", "application/json");   // still serving: an unsigned event
  ASSERT_TRUE(r);
  EXPECT_NE(r->status, 413);
}
