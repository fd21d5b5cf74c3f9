#include <gtest/gtest.h>

#include "core/send_request.h"
#include "support/paths.h"

using namespace harness::core;

namespace {
RequestProblem fail(const std::string& body) {
  const auto r = decode_send_request(body);
  EXPECT_FALSE(r.ok()) << body;
  return r.ok() ? RequestProblem{0, {}} : r.error();
}
}  // namespace

TEST(CoreSendRequestTest, FixtureRoundTrips) {
  const std::string raw = harness::testing::fixture("send_request.json");
  const auto r = decode_send_request(raw);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->to, "+17735550188");
  EXPECT_EQ(r->from, "+13125550147");
  EXPECT_FALSE(r->use_profile_webhooks);
  EXPECT_EQ(json(r.value()), json::parse(raw));
}

TEST(CoreSendRequestTest, DefaultsAndOmittedOptionals) {
  const auto r = decode_send_request(R"({"to":"+17735550188"})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->use_profile_webhooks);
  EXPECT_FALSE(r->auto_detect);
  EXPECT_EQ(r->encoding, "auto");
  const json j = r.value();
  EXPECT_FALSE(j.contains("from"));
  EXPECT_FALSE(j.contains("media_urls"));
  EXPECT_FALSE(j.contains("send_at"));
}

TEST(CoreSendRequestTest, AllFieldsDecode) {
  const auto r = decode_send_request(R"({"to":"+17735550188","from":"+13125550147","messaging_profile_id":"p",
    "text":"t","subject":"s","media_urls":["https://a","https://b"],"type":"MMS","webhook_url":"w",
    "webhook_failover_url":"f","use_profile_webhooks":true,"auto_detect":true,"encoding":"ucs2",
    "send_at":"2025-03-01T12:00:00Z","tags":["x"],"unknown_field":{"ignored":true}})");
  ASSERT_TRUE(r.ok()) << r.error().error.detail.value_or("");
  EXPECT_EQ(r->media_urls.size(), 2u);
  EXPECT_EQ(r->type, "MMS");
  EXPECT_EQ(r->encoding, "ucs2");
  EXPECT_TRUE(r->auto_detect);
  EXPECT_EQ(r->tags, std::vector<std::string>{"x"});
  EXPECT_EQ(decode_send_request(json(r.value())).value(), r.value());
}

TEST(CoreSendRequestTest, NullMeansAbsent) {
  const auto r = decode_send_request(R"({"to":"+1","send_at":null,"from":null,"media_urls":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->send_at, std::nullopt);
  EXPECT_EQ(r->from, std::nullopt);
}

TEST(CoreSendRequestTest, MalformedJsonIs400Code10015) {
  for (const char* body : {"", "{", "{\"to\":}", "not json", "{\"to\":\"+1\"} trailing", "\xFF\xFE"}) {
    const auto p = fail(body);
    EXPECT_EQ(p.http_status, 400) << body;
    EXPECT_EQ(p.error.code, "10015") << body;
    EXPECT_EQ(p.error.source_pointer, std::nullopt);
  }
  const auto p = fail("{\"to\":\"+1\xC3\"}");   // invalid UTF-8 inside a JSON string
  EXPECT_EQ(p.error.code, "10015");
}

TEST(CoreSendRequestTest, NonObjectIs400Code10015) {
  for (const char* body : {"[]", "\"to\"", "5", "null", "true"}) {
    const auto p = fail(body);
    EXPECT_EQ(p.http_status, 400) << body;
    EXPECT_EQ(p.error.code, "10015") << body;
  }
}

TEST(CoreSendRequestTest, MissingToIs422Code10004WithPointer) {
  for (const char* body : {R"({})", R"({"from":"+1","text":"hi"})", R"({"to":null})"}) {
    const auto p = fail(body);
    EXPECT_EQ(p.http_status, 422) << body;
    EXPECT_EQ(p.error.code, "10004");
    EXPECT_EQ(p.error.source_pointer, "/to");
    EXPECT_EQ(p.error.detail, "The 'to' parameter is required.");
  }
}

TEST(CoreSendRequestTest, WrongTypesAre400Code10015WithPointer) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"to":5})", "/to"},
      {R"({"to":["+1","+2"]})", "/to"},
      {R"({"to":"+1","from":{}})", "/from"},
      {R"({"to":"+1","text":42})", "/text"},
      {R"({"to":"+1","media_urls":"https://a"})", "/media_urls"},
      {R"({"to":"+1","media_urls":["https://a",7]})", "/media_urls/1"},
      {R"({"to":"+1","use_profile_webhooks":"false"})", "/use_profile_webhooks"},
      {R"({"to":"+1","auto_detect":1})", "/auto_detect"},
      {R"({"to":"+1","encoding":"utf8"})", "/encoding"},
      {R"({"to":"+1","encoding":true})", "/encoding"},
      {R"({"to":"+1","type":"sms"})", "/type"},
      {R"({"to":"+1","tags":[null]})", "/tags/0"},
      {R"({"to":"+1","send_at":1740830400})", "/send_at"},
  };
  for (auto [body, pointer] : cases) {
    const auto p = fail(body);
    EXPECT_EQ(p.http_status, 400) << body;
    EXPECT_EQ(p.error.code, "10015") << body;
    EXPECT_EQ(p.error.source_pointer, pointer) << body;
    EXPECT_EQ(p.error.title, "Bad Request");
  }
}

TEST(CoreSendRequestTest, TypeErrorReportedBeforeMissingTo) {
  const auto p = fail(R"({"media_urls":[1]})");
  EXPECT_EQ(p.error.code, "10015");
  EXPECT_EQ(p.error.source_pointer, "/media_urls/0");
}

TEST(CoreSendRequestTest, HugeTextIsAccepted) {
  const json body = {{"to", "+17735550188"}, {"text", std::string(1 << 20, 'a')}};
  const auto r = decode_send_request(body.dump());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text->size(), size_t{1} << 20);
}

TEST(CoreSendRequestTest, DeeplyNestedJsonDoesNotCrash) {
  const std::string deep = "{\"to\":\"+1\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto r = decode_send_request(deep);
  EXPECT_TRUE(r.ok());   // unknown fields are ignored, however deep
}
