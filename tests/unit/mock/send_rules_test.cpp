// The send rules as a pure function (rules/send_rules.h): one row per error code, each a request
// and a tenant view that break exactly that rule, and what must come back. No store, no socket.
#include "rules/send_rules.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "support/refusal_rows.h"
#include "store/scheduled.h"

namespace harness::mock {
namespace {

constexpr const char* kNumber = "+13125550100";
constexpr const char* kTo = "+17735550188";
// 2025-03-01T12:00:00Z
const core::TimePoint kNow{std::chrono::seconds(1740830400)};

SenderProfile us_profile() {
  SenderProfile p;
  p.id = "40017a2e-0000-4000-8000-000000000001";
  p.destinations = {"US", "CA"};
  return p;
}

struct Case {
  core::SendRequest request;
  SendKind kind = SendKind::Generic;
  bool schedule_endpoint = false;
  bool open_mode = false;
  TenantView view;
};

// A send that breaks no rule: a long code on a US profile to a US number.
Case valid() {
  Case c;
  c.request.from = kNumber;
  c.request.to = kTo;
  c.request.text = "Your car is ready";
  c.view.profile = us_profile();
  c.view.now = kNow;
  return c;
}

struct Row {
  const char* name;
  std::function<void(Case&)> change;   // applied to valid()
  int code;
  int status;           // 0: the catalogue's (or the configured override)
  const char* pointer;  // "" when the error names no field
};

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      {"10004 from missing on /long_code", [](Case& c) { c.kind = SendKind::LongCode; c.request.from.reset(); },
       10004, 0, "/from"},
      {"10004 messaging_profile_id missing on /number_pool",
       [](Case& c) { c.kind = SendKind::NumberPool; c.request.from.reset(); }, 10004, 0, "/messaging_profile_id"},
      {"10004 from missing, no default profile outside open mode", [](Case& c) { c.request.from.reset(); }, 10004, 0,
       "/from"},
      {"10004 text missing on /alphanumeric_sender_id",
       [](Case& c) {
         c.kind = SendKind::Alphanumeric;
         c.request.from = "ACME";
         c.request.messaging_profile_id = us_profile().id;
         c.request.text.reset();
       },
       10004, 0, "/text"},
      {"10004 send_at missing on /schedule", [](Case& c) { c.schedule_endpoint = true; }, 10004, 0, "/send_at"},
      {"10004 messaging_profile_id missing with an alphanumeric from",
       [](Case& c) { c.request.from = "ACME"; c.view.profile.reset(); }, 10004, 0, "/messaging_profile_id"},
      {"10015 send_at not a date-time", [](Case& c) { c.request.send_at = "tomorrow"; }, 10015, 400, "/send_at"},
      {"10015 send_at under 5 minutes ahead", [](Case& c) { c.request.send_at = "2025-03-01T12:04:00Z"; }, 10015,
       422, "/send_at"},
      {"10015 send_at over 5 days ahead", [](Case& c) { c.request.send_at = "2025-03-07T12:00:00Z"; }, 10015, 422,
       "/send_at"},
      {"10015 encoding gsm7 with text GSM-7 cannot carry",
       [](Case& c) { c.request.encoding = "gsm7"; c.request.text = "\xe4\xbd\xa0\xe5\xa5\xbd"; }, 10015, 400, "/text"},
      {"40318 the schedule is full",
       [](Case& c) {
         c.request.send_at = "2025-03-01T13:00:00Z";
         c.view.scheduled_pending = ScheduledSends::kMaxPending;
       },
       40318, 0, "/send_at"},
      {"40310 destination not a number", [](Case& c) { c.request.to = "+1-773"; }, 40310, 0, "/to"},
      {"10017 pool profile unknown",
       [](Case& c) {
         c.request.from.reset();
         c.request.messaging_profile_id = "nope";
         c.view.profile.reset();
       },
       10017, 422, "/messaging_profile_id"},
      {"40321 pool with no numbers",
       [](Case& c) { c.request.from.reset(); c.request.messaging_profile_id = us_profile().id; }, 40321, 0,
       "/messaging_profile_id"},
      {"40325 alphanumeric sender ID too long",
       [](Case& c) {
         c.kind = SendKind::Alphanumeric;
         c.request.from = "ABCDEFGHIJKLMNOP";
         c.request.messaging_profile_id = us_profile().id;
       },
       40325, 0, "/from"},
      {"10017 alphanumeric sender's profile unknown",
       [](Case& c) {
         c.request.from = "ACME";
         c.request.messaging_profile_id = "nope";
         c.view.profile.reset();
       },
       10017, 422, "/messaging_profile_id"},
      {"40306 profile has no alphanumeric sender",
       [](Case& c) { c.request.from = "ACME"; c.request.messaging_profile_id = us_profile().id; }, 40306, 0,
       "/from"},
      {"40307 alphanumeric sender is not the profile's",
       [](Case& c) {
         c.request.from = "OTHERCO";
         c.request.messaging_profile_id = us_profile().id;
         c.view.profile->alpha_sender = "ACME";
       },
       40307, 0, "/from"},
      {"40305 long code on /short_code", [](Case& c) { c.kind = SendKind::ShortCode; }, 40305, 0, "/from"},
      {"40305 short code on /long_code", [](Case& c) { c.kind = SendKind::LongCode; c.request.from = "22222"; },
       40305, 0, "/from"},
      {"40305 number not the tenant's", [](Case& c) { c.view.profile.reset(); }, 40305, 0, "/from"},
      {"40305 number on another profile than the one named",
       [](Case& c) { c.request.messaging_profile_id = "other-profile"; }, 40305, 0, "/from"},
      {"40312 profile disabled", [](Case& c) { c.view.profile->enabled = false; }, 40312, 0, ""},
      {"40331 profile with no whitelisted destinations", [](Case& c) { c.view.profile->destinations.clear(); },
       40331, 0, ""},
      {"40309 destination region not whitelisted", [](Case& c) { c.request.to = "+442079460018"; }, 40309, 0,
       "/to"},
      {"40300 recipient opted out (STOP)", [](Case& c) { c.view.opted_out = true; }, 40300, 0, "/to"},
      {"40316 neither text nor media", [](Case& c) { c.request.text.reset(); }, 40316, 0, "/text"},
      {"40304 type SMS with media",
       [](Case& c) { c.request.type = "SMS"; c.request.media_urls = {"https://example.com/a.jpg"}; }, 40304, 0,
       "/media_urls"},
      {"40317 more than 10 media URLs",
       [](Case& c) { c.request.media_urls.assign(11, "https://example.com/a.jpg"); }, 40317, 0, "/media_urls"},
      {"40302 SMS longer than 10 parts", [](Case& c) { c.request.text = std::string(1600, 'a'); }, 40302, 0,
       "/text"},
  };
  return table;
}

class SendRuleRow : public ::testing::TestWithParam<size_t> {};

TEST_P(SendRuleRow, RefusesWithItsCode) {
  const Row& row = rows().at(GetParam());
  SCOPED_TRACE(row.name);
  Case c = valid();
  row.change(c);
  auto plan = plan_send(SendInput{c.request, c.kind, c.schedule_endpoint, c.open_mode}, c.view);
  ASSERT_FALSE(plan.ok());
  harness::testing::expect_refusal(row, plan.error(), plan.error().status);
}

INSTANTIATE_TEST_SUITE_P(Table, SendRuleRow, ::testing::Range<size_t>(0, rows().size()),
                         harness::testing::row_names(rows));

TEST(SendRules, AValidSendPlansAnSmsFromTheNamedNumber) {
  Case c = valid();
  auto plan = plan_send(SendInput{c.request, c.kind}, c.view);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(*plan->from, kNumber);
  EXPECT_EQ(plan->profile, &*c.view.profile);
  EXPECT_EQ(plan->type, "SMS");
  EXPECT_EQ(plan->seg.parts, 1);
  EXPECT_FALSE(plan->send_at);
}

TEST(SendRules, APoolSendTakesTheViewsPick) {
  Case c = valid();
  c.request.from.reset();
  c.request.messaging_profile_id = us_profile().id;
  c.view.pool_number = "+13125550177";
  auto plan = plan_send(SendInput{c.request, c.kind}, c.view);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(*plan->from, "+13125550177");
}

TEST(SendRules, MediaMakesAnMmsAndSendAtSchedulesIt) {
  Case c = valid();
  c.request.media_urls = {"https://example.com/a.jpg"};
  c.request.send_at = "2025-03-01T13:00:00Z";
  auto plan = plan_send(SendInput{c.request, c.kind}, c.view);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(plan->type, "MMS");
  ASSERT_TRUE(plan->send_at);
  EXPECT_EQ(*plan->send_at - kNow, std::chrono::hours(1));
}

TEST(SendRules, TheProfilesAlphanumericSenderSends) {
  Case c = valid();
  c.kind = SendKind::Alphanumeric;
  c.request.from = "ACME";
  c.request.messaging_profile_id = us_profile().id;
  c.view.profile->alpha_sender = "ACME";
  auto plan = plan_send(SendInput{c.request, c.kind}, c.view);
  ASSERT_TRUE(plan.ok()) << plan.error().detail;
  EXPECT_EQ(*plan->from, "ACME");
}

TEST(SendRules, OpenModeFallsBackToTheDefaultProfile) {
  Case c = valid();
  c.request.from.reset();
  SendInput in{c.request, SendKind::Generic, false, true};
  ASSERT_TRUE(needs_default_profile(in));
  c.view.default_profile_id = us_profile().id;
  const SenderLookup look = sender_lookup(in, c.view);
  EXPECT_EQ(look.by, SenderLookup::By::ProfileId);
  EXPECT_TRUE(look.pool);
  ASSERT_NE(look.key, nullptr);
  EXPECT_EQ(*look.key, us_profile().id);
  c.view.pool_number = "+13125550177";
  EXPECT_TRUE(plan_send(in, c.view).ok());
  // Outside open mode the same request names no sender.
  EXPECT_FALSE(needs_default_profile(SendInput{c.request}));
}

TEST(SendRules, SenderLookupNamesTheStoreEntryToRead) {
  Case c = valid();
  const SenderLookup by_number = sender_lookup(SendInput{c.request}, c.view);
  EXPECT_EQ(by_number.by, SenderLookup::By::Number);
  EXPECT_FALSE(by_number.pool);
  EXPECT_EQ(*by_number.key, kNumber);
  // An alphanumeric sender: its profile by id; none to read without one.
  c.request.from = "ACME";
  EXPECT_EQ(sender_lookup(SendInput{c.request}, c.view).by, SenderLookup::By::None);
  c.request.messaging_profile_id = "p1";
  const SenderLookup alpha = sender_lookup(SendInput{c.request}, c.view);
  EXPECT_EQ(alpha.by, SenderLookup::By::ProfileId);
  EXPECT_EQ(*alpha.key, "p1");
  // A short code on /long_code: nothing to read, the rules refuse it first.
  c.request.from = "22222";
  EXPECT_EQ(sender_lookup(SendInput{c.request, SendKind::LongCode}, c.view).by, SenderLookup::By::None);
}

TEST(SendRules, GroupMmsSharesTheProfileRules) {
  SenderProfile p = us_profile();
  EXPECT_FALSE(profile_refusal(p));
  EXPECT_TRUE(allows_region(p, "CA"));
  EXPECT_FALSE(allows_region(p, "GB"));
  p.all_destinations = true;
  p.destinations.clear();
  EXPECT_TRUE(allows_region(p, "GB"));
  EXPECT_FALSE(profile_refusal(p));
  p.all_destinations = false;
  EXPECT_EQ(profile_refusal(p)->code, 40331);
  p.enabled = false;
  EXPECT_EQ(profile_refusal(p)->code, 40312);
}

}  // namespace
}  // namespace harness::mock
