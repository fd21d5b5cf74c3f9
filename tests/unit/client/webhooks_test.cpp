#include "client/webhooks.h"

#include <gtest/gtest.h>

namespace harness::client {
namespace {

const char* kBody =
    R"({"data":{"event_type":"message.sent","id":"a2b3c4d5-e6f7-4081-9a2b-3c4d5e6f7081",)"
    R"("occurred_at":"2025-03-01T12:00:04.027+00:00","record_type":"event",)"
    R"("payload":{"record_type":"message","id":"4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f","direction":"outbound",)"
    R"("type":"SMS","from":{"phone_number":"+13125550147"},"to":[{"phone_number":"+17735550188","status":"sent"}],)"
    R"("text":"hi","media":[],"encoding":"GSM-7","parts":1,"errors":[],"tags":[],"cc":[]}},)"
    R"("meta":{"attempt":1,"delivered_to":"https://hooks.example.test/telnyx"}})";

constexpr int64_t kNow = 1740830404;

TEST(VerifyAndParse, AcceptsAValidEd25519Signature) {
  core::Ed25519KeyPair kp = core::generate_ed25519();
  WebhookVerifyConfig cfg;
  cfg.ed25519_public_key = kp.public_key_base64();
  WebhookRequest req{kBody, core::sign_ed25519(kp, std::to_string(kNow), kBody),
                     std::to_string(kNow), ""};
  auto ev = verify_and_parse(cfg, req, kNow + 10);
  ASSERT_TRUE(ev.ok()) << ev.error().reason;
  EXPECT_EQ(ev->event_type, "message.sent");
  EXPECT_EQ(ev->id, "a2b3c4d5-e6f7-4081-9a2b-3c4d5e6f7081");
  EXPECT_EQ(ev->payload.id, "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f");
  EXPECT_EQ(ev->payload.status(), "sent");
}

TEST(VerifyAndParse, RejectsTamperedStaleAndUnsigned) {
  core::Ed25519KeyPair kp = core::generate_ed25519();
  WebhookVerifyConfig cfg;
  cfg.ed25519_public_key = kp.public_key_base64();
  std::string sig = core::sign_ed25519(kp, std::to_string(kNow), kBody);
  std::string tampered = std::string(kBody);
  tampered[tampered.find("sent\"}")] = 'S';
  auto bad = verify_and_parse(cfg, {tampered, sig, std::to_string(kNow), ""}, kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().http_status, 401);
  auto stale = verify_and_parse(cfg, {kBody, sig, std::to_string(kNow), ""}, kNow + 301);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().reason.find("signature"), std::string::npos);
  auto none = verify_and_parse(cfg, {kBody, "", "", ""}, kNow);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().http_status, 401);
}

TEST(VerifyAndParse, AcceptsHmacForV1Profiles) {
  WebhookVerifyConfig cfg;
  cfg.hmac_secret = "s3cr3tExample";
  std::string header = core::hmac_signature_header("s3cr3tExample", kNow, kBody);
  auto ev = verify_and_parse(cfg, {kBody, "", "", header}, kNow);
  ASSERT_TRUE(ev.ok()) << ev.error().reason;
  auto wrong = verify_and_parse(cfg, {kBody, "", "", core::hmac_signature_header("other", kNow, kBody)}, kNow);
  EXPECT_FALSE(wrong.ok());
}

TEST(VerifyAndParse, RejectsMalformedBodyWith400) {
  WebhookVerifyConfig cfg;
  cfg.require_signature = false;
  auto ev = verify_and_parse(cfg, {"{\"data\":", "", "", ""}, kNow);
  ASSERT_FALSE(ev.ok());
  EXPECT_EQ(ev.error().http_status, 400);
}

TEST(EventDeduper, SeesEachIdOnceAndForgetsTheOldest) {
  EventDeduper d(2);
  EXPECT_TRUE(d.first_time("a"));
  EXPECT_FALSE(d.first_time("a"));
  EXPECT_TRUE(d.first_time("b"));
  EXPECT_TRUE(d.first_time("c"));   // evicts "a"
  EXPECT_EQ(d.size(), 2u);
  EXPECT_TRUE(d.first_time("a"));
}

TEST(StatusOrder, LateSentNeverOverwritesDelivered) {
  StatusTracker t;
  EXPECT_TRUE(t.apply("m", "queued"));
  EXPECT_TRUE(t.apply("m", "delivered"));
  EXPECT_FALSE(t.apply("m", "sent"));
  EXPECT_FALSE(t.apply("m", "delivery_failed"));   // first terminal status wins
  EXPECT_EQ(t.status("m"), "delivered");
  EXPECT_FALSE(t.apply("m", "bogus"));
  EXPECT_FALSE(t.status("unknown"));
}

TEST(StatusOrder, RanksFollowTheLifecycle) {
  EXPECT_TRUE(status_advances("", "sent"));
  EXPECT_TRUE(status_advances("queued", "sent"));
  EXPECT_FALSE(status_advances("sent", "queued"));
  EXPECT_TRUE(status_advances("sent", "expired"));
  EXPECT_LT(status_rank("sending"), status_rank("sent"));
  EXPECT_EQ(status_rank("webhook_delivered"), -1);
}

}  // namespace
}  // namespace harness::client
