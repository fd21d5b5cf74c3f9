// GET /_mock/ui over a real socket: the inbox page is served from the binary, under the page
// weight budget, without the admin token (it holds no data), while the routes it calls still
// need the token; other methods get 405 with the error envelope.
#include <gtest/gtest.h>
#include <httplib.h>
#include "core/json.h"
#include "mock_server.h"

namespace harness::mock {
namespace {

TEST(InboxPage, ServedWithoutTokenUnderBudget) {
  MockServerOptions o;
  o.admin_token = "s3cret";
  MockServer mock(o);
  ASSERT_FALSE(mock.start());
  httplib::Client c(mock.base_url());
  auto page = c.Get("/_mock/ui");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("telnyx-mock inbox"), std::string::npos);
  EXPECT_LT(page->body.size(), 200u * 1024u);
  // Nothing fetched from elsewhere: no external URL in the page.
  EXPECT_EQ(page->body.find("http://"), std::string::npos);
  EXPECT_EQ(page->body.find("https://"), std::string::npos);

  auto data = c.Get("/_mock/messages");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->status, 401);
  c.set_bearer_token_auth("s3cret");
  data = c.Get("/_mock/messages");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->status, 200);

  auto post = c.Post("/_mock/ui", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  const auto j = core::json::parse(post->body, nullptr, false);
  ASSERT_TRUE(j.contains("errors")) << post->body;
  EXPECT_EQ(j["errors"][0]["code"], "10015");
}

}  // namespace
}  // namespace harness::mock
