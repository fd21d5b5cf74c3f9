#include "client/error.h"

#include <gtest/gtest.h>

namespace harness::client {
namespace {

TEST(ErrorFromHttp, RateLimitReadsRetryAfterSeconds) {
  Error e = error_from_http(
      429, R"({"errors":[{"code":"10011","title":"Too many requests","detail":"Request limit exceeded."}]})",
      {{"retry-after", "3"}, {"x-ratelimit-reset", "9"}, {"x-request-id", "req-1"}});
  EXPECT_EQ(e.type, ErrorKind::RateLimit);
  EXPECT_EQ(e.code, "10011");
  EXPECT_EQ(e.title, "Too many requests");
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(e.retry_after->count(), 3000);
  EXPECT_EQ(e.request_id, "req-1");
  EXPECT_TRUE(e.retryable());
}

TEST(ErrorFromHttp, RateLimitFallsBackToRatelimitReset) {
  Error e = error_from_http(429, "{}", {{"x-ratelimit-reset", "7"}});
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(e.retry_after->count(), 7000);
}

TEST(ErrorFromHttp, RetryAfterMsWins) {
  Error e = error_from_http(429, "{}", {{"retry-after-ms", "250"}, {"retry-after", "3"}});
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(e.retry_after->count(), 250);
}

TEST(ErrorFromHttp, RateLimitWithoutHintHasNoRetryAfter) {
  Error e = error_from_http(429, "", {{"retry-after", "soon"}});
  EXPECT_EQ(e.type, ErrorKind::RateLimit);
  EXPECT_FALSE(e.retry_after);
}

TEST(ErrorFromHttp, AuthenticationOn401) {
  Error e = error_from_http(
      401, R"({"errors":[{"code":"10009","title":"Authentication failed","detail":"API key missing or not valid."}]})", {});
  EXPECT_EQ(e.type, ErrorKind::Authentication);
  EXPECT_EQ(e.code, "10009");
  EXPECT_FALSE(e.retryable());
}

TEST(ErrorFromHttp, AuthorizationFailedIsAuthentication) {
  Error e = error_from_http(403, R"({"errors":[{"code":"10010","title":"Authorization failed"}]})", {});
  EXPECT_EQ(e.type, ErrorKind::Authentication);
}

TEST(ErrorFromHttp, SendErrorsAreValidationWhatever400Or403) {
  Error a = error_from_http(
      400, R"({"errors":[{"code":"40310","title":"Invalid 'to' address","source":{"pointer":"/to"}}]})", {});
  EXPECT_EQ(a.type, ErrorKind::Validation);
  EXPECT_EQ(a.pointer, "/to");
  Error b = error_from_http(403, R"({"errors":[{"code":"40300","title":"Blocked due to STOP"}]})", {});
  EXPECT_EQ(b.type, ErrorKind::Validation);
  Error c = error_from_http(422, R"({"errors":[{"code":"10004","title":"Missing required parameter"}]})", {});
  EXPECT_EQ(c.type, ErrorKind::Validation);
  EXPECT_FALSE(c.retryable());
}

TEST(ErrorFromHttp, ServerErrorsAreRetryableApiErrors) {
  Error e = error_from_http(503, "<html>bad gateway</html>", {});
  EXPECT_EQ(e.type, ErrorKind::Api);
  EXPECT_EQ(e.http_status, 503);
  EXPECT_TRUE(e.retryable());
  EXPECT_NE(e.detail.find("bad gateway"), std::string::npos);
}

TEST(ErrorFromHttp, NotFoundIsApiAndFinal) {
  Error e = error_from_http(404, R"({"errors":[{"code":"10005","title":"Resource not found"}]})", {});
  EXPECT_EQ(e.type, ErrorKind::Api);
  EXPECT_FALSE(e.retryable());
}

TEST(ErrorFromHttp, NumericCodeIsTolerated) {
  Error e = error_from_http(400, R"({"errors":[{"code":40310,"title":"x"}]})", {});
  EXPECT_EQ(e.code, "40310");
}

TEST(Error, NetworkRetryabilityDependsOnAmbiguity) {
  Error e;
  e.type = ErrorKind::Network;
  EXPECT_TRUE(e.retryable());
  e.ambiguous = true;
  EXPECT_FALSE(e.retryable());
  EXPECT_NE(e.summary().find("ambiguous"), std::string::npos);
}

TEST(ErrorKindNames, AreStable) {
  EXPECT_EQ(to_string(ErrorKind::Validation), "validation");
  EXPECT_EQ(to_string(ErrorKind::Authentication), "authentication");
  EXPECT_EQ(to_string(ErrorKind::RateLimit), "rate_limit");
  EXPECT_EQ(to_string(ErrorKind::Network), "network");
  EXPECT_EQ(to_string(ErrorKind::Api), "api");
}

}  // namespace
}  // namespace harness::client
