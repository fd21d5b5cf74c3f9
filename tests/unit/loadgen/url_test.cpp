// telnyx-loadgen's --url / --mock parsing (plain http only).
#include <gtest/gtest.h>

#include "loadgen/http/request.h"

using namespace harness::loadgen::http;

TEST(UrlTest, ParsesAndRejects) {
  Url u;
  std::string err;
  ASSERT_TRUE(parse_url("http://127.0.0.1:12111/base/", u, err));
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "12111");
  EXPECT_EQ(u.path, "/base");
  ASSERT_TRUE(parse_url("http://localhost", u, err));
  EXPECT_EQ(u.port, "80");
  EXPECT_EQ(u.path, "");
  for (const char* bad : {"https://x", "ftp://x", "http://", "http://:80", "http://x:0", "http://x:99999", "http://x:a"})
    EXPECT_FALSE(parse_url(bad, u, err)) << bad;
}
