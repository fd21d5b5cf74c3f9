#include <gtest/gtest.h>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include "control/control_api.h"
#include "store/inventory.h"
#include "store/journal.h"
#include "store/store.h"

namespace harness::mock {
namespace {

core::Message outbound(Store& s) {
  core::Message m;
  m.id = s.new_message_id();
  m.to.push_back({"+17735550188", std::string("queued"), std::nullopt, std::nullopt});
  m.parts = 2;
  return m;
}

// Stores `n` outbound messages for `tenant`, oldest first.
std::vector<core::Message> put_outbound(Store& s, const std::string& tenant, int n) {
  std::vector<core::Message> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(outbound(s));
    s.put_message(tenant, out.back());
  }
  return out;
}

// A store (seed 1) over a manual clock; a test changes cfg before its first store().
class StoreTest : public ::testing::Test {
 protected:
  Store& store() {
    if (!store_) store_ = std::make_unique<Store>(cfg, 1, clock);
    return *store_;
  }
  MockConfig cfg;
  core::ManualClock clock;

 private:
  std::unique_ptr<Store> store_;
};
class StoreMemoTest : public StoreTest {};

TEST_F(StoreTest, OpenModeTenantsAreIsolatedAndDeterministic) {
  Store a(cfg, 7, clock), b(cfg, 7, clock);
  auto ta = a.authenticate("KEYone");
  ASSERT_TRUE(ta);
  EXPECT_FALSE(a.authenticate("nokey"));
  EXPECT_FALSE(a.authenticate(""));
  EXPECT_EQ(a.list_numbers(*ta).size(), 3u);
  auto tb = b.authenticate("KEYone");
  EXPECT_EQ(a.list_numbers(*ta)[0].phone_number, b.list_numbers(*tb)[0].phone_number);
  auto other = a.authenticate("KEYtwo");
  EXPECT_NE(*other, *ta);
  EXPECT_TRUE(a.list_profiles(*other, {}).at(0).whitelisted_destinations == std::vector<std::string>{"*"});
  EXPECT_FALSE(a.list_profiles(*other, {}).at(0).webhook.url);
}

TEST_F(StoreTest, EvictsOldestBeyondCapAndHonoursRetention) {
  cfg.settings.max_messages = 2;
  cfg.settings.retention_seconds = 60;
  Store& s = store();
  auto t = *s.authenticate("KEYx");
  auto m1 = outbound(s), m2 = outbound(s), m3 = outbound(s);
  s.put_message(t, m1);
  s.put_message(t, m2);
  s.put_message(t, m3);
  EXPECT_FALSE(s.get_message(t, m1.id));
  EXPECT_TRUE(s.get_message(t, m3.id));
  EXPECT_EQ(s.message_count(), 2u);
  EXPECT_FALSE(s.get_message("other", m3.id));
  clock.advance(std::chrono::seconds(61));
  EXPECT_FALSE(s.get_message(t, m3.id));
}

// Beyond the store cap the tenant holding the most loses its oldest, whoever sent last; the
// per-tenant cap evicts only the sender's own.
TEST_F(StoreTest, StoreCapEvictsFromTheTenantHoldingTheMost) {
  cfg.settings.max_messages = 4;
  cfg.settings.max_messages_per_tenant = 3;
  Store& s = store();
  auto big = *s.authenticate("KEYbig"), small = *s.authenticate("KEYsmall");
  std::vector<core::Message> b = put_outbound(s, big, 4);
  EXPECT_FALSE(s.get_message(big, b[0].id));   // its own cap
  EXPECT_EQ(s.message_count(), 3u);
  auto s1 = outbound(s), s2 = outbound(s);
  s.put_message(small, s1);
  s.put_message(small, s2);                     // 5 > 4: big holds the most
  EXPECT_EQ(s.message_count(), 4u);
  EXPECT_FALSE(s.get_message(big, b[1].id));
  EXPECT_TRUE(s.get_message(big, b[2].id));
  EXPECT_TRUE(s.get_message(small, s1.id));
  EXPECT_TRUE(s.get_message(small, s2.id));
  auto all = s.recent_messages("", 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].message.id, s2.id);           // newest first across tenants
  EXPECT_EQ(all[3].message.id, b[2].id);
  EXPECT_EQ(all[0].tenant, small);
  EXPECT_EQ(s.recent_messages(big, 10).size(), 2u);
  EXPECT_EQ(s.recent_messages("", 1).size(), 1u);
}

// A sender never waits for a busy tenant to evict from it: the store goes over its cap while
// that tenant's messages are locked, and back under it with the next send once they are not.
TEST_F(StoreTest, SendsDoNotWaitForABusyTenantToEvict) {
  cfg.settings.max_messages = 4;
  Store& s = store();
  auto busy = *s.authenticate("KEYbusy"), other = *s.authenticate("KEYother");
  std::vector<core::Message> b = put_outbound(s, busy, 4);
  std::mutex mu;
  std::condition_variable cv;
  bool holding = false, release = false;
  s.set_hold_hook([&](const std::string& tenant, std::string_view op) {
    if (tenant != busy || op != "get_message") return;
    std::unique_lock<std::mutex> lk(mu);
    holding = true;
    cv.notify_all();
    cv.wait_for(lk, std::chrono::seconds(60), [&] { return release; });
  });
  std::thread reader([&] { EXPECT_TRUE(s.get_message(busy, b[3].id)); });
  {
    std::unique_lock<std::mutex> lk(mu);
    ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(10), [&] { return holding; }));
  }
  auto o1 = outbound(s);
  s.put_message(other, o1);   // returns although `busy` holds the most and is locked
  EXPECT_EQ(s.message_count(), 5u);
  {
    std::lock_guard<std::mutex> lk(mu);
    release = true;
  }
  cv.notify_all();
  reader.join();
  s.set_hold_hook(nullptr);
  auto o2 = outbound(s);
  s.put_message(other, o2);   // busy is free again: its two oldest go, back to the cap
  EXPECT_EQ(s.message_count(), 4u);
  EXPECT_FALSE(s.get_message(busy, b[0].id));
  EXPECT_FALSE(s.get_message(busy, b[1].id));
  EXPECT_TRUE(s.get_message(busy, b[2].id));
  EXPECT_TRUE(s.get_message(other, o1.id));
  EXPECT_TRUE(s.get_message(other, o2.id));
}

TEST_F(StoreTest, ResetForgetsEveryTenantsMessagesAndCounts) {
  cfg.settings.max_messages = 3;
  Store& s = store();
  auto a = *s.authenticate("KEYa");
  for (int i = 0; i < 3; ++i) s.put_message(a, outbound(s));
  s.reset();
  EXPECT_EQ(s.message_count(), 0u);
  EXPECT_TRUE(s.recent_messages("", 10).empty());
  a = *s.authenticate("KEYa");
  auto b = *s.authenticate("KEYb");
  std::vector<core::Message> kept;
  for (int i = 0; i < 3; ++i) {
    kept.push_back(outbound(s));
    s.put_message(i % 2 ? a : b, kept.back());
  }
  EXPECT_EQ(s.message_count(), 3u);   // nothing left over from before the reset to evict for
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(s.get_message(i % 2 ? a : b, kept[i].id)) << i;
}

// One stored outbound message, in a store whose messages only move when told (no engine here).
class StoredMessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.set_auto_lifecycle(false);
    t = *s.authenticate("KEYx");
    m = outbound(s);
    s.put_message(t, m);
  }
  MockConfig cfg;
  core::ManualClock clock;
  Store s{cfg, 1, clock};
  std::string t;
  core::Message m;
};

TEST_F(StoredMessageTest, AdvanceFillsTimestampsCostAndErrors) {
  auto sent = s.advance(t, m.id, "sent", {}, clock.now());
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status(), "sent");
  EXPECT_TRUE(sent->sent_at);
  EXPECT_FALSE(sent->completed_at);
  auto fin = s.advance(t, m.id, "delivery_failed", {core::make_error_object(40008)}, clock.now());
  EXPECT_EQ(fin->status(), "delivery_failed");
  EXPECT_EQ(fin->cost->amount, "0.0080");
  ASSERT_EQ(fin->errors.size(), 1u);
  EXPECT_EQ(fin->errors[0].code, "40008");
  EXPECT_FALSE(s.advance(t, "missing", "sent", {}, clock.now()));
  clock.advance(std::chrono::seconds(10));
  EXPECT_EQ(s.get_message(t, m.id)->status(), "delivery_failed");   // no auto lifecycle
}

TEST_F(StoredMessageTest, TimelineIsAppliedOnReadOnceEachStepIsDue) {
  const auto t0 = clock.now();
  using std::chrono::milliseconds;
  ASSERT_TRUE(s.follow_timeline(t, m.id, {{t0 + milliseconds(10), "sending", {}},
                                          {t0 + milliseconds(20), "sent", {}},
                                          {t0 + milliseconds(30), "delivery_failed", {core::make_error_object(40008)}}}));
  EXPECT_EQ(s.get_message(t, m.id)->status(), "queued");
  clock.advance(milliseconds(20));
  auto sent = s.get_message(t, m.id);
  EXPECT_EQ(sent->status(), "sent");
  EXPECT_EQ(sent->sent_at, core::format_rfc3339(t0 + milliseconds(20)));   // the step's time, not the read's
  EXPECT_FALSE(sent->completed_at);
  clock.advance(milliseconds(500));
  auto fin = s.get_message(t, m.id);
  EXPECT_EQ(fin->status(), "delivery_failed");
  EXPECT_EQ(fin->completed_at, core::format_rfc3339(t0 + milliseconds(30)));
  ASSERT_EQ(fin->errors.size(), 1u);
  EXPECT_EQ(s.messages_by_status().at("delivery_failed"), 1u);
  EXPECT_FALSE(s.follow_timeline(t, "missing", {}));
  EXPECT_FALSE(s.follow_timeline("other-tenant", m.id, {}));
}

TEST_F(StoredMessageTest, AdvanceFinishesPendingTimelineStepsFirstSoStatusNeverGoesBack) {
  ASSERT_TRUE(s.follow_timeline(t, m.id, {{clock.now() + std::chrono::milliseconds(100), "sending", {}}}));
  auto sent = s.advance(t, m.id, "sent", {}, clock.now());   // before the step is due
  EXPECT_EQ(sent->status(), "sent");
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(s.get_message(t, m.id)->status(), "sent");
}

TEST_F(StoreTest, DefaultLifecycleWithoutAnEngine) {
  Store& s = store();   // auto lifecycle on: nobody else advances messages
  auto t = *s.authenticate("KEYx");
  auto ok = outbound(s), failed = outbound(s);
  s.put_message(t, ok);
  s.put_message(t, failed, std::string("sending_failed"), {40001});
  clock.advance(std::chrono::milliseconds(600));
  EXPECT_EQ(s.get_message(t, ok.id)->status(), "sent");
  EXPECT_EQ(s.get_message(t, failed.id)->status(), "sending");   // never reaches the carrier
  clock.advance(std::chrono::milliseconds(400));
  EXPECT_EQ(s.get_message(t, ok.id)->status(), "delivered");
  auto f = s.get_message(t, failed.id);
  EXPECT_EQ(f->status(), "sending_failed");
  EXPECT_FALSE(f->sent_at);
  ASSERT_EQ(f->errors.size(), 1u);
  EXPECT_EQ(f->errors[0].code, "40001");
}

TEST_F(StoreTest, MessageIdsAreUniqueAndContinueAcrossResetUnlessRewound) {
  Store a(cfg, 9, clock), b(cfg, 9, clock), c(cfg, 10, clock);
  std::set<std::string> seen;
  std::vector<std::string> first;
  for (int i = 0; i < 1000; ++i) {
    auto id = a.new_message_id();
    EXPECT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');   // version 4
    seen.insert(id);
    if (i < 3) first.push_back(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(b.new_message_id(), first[0]);
  EXPECT_NE(c.new_message_id(), first[0]);
  // A reset keeps the sequence going: an app's dedup table never meets an id twice.
  a.reset();
  const std::string after_reset = a.new_message_id();
  EXPECT_EQ(seen.count(after_reset), 0u);
  // Unless asked to rewind (POST /_mock/reset {"ids": true}).
  a.reset(true);
  EXPECT_EQ(a.new_message_id(), first[0]);
  EXPECT_EQ(a.new_message_id(), first[1]);
  // Another id seed, another sequence (the binary picks a fresh one per start without --seed).
  Store d(cfg, 9, clock);
  d.set_id_seed(11);
  EXPECT_EQ(seen.count(d.new_message_id()), 0u);
}

TEST_F(StoreTest, OrdersRejectOwnedNumbersAndUnknownProfiles) {
  Store& s = store();
  auto t = *s.authenticate("KEYx");
  auto owned = s.list_numbers(t)[0].phone_number;
  EXPECT_EQ(s.create_order(t, {"+13125550100", owned}, std::nullopt, std::nullopt).problem, OrderProblem::AlreadyOwned);
  EXPECT_EQ(s.create_order(t, {"+13125550100"}, std::string("nope"), std::nullopt).problem, OrderProblem::UnknownProfile);
  auto r = s.create_order(t, {"+13125550100"}, std::nullopt, std::string("ref"));
  ASSERT_EQ(r.problem, OrderProblem::None);
  EXPECT_TRUE(s.is_owned("+13125550100"));
  EXPECT_EQ(s.get_order(t, r.order.id)->customer_reference, "ref");
  s.reset();
  EXPECT_FALSE(s.is_owned("+13125550100"));
}

TEST_F(StoreTest, DeletingAProfileUnassignsItsNumbers) {
  Store& s = store();
  auto t = *s.authenticate("KEYx");
  auto pid = s.list_profiles(t, {})[0].id;
  EXPECT_EQ(s.numbers_on_profile(t, pid).size(), 3u);
  ASSERT_TRUE(s.delete_profile(t, pid));
  EXPECT_TRUE(s.numbers_on_profile(t, pid).empty());
  EXPECT_FALSE(s.list_numbers(t)[0].messaging_profile_id);
}

TEST(JournalTest, BoundedNewestFirstWithFilters) {
  Journal j(3);
  for (int i = 0; i < 5; ++i) {
    JournalEntry e;
    e.path = i % 2 ? "/v2/messages" : "/v2/phone_numbers";
    e.status = i == 4 ? 404 : 200;
    e.api_key = "K" + std::to_string(i);
    j.append(e);
  }
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(j.total(), 5u);
  auto all = j.query({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].seq, 5u);
  JournalFilter f;
  f.status = 404;
  EXPECT_EQ(j.query(f).size(), 1u);
  JournalFilter p;
  p.path = "/v2/mess*";
  EXPECT_EQ(j.query(p).size(), 1u);
  JournalFilter k;
  k.api_key = "K2";
  EXPECT_EQ(j.query(k).at(0).path, "/v2/phone_numbers");
}

TEST(InventoryTest, DeterministicFilteredAndExcludesOwned) {
  Inventory a(5), b(5), c(6);
  InventoryQuery q;
  q.ndc = "415";
  q.limit = 5;
  auto none = [](const std::string&) { return false; };
  auto ra = a.search(q, none);
  ASSERT_EQ(ra.size(), 5u);
  EXPECT_EQ(ra[0].phone_number, b.search(q, none)[0].phone_number);
  EXPECT_NE(ra[0].phone_number, c.search(q, none)[0].phone_number);
  auto skip_first = [&](const std::string& n) { return n == ra[0].phone_number; };
  EXPECT_EQ(a.search(q, skip_first)[0].phone_number, ra[1].phone_number);
  q.ends_with = ra[2].phone_number.substr(8);
  EXPECT_EQ(a.search(q, none)[0].phone_number.substr(8), q.ends_with);
  InventoryQuery ca;
  ca.country_code = "CA";
  ca.limit = 250;
  for (const auto& n : a.search(ca, none)) {
    const auto ndc = n.phone_number.substr(2, 3);
    EXPECT_TRUE(ndc == "416" || ndc == "604") << n.phone_number;
  }
  InventoryQuery feat;
  feat.features = {"sms", "teleport"};
  EXPECT_TRUE(a.search(feat, none).empty());
}

TEST(ControlApiTest, DispatchesByMethodAndPath) {
  ControlApi api;
  int hits = 0;
  api.add("GET", R"(/_mock/x/(\d+))", [&](const httplib::Request&, httplib::Response&, const std::smatch& m) {
    hits += std::stoi(m[1].str());
  });
  httplib::Request req;
  httplib::Response res;
  req.method = "GET";
  req.path = "/_mock/x/4";
  EXPECT_EQ(api.dispatch(req, res), ControlApi::Match::Found);
  EXPECT_EQ(hits, 4);
  req.method = "POST";
  EXPECT_EQ(api.dispatch(req, res), ControlApi::Match::WrongMethod);
  req.path = "/_mock/y";
  EXPECT_EQ(api.dispatch(req, res), ControlApi::Match::NoRoute);
}

// Each thread remembers its last registry look-ups (an API key's tenant, a tenant's shard) so a
// send takes no registry lock. What it remembers must never outlive the registry's answer: not
// across stores, not across a reset, not while another thread resets.

MockConfig configured(const std::string& key) {
  MockConfig cfg;
  TenantConfig t;
  t.name = "acme";
  t.api_keys = {key};
  cfg.tenants.push_back(t);
  return cfg;
}

TEST_F(StoreMemoTest, TwoStoresInOneThreadNeverShareAnAnswer) {
  const MockConfig ca = configured("KEYalpha"), cb = configured("KEYbeta");
  Store a(ca, 1, clock), b(cb, 1, clock);
  for (int i = 0; i < 3; ++i) {   // alternating: each look-up follows one on the other store
    EXPECT_TRUE(a.authenticate("KEYalpha"));
    EXPECT_FALSE(b.authenticate("KEYalpha"));
    EXPECT_TRUE(b.authenticate("KEYbeta"));
    EXPECT_FALSE(a.authenticate("KEYbeta"));
  }
  // A message stored through one store is not found through the other, same tenant id.
  const std::string ta = *a.authenticate("KEYalpha"), tb = *b.authenticate("KEYbeta");
  ASSERT_EQ(ta, tb);
  auto m = outbound(a);
  a.put_message(ta, m);
  EXPECT_TRUE(a.get_message(ta, m.id));
  EXPECT_FALSE(b.get_message(tb, m.id));
  EXPECT_TRUE(a.get_message(ta, m.id));
}

TEST_F(StoreMemoTest, AResetIsSeenAtOnce) {
  Store& s = store();
  const std::string t = *s.authenticate("KEYreset");
  auto before = outbound(s);
  s.put_message(t, before);
  ASSERT_TRUE(s.get_message(t, before.id));
  s.reset();
  // The old shard is gone: nothing read or written goes to it.
  EXPECT_FALSE(s.get_message(t, before.id));
  EXPECT_EQ(s.message_count(), 0u);
  const std::string again = *s.authenticate("KEYreset");   // a new open tenant, same id
  EXPECT_EQ(again, t);
  EXPECT_EQ(s.list_numbers(again).size(), 3u);
  auto after = outbound(s);
  s.put_message(again, after);
  EXPECT_TRUE(s.get_message(again, after.id));
  EXPECT_EQ(s.message_count(), 1u);
}

TEST_F(StoreMemoTest, AfterResetsRacingSendsBothThreadsSeeTheLiveStore) {
  Store& s = store();
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  bool sender_found_its_last = false;
  std::thread sender([&] {
    while (!stop.load()) {   // look-ups and stores straddle the resets: anything may be gone
      if (auto t = s.authenticate("KEYrace")) {
        auto m = outbound(s);
        s.put_message(*t, m);
        (void)s.get_message(*t, m.id);
        ++sent;
      }
    }
    // No reset any more: this thread's memo must not hold the shard of an earlier generation.
    const std::string t = *s.authenticate("KEYrace");
    auto m = outbound(s);
    s.put_message(t, m);
    sender_found_its_last = s.get_message(t, m.id).has_value();
  });
  while (sent.load() < 50) std::this_thread::yield();
  for (int i = 0; i < 200; ++i) {
    s.reset();
    std::this_thread::yield();
  }
  stop = true;
  sender.join();
  EXPECT_TRUE(sender_found_its_last);
  const std::string t = *s.authenticate("KEYrace");
  auto m = outbound(s);
  s.put_message(t, m);
  EXPECT_TRUE(s.get_message(t, m.id));
  // The sender's last message and this one are in the live store (earlier ones may have been
  // reset away), and the live store counts only what it holds.
  EXPECT_GE(s.message_count(), 2u);
  EXPECT_LE(s.message_count(), static_cast<size_t>(sent.load()) + 2);
}

}  // namespace
}  // namespace harness::mock
