// The reference service against a live in-process telnyx-mock running each file of scenarios/.
// The mock owns the dealership's number on a profile whose webhooks point at the service; the
// service's worker pool sends through the outbox, the mock's webhook engine answers with signed
// events, and the verdicts come from GET /_mock/report.
//
// Time scaling: a few scenario files hold values meant for a person watching (Retry-After 2 s,
// 1.5 s answers, a 20 s hang cap, 1 s / 5 s webhook backoff, bursts of 500). The tests load a copy
// whose timing values are shortened by editing the YAML text (scaled_scenario below; each edit
// must find its text, so a changed file fails loudly instead of running unscaled). The failure
// story stays the same: the same rules, faults, selectors, chaos kinds and outcomes.
//
// Each test prints one line for the scenario table:
//   SCENARIO <name> submitted=N sent=S duplicates=D retries=R reconciliations=C
// sent = outbound messages the mock accepted for the tenant (replies to inbound included);
// retries = send requests beyond the first per outbox row; reconciliations = ambiguous sends
// settled as sent by their webhook.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <set>
#include <thread>

#include "client/client.h"
#include "scenario/engine.h"
#include "mock_server.h"
#include "support/paths.h"
#include "tools/service/service.h"
#include "webhook/engine.h"

namespace harness::tools::service {
namespace {

using core::json;
using std::chrono::milliseconds;

constexpr const char* kKey = "KEYscenarioservice";
constexpr const char* kDealerNumber = "+13125550147";   // the number inbound-burst writes to
constexpr const char* kProfileId = "400176aa-1b2c-4d3e-9f00-11aa22bb33cc";

std::string mock_config() {
  return std::string(R"(tenants:
  - name: north-motors
    api_keys: [)") + kKey + R"(]
    profiles:
      - name: main
        id: )" + kProfileId + R"(
        webhook_url: http://127.0.0.1:9/unset
        whitelisted_destinations: ["*"]
        numbers: [")" + kDealerNumber + R"("]
)";
}

// Replaces every occurrence of `from`; fails the test when there is none.
void scale(std::string& yaml, const std::string& from, const std::string& to) {
  size_t n = 0;
  for (size_t pos = yaml.find(from); pos != std::string::npos; pos = yaml.find(from, pos + to.size())) {
    yaml.replace(pos, from.size(), to);
    ++n;
  }
  if (n == 0) ADD_FAILURE() << "scenario text changed: '" << from << "' not found";
}

std::string scenario_text(const std::string& name) {
  return harness::testing::read_file(harness::testing::source_path("scenarios/" + name + ".yaml"));
}

struct Settings {
  int workers = 4;
  milliseconds timeout{3000};
  milliseconds reconcile_window{3000};
  milliseconds base_delay{50};
  milliseconds max_delay{400};
  milliseconds deadline{40000};
};

struct Row {
  std::string key;
  std::string to;
};

class ScenarioService : public ::testing::Test {
 protected:
  void start(const Settings& s) {
    mock::MockServerOptions mo;
    mo.config_yaml = mock_config();
    mo.scenarios = true;
    mock_ = std::make_unique<mock::MockServer>(mo);
    auto err = mock_->start();
    ASSERT_FALSE(err) << *err;
    control_ = std::make_unique<httplib::Client>(mock_->base_url());
    control_->set_read_timeout(10, 0);

    db_ = ::testing::TempDir() + "svc-scenario-" + std::to_string(::getpid()) + "-" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    for (const char* sfx : {"", "-wal", "-shm"}) std::remove((db_ + sfx).c_str());
    ServiceConfig sc;
    sc.port = 0;
    sc.database = db_;
    sc.api_key = kKey;
    sc.base_url = mock_->base_url() + "/v2";
    sc.timeout = s.timeout;
    sc.webhook_public_key = mock_->webhook_keys().public_key_base64();
    sc.workers = s.workers;
    sc.base_delay = s.base_delay;
    sc.max_delay = s.max_delay;
    sc.reconcile_window = s.reconcile_window;
    sc.poll_interval = milliseconds(10);
    sc.dealerships = {{"north", {kDealerNumber}, kProfileId, "North Motors: thanks, we will call you."}};
    auto ob = Outbox::open(db_);
    ASSERT_TRUE(ob.ok()) << ob.error();
    svc_ = std::make_unique<Service>(sc, std::move(ob.value()), clock_);
    port_ = svc_->start();
    ASSERT_GT(port_, 0);
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    http_->set_read_timeout(10, 0);

    // The profile's webhooks (message.sent / finalized / received) go to the service.
    auto r = control_->Patch(std::string("/v2/messaging_profiles/") + kProfileId,
                             {{"Authorization", std::string("Bearer ") + kKey}},
                             json{{"webhook_url", "http://127.0.0.1:" + std::to_string(port_) +
                                                      "/telnyx/webhook"}}.dump(),
                             "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    deadline_ = s.deadline;
  }

  void TearDown() override {
    // Close the keep-alive connections into the service first (this client's and the webhook
    // engine's), so that stopping its HTTP server does not wait out their keep-alive timeout.
    http_.reset();
    if (mock_) {
      mock_->stop();
      if (auto w = mock_->webhook_engine()) w->shutdown();
    }
    if (svc_) svc_->stop();
    for (const char* sfx : {"", "-wal", "-shm"}) std::remove((db_ + sfx).c_str());
  }

  void load(const std::string& yaml) {
    // The server hands the scenario's webhook settings to its webhook engine from inside the load.
    auto err = mock_->scenario_engine()->load_yaml(yaml, "<test>");
    ASSERT_FALSE(err) << err->to_string();
  }

  // Loads scenarios/<name>.yaml with each (text, replacement) of `scaled` applied.
  void load_scaled(const std::string& name, std::initializer_list<std::pair<std::string, std::string>> scaled) {
    std::string yaml = scenario_text(name);
    for (const auto& [from, to] : scaled) scale(yaml, from, to);
    load(yaml);
  }

  // Submits one message per recipient through POST /telnyx/send-sms.
  void submit(const std::vector<std::string>& recipients, const std::string& tag) {
    for (size_t i = 0; i < recipients.size(); ++i) {
      Row row{tag + "-" + std::to_string(i), recipients[i]};
      auto r = http_->Post("/telnyx/send-sms", {{"Idempotency-Key", row.key}},
                           json{{"to", row.to},
                                {"text", "Service reminder " + std::to_string(i) + ": your car is due"},
                                {"dealership", "north"}}.dump(),
                           "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 202) << r->body;
      rows_.push_back(row);
    }
  }

  static std::vector<std::string> recipients(size_t n, int first = 100) {
    std::vector<std::string> v;
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      std::snprintf(buf, sizeof buf, "+1773555%04d", first + static_cast<int>(i));
      v.push_back(buf);
    }
    return v;
  }

  bool outbox_settled() {
    OutboxCounts c = svc_->outbox().counts();
    return c.pending == 0 && c.in_flight == 0 && c.reconciling == 0;
  }
  bool webhooks_idle() { return mock_->webhook_engine() && mock_->webhook_engine()->idle(); }

  // Polls until the outbox has no open row, the webhook engine has nothing scheduled and
  // `extra` holds, on two consecutive looks; false at the deadline.
  template <class Pred>
  bool settle(Pred extra) {
    const auto until = std::chrono::steady_clock::now() + deadline_;
    int stable = 0;
    while (std::chrono::steady_clock::now() < until) {
      stable = outbox_settled() && webhooks_idle() && extra() ? stable + 1 : 0;
      if (stable >= 2) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }
  bool settle() {
    return settle([] { return true; });
  }

  json report() {
    auto r = control_->Get("/_mock/report");
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body, nullptr, false) : json::object();
  }
  uint64_t duplicates(const json& rep) { return rep["verdicts"]["duplicates"]["count"].get<uint64_t>(); }
  uint64_t permanent_retries(const json& rep) {
    return rep["verdicts"]["permanent_error_retries"]["count"].get<uint64_t>();
  }
  uint64_t retry_after_violations(const json& rep) {
    return rep["verdicts"]["retry_after_violations"]["count"].get<uint64_t>();
  }
  uint64_t rule_fired(const json& rep, const std::string& name) {
    for (const auto& r : rep["rules"])
      if (r["name"] == name) return r["fired"].get<uint64_t>();
    return 0;
  }

  // Messages the mock stored for the tenant (outbound and inbound).
  std::vector<core::Message> mock_messages() {
    auto r = control_->Get(std::string("/_mock/messages?limit=100000&api_key=") + kKey);
    std::vector<core::Message> out;
    EXPECT_TRUE(r && r->status == 200);
    if (!r) return out;
    json j = json::parse(r->body);
    for (const auto& item : j["data"]) out.push_back(item["message"].get<core::Message>());
    return out;
  }
  size_t outbound_count() {
    size_t n = 0;
    for (const auto& m : mock_messages()) n += m.direction == "outbound";
    return n;
  }

  OutboxRow row(const std::string& any) {
    auto r = svc_->outbox().find(any);
    EXPECT_TRUE(r) << any;
    return r ? *r : OutboxRow{};
  }

  // Outbox rows in total (submitted + replies): every one was attempted at least once once
  // the outbox has settled.
  int64_t outbox_rows() {
    OutboxCounts c = svc_->outbox().counts();
    return c.pending + c.in_flight + c.reconciling + c.sent + c.failed;
  }

  // Prints the table line and returns nothing; values come from the mock and the service.
  void summary(const std::string& name, const json& rep) {
    const ServiceStats st = svc_->stats();
    const int64_t retries = st.send_requests - outbox_rows();
    std::printf("SCENARIO %s submitted=%zu sent=%zu duplicates=%llu retries=%lld reconciliations=%lld\n",
                name.c_str(), rows_.size(), outbound_count(),
                static_cast<unsigned long long>(duplicates(rep)), static_cast<long long>(retries),
                static_cast<long long>(st.reconciled));
    std::fflush(stdout);
  }

  core::SystemClock clock_;
  std::unique_ptr<mock::MockServer> mock_;
  std::unique_ptr<Service> svc_;
  std::unique_ptr<httplib::Client> control_, http_;
  std::string db_;
  int port_ = 0;
  milliseconds deadline_{40000};
  std::vector<Row> rows_;
};

// 5/s per key and two 429s (Retry-After) per recipient: each SMS is sent once, never early.
// Scaled: Retry-After / x-ratelimit-reset 2 s -> 1 s.
TEST_F(ScenarioService, RateLimitStormSendsEachOnceAndHonoursRetryAfter) {
  start({});
  load_scaled("rate-limit-storm", {{"Retry-After: \"2\"", "Retry-After: \"1\""},
                                   {"x-ratelimit-reset: \"2\"", "x-ratelimit-reset: \"1\""}});
  submit(recipients(20), "storm");
  ASSERT_TRUE(settle()) << svc_->outbox().counts().pending;
  json rep = report();
  summary("rate-limit-storm", rep);
  EXPECT_EQ(duplicates(rep), 0u) << rep.dump(2);
  EXPECT_EQ(retry_after_violations(rep), 0u) << rep["verdicts"].dump(2);
  // Per recipient two 429s and then a pass (fired again when the token bucket sent it back).
  EXPECT_GE(rule_fired(rep, "throttle-first-two"), 3 * rows_.size());
  EXPECT_GE(svc_->stats().send_requests, static_cast<int64_t>(3 * rows_.size()));
  for (const auto& r : rows_) EXPECT_EQ(row(r.key).state, "sent") << r.key;
  EXPECT_EQ(outbound_count(), rows_.size());
}

// The key is revoked after five sends: the rest are discarded at their 401, never retried.
TEST_F(ScenarioService, RevokedKeyDiscardsWithoutRetrying) {
  start({});
  load(scenario_text("revoked-key"));
  submit(recipients(20), "revoked");
  ASSERT_TRUE(settle());
  json rep = report();
  summary("revoked-key", rep);
  EXPECT_EQ(permanent_retries(rep), 0u) << rep["verdicts"].dump(2);
  EXPECT_EQ(duplicates(rep), 0u);
  int sent = 0, failed = 0;
  for (const auto& r : rows_) {
    OutboxRow o = row(r.key);
    if (o.state == "sent") ++sent;
    if (o.state == "failed") {
      ++failed;
      EXPECT_EQ(o.attempts, 1) << r.key;
      EXPECT_NE(o.last_error.find("10009"), std::string::npos) << o.last_error;
    }
  }
  EXPECT_EQ(sent, 5);
  EXPECT_EQ(failed, static_cast<int>(rows_.size()) - 5);
  EXPECT_EQ(svc_->stats().send_requests, static_cast<int64_t>(rows_.size()));
  EXPECT_EQ(outbound_count(), 5u);
}

// Slow answers beyond the client's timeout and hung sends: the late-accepted messages are
// reconciled by their webhooks, the hung ones (never created) are sent again after the window.
// Scaled: slow answers 1.5 s -> 600 ms with a 400 ms client timeout (the story: slower than the
// client waits), hang cap 20 s -> 2 s, look-ups 800 ms -> 300 ms.
TEST_F(ScenarioService, SlowApiReconcilesInsteadOfResending) {
  Settings s;
  s.timeout = milliseconds(400);
  s.reconcile_window = milliseconds(3000);
  start(s);
  load_scaled("slow-api", {{"timeout_cap: 20s", "timeout_cap: 2s"},
                           {"delay: 1500ms", "delay: 600ms"},
                           {"delay: 800ms", "delay: 300ms"}});
  submit(recipients(20), "slow");
  ASSERT_TRUE(settle());
  json rep = report();
  summary("slow-api", rep);
  EXPECT_EQ(duplicates(rep), 0u) << rep["verdicts"]["duplicates"].dump(2);
  EXPECT_GE(rule_fired(rep, "hang-every-tenth"), 2u);
  for (const auto& r : rows_) {
    OutboxRow o = row(r.key);
    EXPECT_EQ(o.state, "sent") << r.key << " " << o.last_error;
    EXPECT_FALSE(o.message_id.empty()) << r.key;
  }
  EXPECT_EQ(outbound_count(), rows_.size());
  EXPECT_GE(svc_->stats().reconciled, 1);
}

// Resets, empty and malformed answers and 500s: every SMS ends sent, none twice.
TEST_F(ScenarioService, FlakyNetworkSendsEachOnce) {
  Settings s;
  s.reconcile_window = milliseconds(1000);
  start(s);
  load(scenario_text("flaky-network"));
  submit(recipients(40), "flaky");
  ASSERT_TRUE(settle());
  json rep = report();
  summary("flaky-network", rep);
  EXPECT_EQ(duplicates(rep), 0u) << rep["verdicts"]["duplicates"].dump(2);
  const json& f = rep["faults"];
  EXPECT_GT(f["connection_resets"].get<uint64_t>() + f["empty_responses"].get<uint64_t>() +
                f["malformed_responses"].get<uint64_t>() + rule_fired(rep, "server-error"),
            0u);
  for (const auto& r : rows_) EXPECT_EQ(row(r.key).state, "sent") << r.key << " " << row(r.key).last_error;
  EXPECT_EQ(outbound_count(), rows_.size());
  EXPECT_GT(svc_->stats().send_requests, static_cast<int64_t>(rows_.size()));
}

// The first answer per recipient is lost after the message was created: the service waits for
// the webhook instead of resending, so it sends exactly one request per SMS.
TEST_F(ScenarioService, LostResponseIsReconciledNotResent) {
  start({});
  load(scenario_text("lost-response-duplicate-trap"));
  submit(recipients(20), "trap");
  ASSERT_TRUE(settle());
  json rep = report();
  summary("lost-response-duplicate-trap", rep);
  EXPECT_EQ(duplicates(rep), 0u) << rep["verdicts"]["duplicates"].dump(2);
  EXPECT_EQ(rep["faults"]["dropped_after_accept"].get<uint64_t>(), rows_.size());
  EXPECT_EQ(svc_->stats().send_requests, static_cast<int64_t>(rows_.size()));
  for (const auto& r : rows_) {
    OutboxRow o = row(r.key);
    EXPECT_EQ(o.state, "sent") << r.key;
    EXPECT_FALSE(o.message_id.empty()) << r.key;
  }
  EXPECT_EQ(outbound_count(), rows_.size());
}

// Outcomes by recipient range come from message.finalized; the opted-out recipient is refused
// once and discarded.
TEST_F(ScenarioService, DeliveryFailuresEndInTheirOutcome) {
  start({});
  load(scenario_text("delivery-failures"));
  std::vector<std::string> to = recipients(8);
  std::map<std::string, std::string> expected;   // recipient -> final status
  for (const auto& t : to) expected[t] = "delivered";
  for (const char* t : {"+15550000501", "+15550000502", "+15550000503"}) expected[t] = "delivery_failed";
  for (const char* t : {"+15550000511", "+15550000512", "+15550000513"}) expected[t] = "delivery_failed";
  for (const char* t : {"+15550000521", "+15550000522", "+15550000523"}) expected[t] = "sending_failed";
  to.clear();
  for (const auto& [t, st] : expected) to.push_back(t);
  to.push_back("+15550000300");
  submit(to, "outcome");
  auto final_statuses = [&] {
    for (const auto& r : rows_) {
      if (r.to == "+15550000300") continue;
      if (row(r.key).status != expected[r.to]) return false;
    }
    return true;
  };
  ASSERT_TRUE(settle(final_statuses));
  json rep = report();
  summary("delivery-failures", rep);
  EXPECT_EQ(duplicates(rep), 0u);
  EXPECT_EQ(permanent_retries(rep), 0u) << rep["verdicts"].dump(2);
  EXPECT_EQ(rule_fired(rep, "opted-out"), 1u);
  for (const auto& r : rows_) {
    OutboxRow o = row(r.key);
    if (r.to == "+15550000300") {
      EXPECT_EQ(o.state, "failed");
      EXPECT_EQ(o.attempts, 1);
      EXPECT_NE(o.last_error.find("40300"), std::string::npos) << o.last_error;
    } else {
      EXPECT_EQ(o.state, "sent") << r.key;
      EXPECT_EQ(o.status, expected[r.to]) << r.to;
    }
  }
  EXPECT_EQ(outbound_count(), rows_.size() - 1);
}

// Duplicated, reordered, late, badly signed and stale webhooks: bad ones are refused, the status
// never goes backwards, and a message whose finalized event was accepted reads delivered.
// Scaled: webhook delay up to 2 s -> 500 ms, delivery backoff [1s, 5s] -> [200ms, 500ms].
TEST_F(ScenarioService, WebhookChaosKeepsStatusOrderedAndRefusesBadEvents) {
  start({});
  load_scaled("webhook-chaos", {{"max: 2s", "max: 500ms"}, {"backoff: [1s, 5s]", "backoff: [200ms, 500ms]"}});
  submit(recipients(30), "chaos");
  ASSERT_TRUE(settle());
  json rep = report();
  summary("webhook-chaos", rep);
  EXPECT_EQ(duplicates(rep), 0u);
  mock::AttemptFilter all;
  all.limit = 100000;
  std::set<std::string> finalized_accepted;   // message ids
  size_t bad = 0;
  for (const auto& a : mock_->webhook_engine()->log().query(all)) {
    // Chaos corrupts the chosen attempt only; the retries of that event are signed validly.
    const bool forged = !a.corrupted.empty();
    if (a.http_status == 0) continue;
    if (forged) {
      ++bad;
      EXPECT_GE(a.http_status, 400) << a.event_type << " " << a.message_id;
    } else if (a.event_type == "message.finalized" && a.http_status / 100 == 2) {
      finalized_accepted.insert(a.message_id);
    }
  }
  EXPECT_GT(bad, 0u);
  EXPECT_GE(svc_->stats().webhooks_rejected, static_cast<int64_t>(bad));
  for (const auto& r : rows_) {
    OutboxRow o = row(r.key);
    EXPECT_EQ(o.state, "sent") << r.key;
    if (finalized_accepted.count(o.message_id)) EXPECT_EQ(o.status, "delivered") << r.key;
    else EXPECT_TRUE(o.status == "queued" || o.status == "sent" || o.status == "delivered") << o.status;
  }
  EXPECT_FALSE(finalized_accepted.empty());
  EXPECT_EQ(outbound_count(), rows_.size());
}

// A burst of inbound messages with duplicated webhooks while outbound sends go on: exactly one
// reply per inbound message (none to STOP), matched through the outbox tag the mock stores.
// Scaled: 450 + 50 inbound -> 60 + 10, duplicate probability 0.02 -> 0.2 (so that duplicates
// certainly happen in the smaller burst).
TEST_F(ScenarioService, InboundBurstRepliesOncePerMessage) {
  start({});
  load_scaled("inbound-burst", {{"count: 450", "count: 60"},
                                {"count: 50", "count: 10"},
                                {"duplicate: 0.02", "duplicate: 0.2"}});
  submit(recipients(20), "burst");
  auto inbound_count = [&] {
    size_t n = 0;
    for (const auto& m : mock_messages()) n += m.direction == "inbound";
    return n;
  };
  ASSERT_TRUE(settle([&] { return inbound_count() == 70; })) << inbound_count();
  json rep = report();
  summary("inbound-burst", rep);

  std::vector<core::Message> msgs = mock_messages();
  std::map<std::string, int> replies_by_inbound;   // inbound message id -> replies the mock got
  std::map<int64_t, std::string> inbound_by_row;   // outbox id -> inbound message id
  size_t inbound_hello = 0, inbound_stop = 0;
  for (const auto& m : msgs) {
    if (m.direction != "inbound") continue;
    if (m.from.phone_number == "+17735550188") {
      ++inbound_hello;
      replies_by_inbound[m.id] = 0;
      OutboxRow o = row("reply:" + m.id);
      EXPECT_EQ(o.state, "sent") << m.id;
      inbound_by_row[o.id] = m.id;
    } else {
      ++inbound_stop;
      EXPECT_FALSE(svc_->outbox().find("reply:" + m.id)) << "replied to STOP " << m.id;
    }
  }
  EXPECT_EQ(inbound_hello, 60u);
  EXPECT_EQ(inbound_stop, 10u);
  size_t to_stop_sender = 0;
  for (const auto& m : msgs) {
    if (m.direction != "outbound" || m.to.empty()) continue;
    if (m.to[0].phone_number == "+17735550199") ++to_stop_sender;
    if (m.to[0].phone_number != "+17735550188") continue;
    bool tied = false;
    for (const auto& tag : m.tags) {
      if (tag.rfind("outbox-", 0) != 0) continue;
      auto it = inbound_by_row.find(std::stoll(tag.substr(7)));
      if (it == inbound_by_row.end()) continue;
      ++replies_by_inbound[it->second];
      tied = true;
    }
    EXPECT_TRUE(tied) << "reply not tied to an inbound message: " << m.id;
  }
  EXPECT_EQ(to_stop_sender, 0u);
  for (const auto& [id, n] : replies_by_inbound) EXPECT_EQ(n, 1) << "inbound " << id;
  EXPECT_GT(svc_->stats().webhook_duplicates, 0);
  for (const auto& r : rows_) EXPECT_EQ(row(r.key).state, "sent") << r.key;
}

}  // namespace
}  // namespace harness::tools::service
