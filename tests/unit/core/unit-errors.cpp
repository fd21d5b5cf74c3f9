#include <gtest/gtest.h>

#include "core/errors.h"
#include "support/paths.h"

using namespace harness::core;

TEST(CoreErrorsTest, CatalogueIsSortedAndUnique) {
  const auto& cat = error_catalogue();
  ASSERT_FALSE(cat.empty());
  for (size_t i = 1; i < cat.size(); ++i) EXPECT_LT(cat[i - 1].code, cat[i].code);
  for (const auto& e : cat) {
    EXPECT_FALSE(e.title.empty()) << e.code;
    EXPECT_FALSE(e.detail.empty()) << e.code;
    EXPECT_EQ(find_error(e.code), &e);
  }
}

TEST(CoreErrorsTest, EveryContractCodeIsCatalogued) {
  const int codes[] = {
      // §4.2
      10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10012, 10013, 10014, 10015,
      10016, 10017, 10018, 10019, 10020, 10021, 10022, 10023, 10027, 10036, 10039,
      // §4.3
      40300, 40301, 40302, 40304, 40305, 40306, 40307, 40308, 40309, 40310, 40311, 40312, 40313, 40314, 40315,
      40316, 40317, 40318, 40319, 40320, 40321, 40322, 40323, 40325, 40328, 40329, 40330, 40331, 40333,
      // number state
      40100, 40150, 40151, 40155,
      // §4.4
      40001, 40002, 40003, 40004, 40005, 40006, 40008, 40009, 40010, 40011, 40012, 40013, 40014, 40015, 40016,
      40017, 40018, 40019, 40020};
  for (int c : codes) EXPECT_NE(find_error(c), nullptr) << c;
  EXPECT_EQ(find_error(99999), nullptr);
  EXPECT_EQ(find_error(0), nullptr);
  EXPECT_EQ(find_error(-1), nullptr);
}

TEST(CoreErrorsTest, HttpStatusesFollowContract) {
  const std::pair<int, int> expected[] = {{10004, 422}, {10009, 401}, {10010, 403}, {10011, 429}, {10005, 404},
                                          {10015, 400}, {10007, 500}, {10027, 422}, {10036, 409}, {10014, 415},
                                          {40310, 400}, {40305, 400}, {40300, 400}, {40008, 0},   {40001, 0}};
  for (auto [code, status] : expected) EXPECT_EQ(find_error(code)->http_status, status) << code;
  for (const auto& e : error_catalogue()) {
    if (e.code >= 40300 && e.code < 40400) {
      EXPECT_EQ(e.http_status, 400) << e.code;
      EXPECT_EQ(e.family, ErrorFamily::Send) << e.code;
    }
    if (e.code >= 40000 && e.code < 40100) {
      EXPECT_EQ(e.http_status, 0) << e.code;
      EXPECT_EQ(e.family, ErrorFamily::Delivery) << e.code;
    }
  }
}

TEST(CoreErrorsTest, RetryClassesFollowContractTable) {
  for (int c : {40006, 40008}) EXPECT_EQ(find_error(c)->retry, RetryClass::Automatic) << c;
  for (int c : {40002, 40005, 40011, 40014, 40016, 40017, 40018, 40318})
    EXPECT_EQ(find_error(c)->retry, RetryClass::AfterIntervention) << c;
  for (int c : {40001, 40003, 40010, 40300, 40314, 40322}) EXPECT_EQ(find_error(c)->retry, RetryClass::Permanent) << c;
  EXPECT_EQ(find_error(10011)->retry, RetryClass::AfterRetryAfter);
  EXPECT_EQ(find_error(10007)->retry, RetryClass::Backoff);
  EXPECT_EQ(find_error(10009)->retry, RetryClass::Never);
  EXPECT_EQ(find_error(40310)->retry, RetryClass::Never);
}

TEST(CoreErrorsTest, MakeErrorObjectFillsCatalogueFields) {
  const ErrorObject e = make_error_object(40310, {}, std::string("/to"));
  EXPECT_EQ(e.code, "40310");
  EXPECT_EQ(e.title, "Invalid 'to' address");
  EXPECT_EQ(e.detail, "Destination must be one valid phone number.");
  EXPECT_EQ(e.source_pointer, "/to");
  EXPECT_EQ(e.meta_url, "https://developers.telnyx.com/docs/overview/errors/40310");
}

TEST(CoreErrorsTest, DetailTemplateSubstitution) {
  EXPECT_EQ(make_error_object(10004, "to").detail, "The 'to' parameter is required.");
  // Empty argument for a template with a hole: the title stands in rather than "The '' ...".
  EXPECT_EQ(make_error_object(10004).detail, "Missing required parameter.");
  // No hole: a non-empty argument replaces the detail.
  EXPECT_EQ(make_error_object(10015, "The request body is not valid JSON.").detail,
            "The request body is not valid JSON.");
  EXPECT_EQ(make_error_object(10009).detail, "API key missing or not valid.");
}

TEST(CoreErrorsTest, UnknownCodeIsUnexpectedError) {
  const ErrorObject e = make_error_object(12345, "boom");
  EXPECT_EQ(e.code, "12345");
  EXPECT_EQ(e.title, "Unexpected error");
  EXPECT_EQ(e.detail, "boom");
}

TEST(CoreErrorsTest, ErrorBodyMatchesContractExample) {
  const json body = json::parse(error_body(10009));
  const json expected = json::parse(R"({"errors":[{"code":"10009","title":"Authentication failed",
    "detail":"API key missing or not valid.",
    "meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10009"}}]})");
  EXPECT_EQ(body, expected);
}

TEST(CoreErrorsTest, ErrorObjectOmitsAbsentOptionals) {
  ErrorObject e;
  e.code = "40008";
  e.title = "Undeliverable";
  const json j = e;
  EXPECT_EQ(j, json::parse(R"({"code":"40008","title":"Undeliverable"})"));
  ErrorObject p = make_error_object(10015);
  p.source_pointer.reset();
  p.source_parameter = "page[size]";
  EXPECT_EQ(json(p)["source"], json::parse(R"({"parameter":"page[size]"})"));
}

TEST(CoreErrorsTest, FromJsonAcceptsIntegerCodeAndRequiresTitle) {
  const ErrorObject e = json::parse(R"({"code":40008,"title":"Undeliverable"})").get<ErrorObject>();
  EXPECT_EQ(e.code, "40008");
  EXPECT_THROW(json::parse(R"({"code":"40008"})").get<ErrorObject>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"title":"x"})").get<ErrorObject>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"code":["x"],"title":"x"})").get<ErrorObject>(), json::type_error);
}

TEST(CoreErrorsTest, EnvelopeFixtureRoundTrips) {
  const json wire = json::parse(harness::testing::fixture("error_envelope.json"));
  const ErrorEnvelope env = wire.get<ErrorEnvelope>();
  ASSERT_EQ(env.errors.size(), 1u);
  EXPECT_EQ(env.errors[0], make_error_object(40310, {}, std::string("/to")));
  EXPECT_EQ(json(env), wire);
  EXPECT_EQ(json::parse(error_body(40310, {}, std::string("/to"))), wire);
  EXPECT_THROW(json::parse(R"({"error":[]})").get<ErrorEnvelope>(), json::out_of_range);
  EXPECT_THROW(json::parse(R"({"errors":{}})").get<ErrorEnvelope>(), json::type_error);
}
