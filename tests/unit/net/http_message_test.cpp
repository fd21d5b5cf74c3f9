// The wire codec of the shared HTTP client: response framing in every split, bad input, the
// body cap, the request writer and URL splitting.
#include "net/http_message.h"

#include <gtest/gtest.h>

using namespace harness::net;
using State = ResponseParser::State;

namespace {

// Feeds `wire` split at `cut` (two feeds) and returns the parser.
ResponseParser parse_split(const std::string& wire, size_t cut, size_t* consumed_total = nullptr) {
  ResponseParser p;
  size_t used = 0, total = 0;
  p.feed(std::string_view(wire).substr(0, cut), used);
  total += used;
  if (p.state() == State::NeedMore) {
    p.feed(std::string_view(wire).substr(cut), used);
    total += used;
  }
  if (consumed_total) *consumed_total = total;
  return p;
}

const std::string kBody = "{\"data\":{\"id\":\"abc-123\"}}\r\n";
const std::string kLength = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
const std::string kChunked =
    "HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nRetry-After: 3\r\n\r\n"
    "5\r\nhello\r\n1;ext=1\r\n,\r\nB\r\n world!!!!\n\r\n0\r\nX-Trailer: 1\r\n\r\n";

}  // namespace

TEST(ResponseParserTest, ContentLengthAtEveryByteSplit) {
  for (size_t cut = 0; cut <= kLength.size(); ++cut) {
    size_t used = 0;
    const auto p = parse_split(kLength, cut, &used);
    ASSERT_EQ(p.state(), State::Done) << "cut " << cut;
    EXPECT_EQ(p.status(), 200);
    EXPECT_EQ(p.body(), kBody);
    EXPECT_TRUE(p.keep_alive());
    EXPECT_EQ(used, kLength.size());
  }
}

TEST(ResponseParserTest, ChunkedAtEveryByteSplit) {
  for (size_t cut = 0; cut <= kChunked.size(); ++cut) {
    const auto p = parse_split(kChunked, cut);
    ASSERT_EQ(p.state(), State::Done) << "cut " << cut;
    EXPECT_EQ(p.status(), 429);
    EXPECT_EQ(p.body(), "hello, world!!!!\n");
    EXPECT_EQ(p.retry_after_seconds(), 3);
  }
}

TEST(ResponseParserTest, OneByteAtATime) {
  ResponseParser p;
  for (char c : kChunked) {
    size_t used = 0;
    ASSERT_NE(p.feed(std::string_view(&c, 1), used), State::Error);
  }
  EXPECT_EQ(p.state(), State::Done);
  EXPECT_EQ(p.body(), "hello, world!!!!\n");
}

TEST(ResponseParserTest, LeavesPipelinedBytesUnconsumed) {
  const std::string two = kLength + kLength;
  ResponseParser p;
  size_t used = 0;
  EXPECT_EQ(p.feed(two, used), State::Done);
  EXPECT_EQ(used, kLength.size());
}

TEST(ResponseParserTest, ConnectionCloseAndHttp10) {
  ResponseParser p;
  size_t used = 0;
  p.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", used);
  EXPECT_EQ(p.state(), State::Done);
  EXPECT_FALSE(p.keep_alive());
  p.reset();
  p.feed("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", used);
  EXPECT_EQ(p.state(), State::Done);
  EXPECT_FALSE(p.keep_alive());
  p.reset();
  p.feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", used);
  EXPECT_TRUE(p.keep_alive());
}

TEST(ResponseParserTest, BodyUntilEof) {
  ResponseParser p;
  size_t used = 0;
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\n\r\npart1", used), State::NeedMore);
  EXPECT_EQ(p.feed("part2", used), State::NeedMore);
  EXPECT_EQ(p.on_eof(), State::Done);
  EXPECT_EQ(p.body(), "part1part2");
  EXPECT_FALSE(p.keep_alive());
}

TEST(ResponseParserTest, NoBodyStatusesAndInterimResponses) {
  ResponseParser p;
  size_t used = 0;
  EXPECT_EQ(p.feed("HTTP/1.1 204 No Content\r\n\r\n", used), State::Done);
  p.reset();
  EXPECT_EQ(p.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", used), State::Done);
  EXPECT_EQ(p.status(), 201);
  EXPECT_EQ(p.body(), "x");
}

TEST(ResponseParserTest, EofMidBodyIsAnError) {
  ResponseParser p;
  size_t used = 0;
  p.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", used);
  EXPECT_EQ(p.on_eof(), State::Error);
}

TEST(ResponseParserBadInputTest, RejectsMalformedResponses) {
  for (const std::string& bad :
       {std::string("HTTX/1.1 200 OK\r\n\r\n"), std::string("HTTP/1.1 2x0 OK\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n"),
        std::string("HTTP/1.1 200 OK\r\nX: ") + std::string(70000, 'a')}) {
    ResponseParser p;
    size_t used = 0;
    EXPECT_EQ(p.feed(bad, used), State::Error) << bad.substr(0, 60);
  }
}

TEST(RequestWriterTest, WritesHostAndContentLength) {
  Request r;
  r.target = "/v2/messages";
  r.host = "127.0.0.1:8080";
  r.headers = {{"Authorization", "Bearer K"}};
  r.body = "{}";
  std::string out;
  write_request(r, out);
  EXPECT_EQ(out, "POST /v2/messages HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer K\r\n"
                 "Content-Length: 2\r\n\r\n{}");
}

TEST(ResponseParserTest, BodyCapStopsReadingAndForbidsReuse) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
  ResponseParser p(10);
  size_t used = 0;
  EXPECT_EQ(p.feed(head + std::string(40, 'x'), used), State::Done);
  EXPECT_TRUE(p.truncated());
  EXPECT_EQ(p.body(), std::string(10, 'x'));
  EXPECT_FALSE(p.keep_alive());
  EXPECT_EQ(p.status(), 200);
  p.reset();
  EXPECT_EQ(p.feed(head + std::string(100, 'y'), used), State::Done);   // the cap is kept
  EXPECT_TRUE(p.truncated());
  ResponseParser exact(100);
  EXPECT_EQ(exact.feed(head + std::string(100, 'z'), used), State::Done);
  EXPECT_FALSE(exact.truncated());
  EXPECT_TRUE(exact.keep_alive());
  EXPECT_EQ(exact.body_bytes(), 100u);
}

TEST(UrlTest, SplitsOriginAndTarget) {
  auto u = parse_http_url("https://hooks.example.com/a/b?c=1#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->origin.tls);
  EXPECT_EQ(u->origin.host, "hooks.example.com");
  EXPECT_EQ(u->origin.port, "443");
  EXPECT_EQ(u->target, "/a/b?c=1");
  EXPECT_EQ(u->origin.key(), "https://hooks.example.com:443");
  u = parse_http_url("http://127.0.0.1:9000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin.port, "9000");
  EXPECT_EQ(u->target, "/");
  u = parse_http_url("http://[::1]:8080?x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin.host, "::1");
  EXPECT_EQ(u->origin.host_header(), "[::1]:8080");
  EXPECT_EQ(u->target, "/?x");
  for (const char* bad : {"ftp://x", "http://", "http://:80", "http://x:0", "http://x:99999",
                          "http://x:a", "http://u@x/", "http://[::1/", "http://x:/"}) {
    EXPECT_FALSE(parse_http_url(bad)) << bad;
  }
}
