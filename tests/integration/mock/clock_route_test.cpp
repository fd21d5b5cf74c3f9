// The mock's clock over HTTP, on real sockets: GET /_mock/clock and POST /_mock/clock/advance on
// the default clock (the system time plus an offset, as the telnyx-mock binary runs), on an
// embedder's ManualClock, and refused on an embedder's clock that cannot be moved. A scheduled
// message fires when an advance passes its send_at, with its webhooks, and nothing waits for
// real time to pass.
#include <chrono>
#include <string>
#include <vector>
#include "core/clock.h"
#include "core/offset_clock.h"
#include "receiver_fixture.h"

namespace harness::mock::testing {
namespace {

using namespace std::chrono_literals;

// An embedder's clock that no control route can move.
class FixedClock final : public core::Clock {
 public:
  core::TimePoint now() const override { return core::TimePoint(std::chrono::seconds(1767225600)); }
};

class ClockRouteTest : public MockWithReceiver {
 protected:
  // Like MockWithReceiver, but on `embedder_clock_` (nullptr: the mock's default clock).
  void SetUp() override {
    rx_.install(http_);
    receiver_ = std::make_unique<harness::testing::ScopedServer>(http_);
    opts_.clock = embedder_clock_;
    server_ = std::make_unique<MockServer>(opts_);
    auto err = server_->start();
    ASSERT_FALSE(err) << *err;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }

  Reply advance(const std::string& body, const std::string& token = "") {
    return post("/_mock/clock/advance", body, token);
  }
  core::TimePoint mock_now() {
    auto r = get("/_mock/clock", "");
    EXPECT_EQ(r.status, 200) << r.raw;
    auto t = core::parse_rfc3339(r.body["data"]["now"].get<std::string>());
    EXPECT_TRUE(t);
    return t.value_or(core::TimePoint{});
  }
  Reply schedule(core::TimePoint send_at) {
    return post("/v2/messages/schedule",
                json{{"from", own_number()}, {"to", "+17735550188"}, {"text", "see you at 10"},
                     {"send_at", core::format_rfc3339(send_at)}, {"webhook_url", receiver_->url() + "/hooks"}}.dump());
  }
  std::string status_of(const std::string& id) {
    auto r = get("/v2/messages/" + id);
    return r.status == 200 ? r.body["data"]["to"][0]["status"].get<std::string>() : "HTTP " + std::to_string(r.status);
  }
  // The event types the receiver got, once two arrived (bounded wait), and each for message `id`.
  std::vector<std::string> events_of(const std::string& id) {
    std::vector<std::string> types;
    if (!rx_.wait_for(2)) return types;
    for (const auto& r : rx_.all()) types.push_back(r.message_id() == id ? r.event_type() : "other message");
    return types;
  }
  std::string detail(const Reply& r) const {
    return r.code().empty() ? std::string() : r.body["errors"][0].value("detail", "");
  }

  core::Clock* embedder_clock_ = nullptr;
};

TEST_F(ClockRouteTest, TheDefaultClockIsTheSystemClockUntilAdvanced) {
  const auto before = std::chrono::system_clock::now();
  auto r = get("/_mock/clock", "");
  const auto after = std::chrono::system_clock::now();
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["offset_seconds"], 0);
  EXPECT_EQ(r.body["data"]["advanceable"], true);
  auto now = core::parse_rfc3339(r.body["data"]["now"].get<std::string>());
  ASSERT_TRUE(now) << r.raw;
  EXPECT_GE(*now, std::chrono::time_point_cast<std::chrono::milliseconds>(before));
  EXPECT_LE(*now, after);
  EXPECT_NE(dynamic_cast<core::OffsetClock*>(&server_->clock()), nullptr);
}

TEST_F(ClockRouteTest, AdvancingPastSendAtFiresTheScheduledMessageWithItsWebhooks) {
  auto s = schedule(mock_now() + 10min);
  ASSERT_EQ(s.status, 200) << s.raw;
  const std::string id = s.body["data"]["id"];
  EXPECT_EQ(status_of(id), "scheduled");

  auto early = advance(R"({"seconds": 540})");
  ASSERT_EQ(early.status, 200) << early.raw;
  EXPECT_EQ(early.body["data"]["scheduled_fired"], 0);
  EXPECT_EQ(early.body["data"]["advanced_seconds"], 540);
  EXPECT_EQ(early.body["data"]["offset_seconds"], 540);
  EXPECT_EQ(status_of(id), "scheduled");
  EXPECT_TRUE(rx_.all().empty());

  const auto system_before = std::chrono::system_clock::now();
  auto due = advance(R"({"duration": "2m"})");
  ASSERT_EQ(due.status, 200) << due.raw;
  EXPECT_EQ(due.body["data"]["scheduled_fired"], 1) << due.raw;
  EXPECT_EQ(due.body["data"]["advanced_seconds"], 120);
  EXPECT_EQ(due.body["data"]["offset_seconds"], 660);
  auto now = core::parse_rfc3339(due.body["data"]["now"].get<std::string>());
  auto previous = core::parse_rfc3339(due.body["data"]["previous"].get<std::string>());
  ASSERT_TRUE(now && previous) << due.raw;
  EXPECT_GE(*now, *previous + 2min);
  EXPECT_GE(*now, std::chrono::time_point_cast<std::chrono::milliseconds>(system_before) + 11min);

  // Fired before the answer: no read or ticker was needed.
  EXPECT_NE(status_of(id), "scheduled");
  EXPECT_EQ(events_of(id), (std::vector<std::string>{"message.sent", "message.finalized"}));
  // The events carry the mock's time: 11 minutes ahead of the system clock.
  auto sent_at = core::parse_rfc3339(rx_.all().at(0).json["data"]["payload"]["sent_at"].get<std::string>());
  ASSERT_TRUE(sent_at);
  EXPECT_GE(*sent_at, std::chrono::time_point_cast<std::chrono::milliseconds>(system_before) + 11min);
  EXPECT_TRUE(eventually([&] { return status_of(id) == "delivered"; }));
  // send_at is judged on the moved clock too: 5 minutes after the mock's now, not the system's.
  auto too_soon = schedule(std::chrono::system_clock::now() + 10min);
  EXPECT_EQ(too_soon.status, 422) << too_soon.raw;
  EXPECT_EQ(too_soon.pointer(), "/send_at");
}

TEST_F(ClockRouteTest, MovingBackwardsIsRefusedAndNothingMoves) {
  for (const std::string body : {R"({"seconds": -60})", R"({"seconds": -0.001})", R"({"duration": "-5m"})",
                                 R"({"duration": " -1s"})"}) {
    auto r = advance(body);
    EXPECT_EQ(r.status, 422) << body << ": " << r.raw;
    EXPECT_EQ(r.code(), "10015") << body;
    EXPECT_NE(detail(r).find("only moves forward"), std::string::npos) << r.raw;
    EXPECT_EQ(r.pointer(), body.find("duration") != std::string::npos ? "/duration" : "/seconds") << body;
  }
  EXPECT_EQ(get("/_mock/clock", "").body["data"]["offset_seconds"], 0);
}

TEST_F(ClockRouteTest, BadBodiesGetAnEnvelopeAndNothingMoves) {
  struct Case {
    std::string body;
    int status;
    std::string code, pointer;
  };
  const Case cases[] = {
      {"", 400, "10015", ""},
      {"soon", 400, "10015", ""},
      {"[60]", 400, "10015", ""},
      {"60", 400, "10015", ""},
      {"{}", 422, "10004", "/seconds"},
      {R"({"secs": 60})", 400, "10015", "/secs"},
      {R"({"seconds": "60"})", 400, "10015", "/seconds"},
      {R"({"seconds": null})", 400, "10015", "/seconds"},
      {R"({"seconds": true})", 400, "10015", "/seconds"},
      {R"({"seconds": [60]})", 400, "10015", "/seconds"},
      {R"({"seconds": 60, "duration": "1m"})", 422, "10015", "/duration"},
      {R"({"duration": 60})", 400, "10015", "/duration"},
      {R"({"duration": "soon"})", 400, "10015", "/duration"},
      {R"({"duration": "5 minutes"})", 400, "10015", "/duration"},
      {R"({"duration": ""})", 400, "10015", "/duration"},
      // Absurd: past a century ahead, or past what 64-bit nanoseconds hold.
      {R"({"seconds": 1e300})", 422, "10015", "/seconds"},
      {R"({"seconds": 18446744073709551615})", 422, "10015", "/seconds"},
      {R"({"duration": "1000000h"})", 422, "10015", "/duration"},
      {R"({"duration": "99999999999999h"})", 400, "10015", "/duration"},
  };
  for (const auto& c : cases) {
    auto r = advance(c.body);
    EXPECT_EQ(r.status, c.status) << c.body << ": " << r.raw;
    EXPECT_EQ(r.code(), c.code) << c.body << ": " << r.raw;
    EXPECT_EQ(r.pointer(), c.pointer) << c.body << ": " << r.raw;
    EXPECT_FALSE(detail(r).empty()) << c.body;
  }
  EXPECT_EQ(get("/_mock/clock", "").body["data"]["offset_seconds"], 0);
  // The mock still answers normally afterwards.
  EXPECT_EQ(advance(R"({"seconds": 0.5})").body["data"]["offset_seconds"], 0.5);
}

TEST_F(ClockRouteTest, AdvancesAddUpToACenturyAndNoFurther) {
  const auto max_seconds = std::chrono::duration_cast<std::chrono::seconds>(core::kMaxClockLead).count();
  auto r = advance(R"({"seconds": )" + std::to_string(max_seconds - 10) + "}");
  ASSERT_EQ(r.status, 200) << r.raw;
  auto over = advance(R"({"duration": "11s"})");
  EXPECT_EQ(over.status, 422) << over.raw;
  EXPECT_EQ(over.code(), "10015");
  EXPECT_EQ(over.pointer(), "/duration");
  EXPECT_NE(detail(over).find("century"), std::string::npos) << over.raw;
  auto last = advance(R"({"seconds": 10})");
  ASSERT_EQ(last.status, 200) << last.raw;
  EXPECT_EQ(last.body["data"]["offset_seconds"], max_seconds);
  EXPECT_EQ(advance(R"({"seconds": 1})").status, 422);
  // The far future still formats and the mock still serves.
  EXPECT_EQ(get("/_mock/clock", "").body["data"]["offset_seconds"], max_seconds);
  EXPECT_EQ(get("/v2/messaging_profiles").status, 200);
}

TEST_F(ClockRouteTest, AResetKeepsTheClockAndTheRoutesAreListed) {
  ASSERT_EQ(advance(R"({"duration": "1h"})").status, 200);
  ASSERT_EQ(post("/_mock/reset", "", "").status, 200);
  EXPECT_EQ(get("/_mock/clock", "").body["data"]["offset_seconds"], 3600);
  auto index = get("/_mock/", "");
  ASSERT_EQ(index.status, 200) << index.raw;
  const std::string routes = index.body["data"]["routes"].dump();
  EXPECT_NE(routes.find("GET /_mock/clock"), std::string::npos) << routes;
  EXPECT_NE(routes.find("POST /_mock/clock/advance"), std::string::npos) << routes;
  EXPECT_EQ(get("/_mock/clock/advance", "").status, 405);
}

class ClockRouteAuthTest : public ClockRouteTest {
 protected:
  ClockRouteAuthTest() { opts_.admin_token = "s3cret-admin"; }
};

TEST_F(ClockRouteAuthTest, TheControlTokenIsRequired) {
  for (const std::string token : {"", "KEYtest", "wrong"}) {
    auto g = get("/_mock/clock", token);
    EXPECT_EQ(g.status, 401) << g.raw;
    EXPECT_EQ(g.code(), "10009");
    auto a = advance(R"({"seconds": 60})", token);
    EXPECT_EQ(a.status, 401) << a.raw;
    EXPECT_EQ(a.code(), "10009");
  }
  auto ok = get("/_mock/clock", "s3cret-admin");
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["data"]["offset_seconds"], 0);   // the refused advances moved nothing
  auto moved = advance(R"({"seconds": 60})", "s3cret-admin");
  ASSERT_EQ(moved.status, 200) << moved.raw;
  EXPECT_EQ(moved.body["data"]["offset_seconds"], 60);
}

class ManualClockRouteTest : public ClockRouteTest {
 protected:
  ManualClockRouteTest() { embedder_clock_ = &clock_; }
};

TEST_F(ManualClockRouteTest, AnEmbeddersManualClockIsMovedToo) {
  const auto start = clock_.now();
  auto g = get("/_mock/clock", "");
  ASSERT_EQ(g.status, 200) << g.raw;
  EXPECT_EQ(g.body["data"]["now"], core::format_rfc3339(start));
  EXPECT_TRUE(g.body["data"]["offset_seconds"].is_null());
  EXPECT_EQ(g.body["data"]["advanceable"], true);

  auto s = schedule(start + 10min);
  ASSERT_EQ(s.status, 200) << s.raw;
  auto r = advance(R"({"duration": "11m"})");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(clock_.now(), start + 11min);
  EXPECT_EQ(r.body["data"]["now"], core::format_rfc3339(start + 11min));
  EXPECT_EQ(r.body["data"]["previous"], core::format_rfc3339(start));
  EXPECT_EQ(r.body["data"]["scheduled_fired"], 1);
  EXPECT_NE(status_of(s.body["data"]["id"]), "scheduled");
  EXPECT_EQ(events_of(s.body["data"]["id"]), (std::vector<std::string>{"message.sent", "message.finalized"}));
  EXPECT_EQ(advance(R"({"seconds": -1})").status, 422);
  EXPECT_EQ(clock_.now(), start + 11min);
}

class FixedClockRouteTest : public ClockRouteTest {
 protected:
  FixedClockRouteTest() { embedder_clock_ = &fixed_; }
  FixedClock fixed_;
};

TEST_F(FixedClockRouteTest, AClockThatCannotMoveIsShownAndAdvancingItIsRefused) {
  auto g = get("/_mock/clock", "");
  ASSERT_EQ(g.status, 200) << g.raw;
  EXPECT_EQ(g.body["data"]["now"], "2026-01-01T00:00:00.000+00:00");
  EXPECT_EQ(g.body["data"]["advanceable"], false);
  EXPECT_TRUE(g.body["data"]["offset_seconds"].is_null());
  auto r = advance(R"({"seconds": 60})");
  EXPECT_EQ(r.status, 422) << r.raw;
  EXPECT_EQ(r.code(), "10015");
  EXPECT_NE(detail(r).find("MockServerOptions::clock"), std::string::npos) << r.raw;
  EXPECT_EQ(get("/_mock/clock", "").body["data"]["now"], "2026-01-01T00:00:00.000+00:00");
}

}  // namespace
}  // namespace harness::mock::testing
