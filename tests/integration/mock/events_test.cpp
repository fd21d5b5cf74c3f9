// GET /_mock/events (the inbox's live updates) over real sockets: a send through the API arrives
// as a `message` event, a subscriber sees only its tenant, webhook attempts arrive as `webhook`
// events, the admin token is required (header or ?access_token=), the subscriber limit answers
// 429 with the envelope, a subscriber that never reads is cut instead of growing the mock's
// memory, and stop() closes the streams.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "mock_fixture.h"
#include "raw_connection.h"

namespace harness::mock {
namespace {

using namespace std::chrono_literals;
using testing::MockFixture;
using testing::RawConnection;
using testing::Reply;

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::string events_request(const std::string& query, const std::string& token = "") {
  std::string r = "GET /_mock/events" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  return r + "\r\n";
}

// Subscribes and waits for the ready event.
std::unique_ptr<RawConnection> subscribe(int port, const std::string& query, const std::string& token = "") {
  auto c = std::make_unique<RawConnection>(port);
  EXPECT_TRUE(c->send_all(events_request(query, token)));
  const std::string got = c->read_until([](const std::string& r) { return has(r, "event: ready\n"); });
  EXPECT_TRUE(has(got, "event: ready\n")) << got;
  return c;
}

// Asks for a stream that is refused: the status code and body of the answer.
std::pair<int, core::json> refused(int port, const std::string& query, const std::string& token = "") {
  RawConnection c(port);
  EXPECT_TRUE(c.send_all(events_request(query, token)));
  const std::string got = c.read_to_end();
  const int status = got.size() > 12 ? std::atoi(got.c_str() + 9) : -1;
  const size_t body = got.find("\r\n\r\n");
  return {status, core::json::parse(body == std::string::npos ? "" : got.substr(body + 4), nullptr, false)};
}

class EventsTest : public MockFixture {};

TEST_F(EventsTest, SendThroughTheApiArrivesAsMessageEvent) {
  auto sub = subscribe(server_->port(), "?api_key=KEYtest");
  const std::string& head = sub->read_until([](const std::string&) { return true; });
  EXPECT_TRUE(has(head, "Content-Type: text/event-stream\r\n")) << head;
  EXPECT_FALSE(has(head, "Content-Length")) << head;

  Reply r = send({{"from", own_number()}, {"to", "+13125550111"}, {"text", "live hello"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string id = r.body["data"]["id"];
  const std::string got = sub->read_until([&](const std::string& s) { return has(s, id); });
  const size_t at = got.find("event: message\ndata: ");
  ASSERT_NE(at, std::string::npos) << got;
  const size_t end = got.find("\n\n", at);
  const auto data = core::json::parse(got.substr(at + 21, end - at - 21), nullptr, false);
  ASSERT_TRUE(data.is_object()) << got;
  EXPECT_EQ(data["message"]["id"], id);
  EXPECT_EQ(data["message"]["text"], "live hello");
  EXPECT_EQ(data["message"]["direction"], "outbound");
  EXPECT_FALSE(data["tenant"].get<std::string>().empty());
}

TEST_F(EventsTest, SubscriberSeesOnlyItsTenant) {
  auto sub = subscribe(server_->port(), "?api_key=KEYmine");
  Reply other = send({{"from", own_number("KEYother")}, {"to", "+13125550111"}, {"text", "not yours"}}, "KEYother");
  ASSERT_EQ(other.status, 200);
  Reply mine = send({{"from", own_number("KEYmine")}, {"to", "+13125550111"}, {"text", "yours"}}, "KEYmine");
  ASSERT_EQ(mine.status, 200);
  // Events reach a subscriber in the order they were published: had the other tenant's event
  // been sent, it would be here before this one.
  const std::string got = sub->read_until([&](const std::string& s) { return has(s, mine.body["data"]["id"]); });
  EXPECT_TRUE(has(got, "yours")) << got;
  EXPECT_FALSE(has(got, other.body["data"]["id"].get<std::string>())) << got;
  EXPECT_FALSE(has(got, "not yours")) << got;
}

TEST_F(EventsTest, UnknownApiKeyIsABadRequest) {
  auto [status, body] = refused(server_->port(), "?api_key=nope");
  EXPECT_EQ(status, 400);
  ASSERT_TRUE(body.contains("errors")) << body;
  EXPECT_EQ(body["errors"][0]["code"], "10015");
  EXPECT_EQ(body["errors"][0]["source"]["parameter"], "api_key");
}

TEST_F(EventsTest, ResetReachesEverySubscriber) {
  auto sub = subscribe(server_->port(), "?api_key=KEYtest");
  ASSERT_EQ(post("/_mock/reset", "").status, 200);
  const std::string got = sub->read_until([](const std::string& s) { return has(s, "event: reset\n"); });
  EXPECT_TRUE(has(got, "event: reset\ndata: {}\n\n")) << got;
}

TEST_F(EventsTest, StopClosesTheStream) {
  auto sub = subscribe(server_->port(), "");
  server_->stop();
  sub->read_to_end(5s);
  EXPECT_TRUE(sub->ended());
}

TEST_F(EventsTest, OtherMethodsAre405) {
  auto r = post("/_mock/events", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.code(), "10015");
  EXPECT_EQ(r.headers.find("Allow")->second, "GET");
}

class EventsTokenTest : public MockFixture {
 protected:
  EventsTokenTest() { opts_.admin_token = "s3cret"; }
};

TEST_F(EventsTokenTest, AdminTokenByHeaderOrQuery) {
  {
    auto [status, body] = refused(server_->port(), "");
    EXPECT_EQ(status, 401);
    EXPECT_EQ(body["errors"][0]["code"], "10009") << body;
  }
  {
    EXPECT_EQ(refused(server_->port(), "?access_token=wrong").first, 401);
  }
  auto by_header = subscribe(server_->port(), "", "s3cret");
  auto by_query = subscribe(server_->port(), "?access_token=s3cret");
}

class EventsLimitTest : public MockFixture {
 protected:
  EventsLimitTest() { opts_.config_yaml = "settings:\n  max_event_streams: 2\n"; }
};

TEST_F(EventsLimitTest, BeyondTheLimitIs429ThenASlotFreesUp) {
  auto a = subscribe(server_->port(), "");
  auto b = subscribe(server_->port(), "");
  {
    auto [status, body] = refused(server_->port(), "");
    EXPECT_EQ(status, 429);
    ASSERT_TRUE(body.contains("errors")) << body;
    EXPECT_EQ(body["errors"][0]["code"], "10011");
    EXPECT_TRUE(has(body["errors"][0]["detail"], "max_event_streams")) << body;
  }
  // One subscriber leaves; once the mock has seen it go, a new one is served.
  a.reset();
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.send_all(events_request("")));
    const std::string got = c.read_until([](const std::string& r) { return has(r, "\r\n\r\n"); });
    served = got.rfind("HTTP/1.1 200", 0) == 0;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
  auto m = get("/metrics");
  EXPECT_TRUE(has(m.raw, "telnyx_mock_event_streams_refused_total 1")) << m.raw;
}

class EventsSlowTest : public MockFixture {
 protected:
  EventsSlowTest() { opts_.config_yaml = "settings:\n  event_stream_buffer_bytes: 4096\n"; }
};

TEST_F(EventsSlowTest, SubscriberThatNeverReadsIsCut) {
  RawConnection slow(server_->port());
  const int small = 4096;
  ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(slow.send_all(events_request("")));
  // A reading subscriber beside it keeps being served.
  auto fast = subscribe(server_->port(), "");
  const std::string from = own_number();
  bool cut = false;
  std::string last_id;
  for (int i = 0; i < 5000 && !cut; ++i) {
    Reply r = send({{"from", from}, {"to", "+13125550111"}, {"text", std::string(400, 'a' + i % 26)}});
    ASSERT_EQ(r.status, 200);
    last_id = r.body["data"]["id"];
    // The reading subscriber takes each event as it comes (its own queue stays near empty).
    ASSERT_TRUE(has(fast->read_until([&](const std::string& s) { return has(s, last_id); }), last_id)) << i;
    if (i % 25 == 24) cut = has(get("/metrics").raw, "telnyx_mock_event_streams_ended_total{reason=\"slow_subscriber\"} 1\n");
  }
  EXPECT_TRUE(cut) << "the subscriber that never reads was not cut";
  EXPECT_FALSE(fast->ended());
  EXPECT_TRUE(has(get("/metrics").raw, "telnyx_mock_event_streams_open 1"));
}

// Webhook attempts arrive as events: the profile's URL refuses connections, so the inbound
// message's message.received attempt fails and is recorded.
TEST(EventsWebhook, AttemptArrivesAsWebhookEvent) {
  MockServerOptions o;
  o.config_yaml = testing::one_profile_tenant("acme", "KEYacme", "http://127.0.0.1:1/hooks");
  MockServer mock(o);
  ASSERT_FALSE(mock.start());
  auto sub = subscribe(mock.port(), "?api_key=KEYacme");
  httplib::Client c(mock.base_url());
  auto r = c.Post("/_mock/inbound", R"({"from":"+13125550999","to":"+13125550147","text":"hi app"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string got = sub->read_until([](const std::string& s) { return has(s, "event: webhook\n"); });
  EXPECT_TRUE(has(got, "event: message\n")) << got;
  const size_t at = got.find("event: webhook\ndata: ");
  ASSERT_NE(at, std::string::npos) << got;
  const auto data = core::json::parse(got.substr(at + 21, got.find("\n\n", at) - at - 21), nullptr, false);
  EXPECT_EQ(data["attempt"]["event_type"], "message.received") << data;
  EXPECT_EQ(data["attempt"]["url"], "http://127.0.0.1:1/hooks");
  EXPECT_EQ(data["tenant"], "acme");
  mock.stop();
}

}  // namespace
}  // namespace harness::mock
