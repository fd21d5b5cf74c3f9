// Bounded JSON: the nesting pre-scan, the bounded parse and the UTF-8-safe dump.
#include <gtest/gtest.h>
#include <string>
#include "core/json_limits.h"

namespace harness::core {
namespace {

std::string nested(size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(JsonLimits, CountsArraysAndObjectsTogether) {
  EXPECT_FALSE(json_nesting_exceeds(nested(64), 64));
  EXPECT_TRUE(json_nesting_exceeds(nested(65), 64));
  EXPECT_TRUE(json_nesting_exceeds(R"({"a":[{"b":[1]}]})", 3));
  EXPECT_FALSE(json_nesting_exceeds(R"({"a":[{"b":[1]}]})", 4));
  EXPECT_FALSE(json_nesting_exceeds(R"([1],[2],[3])", 1));   // siblings do not add up
}

TEST(JsonLimits, BracketsInsideStringsDoNotCount) {
  EXPECT_FALSE(json_nesting_exceeds(R"({"t":"[[[[[[[[[["})", 1));
  EXPECT_FALSE(json_nesting_exceeds(R"({"t":"\"[[[[[[[["})", 1));   // escaped quote stays inside
  EXPECT_FALSE(json_nesting_exceeds(R"({"t":"\\"})", 1));          // escaped backslash ends it
  EXPECT_TRUE(json_nesting_exceeds(R"({"t":"\\",[]})", 1));
}

TEST(JsonLimits, BoundedParse) {
  json j;
  EXPECT_EQ(parse_json_bounded(R"({"to":"+1","n":[1,2]})", j), JsonParse::Ok);
  EXPECT_EQ(j["n"][1], 2);
  json untouched = "keep";
  EXPECT_EQ(parse_json_bounded("{\"to\":" + nested(100000) + "}", untouched), JsonParse::TooDeep);
  EXPECT_EQ(untouched, "keep");
  EXPECT_EQ(parse_json_bounded("{\"to\": ", j), JsonParse::Invalid);
  EXPECT_EQ(parse_json_bounded(nested(10), j, 9), JsonParse::TooDeep);
  EXPECT_EQ(parse_json_bounded(nested(10), j, 10), JsonParse::Ok);
  EXPECT_NE(json_too_deep_detail(64).find("64"), std::string::npos);
}

// Flat objects of plain strings and literals take a direct path: whatever the text, the result
// (and Ok or Invalid) is nlohmann's.
TEST(JsonLimits, BoundedParseAgreesWithNlohmannOnFlatAndNearFlatBodies) {
  const char* bodies[] = {
      R"({"to":"+17735550188","text":"Your code is 4821"})",
      " \t\r\n{ \"to\" : \"+1\" , \"text\":\"hi\" }\n ",
      "{}", " { } ", R"({"a":true,"b":false,"c":null,"d":""})",
      R"({"to":"+1","to":"+2"})",                       // a repeated key: the last one wins
      R"({"t":"caf\u00e9"})", R"({"t":"a\"b"})",     // escapes: nlohmann's path
      "{\"t\":\"caf\xc3\xa9\"}", "{\"t\":\"\xff\"}", "{\"t\":\"a\tb\"}",
      R"({"n":1})", R"({"n":-1.5e3})", R"({"m":["x"]})", R"({"o":{"k":"v"}})",
      R"({"a":tru})", R"({"a":truex})", R"({"a":nul})", R"({"a":"x",})", R"({"a":"x"} x)",
      R"({"a" "x"})", R"({"a":"x")", R"({"a":)", R"({)", R"({"a)", R"([])", R"("s")", "", "  ",
      R"({"a":"x"}{})", "\xef\xbb\xbf{\"a\":\"x\"}",
  };
  for (const char* body : bodies) {
    json fast;
    const JsonParse got = parse_json_bounded(body, fast);
    const json slow = json::parse(body, nullptr, false);
    if (slow.is_discarded()) {
      EXPECT_EQ(got, JsonParse::Invalid) << body;
    } else {
      EXPECT_EQ(got, JsonParse::Ok) << body;
      EXPECT_EQ(fast, slow) << body;
    }
  }
}

TEST(JsonLimits, DumpReplacesInvalidUtf8) {
  json j = {{"path", std::string("/\xff")}};
  EXPECT_THROW(j.dump(), json::type_error);
  EXPECT_EQ(dump_json(j), "{\"path\":\"/\xEF\xBF\xBD\"}");
  EXPECT_EQ(dump_json(json{{"a", 1}}, 2), "{\n  \"a\": 1\n}");
}

}  // namespace
}  // namespace harness::core
