// YAML caps: document size and expanded node count, counted without expanding anything.
#include <gtest/gtest.h>

#include <string>

#include "scenario/loader.h"
#include "yaml/bounded_yaml.h"

namespace harness::yaml {
namespace {

std::string laughs(int levels) {
  std::string y = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= levels; ++i) {
    y += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) y += (k ? ", *l" : "*l") + std::to_string(i - 1);
    y += "]\n";
  }
  return y;
}

TEST(BoundedYaml, CountsAliasesAsCopies) {
  // l0: 11 nodes; l1: 1 + 10 * 11; the root mapping and the two keys: 3.
  EXPECT_EQ(expanded_nodes(laughs(1), 1000), 1u + 2 + 11 + 111);
  EXPECT_EQ(expanded_nodes("a: 1\nb: [1, 2]\n", 100), 7u);   // mapping, 2 keys, 1, sequence, 2 items
}

TEST(BoundedYaml, BillionLaughsIsRefusedWithAMark) {
  try {
    load_bounded(laughs(9));
    FAIL() << "expected a refusal";
  } catch (const YAML::ParserException& e) {
    EXPECT_NE(e.msg.find("expands to more than 200000 nodes"), std::string::npos) << e.msg;
    EXPECT_GT(e.mark.line, 0);   // on the line that crosses the cap, not the first
  }
  EXPECT_NO_THROW(load_bounded(laughs(3)));
}

TEST(BoundedYaml, CyclicAliasIsRefused) {
  // yaml-cpp loads this as a node that contains itself; converting it to JSON never ends.
  EXPECT_THROW(load_bounded("a: &a [1, *a]\n"), YAML::ParserException);
  std::string error;
  EXPECT_FALSE(mock::scenario::parse_yaml_as_json("a: &a [1, *a]\n", error));
  EXPECT_NE(error.find("cycle"), std::string::npos) << error;
}

TEST(BoundedYaml, SizeCapNamesWhereItIsCrossed) {
  Limits small;
  small.max_bytes = 16;
  try {
    load_bounded("a: 1\nb: 2\nc: 3333333333\n", small);
    FAIL() << "expected a refusal";
  } catch (const YAML::ParserException& e) {
    EXPECT_EQ(e.mark.line, 2);
    EXPECT_EQ(e.mark.column, 6);
    EXPECT_NE(e.msg.find("larger than 16 bytes"), std::string::npos);
  }
}

TEST(BoundedYaml, ScenarioAndVerifyParsersUseTheCaps) {
  auto sc = mock::scenario::parse_scenario("name: x\nrules:\n  - name: r\n    respond:\n      status: 200\n      body:\n" +
                                           std::string("        k: {") + "}\n" + laughs(9));
  ASSERT_FALSE(sc);
  EXPECT_GT(sc.error().line, 1);
  EXPECT_NE(sc.error().message.find("expands to more than"), std::string::npos) << sc.error().to_string();
  std::string error;
  EXPECT_FALSE(mock::scenario::parse_yaml_as_json(laughs(9), error));
  EXPECT_NE(error.find("line "), std::string::npos) << error;
  EXPECT_FALSE(mock::scenario::parse_yaml_as_json(std::string(5 * 1024 * 1024, ' ') + "a: 1", error));
  EXPECT_NE(error.find("larger than"), std::string::npos) << error;
}

}  // namespace
}  // namespace harness::yaml
