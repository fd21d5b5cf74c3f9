// Every scenarios/*.yaml is loaded and exercised through decide(): it parses, opens with a comment
// saying what a correct client does, is reproducible from its seed, and behaves as it says.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <vector>

#include "helpers.h"
#include "scenario/decide.h"
#include "support/paths.h"

namespace harness::mock::scenario {
namespace {

using testing::Req;
using testing::send;
using Kind = Decision::Kind;

core::TimePoint t0() { return core::TimePoint(std::chrono::seconds(1740830400)); }

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(harness::testing::source_path("scenarios")))
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Runner {
  const Scenario& sc;
  ScenarioState st;
  core::TimePoint now = t0();
  explicit Runner(const Scenario& s) : sc(s), st(s) {}
  Decision operator()(const RequestView& r) { return decide(sc, r, st, now); }
};

// What each file promises, checked against decide().
const std::map<std::string, std::function<void(const Scenario&)>>& exercises() {
  static const std::map<std::string, std::function<void(const Scenario&)>> kChecks{
      {"rate-limit-storm",
       [](const Scenario& sc) {
         Runner r(sc);
         EXPECT_EQ(r(send("+17735550001")).status, 429);
         EXPECT_EQ(r(send("+17735550001")).status, 429);
         const Decision third = r(send("+17735550001"));
         EXPECT_EQ(third.kind, Kind::Pass);
         // The bucket (5 per second per key) throttles a burst of fresh recipients.
         int limited = 0;
         for (int i = 0; i < 20; ++i) {
           const std::string to = "+1773555100" + std::to_string(i % 10);
           for (int k = 0; k < 3; ++k)
             if (r(send(to, "KEY_storm")).rule == "rate_limit:1") ++limited;
         }
         EXPECT_GT(limited, 0);
       }},
      {"revoked-key",
       [](const Scenario& sc) {
         Runner r(sc);
         EXPECT_EQ(r(send("+1", "KEY_revoked_1")).status, 401);
         for (int i = 0; i < 5; ++i) EXPECT_EQ(r(send("+1", "KEY_live")).kind, Kind::Pass);
         EXPECT_EQ(r(send("+1", "KEY_live")).status, 401);
         EXPECT_EQ(r(Req("GET", "/v2/messages/x", nullptr, "KEY_live")).status, 401);   // revoked for all
         EXPECT_EQ(r(send("+1", "KEY_other")).kind, Kind::Pass);
       }},
      {"slow-api",
       [](const Scenario& sc) {
         Runner r(sc);
         int hangs = 0, slow = 0;
         for (int i = 0; i < 100; ++i) {
           const Decision d = r(send("+1"));
           if (d.fault == FaultKind::Timeout) ++hangs;
           if (d.delay.count() > 0) ++slow;
         }
         EXPECT_EQ(hangs, 10);
         EXPECT_GT(slow, 10);
         EXPECT_EQ(r(Req("GET", "/v2/messages/abc")).delay, std::chrono::milliseconds(800));
         EXPECT_EQ(r(send("+1")).hang_cap.count(), 30000);   // only a hang carries the cap...
         EXPECT_EQ(sc.faults.timeout_cap, std::chrono::seconds(20));
       }},
      {"flaky-network",
       [](const Scenario& sc) {
         Runner r(sc);
         std::map<std::string, int> by_rule;
         for (int i = 0; i < 2000; ++i) ++by_rule[r(send("+1")).rule];
         for (const char* name : {"reset", "empty", "garbage", "server-error"}) EXPECT_GT(by_rule[name], 0) << name;
         EXPECT_GT(by_rule[""], 1600);
       }},
      {"lost-response-duplicate-trap",
       [](const Scenario& sc) {
         Runner r(sc);
         const Decision first = r(send("+17735550188"));
         EXPECT_EQ(first.kind, Kind::Fault);
         EXPECT_EQ(first.fault, FaultKind::AcceptThenDrop);
         EXPECT_EQ(r(send("+17735550188")).kind, Kind::Pass);
         EXPECT_EQ(r(send("+17735550199")).fault, FaultKind::AcceptThenDrop);
       }},
      {"delivery-failures",
       [](const Scenario& sc) {
         Runner r(sc);
         EXPECT_EQ(r(send("+15550000300")).error_code, 40300);
         const Decision f = r(send("+15550000503"));
         EXPECT_EQ(f.final_status, "delivery_failed");
         EXPECT_EQ(f.final_errors, std::vector<int>{40008});
         EXPECT_EQ(r(send("+15550000512")).final_errors, std::vector<int>{40003});
         EXPECT_EQ(r(send("+15550000520")).final_status, "sending_failed");
         EXPECT_FALSE(r(send("+15550000600")).final_status.has_value());
       }},
      {"webhook-chaos",
       [](const Scenario& sc) {
         Runner r(sc);
         EXPECT_EQ(r(send("+1")).kind, Kind::Pass);
         EXPECT_GT(sc.webhooks.chaos.duplicate, 0);
         EXPECT_GT(sc.webhooks.chaos.reorder, 0);
         EXPECT_GT(sc.webhooks.chaos.bad_signature, 0);
         EXPECT_GT(sc.webhooks.chaos.stale_timestamp, 0);
         EXPECT_EQ(sc.webhooks.chaos.delay_max, std::chrono::seconds(2));
         EXPECT_EQ(sc.webhooks.seed, sc.seed);
       }},
      {"stall-one-in-thousand",
       [](const Scenario& sc) {
         Runner r(sc);
         std::vector<int> stalled;
         for (int i = 1; i <= 3000; ++i) {
           const Decision d = r(send("+1555000" + std::to_string(i % 7), i % 2 ? "KEY_a" : "KEY_b"));
           EXPECT_EQ(d.kind, Kind::Pass);
           if (d.delay.count() > 0) {
             EXPECT_EQ(d.delay, std::chrono::seconds(1));
             EXPECT_EQ(d.rule, "stall-every-thousandth");
             stalled.push_back(i);
           }
         }
         EXPECT_EQ(stalled, (std::vector<int>{1000, 2000, 3000}));   // counted over all keys and recipients
         EXPECT_EQ(r(Req("GET", "/v2/messages/abc")).delay.count(), 0);
       }},
      {"inbound-burst",
       [](const Scenario& sc) {
         ASSERT_EQ(sc.webhooks.inbound.size(), 2u);
         uint64_t total = 0;
         for (const auto& b : sc.webhooks.inbound) total += b.count;
         EXPECT_EQ(total, 500u);
         EXPECT_EQ(sc.webhooks.inbound[1].text, "STOP");
         Runner r(sc);
         EXPECT_EQ(r(send("+1")).kind, Kind::Pass);
       }},
  };
  return kChecks;
}

class ScenarioFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioFileTest, LoadsDocumentsItselfAndBehaves) {
  const std::string file = GetParam();
  const std::string path = harness::testing::source_path("scenarios/" + file);
  const std::string text = harness::testing::read_file(path);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text[0], '#') << file << " must open with a comment saying what a correct client does";
  EXPECT_NE(text.find("correct"), std::string::npos) << file;
  auto parsed = load_scenario_file(path);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  const Scenario& sc = parsed.value();
  const std::string stem = file.substr(0, file.size() - 5);
  EXPECT_EQ(sc.name, stem);

  // Reproducible: the same request sequence gives the same decisions.
  auto trace = [&] {
    Runner r(sc);
    std::string t;
    for (int i = 0; i < 200; ++i) {
      const Decision d = r(send("+1555000" + std::to_string(i % 13), i % 3 ? "KEY_a" : "KEY_b"));
      t += d.rule + "/" + std::to_string(d.status) + "/" + std::to_string(static_cast<int>(d.fault)) + ";";
      r.now += std::chrono::milliseconds(37);
    }
    return t;
  };
  EXPECT_EQ(trace(), trace());

  auto it = exercises().find(stem);
  ASSERT_NE(it, exercises().end()) << "add an exercise for scenarios/" << file;
  it->second(sc);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioFileTest, ::testing::ValuesIn(scenario_files()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param.substr(0, i.param.size() - 5);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(ScenarioFilesTest, AtLeastEightReadyScenarios) { EXPECT_GE(scenario_files().size(), 8u); }

}  // namespace
}  // namespace harness::mock::scenario
