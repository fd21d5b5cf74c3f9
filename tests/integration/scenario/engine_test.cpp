// ScenarioEngine without HTTP: hot swap keeps in-flight scenarios alive, --watch reloads a file and
// keeps the previous scenario when an edit is malformed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "core/clock.h"
#include "scenario/engine.h"

namespace harness::mock::scenario {
namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

template <class Pred>
bool wait_until(Pred p) {   // bounded: at most 10 s
  for (int i = 0; i < 1000 && !p(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return p();
}

TEST(EngineTest, SwapKeepsTheOldScenarioForRequestsInFlight) {
  core::ManualClock clock;
  ScenarioEngine engine(clock);
  ASSERT_FALSE(engine.load_yaml("name: old\nrules:\n  - { name: r, respond: { status: 500 } }\n"));
  auto in_flight = engine.current();
  ASSERT_FALSE(engine.load_yaml("name: new\n"));
  EXPECT_EQ(in_flight->name, "old");
  EXPECT_EQ(in_flight->rules.size(), 1u);
  EXPECT_EQ(engine.current()->name, "new");
  auto bad = engine.load_yaml("name: [\n");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(engine.current()->name, "new");
}

TEST(EngineTest, WatchReloadsTheFileAndKeepsTheOldOneOnErrors) {
  core::ManualClock clock;
  ScenarioEngine engine(clock);
  const std::string path = "/tmp/scenario-watch-" + std::to_string(::getpid()) + ".yaml";
  write(path, "name: first\n");
  ASSERT_FALSE(engine.load_file(path));
  engine.watch(path, std::chrono::milliseconds(20));
  write(path, "name: second\nrules:\n  - { name: r, respond: { status: 503 } }\n");
  EXPECT_TRUE(wait_until([&] { return engine.current()->name == "second"; }));
  write(path, "name: third\nrules:\n  - { name: r, fault: explode }\n");
  EXPECT_TRUE(wait_until([&] { return engine.get_scenario().body.find("watch_error") != std::string::npos; }));
  EXPECT_EQ(engine.current()->name, "second");
  EXPECT_NE(engine.get_scenario().body.find(":3:"), std::string::npos) << engine.get_scenario().body;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace harness::mock::scenario
