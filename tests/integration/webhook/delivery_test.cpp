// Webhook delivery against real receivers on 127.0.0.1: events and store state, URL precedence,
// retries, failover, 3xx, deadlines, signing (Ed25519 and HMAC), TLS, overflow and shutdown.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include "core/signing.h"
#include "support/paths.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"
#include "webhook_test_support.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using harness::testing::ScopedServer;
using testing::Receiver;
using testing::accept;
using testing::eventually;
using testing::records_of;

class DeliveryTest : public testing::ReceiverTest {};

TEST_F(DeliveryTest, SentThenFinalizedWithStoreStateAndValidSignature) {
  accept(store, *engine, "m-1", to("/hooks"));
  ASSERT_TRUE(rx.wait_for(2));
  auto got = rx.all();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].event_type(), "message.sent");
  EXPECT_EQ(got[1].event_type(), "message.finalized");
  for (const auto& r : got) {
    EXPECT_EQ(r.message_id(), "m-1");
    EXPECT_EQ(r.json["data"]["record_type"], "event");
    EXPECT_TRUE(core::parse_rfc3339(r.json["data"]["occurred_at"].get<std::string>()));
    EXPECT_EQ(r.attempt(), 1);
    EXPECT_EQ(r.json["meta"]["delivered_to"], url("/hooks"));
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_EQ(r.header("User-Agent"), WebhookSettings{}.delivery.user_agent);
    EXPECT_EQ(core::verify_ed25519(key.public_key_base64(), r.header("telnyx-signature-ed25519"),
                                   r.header("telnyx-timestamp"), r.body,
                                   core::unix_seconds(clock.now())),
              core::VerifyStatus::Ok);
  }
  EXPECT_NE(got[0].event_id(), got[1].event_id());
  // The payload is the message as GET returns it at that moment.
  EXPECT_EQ(got[0].json["data"]["payload"]["to"][0]["status"], "sent");
  EXPECT_FALSE(got[0].json["data"]["payload"]["sent_at"].is_null());
  EXPECT_TRUE(got[0].json["data"]["payload"]["completed_at"].is_null());
  EXPECT_EQ(got[1].json["data"]["payload"]["to"][0]["status"], "delivered");
  EXPECT_EQ(got[1].json["data"]["payload"]["cost"]["amount"], "0.0040");
  EXPECT_EQ(store.history("m-1"), (std::vector<std::string>{"sending", "sent", "delivered"}));
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_delivered == 2; }));
  auto recs = records_of(*engine, "m-1");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].http_status, 200);
  EXPECT_EQ(recs[0].signature, "ed25519");
  EXPECT_EQ(recs[0].event_id, got[0].event_id());
  EXPECT_TRUE(recs[0].final);
}

TEST_F(DeliveryTest, FailedOutcomeCarriesErrors) {
  accept(store, *engine, "m-f", to("/hooks"), std::string("delivery_failed"), {40008});
  ASSERT_TRUE(rx.wait_for(2));
  auto fin = rx.all()[1];
  EXPECT_EQ(fin.event_type(), "message.finalized");
  EXPECT_EQ(fin.json["data"]["payload"]["to"][0]["status"], "delivery_failed");
  EXPECT_EQ(fin.json["data"]["payload"]["errors"][0]["code"], "40008");
  EXPECT_FALSE(fin.json["data"]["payload"]["completed_at"].is_null());
}

TEST_F(DeliveryTest, MessageUrlWinsOverProfileUrl) {
  WebhookRouting r = to("/message");
  r.profile.url = url("/profile");
  accept(store, *engine, "m-p", r);
  ASSERT_TRUE(rx.wait_for(2));
  ASSERT_TRUE(eventually([&] { return engine->idle(); }));
  EXPECT_EQ(rx.on("/message").size(), 2u);
  EXPECT_TRUE(rx.on("/profile").empty());
}

TEST_F(DeliveryTest, ProfileUrlUsedWhenNoMessageUrl) {
  WebhookRouting r;
  r.profile.url = url("/profile");
  accept(store, *engine, "m-q", r);
  ASSERT_TRUE(rx.wait_for(2));
  EXPECT_EQ(rx.on("/profile").size(), 2u);
}

TEST_F(DeliveryTest, ProfileUrlTriedAfterFailingMessageUrlsOnlyWithUseProfileWebhooks) {
  rx.respond_with([](const testing::Received& r, int) { return r.path == "/message" ? 500 : 200; });
  WebhookRouting r = to("/message");
  r.profile.url = url("/profile");
  accept(store, *engine, "m-r", r);
  ASSERT_TRUE(eventually([&] { return rx.on("/profile").size() == 2; }));
  for (const auto& p : rx.on("/profile")) EXPECT_EQ(p.attempt(), 4);

  r.use_profile_webhooks = false;
  accept(store, *engine, "m-s", r);
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_failed == 2; }));
  ASSERT_TRUE(eventually([&] { return engine->idle(); }));
  EXPECT_EQ(rx.on("/profile").size(), 2u);   // nothing more reached the profile
}

TEST_F(DeliveryTest, NoUrlMeansNoWebhookButTheMessageStillProgresses) {
  accept(store, *engine, "m-none", WebhookRouting{});
  EXPECT_EQ(engine->pending(), 0u);   // nothing to deliver, so nothing is scheduled
  ASSERT_TRUE(eventually([&] { return store.history("m-none").size() == 3; }));
  ASSERT_TRUE(eventually([&] { return engine->idle(); }));
  EXPECT_TRUE(rx.all().empty());
  EXPECT_EQ(engine->log().stats().events_no_url, 2u);
  EXPECT_EQ(store.get("tenant-1", "m-none")->status(), "delivered");
}

TEST_F(DeliveryTest, MessageEvictedBeforeItsEventsIsCountedNotSilent) {
  auto s = testing::fast_settings();
  s.timing.sent_after = 200ms;   // time to evict it first
  engine->set_settings(s);
  accept(store, *engine, "m-gone", to("/hooks"));
  store.erase("tenant-1", "m-gone");
  ASSERT_TRUE(eventually([&] { return engine->idle() && engine->log().stats().events_gone == 2; }));
  EXPECT_TRUE(rx.all().empty());
  auto recs = records_of(*engine, "m-gone");
  ASSERT_EQ(recs.size(), 2u);
  for (const auto& r : recs) {
    EXPECT_EQ(r.outcome, AttemptOutcome::Gone);
    EXPECT_TRUE(r.final);
  }
  EXPECT_NE(engine->metrics_text().find("telnyx_mock_webhook_events_total{outcome=\"gone\"} 2"), std::string::npos);
}

TEST_F(DeliveryTest, ThreeAttemptsThenFailoverWithAttemptCountedAcrossUrls) {
  rx.respond_with([](const testing::Received& r, int) { return r.path == "/primary" ? 503 : 200; });
  WebhookRouting r = to("/primary");
  r.message_failover_url = url("/failover");
  accept(store, *engine, "m-fo", r, std::string("delivered"));
  ASSERT_TRUE(eventually([&] { return rx.on("/failover").size() == 2; }));
  auto primary = rx.on("/primary");
  ASSERT_EQ(primary.size(), 6u);   // 3 per event
  auto fo = rx.on("/failover");
  for (const auto& f : fo) {
    EXPECT_EQ(f.attempt(), 4);
    EXPECT_EQ(f.json["meta"]["delivered_to"], url("/failover"));
  }
  // Same event id on every attempt of one event.
  AttemptFilter f;
  f.message_id = "m-fo";
  f.event_type = "message.sent";
  auto recs = engine->log().query(f);
  ASSERT_EQ(recs.size(), 4u);
  std::reverse(recs.begin(), recs.end());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(recs[i].attempt, i + 1);
    EXPECT_EQ(recs[i].event_id, recs[0].event_id);
  }
  EXPECT_EQ(recs[0].error, "status 503");
  EXPECT_FALSE(recs[2].final);
  EXPECT_EQ(recs[3].url, url("/failover"));
  EXPECT_TRUE(recs[3].final);
  EXPECT_EQ(recs[3].outcome, AttemptOutcome::Delivered);
}

TEST_F(DeliveryTest, GivesUpAfterSixAttempts) {
  rx.respond_with([](const testing::Received&, int) { return 500; });
  WebhookRouting r = to("/a");
  r.message_failover_url = url("/b");
  accept(store, *engine, "m-6", r);
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_failed == 2; }));
  ASSERT_TRUE(eventually([&] { return engine->idle(); }));
  EXPECT_EQ(rx.all().size(), 12u);
  int max_attempt = 0;
  for (const auto& g : rx.all()) max_attempt = std::max(max_attempt, g.attempt());
  EXPECT_EQ(max_attempt, 6);
}

TEST_F(DeliveryTest, RedirectIsAFailure) {
  rx.respond_with([](const testing::Received&, int) { return 302; });
  accept(store, *engine, "m-3xx", to("/moved"));
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_failed == 2; }));
  auto recs = records_of(*engine, "m-3xx");
  ASSERT_EQ(recs.size(), 6u);
  for (const auto& rec : recs) {
    EXPECT_EQ(rec.http_status, 302);
    EXPECT_EQ(rec.error, "status 302");
  }
}

TEST_F(DeliveryTest, ReceiverSlowerThanDeadlineIsRetried) {
  // The first request on the path sleeps past the 300 ms deadline; the retry is answered.
  rx.respond_with([](const testing::Received&, int nth) {
    if (nth == 1) std::this_thread::sleep_for(700ms);
    return 200;
  });
  accept(store, *engine, "m-slow", to("/slow"));
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_delivered == 2; }));
  AttemptFilter f;
  f.message_id = "m-slow";
  f.event_type = "message.sent";
  auto recs = engine->log().query(f);   // newest first
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].error, "timeout");
  EXPECT_EQ(recs[1].http_status, 0);
  EXPECT_FALSE(recs[1].final);
  EXPECT_EQ(recs[0].attempt, 2);
  EXPECT_EQ(recs[0].outcome, AttemptOutcome::Delivered);
}

TEST_F(DeliveryTest, DefaultTwoSecondDeadline) {
  // The one test with the real default deadline (contract §7.6): a 2.5 s receiver fails.
  WebhookSettings s = testing::fast_settings();
  s.delivery.timeout = WebhookSettings{}.delivery.timeout;
  ASSERT_EQ(s.delivery.timeout, 2s);
  engine->set_settings(s);
  rx.respond_with([](const testing::Received& r, int) {
    if (r.event_type() == "message.sent" && r.attempt() == 1) std::this_thread::sleep_for(2500ms);
    return 200;
  });
  accept(store, *engine, "m-2s", to("/slow2"));
  ASSERT_TRUE(eventually([&] { return engine->log().stats().events_delivered == 2; }, 15s));
  AttemptFilter f;
  f.message_id = "m-2s";
  f.event_type = "message.sent";
  auto recs = engine->log().query(f);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].error, "timeout");   // oldest last
  EXPECT_GE(recs[1].latency_ms, 1900.0);
  EXPECT_EQ(recs[0].outcome, AttemptOutcome::Delivered);
}

TEST_F(DeliveryTest, UnreachableUrlIsAConnectionFailure) {
  // A port that was just bound and released: nothing listens there.
  int dead_port = 0;
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    dead_port = ntohs(a.sin_port);
    ::close(fd);   // bound, never listening, now closed: connections are refused
  }
  WebhookRouting r;
  r.message_url = "http://127.0.0.1:" + std::to_string(dead_port) + "/x";
  r.message_failover_url = url("/ok");
  accept(store, *engine, "m-dead", r);
  ASSERT_TRUE(eventually([&] { return rx.on("/ok").size() == 2; }));
  auto recs = records_of(*engine, "m-dead");
  EXPECT_EQ(recs[0].error, "connection");
}

TEST_F(DeliveryTest, HmacForApiV1ProfileWithSecret) {
  WebhookRouting r;
  r.profile.url = url("/v1");
  r.profile.api_version = "1";
  r.profile.v1_secret = "s3cr3tExample";
  accept(store, *engine, "m-hmac", r);
  ASSERT_TRUE(rx.wait_for(2));
  for (const auto& g : rx.all()) {
    EXPECT_TRUE(g.header("telnyx-signature-ed25519").empty());
    EXPECT_EQ(core::verify_hmac_header("s3cr3tExample", g.header("X-Telnyx-Signature"), g.body,
                                       core::unix_seconds(clock.now())),
              core::VerifyStatus::Ok);
  }
  EXPECT_EQ(records_of(*engine, "m-hmac").at(0).signature, "hmac");
}

TEST_F(DeliveryTest, BothSignaturesWhenConfigured) {
  WebhookSettings s = testing::fast_settings();
  s.signing.hmac = true;
  engine->set_settings(s);
  WebhookRouting r = to("/both");
  r.profile.v1_secret = "k";
  accept(store, *engine, "m-both", r);
  ASSERT_TRUE(rx.wait_for(2));
  const auto g = rx.all()[0];
  const int64_t now = core::unix_seconds(clock.now());
  EXPECT_EQ(core::verify_hmac_header("k", g.header("X-Telnyx-Signature"), g.body, now),
            core::VerifyStatus::Ok);
  EXPECT_EQ(core::verify_ed25519(key.public_key_base64(), g.header("telnyx-signature-ed25519"),
                                 g.header("telnyx-timestamp"), g.body, now),
            core::VerifyStatus::Ok);
}

TEST_F(DeliveryTest, QueueOverflowIsCountedNotSilent) {
  engine->shutdown();
  EngineOptions o;
  o.queue_capacity = 1;
  o.workers = 1;
  engine = std::make_unique<WebhookEngine>(store, clock, key, o);
  WebhookSettings s = testing::fast_settings();
  s.timing.sent_after = 1h;   // the first flow occupies the only slot
  engine->set_settings(s);
  accept(store, *engine, "m-a", to("/q"));
  accept(store, *engine, "m-b", to("/q"));
  auto st = engine->log().stats();
  EXPECT_EQ(st.queue_overflow, 2u);   // both events of m-b
  auto recs = records_of(*engine, "m-b");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].outcome, AttemptOutcome::Overflow);
  EXPECT_NE(engine->metrics_text().find("telnyx_mock_webhook_queue_overflow_total 2"),
            std::string::npos);
  EXPECT_EQ(engine->webhooks_json({})["stats"]["queue_overflow"], 2);
  // Shutdown reports m-a's two events as not delivered.
  auto rep = engine->shutdown();
  EXPECT_EQ(rep.abandoned_tasks, 1u);
  EXPECT_EQ(rep.stats.events_abandoned, 2u);
  EXPECT_NE(rep.summary().find("2 not delivered at shutdown"), std::string::npos);
}

TEST_F(DeliveryTest, ShutdownAbandonsPendingRetries) {
  WebhookSettings s = testing::fast_settings();
  s.delivery.backoff = {1h};
  engine->set_settings(s);
  rx.respond_with([](const testing::Received&, int) { return 500; });
  accept(store, *engine, "m-r1", to("/down"));
  ASSERT_TRUE(rx.wait_for(2));
  ASSERT_TRUE(eventually([&] { return engine->pending() == 2 && engine->idle() == false; }));
  ASSERT_TRUE(eventually([&] { return engine->log().stats().attempts == 2; }));
  auto rep = engine->shutdown();
  EXPECT_EQ(rep.abandoned_tasks, 2u);
  EXPECT_EQ(rep.stats.events_abandoned, 2u);
}

// ---- TLS -------------------------------------------------------------------------------------

// fixtures/tls/{cert,key}.pem when present; otherwise a throwaway pair made with openssl.
std::pair<std::string, std::string> tls_pair() {
  const std::string cert = harness::testing::source_path("fixtures/tls/cert.pem");
  const std::string key = harness::testing::source_path("fixtures/tls/key.pem");
  if (std::filesystem::exists(cert) && std::filesystem::exists(key)) return {cert, key};
  const auto dir = std::filesystem::temp_directory_path() / "webhook-tls-test";
  std::filesystem::create_directories(dir);
  const std::string c = (dir / "cert.pem").string(), k = (dir / "key.pem").string();
  if (!std::filesystem::exists(c)) {
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout '" + k +
        "' -out '" + c + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return {};
  }
  return {c, k};
}

TEST_F(DeliveryTest, HttpsReceiver) {
  auto [cert, keyfile] = tls_pair();
  ASSERT_FALSE(cert.empty()) << "could not create a TLS certificate";
  httplib::SSLServer https(cert.c_str(), keyfile.c_str());
  ASSERT_TRUE(https.is_valid());
  Receiver tls_rx;
  tls_rx.install(https);
  ScopedServer tls_server(https);
  WebhookRouting r;
  r.message_url = "https://127.0.0.1:" + std::to_string(tls_server.port()) + "/secure";
  accept(store, *engine, "m-tls", r);
  ASSERT_TRUE(tls_rx.wait_for(2));
  auto got = tls_rx.all();
  EXPECT_EQ(got[0].event_type(), "message.sent");
  EXPECT_EQ(got[0].json["meta"]["delivered_to"], r.message_url);
  EXPECT_EQ(core::verify_ed25519(key.public_key_base64(), got[1].header("telnyx-signature-ed25519"),
                                 got[1].header("telnyx-timestamp"), got[1].body,
                                 core::unix_seconds(clock.now())),
            core::VerifyStatus::Ok);
  engine->shutdown();   // before the TLS server goes away
}

}  // namespace
}  // namespace harness::mock
