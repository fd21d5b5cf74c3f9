// Test doubles for the webhook engine's integration tests: an in-memory store (MessageLifecycle +
// InboundDirectory) and a recording receiver on 127.0.0.1 whose answers the test scripts.
#pragma once
#include <gtest/gtest.h>
#include <httplib.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include "core/clock.h"
#include "core/json.h"
#include "core/message.h"
#include "core/signing.h"
#include "support/sample_message.h"
#include "support/scoped_server.h"
#include "webhook/engine.h"
#include "store/hooks.h"

namespace harness::mock::testing {

// Stores messages; applies status changes as the real store does (sent_at on sent; completed_at,
// errors and cost on a terminal status) and remembers the order of statuses per message.
class FakeStore final : public MessageLifecycle, public InboundDirectory {
 public:
  void put(const std::string& tenant, const core::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_[tenant + "/" + m.id] = m;
  }
  // As the real store evicting a message beyond max_messages.
  void erase(const std::string& tenant, const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.erase(tenant + "/" + id);
  }
  std::optional<core::Message> get(const std::string& tenant, const std::string& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    catch_up_locked();
    auto it = messages_.find(tenant + "/" + id);
    if (it == messages_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> history(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mu_);
    catch_up_locked();
    auto it = history_.find(id);
    return it == history_.end() ? std::vector<std::string>{} : it->second;
  }
  std::optional<core::Message> advance(const std::string& tenant, const std::string& id,
                                       const std::string& status,
                                       const std::vector<core::ErrorObject>& errors,
                                       core::TimePoint at) override {
    std::lock_guard<std::mutex> lock(mu_);
    return advance_locked(tenant, id, status, errors, at);
  }
  // Applied on read (get, history) once each step is due, like the real store.
  bool follow_timeline(const std::string& tenant, const std::string& id,
                       std::vector<TimedStatus> steps) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!messages_.count(tenant + "/" + id)) return false;
    timelines_.push_back({tenant, id, std::move(steps), 0});
    return true;
  }

 private:
  struct Timeline {
    std::string tenant, id;
    std::vector<TimedStatus> steps;
    size_t applied;
  };
  void catch_up_locked() const {
    const auto now = clock_.now();
    for (auto& t : timelines_) {
      while (t.applied < t.steps.size() && t.steps[t.applied].at <= now) {
        const auto& st = t.steps[t.applied++];
        apply_locked(t.tenant, t.id, st.status, st.errors, st.at);
      }
    }
  }
  std::optional<core::Message> advance_locked(const std::string& tenant, const std::string& id,
                                              const std::string& status,
                                              const std::vector<core::ErrorObject>& errors,
                                              core::TimePoint at) const {
    if (!messages_.count(tenant + "/" + id)) return std::nullopt;
    for (auto& t : timelines_) {   // pending steps precede the new status (as in the real store)
      if (t.id != id || t.tenant != tenant) continue;
      while (t.applied < t.steps.size()) {
        const auto& st = t.steps[t.applied++];
        apply_locked(tenant, id, st.status, st.errors, st.at);
      }
    }
    return apply_locked(tenant, id, status, errors, at);
  }
  std::optional<core::Message> apply_locked(const std::string& tenant, const std::string& id,
                                            const std::string& status,
                                            const std::vector<core::ErrorObject>& errors,
                                            core::TimePoint at) const {
    auto it = messages_.find(tenant + "/" + id);
    if (it == messages_.end()) return std::nullopt;
    core::Message& m = it->second;
    for (auto& to : m.to) to.status = status;
    if (status == "sent") m.sent_at = core::format_rfc3339(at);
    if (core::is_terminal_status(status)) {
      m.completed_at = core::format_rfc3339(at);
      m.errors = errors;
      m.cost = core::Money{"0.0040", "USD"};
    }
    history_[id].push_back(status);
    return m;
  }

 public:

  // Inbound: `owners` maps a number to its tenant and routing.
  void own(const std::string& e164, const std::string& tenant, WebhookRouting routing) {
    std::lock_guard<std::mutex> lock(mu_);
    owners_[e164] = {tenant, std::move(routing)};
  }
  std::optional<InboundContext> accept_inbound(const InboundRequest& req,
                                               core::TimePoint at) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = owners_.find(req.to);
    if (it == owners_.end()) return std::nullopt;
    InboundContext ctx;
    ctx.tenant_id = it->second.first;
    ctx.routing = it->second.second;
    core::Message& m = ctx.message;
    m.id = "inbound-" + std::to_string(++inbound_seq_);
    m.direction = "inbound";
    m.from.phone_number = req.from;
    core::MessageAddress to;
    to.phone_number = req.to;
    to.status = "webhook_delivered";
    m.to.push_back(to);
    m.text = req.text;
    for (const auto& u : req.media_urls) m.media.push_back(core::MediaItem{u, {}, {}, {}});
    if (!req.media_urls.empty()) m.type = "MMS";
    m.cost = core::Money{"0.0000", "USD"};
    m.received_at = core::format_rfc3339(at);
    messages_[ctx.tenant_id + "/" + m.id] = m;
    return ctx;
  }

 private:
  mutable std::mutex mu_;
  core::SystemClock clock_;
  // Mutable: reads apply the timeline steps that have come due.
  mutable std::vector<Timeline> timelines_;
  mutable std::map<std::string, core::Message> messages_;
  mutable std::map<std::string, std::vector<std::string>> history_;
  std::map<std::string, std::pair<std::string, WebhookRouting>> owners_;
  int inbound_seq_ = 0;
};

struct Received {
  std::string path;
  std::string body;
  httplib::Headers headers;
  core::json json;
  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string event_type() const { return json["data"]["event_type"].get<std::string>(); }
  std::string event_id() const { return json["data"]["id"].get<std::string>(); }
  std::string message_id() const { return json["data"]["payload"]["id"].get<std::string>(); }
  int attempt() const { return json["meta"]["attempt"].get<int>(); }
};

// Records every POST; `respond` decides the status (default 200) and may sleep.
class Receiver {
 public:
  using Responder = std::function<int(const Received& r, int nth_on_path)>;

  void install(httplib::Server& s) {
    // One thread per keep-alive connection: more than the engine's 64 per destination.
    s.new_task_queue = [] { return new httplib::ThreadPool(80); };
    s.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      Received r;
      r.path = req.path;
      r.body = req.body;
      r.headers = req.headers;
      r.json = core::json::parse(req.body, nullptr, false);
      int nth = 0;
      Responder respond;
      {
        std::lock_guard<std::mutex> lock(mu_);
        nth = ++per_path_[req.path];
        respond = respond_;
      }
      const int status = respond ? respond(r, nth) : 200;
      {
        std::lock_guard<std::mutex> lock(mu_);
        got_.push_back(std::move(r));
      }
      cv_.notify_all();
      res.status = status;
      res.set_content("{}", "application/json");
    });
  }
  void respond_with(Responder r) {
    std::lock_guard<std::mutex> lock(mu_);
    respond_ = std::move(r);
  }
  std::vector<Received> all() const {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }
  std::vector<Received> on(const std::string& path) const {
    std::vector<Received> out;
    for (auto& r : all()) {
      if (r.path == path) out.push_back(r);
    }
    return out;
  }
  // Waits (bounded) until at least n requests arrived; returns whether they did.
  bool wait_for(size_t n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return got_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> got_;
  std::map<std::string, int> per_path_;
  Responder respond_;
};

// Polls (bounded) until the predicate holds.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

// Fast settings for tests: no lifecycle delay, 300 ms deadline, 10 ms backoff.
inline WebhookSettings fast_settings() {
  WebhookSettings s;
  s.seed = 7;
  s.timing.sent_after = std::chrono::milliseconds(0);
  s.timing.finalized_after = std::chrono::milliseconds(0);
  s.delivery.timeout = std::chrono::milliseconds(300);
  s.delivery.backoff = {std::chrono::milliseconds(10)};
  return s;
}

inline core::Message outbound_message(const std::string& id) {
  core::Message m = harness::testing::sample_sms(id, "queued");
  m.received_at = "2025-03-01T12:00:00.412+00:00";
  return m;
}

// Accepts a message into `store` and hands it to the engine as the HTTP layer would.
inline void accept(FakeStore& store, WebhookEngine& engine, const std::string& id,
                   WebhookRouting routing, std::optional<std::string> final_status = std::nullopt,
                   std::vector<int> final_errors = {}) {
  OutboundContext ctx;
  ctx.tenant_id = "tenant-1";
  ctx.message = outbound_message(id);
  ctx.routing = std::move(routing);
  ctx.final_status = std::move(final_status);
  ctx.final_errors = std::move(final_errors);
  store.put(ctx.tenant_id, ctx.message);
  engine.on_outbound_accepted(ctx);
}

inline std::vector<AttemptRecord> records_of(const WebhookEngine& e, const std::string& message_id) {
  AttemptFilter f;
  f.message_id = message_id;
  auto r = e.log().query(f);
  std::reverse(r.begin(), r.end());   // oldest first
  return r;
}

// A webhook engine on a FakeStore, signing with a fresh key; shut down after each test.
class EngineTest : public ::testing::Test {
 protected:
  void make_engine(EngineOptions o = {}) {
    if (engine) engine->shutdown();
    engine = std::make_unique<WebhookEngine>(store, clock, key, o);
  }
  void TearDown() override {
    if (engine) engine->shutdown();
  }

  FakeStore store;
  core::SystemClock clock;
  core::Ed25519KeyPair key = core::generate_ed25519();
  std::unique_ptr<WebhookEngine> engine;
};

// EngineTest with fast_settings() and one recording Receiver on 127.0.0.1:0.
class ReceiverTest : public EngineTest {
 protected:
  void SetUp() override {
    rx.install(http);
    server = std::make_unique<harness::testing::ScopedServer>(http);
    make_engine();
    engine->set_settings(fast_settings());
  }
  void TearDown() override {
    EngineTest::TearDown();
    server.reset();
  }
  std::string url(const std::string& path) const { return server->url() + path; }
  WebhookRouting to(const std::string& path) const {
    WebhookRouting r;
    r.message_url = url(path);
    return r;
  }

  httplib::Server http;
  Receiver rx;
  std::unique_ptr<harness::testing::ScopedServer> server;
};

}  // namespace harness::mock::testing
