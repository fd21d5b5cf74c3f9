// Control API, metrics, configured tenancy, caps, seams (interceptor, webhook sink, faults), TLS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <atomic>
#include <fstream>
#include <mutex>
#include "support/raw_http.h"
#include "scenario/fault_executor.h"
#include "scenario/faults.h"
#include "mock_fixture.h"
#include "support/paths.h"

namespace harness::mock::testing {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

class ControlTest : public MockFixture {};

TEST_F(ControlTest, HealthKeysAndIndex) {
  auto h = wrap(client_->Get("/_mock/health"));
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body["data"]["status"], "ok");
  auto k = wrap(client_->Get("/_mock/keys"));
  EXPECT_EQ(k.body["data"]["webhook_public_key"], server_->webhook_keys().public_key_base64());
  EXPECT_EQ(k.body["data"]["webhook_public_key"].get<std::string>().size(), 44u);
  EXPECT_EQ(wrap(client_->Get("/_mock/nope")).code(), "10005");
  EXPECT_FALSE(wrap(client_->Get("/_mock/")).body["data"]["routes"].empty());
}

TEST_F(ControlTest, JournalFiltersAndMessages) {
  send({{"to", "+17735550188"}, {"text", "a"}}, "KEYone");
  send({{"to", "+17735550188"}, {"text", "b"}}, "KEYtwo");
  get("/v2/nothing", "KEYone");
  auto all = wrap(client_->Get("/_mock/requests"));
  EXPECT_EQ(all.body["data"].size(), 3u);
  auto by_key = wrap(client_->Get("/_mock/requests?api_key=KEYtwo"));
  ASSERT_EQ(by_key.body["data"].size(), 1u);
  EXPECT_EQ(by_key.body["data"][0]["path"], "/v2/messages");
  EXPECT_FALSE(by_key.body["data"][0]["message_id"].is_null());
  auto by_status = wrap(client_->Get("/_mock/requests?status=404"));
  ASSERT_EQ(by_status.body["data"].size(), 1u);
  EXPECT_EQ(by_status.body["data"][0]["error_code"], "10005");
  EXPECT_EQ(wrap(client_->Get("/_mock/requests?path=/v2/messages&limit=1")).body["data"].size(), 1u);
  EXPECT_EQ(wrap(client_->Get("/_mock/requests?status=abc")).status, 400);
  auto msgs = wrap(client_->Get("/_mock/messages?api_key=KEYone"));
  ASSERT_EQ(msgs.body["data"].size(), 1u);
  EXPECT_EQ(msgs.body["data"][0]["message"]["text"], "a");
}

TEST_F(ControlTest, ResetClearsStateAndRunsHooks) {
  std::atomic<int> hooks{0};
  server_->control().on_reset([&] { ++hooks; });
  auto sent = send({{"to", "+17735550188"}, {"text", "a"}});
  const std::string id = sent.body["data"]["id"];
  EXPECT_EQ(wrap(client_->Post("/_mock/reset", "", "application/json")).status, 200);
  EXPECT_EQ(hooks.load(), 1);
  EXPECT_EQ(get("/v2/messages/" + id).status, 404);
  EXPECT_EQ(wrap(client_->Get("/_mock/requests")).body["data"].size(), 1u);   // the GET above
}

// What `curl -X POST .../_mock/reset` sends: no body, no Content-Length.
std::string raw_exchange(int port, const std::string& request) {
  const int fd = harness::testing::connect_to(port);   // bounded: 10 s send and receive timeouts
  if (fd < 0) return "";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

TEST_F(ControlTest, ResetWithoutABodyAndIdsThatNeverRepeat) {
  const std::string curl_reset = "POST /_mock/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8\r\n"
                                 "Accept: */*\r\nConnection: close\r\n\r\n";
  const std::string id1 = send({{"to", "+17735550188"}, {"text", "a"}}).body["data"]["id"];
  const std::string answer = raw_exchange(server_->port(), curl_reset);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  // Ids continue after a reset: an app's dedup table never meets one twice.
  const std::string id2 = send({{"to", "+17735550188"}, {"text", "a"}}).body["data"]["id"];
  EXPECT_NE(id2, id1);
  // Asked to, the sequence restarts.
  auto rewound = wrap(client_->Post("/_mock/reset", R"({"ids": true})", "application/json"));
  EXPECT_EQ(rewound.status, 200);
  EXPECT_EQ(rewound.body["data"]["ids_rewound"], true);
  EXPECT_EQ(send({{"to", "+17735550188"}, {"text", "a"}}).body["data"]["id"], id1);
  EXPECT_EQ(wrap(client_->Post("/_mock/reset?rewind_ids=1", "", "text/plain")).status, 200);
  EXPECT_EQ(send({{"to", "+17735550188"}, {"text", "a"}}).body["data"]["id"], id1);
  auto bad = wrap(client_->Post("/_mock/reset", R"({"idz": 1})", "application/json"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.code(), "10015");
  // The start-up line says which seeds made these ids.
  EXPECT_NE(server_->startup_line().find("\"id_seed\":"), std::string::npos) << server_->startup_line();
}

TEST_F(ControlTest, AReadIsJournalledWithItsRealStatus) {
  const std::string id = send({{"to", "+17735550188"}, {"text", "a"}}).body["data"]["id"];
  EXPECT_EQ(get("/v2/messages/" + id).status, 200);
  auto j = wrap(client_->Get("/_mock/requests?path=/v2/messages/" + id));
  ASSERT_EQ(j.body["data"].size(), 1u) << j.raw;
  EXPECT_EQ(j.body["data"][0]["status"], 200);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("status=\"-1\""), std::string::npos);
}

TEST_F(ControlTest, RegisteredControlRoutesAreOneTable) {
  server_->control().add("GET", R"(/_mock/echo/([a-z]+))",
                         [](const httplib::Request&, httplib::Response& res, const std::smatch& m) {
                           res.set_content(json({{"word", m[1].str()}}).dump(), "application/json");
                         });
  EXPECT_EQ(wrap(client_->Get("/_mock/echo/hello")).body["word"], "hello");
  EXPECT_EQ(wrap(client_->Post("/_mock/echo/hello", "", "application/json")).status, 405);
}

TEST_F(ControlTest, MetricsInPrometheusFormat) {
  send({{"to", "+17735550188"}, {"text", "a"}});
  get("/v2/nothing");
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("telnyx_mock_requests_total{route=\"POST /v2/messages\",status=\"200\"} 1"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("telnyx_mock_requests_total{route=\"GET unmatched\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(m->body.find("telnyx_mock_messages{status=\""), std::string::npos);
  EXPECT_NE(m->body.find("telnyx_mock_messages_stored 1\n"), std::string::npos);
  EXPECT_NE(m->body.find("telnyx_mock_journal_entries 2\n"), std::string::npos);   // API requests only
  // The allocator's view, to tell a leak (in-use bytes grow) from fragmentation (only RSS grows);
  // left out under AddressSanitizer, whose allocator glibc cannot see.
  const std::string sample = "\ntelnyx_mock_heap_in_use_bytes ";
  const auto in_use = m->body.find(sample);
  if (kUnderAsan) {
    EXPECT_EQ(in_use, std::string::npos);
  } else {
    ASSERT_NE(in_use, std::string::npos);
    EXPECT_GT(std::stoll(m->body.substr(in_use + sample.size())), 0);
    EXPECT_NE(m->body.find("\ntelnyx_mock_heap_free_bytes "), std::string::npos);
  }
  EXPECT_NE(m->body.find("# TYPE telnyx_mock_requests_total counter"), std::string::npos);
}

TEST_F(ControlTest, TenantsAreIsolated) {
  auto sent = send({{"to", "+17735550188"}, {"text", "a"}}, "KEYalice");
  const std::string id = sent.body["data"]["id"];
  EXPECT_EQ(get("/v2/messages/" + id, "KEYalice").status, 200);
  EXPECT_EQ(get("/v2/messages/" + id, "KEYbob").status, 404);
  const auto alice_pid = default_profile("KEYalice");
  EXPECT_EQ(get("/v2/messaging_profiles/" + alice_pid, "KEYbob").status, 404);
  EXPECT_NE(own_number("KEYalice"), own_number("KEYbob"));
  EXPECT_EQ(send({{"from", own_number("KEYalice")}, {"to", "+17735550188"}, {"text", "x"}}, "KEYbob").code(), "40305");
  // Deterministic per seed + key: the same key gets the same numbers.
  EXPECT_EQ(own_number("KEYalice"), own_number("KEYalice"));
}

class ConfiguredTest : public MockFixture {
 protected:
  ConfiguredTest() {
    opts_.config_yaml = R"(
settings:
  max_messages: 3
  max_journal: 5
  retention_days: 1
  error_status: {40305: 403}
tenants:
  - name: acme
    api_keys: [KEYacme, acme-secondary]
    profiles:
      - name: main
        id: 400176aa-1b2c-4d3e-9f00-11aa22bb33cc
        webhook_url: http://127.0.0.1:9/hooks
        whitelisted_destinations: [US]
        numbers: ["+13125550147"]
      - name: off
        enabled: false
        numbers: ["+13125550148"]
    numbers: ["+13125550149"]
)";
  }
};

TEST_F(ConfiguredTest, OnlyListedKeysAndConfiguredNumbers) {
  EXPECT_EQ(get("/v2/messaging_profiles", "KEYother").status, 401);
  EXPECT_EQ(get("/v2/messaging_profiles", "acme-secondary").status, 200);
  auto profiles = get("/v2/messaging_profiles", "KEYacme");
  ASSERT_EQ(profiles.body["data"].size(), 2u);
  EXPECT_EQ(profiles.body["data"][0]["id"], "400176aa-1b2c-4d3e-9f00-11aa22bb33cc");
  EXPECT_EQ(get("/v2/phone_numbers", "KEYacme").body["meta"]["total_results"], 3);
  auto ok = send({{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "x"}}, "KEYacme");
  EXPECT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(send({{"from", "+13125550148"}, {"to", "+17735550188"}, {"text", "x"}}, "KEYacme").code(), "40312");
  EXPECT_EQ(send({{"from", "+13125550147"}, {"to", "+447700900123"}, {"text", "x"}}, "KEYacme").code(), "40309");
  auto not_on_profile = send({{"from", "+13125550149"}, {"to", "+17735550188"}, {"text", "x"}}, "KEYacme");
  EXPECT_EQ(not_on_profile.code(), "40305");
  EXPECT_EQ(not_on_profile.status, 403);   // error_status override
  EXPECT_EQ(send({{"to", "+17735550188"}, {"text", "x"}}, "KEYacme").pointer(), "/from");
}

TEST_F(ConfiguredTest, MessageStoreAndJournalAreCapped) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(send({{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "x"}}, "KEYacme").body["data"]["id"]);
  }
  EXPECT_EQ(get("/v2/messages/" + ids[0], "KEYacme").status, 404);   // evicted, oldest first
  EXPECT_EQ(get("/v2/messages/" + ids[1], "KEYacme").status, 404);
  EXPECT_EQ(get("/v2/messages/" + ids[4], "KEYacme").status, 200);
  EXPECT_EQ(server_->store().message_count(), 3u);
  EXPECT_EQ(wrap(client_->Get("/_mock/requests?limit=100")).body["data"].size(), 5u);
  clock_.advance(std::chrono::hours(25));
  EXPECT_EQ(get("/v2/messages/" + ids[4], "KEYacme").status, 404);   // retention_days: 1
}

TEST(ConfigErrorTest, StartReportsFileLineColumn) {
  MockServerOptions o;
  o.config_yaml = "tenants:\n  - name: a\n    api_keys: [K]\n    colour: blue\n";
  MockServer s(o);
  auto err = s.start();
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("<inline>:4:5"), std::string::npos) << *err;
}

class AdminTokenTest : public MockFixture {
 protected:
  AdminTokenTest() { opts_.admin_token = "s3cret"; }
};

TEST_F(AdminTokenTest, ControlNeedsTokenApiDoesNot) {
  EXPECT_EQ(wrap(client_->Get("/_mock/health")).code(), "10009");
  EXPECT_EQ(wrap(client_->Get("/_mock/health", {{"Authorization", "Bearer s3cret"}})).status, 200);
  EXPECT_EQ(send({{"to", "+17735550188"}, {"text", "a"}}).status, 200);
}

// Over the socket: the token is accepted, and every wrong token is refused with the envelope,
// whatever its length (shorter, longer, a prefix, an extension, one byte off).
TEST_F(AdminTokenTest, WrongTokensOfEveryLengthAre401) {
  const std::string token = "s3cret";
  auto with = [&](const std::string& t) { return wrap(client_->Get("/_mock/health", {{"Authorization", "Bearer " + t}})); };
  EXPECT_EQ(with(token).status, 200);
  for (size_t n = 1; n <= 2 * token.size() + 1; ++n) {
    SCOPED_TRACE(n);
    std::vector<std::string> wrong = {std::string(n, 'z')};
    if (n < token.size()) wrong.push_back(token.substr(0, n));
    if (n > token.size()) wrong.push_back(token + std::string(n - token.size(), 't'));
    if (n == token.size()) wrong.push_back("s3creT");
    for (const auto& w : wrong) {
      auto r = with(w);
      EXPECT_EQ(r.status, 401) << w;
      EXPECT_EQ(r.code(), "10009") << w;
    }
  }
  EXPECT_EQ(with(token).status, 200);
}

// ---- seams ----

struct ScriptedInterceptor : RequestInterceptor {
  Decision next;
  std::mutex mu;
  std::vector<std::pair<int, std::optional<std::string>>> completed;
  Decision on_request(const RequestView& v) override {
    EXPECT_FALSE(v.method.empty());
    return next;
  }
  void on_completed(const RequestView&, const Decision&, int status, const std::optional<std::string>& id) override {
    std::lock_guard<std::mutex> lk(mu);
    completed.emplace_back(status, id);
  }
};

struct RecordingSink : WebhookSink {
  std::mutex mu;
  std::vector<OutboundContext> out;
  OutboundPlan plan_outbound(const OutboundContext& c) override {
    std::lock_guard<std::mutex> lk(mu);
    out.push_back(c);
    return {};
  }
  void on_inbound(const InboundContext&) override {}
};

struct RecordingFaults : FaultExecutor {
  std::atomic<int> calls{0};
  FaultKind last = FaultKind::None;
  bool execute(FaultKind kind, net::Exchange& conn, std::function<void()>) override {
    ++calls;
    last = kind;
    conn.close_silently();
    return true;
  }
};

TEST_F(ControlTest, InterceptorRespondPassAndCompletion) {
  auto icpt = std::make_shared<ScriptedInterceptor>();
  server_->set_interceptor(icpt);
  icpt->next.kind = Decision::Kind::Respond;
  icpt->next.status = 429;
  icpt->next.error_code = 10011;
  icpt->next.headers = {{"Retry-After", "2"}};
  icpt->next.rule = "burst";
  auto r = send({{"to", "+17735550188"}, {"text", "a"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.code(), "10011");
  EXPECT_EQ(r.headers.find("Retry-After")->second, "2");
  EXPECT_EQ(wrap(client_->Get("/_mock/requests?limit=1")).body["data"][0]["rule"], "burst");

  icpt->next = Decision{};
  icpt->next.headers = {{"x-scenario", "pass"}};
  r = send({{"to", "+17735550188"}, {"text", "a"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.find("x-scenario")->second, "pass");
  std::lock_guard<std::mutex> lk(icpt->mu);
  ASSERT_EQ(icpt->completed.size(), 2u);
  EXPECT_EQ(icpt->completed[1].first, 200);
  EXPECT_EQ(icpt->completed[1].second, r.body["data"]["id"].get<std::string>());
}

TEST_F(ControlTest, SinkGetsRoutingAndFinalStatus) {
  auto sink = std::make_shared<RecordingSink>();
  server_->set_webhook_sink(sink);
  auto icpt = std::make_shared<ScriptedInterceptor>();
  icpt->next.final_status = "delivery_failed";
  icpt->next.final_errors = {40008};
  server_->set_interceptor(icpt);
  const auto pid = default_profile();
  patch("/v2/messaging_profiles/" + pid, R"({"webhook_url":"http://127.0.0.1:9/p","webhook_api_version":"1","v1_secret":"sec"})");
  auto r = send({{"to", "+17735550188"}, {"text", "a"}, {"webhook_url", "http://127.0.0.1:9/m"}, {"use_profile_webhooks", false}});
  ASSERT_EQ(r.status, 200);
  std::lock_guard<std::mutex> lk(sink->mu);
  ASSERT_EQ(sink->out.size(), 1u);
  const auto& c = sink->out[0];
  EXPECT_EQ(c.message.id, r.body["data"]["id"].get<std::string>());
  EXPECT_EQ(c.routing.message_url, "http://127.0.0.1:9/m");
  EXPECT_EQ(c.routing.profile.url, "http://127.0.0.1:9/p");
  EXPECT_FALSE(c.routing.use_profile_webhooks);
  EXPECT_EQ(c.routing.profile.api_version, "1");
  EXPECT_EQ(c.routing.profile.v1_secret, "sec");
  EXPECT_EQ(c.final_status, "delivery_failed");
  EXPECT_EQ(c.final_errors, std::vector<int>{40008});
  // With an engine attached the store no longer advances on its own; the engine does.
  clock_.advance(std::chrono::seconds(5));
  EXPECT_EQ(get("/v2/messages/" + c.message.id).body["data"]["to"][0]["status"], "queued");
  auto adv = server_->store().advance(c.tenant_id, c.message.id, "delivery_failed",
                                      {core::make_error_object(40008)}, clock_.now());
  ASSERT_TRUE(adv);
  auto g = get("/v2/messages/" + c.message.id);
  EXPECT_EQ(g.body["data"]["to"][0]["status"], "delivery_failed");
  EXPECT_EQ(g.body["data"]["errors"][0]["code"], "40008");
}

TEST_F(ControlTest, FaultWithoutExecutorIs500AndWithExecutorDrops) {
  auto icpt = std::make_shared<ScriptedInterceptor>();
  icpt->next.kind = Decision::Kind::Fault;
  icpt->next.fault = FaultKind::ConnectionReset;
  server_->set_interceptor(icpt);
  auto r = send({{"to", "+17735550188"}, {"text", "a"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.code(), "10007");

  auto faults = std::make_shared<RecordingFaults>();
  server_->set_fault_executor(faults);
  r = send({{"to", "+17735550188"}, {"text", "a"}});
  EXPECT_EQ(r.status, -1);   // no response: the connection was dropped
  EXPECT_EQ(faults->calls.load(), 1);

  icpt->next.fault = FaultKind::AcceptThenDrop;
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  r = send({{"to", "+17735550188"}, {"text", "a"}});
  EXPECT_EQ(r.status, -1);
  EXPECT_EQ(faults->last, FaultKind::AcceptThenDrop);
  server_->set_interceptor(nullptr);
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  // The dropped request was still processed: its message is stored.
  EXPECT_EQ(wrap(client_->Get("/_mock/messages?api_key=KEYtest")).body["data"].size(), 1u);
}

// An executor that refuses one kind when asked at arming time, and would answer false if called.
struct RefusingFaults : FaultExecutor {
  std::atomic<int> calls{0};
  bool supports(FaultKind kind) const override { return kind != FaultKind::ConnectionReset; }
  bool execute(FaultKind, net::Exchange&, std::function<void()>) override {
    ++calls;
    return false;
  }
};

// A fault the executor cannot carry out is answered 500 / 10007, and the journal and the
// interceptor's completion record that 500: the refusal is known before the request is recorded.
TEST_F(ControlTest, AFaultTheExecutorCannotDoIsRecordedAsTheAnswerSent) {
  auto icpt = std::make_shared<ScriptedInterceptor>();
  icpt->next.kind = Decision::Kind::Fault;
  server_->set_interceptor(icpt);
  auto refusing = std::make_shared<RefusingFaults>();
  // FaultKind::None names no socket action: the real executor cannot do it.
  for (const auto& [kind, executor] : std::vector<std::pair<FaultKind, std::shared_ptr<FaultExecutor>>>{
           {FaultKind::None, std::make_shared<SocketFaultExecutor>()}, {FaultKind::ConnectionReset, refusing}}) {
    icpt->next.fault = kind;
    server_->set_fault_executor(executor);
    auto r = send({{"to", "+17735550188"}, {"text", "a"}});
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.code(), "10007");
    auto j = wrap(client_->Get("/_mock/requests?path=/v2/messages&limit=1"));
    ASSERT_EQ(j.body["data"].size(), 1u) << j.raw;
    EXPECT_EQ(j.body["data"][0]["status"], 500) << j.raw;
    EXPECT_EQ(j.body["data"][0]["error_code"], "10007") << j.raw;
    std::lock_guard<std::mutex> lk(icpt->mu);
    ASSERT_FALSE(icpt->completed.empty());
    EXPECT_EQ(icpt->completed.back().first, 500);
  }
  EXPECT_EQ(refusing->calls.load(), 0);   // asked, never told to act
}

TEST(TlsTest, ServesHttpsWithTheTestCertificate) {
  const auto cert = harness::testing::source_path("fixtures/tls/cert.pem");
  const auto key = harness::testing::source_path("fixtures/tls/key.pem");
  if (!std::ifstream(cert) || !std::ifstream(key)) GTEST_SKIP() << "fixtures/tls is missing";
  MockServerOptions o;
  o.tls = TlsOptions{cert, key};
  MockServer s(o);
  auto err = s.start();
  ASSERT_FALSE(err) << *err;
  EXPECT_EQ(s.base_url().rfind("https://", 0), 0u);
  httplib::SSLClient c("127.0.0.1", s.port());
  c.enable_server_certificate_verification(false);
  auto r = c.Post("/v2/messages", {{"Authorization", "Bearer KEYtls"}}, R"({"to":"+17735550188","text":"tls"})",
                  "application/json");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  // Plain HTTP against the TLS port does not get an API answer.
  httplib::Client plain("127.0.0.1", s.port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/_mock/health");
  EXPECT_TRUE(!p || p->status != 200);
}

}  // namespace
}  // namespace harness::mock::testing
