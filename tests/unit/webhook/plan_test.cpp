// The pure webhook planner: lifecycle, URL chain, retry schedule, chaos draws, wire format and
// signature headers. No sockets, no threads, no clock reads.
#include "webhook/plan.h"

#include <gtest/gtest.h>
#include <chrono>
#include <map>
#include "core/clock.h"
#include "core/json.h"
#include "core/signing.h"
#include "core/webhook_event.h"
#include "support/sample_message.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using core::json;

core::Message sample_message() { return harness::testing::sample_sms("4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f", "sent"); }

std::map<std::string, std::string> as_map(const HeaderList& h) {
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : h) m[k] = v;
  return m;
}

// ---- lifecycle -------------------------------------------------------------------------------

TEST(OutboundLifecycleTest, DefaultOutcomeIsDeliveredAfterSent) {
  TimingSettings t;
  t.sent_after = 20ms;
  t.finalized_after = 150ms;
  auto steps = outbound_lifecycle(t, std::nullopt, {});
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].status, "sending");
  EXPECT_FALSE(steps[0].event.has_value());   // no webhook for sending (contract §3.3)
  EXPECT_EQ(steps[1].status, "sent");
  EXPECT_EQ(steps[1].event, EventKind::Sent);
  EXPECT_EQ(steps[2].status, "delivered");
  EXPECT_EQ(steps[2].event, EventKind::Finalized);
  EXPECT_TRUE(steps[2].errors.empty());
  EXPECT_EQ(steps[0].after + steps[1].after, 20ms);
  EXPECT_EQ(steps[2].after, 150ms);
}

TEST(OutboundLifecycleTest, DeliveryFailedCarriesTheChosenErrors) {
  auto steps = outbound_lifecycle(TimingSettings{}, std::string("delivery_failed"), {40006, 40008});
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[2].status, "delivery_failed");
  ASSERT_EQ(steps[2].errors.size(), 2u);
  EXPECT_EQ(steps[2].errors[0].code, "40006");
  EXPECT_EQ(steps[2].errors[1].code, "40008");
  EXPECT_FALSE(steps[2].errors[0].title.empty());
}

TEST(OutboundLifecycleTest, SendingFailedNeverEmitsSent) {
  auto steps = outbound_lifecycle(TimingSettings{}, std::string("sending_failed"), {});
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].status, "sending_failed");
  EXPECT_EQ(steps[1].event, EventKind::Finalized);
  ASSERT_EQ(steps[1].errors.size(), 1u);   // a representative code when none was given
  EXPECT_EQ(steps[1].errors[0].code, "40001");
}

TEST(OutboundLifecycleTest, FailedOutcomesWithoutCodesGetOne) {
  EXPECT_EQ(resolve_outcome(std::string("delivery_failed"), {}).second.at(0).code, "40008");
  EXPECT_EQ(resolve_outcome(std::string("expired"), {}).second.at(0).code, "40005");
  EXPECT_TRUE(resolve_outcome(std::string("delivery_unconfirmed"), {40008}).second.empty());
}

TEST(OutboundLifecycleTest, UnknownOrNonTerminalStatusBecomesDelivered) {
  EXPECT_EQ(resolve_outcome(std::string("sent"), {}).first, "delivered");
  EXPECT_EQ(resolve_outcome(std::string("bogus"), {}).first, "delivered");
  EXPECT_EQ(resolve_outcome(std::string("expired"), {}).first, "expired");
}

// ---- routing ---------------------------------------------------------------------------------

TEST(DeliveryChainTest, MessageUrlsFirstThenProfile) {
  WebhookRouting r;
  r.message_url = "http://m/1";
  r.message_failover_url = "http://m/2";
  r.profile.url = "http://p/1";
  r.profile.failover_url = "http://p/2";
  EXPECT_EQ(delivery_chain(r),
            (std::vector<std::string>{"http://m/1", "http://m/2", "http://p/1", "http://p/2"}));
}

TEST(DeliveryChainTest, ProfileUrlsSkippedWithoutUseProfileWebhooks) {
  WebhookRouting r;
  r.message_url = "http://m/1";
  r.profile.url = "http://p/1";
  r.use_profile_webhooks = false;
  EXPECT_EQ(delivery_chain(r), (std::vector<std::string>{"http://m/1"}));
}

TEST(DeliveryChainTest, ProfileOnlyAndEmptyAndDuplicates) {
  WebhookRouting r;
  r.profile.url = "http://p/1";
  r.profile.failover_url = "http://p/1";   // same URL listed twice: tried once
  EXPECT_EQ(delivery_chain(r), (std::vector<std::string>{"http://p/1"}));
  WebhookRouting none;
  none.message_url = "";
  EXPECT_TRUE(delivery_chain(none).empty());
}

TEST(NextAttemptTest, ThreeAttemptsPerUrlThenFailoverAtOnce) {
  DeliverySettings d;   // 3 per URL, backoff 1 s then 5 s
  auto a2 = next_attempt(d, 2, 1);
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->url_index, 0u);
  EXPECT_EQ(a2->delay, std::chrono::seconds(1));
  auto a3 = next_attempt(d, 2, 2);
  ASSERT_TRUE(a3);
  EXPECT_EQ(a3->url_index, 0u);
  EXPECT_EQ(a3->delay, std::chrono::seconds(5));
  auto a4 = next_attempt(d, 2, 3);
  ASSERT_TRUE(a4);
  EXPECT_EQ(a4->url_index, 1u);
  EXPECT_EQ(a4->delay.count(), 0);
  auto a5 = next_attempt(d, 2, 4);
  ASSERT_TRUE(a5);
  EXPECT_EQ(a5->url_index, 1u);
  EXPECT_EQ(a5->delay, std::chrono::seconds(1));
  EXPECT_TRUE(next_attempt(d, 2, 5));
  EXPECT_FALSE(next_attempt(d, 2, 6));   // meta.attempt never exceeds 6 with two URLs
  EXPECT_FALSE(next_attempt(d, 1, 3));
  EXPECT_FALSE(next_attempt(d, 0, 1));
}

TEST(NextAttemptTest, LastBackoffRepeatsAndCustomAttemptCounts) {
  DeliverySettings d;
  d.attempts_per_url = 4;
  d.backoff = {10ms};
  EXPECT_EQ(next_attempt(d, 1, 1)->delay, 10ms);
  EXPECT_EQ(next_attempt(d, 1, 3)->delay, 10ms);
  EXPECT_FALSE(next_attempt(d, 1, 4));
}

TEST(DeliverySuccessTest, Only2xxSucceeds) {
  EXPECT_TRUE(is_delivery_success(200));
  EXPECT_TRUE(is_delivery_success(204));
  EXPECT_FALSE(is_delivery_success(301));   // 3xx is a failure (contract §7.6)
  EXPECT_FALSE(is_delivery_success(404));
  EXPECT_FALSE(is_delivery_success(500));
  EXPECT_FALSE(is_delivery_success(0));
}

// ---- chaos -----------------------------------------------------------------------------------

TEST(ChaosPlanTest, NothingWhenDisabled) {
  core::Rng rng(7);
  auto c = plan_event_chaos(ChaosSettings{}, rng);
  EXPECT_TRUE(c.names().empty());
}

TEST(ChaosPlanTest, CertainProbabilitiesAlwaysApply) {
  ChaosSettings s;
  s.duplicate = 1.0;
  s.bad_signature = 1.0;
  s.stale_timestamp = 1.0;
  s.delay = 1.0;
  s.delay_min = 5ms;
  s.delay_max = 10ms;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    auto c = plan_event_chaos(s, core::Rng(seed));
    EXPECT_TRUE(c.duplicate && c.bad_signature && c.stale_timestamp);
    EXPECT_GE(c.extra_delay, 5ms);
    EXPECT_LE(c.extra_delay, 10ms);
    EXPECT_FALSE(c.drop);
  }
}

TEST(ChaosPlanTest, DropExcludesEverythingElse) {
  ChaosSettings s;
  s.drop = 1.0;
  s.duplicate = 1.0;
  auto c = plan_event_chaos(s, core::Rng(1));
  EXPECT_TRUE(c.drop);
  EXPECT_FALSE(c.duplicate);
  EXPECT_EQ(c.names(), std::vector<std::string>{"drop"});
}

TEST(ChaosPlanTest, SameSeedSameDrawsAndRatesAreRoughlyRight) {
  ChaosSettings s;
  s.duplicate = 0.3;
  int dup = 0;
  for (uint64_t i = 0; i < 2000; ++i) {
    core::Rng rng = core::Rng(42).fork("event/" + std::to_string(i));
    auto a = plan_event_chaos(s, rng);
    auto b = plan_event_chaos(s, rng);
    EXPECT_EQ(a.duplicate, b.duplicate);
    dup += a.duplicate ? 1 : 0;
  }
  EXPECT_GT(dup, 450);   // 600 expected
  EXPECT_LT(dup, 750);
}

TEST(ChaosPlanTest, EnablingOneKindDoesNotShiftAnother) {
  ChaosSettings only_dup;
  only_dup.duplicate = 0.5;
  ChaosSettings dup_and_sig = only_dup;
  dup_and_sig.bad_signature = 0.5;
  dup_and_sig.stale_timestamp = 0.5;
  for (uint64_t i = 0; i < 200; ++i) {
    core::Rng rng(i);
    EXPECT_EQ(plan_event_chaos(only_dup, rng).duplicate,
              plan_event_chaos(dup_and_sig, rng).duplicate);
  }
}

TEST(ChaosPlanTest, ReorderIsPerMessage) {
  ChaosSettings s;
  EXPECT_FALSE(plan_reorder(s, core::Rng(1)));
  s.reorder = 1.0;
  EXPECT_TRUE(plan_reorder(s, core::Rng(1)));
}

// ---- wire format -----------------------------------------------------------------------------

TEST(EnvelopeTest, ShapeMatchesContract) {
  const std::string data = event_data_json(EventKind::Finalized, "a2b3c4d5-e6f7-4081-9a2b-3c4d5e6f7081",
                                           "2025-03-01T12:00:04.027+00:00", sample_message());
  const std::string body = envelope_body(data, 4, "https://hooks.example.test/t?x=\"1\"");
  const json j = json::parse(body);
  EXPECT_EQ(j["data"]["event_type"], "message.finalized");
  EXPECT_EQ(j["data"]["id"], "a2b3c4d5-e6f7-4081-9a2b-3c4d5e6f7081");
  EXPECT_EQ(j["data"]["record_type"], "event");
  EXPECT_EQ(j["data"]["occurred_at"], "2025-03-01T12:00:04.027+00:00");
  EXPECT_EQ(j["data"]["payload"]["id"], "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f");
  EXPECT_EQ(j["data"]["payload"]["record_type"], "message");
  EXPECT_EQ(j["meta"]["attempt"], 4);
  EXPECT_EQ(j["meta"]["delivered_to"], "https://hooks.example.test/t?x=\"1\"");
  // The same object core's model writes for this event.
  core::WebhookEvent model;
  model.event_type = "message.finalized";
  model.id = "a2b3c4d5-e6f7-4081-9a2b-3c4d5e6f7081";
  model.occurred_at = "2025-03-01T12:00:04.027+00:00";
  model.payload = sample_message();
  EXPECT_EQ(j["data"], json(model)["data"]);
  // And core's model reads it back.
  auto ev = j.get<core::WebhookEvent>();
  EXPECT_EQ(ev.payload.to.at(0).phone_number, "+17735550188");
  ASSERT_TRUE(ev.meta);
  EXPECT_EQ(ev.meta->attempt, 4);
}

TEST(SignatureKindTest, ProfileApiV1WithSecretGetsHmacOnly) {
  SigningSettings s;
  WebhookRouting r;
  EXPECT_EQ(signature_kind(s, r), SignatureKind::Ed25519);
  r.profile.api_version = "1";
  EXPECT_EQ(signature_kind(s, r), SignatureKind::Ed25519);   // no secret: cannot HMAC
  r.profile.v1_secret = "s3cr3t";
  EXPECT_EQ(signature_kind(s, r), SignatureKind::Hmac);
  r.profile.api_version = "2";
  s.hmac = true;
  EXPECT_EQ(signature_kind(s, r), SignatureKind::Both);
  s.ed25519 = false;
  EXPECT_EQ(signature_kind(s, r), SignatureKind::Hmac);
  r.profile.v1_secret.reset();
  EXPECT_EQ(signature_kind(s, r), SignatureKind::None);
}

class HeadersTest : public ::testing::Test {
 protected:
  core::Ed25519KeyPair key = core::generate_ed25519();
  core::Ed25519Signer signer{key};
  std::string body = R"({"data":{"id":"x"},"meta":{"attempt":1,"delivered_to":"http://h/"}})";
  int64_t now = 1740830404;

  // The headers of one Ed25519-signed attempt.
  std::map<std::string, std::string> ed25519_headers(const EventChaos& c, std::chrono::seconds stale_by,
                                                     const std::string& user_agent = "") {
    return as_map(attempt_headers(SignatureKind::Ed25519, signer, std::nullopt, user_agent, body, now, c, stale_by));
  }
  // What a receiver checking the Ed25519 signature in `h` at time `at` concludes.
  core::VerifyStatus verify(std::map<std::string, std::string>& h, int64_t at) {
    return core::verify_ed25519(key.public_key_base64(), h["telnyx-signature-ed25519"], h["telnyx-timestamp"], body,
                                at);
  }
};

TEST_F(HeadersTest, GenuineEd25519Verifies) {
  auto h = ed25519_headers(EventChaos{}, 600s, "ua/1");
  EXPECT_EQ(h["Content-Type"], "application/json");
  EXPECT_EQ(h["User-Agent"], "ua/1");
  EXPECT_EQ(h["telnyx-timestamp"], "1740830404");
  EXPECT_EQ(h.count("X-Telnyx-Signature"), 0u);
  EXPECT_EQ(verify(h, now), core::VerifyStatus::Ok);
}

TEST_F(HeadersTest, BadSignatureIsWellFormedButMismatches) {
  EventChaos c;
  c.bad_signature = true;
  auto h = ed25519_headers(c, 600s);
  EXPECT_EQ(h.count("User-Agent"), 0u);
  EXPECT_EQ(verify(h, now), core::VerifyStatus::Mismatch);
}

TEST_F(HeadersTest, StaleTimestampIsSignedButTooOld) {
  EventChaos c;
  c.stale_timestamp = true;
  auto h = ed25519_headers(c, 10s);
  // Even a configured stale_by below the tolerance yields a timestamp beyond it.
  EXPECT_LT(std::stoll(h["telnyx-timestamp"]), now - 300);
  EXPECT_EQ(verify(h, now), core::VerifyStatus::StaleTimestamp);
  // Correctly signed: it verifies at its own time.
  EXPECT_EQ(verify(h, std::stoll(h["telnyx-timestamp"])), core::VerifyStatus::Ok);
}

TEST_F(HeadersTest, HmacForApiV1) {
  auto h = as_map(attempt_headers(SignatureKind::Hmac, signer, std::string("s3cr3t"), "", body, now,
                                  EventChaos{}, 600s));
  EXPECT_EQ(h.count("telnyx-signature-ed25519"), 0u);
  EXPECT_EQ(h["X-Telnyx-Signature"].rfind("t=1740830404,h=", 0), 0u);
  EXPECT_EQ(core::verify_hmac_header("s3cr3t", h["X-Telnyx-Signature"], body, now),
            core::VerifyStatus::Ok);
  EXPECT_NE(core::verify_hmac_header("other", h["X-Telnyx-Signature"], body, now),
            core::VerifyStatus::Ok);
  EventChaos bad;
  bad.bad_signature = true;
  auto hb = as_map(attempt_headers(SignatureKind::Both, signer, std::string("s3cr3t"), "", body, now,
                                   bad, 600s));
  EXPECT_EQ(core::verify_hmac_header("s3cr3t", hb["X-Telnyx-Signature"], body, now),
            core::VerifyStatus::Mismatch);
  EXPECT_EQ(hb.count("telnyx-signature-ed25519"), 1u);
}

TEST(SplitUrlTest, OriginAndPath) {
  auto a = split_url("https://127.0.0.1:8443/hooks/t?x=1#frag");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->origin, "https://127.0.0.1:8443");
  EXPECT_EQ(a->path, "/hooks/t?x=1");
  EXPECT_TRUE(a->tls);
  auto b = split_url("http://localhost:9000");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "/");
  EXPECT_FALSE(b->tls);
  auto c = split_url("http://h?q=1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->origin, "http://h");
  EXPECT_EQ(c->path, "/?q=1");
  EXPECT_FALSE(split_url("ftp://h/"));
  EXPECT_FALSE(split_url("http:///path"));
  EXPECT_FALSE(split_url("not a url"));
}

}  // namespace
}  // namespace harness::mock

namespace harness::mock {
namespace {

TEST(AttemptChaosTest, CorruptionIsPerAttemptUnlessAllAttempts) {
  EventChaos e;
  e.bad_signature = true;
  e.stale_timestamp = true;
  e.duplicate = true;
  const EventChaos first = attempt_chaos(e, 1, false);
  EXPECT_TRUE(first.bad_signature && first.stale_timestamp);
  EXPECT_EQ(corruption_names(first), (std::vector<std::string>{"bad_signature", "stale_timestamp"}));
  const EventChaos retry = attempt_chaos(e, 2, false);
  EXPECT_FALSE(retry.bad_signature || retry.stale_timestamp);
  EXPECT_TRUE(retry.duplicate);   // per-event kinds are untouched
  EXPECT_TRUE(corruption_names(retry).empty());
  const EventChaos all = attempt_chaos(e, 3, true);
  EXPECT_TRUE(all.bad_signature && all.stale_timestamp);
}

}  // namespace
}  // namespace harness::mock
