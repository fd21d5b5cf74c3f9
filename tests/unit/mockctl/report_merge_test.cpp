// merge_reports: the sum of several instances' /_mock/report, and verify on that sum.
#include <gtest/gtest.h>
#include "scenario/verdicts.h"
#include "tools/report_merge.h"

namespace {

using harness::core::json;
using harness::mock::tools::InstanceReport;
using harness::mock::tools::merge_reports;

json report(uint64_t requests, uint64_t dups, const json& rules, const std::string& scenario = "storm") {
  json items = json::array();
  for (uint64_t i = 0; i < dups; ++i) items.push_back({{"message_id", "m" + std::to_string(i)}});
  return {{"faults", {{"timeouts", 1}, {"connection_resets", requests % 3}}},
          {"rules", rules},
          {"scenario", {{"name", scenario}, {"source", "<request>"}}},
          {"verdicts",
           {{"requests", requests},
            {"duplicates", {{"count", dups}, {"items", items}}},
            {"retry_after_violations", {{"count", 0}, {"items", json::array()}}},
            {"permanent_error_retries", {{"count", 2}, {"items", json::array()}}},
            {"duplicate_window_ms", 600000}}}};
}

TEST(ReportMerge, CountsAddUpAndRulesMergeByName) {
  const json a = report(10, 1, json::array({{{"name", "r1"}, {"matched", 4}, {"fired", 2}}}));
  const json b = report(5, 2, json::array({{{"name", "r2"}, {"matched", 1}, {"fired", 1}},
                                           {{"name", "r1"}, {"matched", 3}, {"fired", 3}}}));
  const json m = merge_reports({{"http://a", a}, {"http://b", b}});
  EXPECT_EQ(m["verdicts"]["requests"], 15);
  EXPECT_EQ(m["verdicts"]["duplicates"]["count"], 3);
  EXPECT_EQ(m["verdicts"]["permanent_error_retries"]["count"], 4);
  EXPECT_EQ(m["verdicts"]["duplicate_window_ms"], 600000);   // a setting, not summed
  EXPECT_EQ(m["faults"]["timeouts"], 2);
  EXPECT_EQ(m["faults"]["connection_resets"], 1 + 2);
  ASSERT_EQ(m["rules"].size(), 2u);
  EXPECT_EQ(m["rules"][0], (json{{"name", "r1"}, {"matched", 7}, {"fired", 5}}));
  EXPECT_EQ(m["rules"][1], (json{{"name", "r2"}, {"matched", 1}, {"fired", 1}}));
  EXPECT_EQ(m["scenario"]["name"], "storm");
  EXPECT_EQ(m["instances"], json::array({"http://a", "http://b"}));
}

TEST(ReportMerge, ExamplesNameTheirInstance) {
  const json m = merge_reports({{"http://a", report(1, 1, json::array())}, {"http://b", report(1, 2, json::array())}});
  const json& items = m["verdicts"]["duplicates"]["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["instance"], "http://a");
  EXPECT_EQ(items[1]["instance"], "http://b");
  EXPECT_EQ(items[2]["instance"], "http://b");
  EXPECT_EQ(items[2]["message_id"], "m1");
}

TEST(ReportMerge, DifferentScenariosAreListedPerInstance) {
  const json m = merge_reports({{"http://a", report(1, 0, json::array(), "storm")},
                                {"http://b", report(1, 0, json::array(), "chaos")}});
  ASSERT_TRUE(m["scenario"].contains("differs"));
  EXPECT_EQ(m["scenario"]["differs"][0]["instance"], "http://a");
  EXPECT_EQ(m["scenario"]["differs"][1]["value"]["name"], "chaos");
}

TEST(ReportMerge, VerifyChecksTheSum) {
  const json m = merge_reports({{"http://a", report(3, 1, json::array({{{"name", "r1"}, {"matched", 1}, {"fired", 1}}}))},
                                {"http://b", report(4, 1, json::array({{{"name", "r1"}, {"matched", 2}, {"fired", 2}}}))}});
  auto ok = harness::mock::scenario::verify_expectations(
      json{{"duplicates", 2}, {"requests", 7}, {"rules", {{"r1", 3}}}}, m);
  EXPECT_TRUE(ok.ok) << ok.failures.dump();
  auto bad = harness::mock::scenario::verify_expectations(json{{"duplicates", 0}}, m);
  EXPECT_FALSE(bad.ok);
  ASSERT_EQ(bad.failures.size(), 1u);
  EXPECT_EQ(bad.failures[0]["actual"], 2);
}

TEST(ReportMerge, OneInstanceIsItself) {
  const json a = report(2, 1, json::array({{{"name", "r1"}, {"matched", 1}, {"fired", 0}}}));
  json m = merge_reports({{"http://a", a}});
  m.erase("instances");
  m["verdicts"]["duplicates"]["items"][0].erase("instance");
  EXPECT_EQ(m, a);
}

}  // namespace
