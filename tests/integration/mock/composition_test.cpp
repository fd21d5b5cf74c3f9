// The composition root (mock_server.cpp), as telnyx-mock's main() uses it: with
// MockServerOptions::scenarios it builds the scenario engine, loads scenario_path, serves the
// scenario's control routes, puts the engine in front of the API and links it to the webhook
// engine; shutdown() reports what the webhook engine could not deliver. Real sockets on 127.0.0.1.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include "core/json.h"
#include "mock_server.h"
#include "scenario/engine.h"
#include "support/paths.h"

namespace harness::mock {
namespace {

using core::json;

json get_json(httplib::Client& c, const std::string& path, const httplib::Headers& h = {}) {
  auto r = c.Get(path.c_str(), h);
  if (!r || r->status != 200) return json();
  return json::parse(r->body, nullptr, false);
}

TEST(CompositionRootTest, WithoutScenariosThereIsNoScenarioEngineNorRoute) {
  MockServer srv({});
  ASSERT_FALSE(srv.start());
  EXPECT_EQ(srv.scenario_engine(), nullptr);
  httplib::Client c(srv.base_url());
  auto r = c.Get("/_mock/scenario");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST(CompositionRootTest, LoadsTheScenarioFileServesItsRoutesAndInterceptsSends) {
  MockServerOptions o;
  o.scenarios = true;
  o.scenario_path = harness::testing::source_path("scenarios/lost-response-duplicate-trap.yaml");
  MockServer srv(o);
  ASSERT_FALSE(srv.start());
  ASSERT_NE(srv.scenario_engine(), nullptr);
  httplib::Client c(srv.base_url());
  c.set_read_timeout(10, 0);
  const json scenario = get_json(c, "/_mock/scenario");
  ASSERT_TRUE(scenario.is_object()) << "GET /_mock/scenario did not answer 200";
  EXPECT_NE(scenario.dump().find("lost-response-duplicate-trap"), std::string::npos) << scenario.dump();

  // The engine sits in front of the API: the first send to a recipient loses its answer.
  const httplib::Headers auth{{"Authorization", "Bearer KEYcomposition"}};
  const json numbers = get_json(c, "/v2/phone_numbers", auth);
  ASSERT_TRUE(numbers.contains("data")) << numbers.dump();
  const std::string from = numbers["data"][0]["phone_number"].get<std::string>();
  const std::string body = json{{"from", from}, {"to", "+17735550188"}, {"text", "hello"}}.dump();
  auto first = c.Post("/v2/messages", auth, body, "application/json");
  EXPECT_FALSE(first) << "the first answer should have been dropped";
  auto second = c.Post("/v2/messages", auth, body, "application/json");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200) << second->body;
  const json report = get_json(c, "/_mock/report");
  bool fired = false;
  for (const auto& rule : report.value("rules", json::array()))
    if (rule.value("name", "") == "drop-first-answer") fired = rule.value("fired", 0) == 1;
  EXPECT_TRUE(fired) << report.dump();
}

TEST(CompositionRootTest, ABadScenarioFileFailsStartWithWhereAndWhat) {
  const std::string path = harness::testing::binary_path("composition_bad_scenario.yaml");
  {
    std::ofstream f(path);
    f << "name: bad\nrules:\n  - name: x\n    fault: not_a_fault\n";
  }
  MockServerOptions o;
  o.scenarios = true;
  o.scenario_path = path;
  MockServer srv(o);
  const auto err = srv.start();
  std::remove(path.c_str());
  ASSERT_TRUE(err);
  EXPECT_EQ(err->rfind(path + ":", 0), 0u) << *err;   // "file:line:column: message"
  EXPECT_EQ(srv.port(), -1);   // never listened
}

TEST(CompositionRootTest, ShutdownReportsWhatTheWebhookEngineCouldNotDeliver) {
  MockServer srv({});
  ASSERT_FALSE(srv.start());
  const auto report = srv.shutdown();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->rfind("webhooks: 0 delivered", 0), 0u) << *report;

  MockServerOptions quiet;
  quiet.builtin_webhooks = false;
  MockServer none(quiet);
  ASSERT_FALSE(none.start());
  EXPECT_FALSE(none.shutdown());
}

}  // namespace
}  // namespace harness::mock
