// The mock's own connection loop, byte by byte over a raw socket: responses are gathered into one
// send, so these pin what gathering must not break — an interim "100 Continue" goes out before
// the body is read, pipelined requests are answered in order, and a closing answer arrives whole.
#include <chrono>
#include <string>
#include "mock_fixture.h"
#include "raw_connection.h"

namespace harness::mock::testing {
namespace {

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) ++n;
  return n;
}

const std::string kBody = R"({"to":"+17735550188","text":"Your code is 4821"})";

std::string post_head(const std::string& extra = "") {
  return "POST /v2/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer KEYraw\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(kBody.size()) + "\r\n" + extra + "\r\n";
}

class ConnectionTest : public MockFixture {};

TEST_F(ConnectionTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_all(post_head("Expect: 100-continue\r\n")));
  // Nothing more is sent until the interim answer arrives; a withheld one would time out here.
  const std::string interim = c.read_until(
      [](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; },
      std::chrono::seconds(3));
  ASSERT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  ASSERT_TRUE(c.send_all(kBody));
  const std::string all = c.read_until(
      [](const std::string& r) { return r.find("\"record_type\":\"message\"") != std::string::npos; });
  EXPECT_NE(all.find("HTTP/1.1 200 OK"), std::string::npos) << all;
}

TEST_F(ConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  // A send, an unknown route and another send, in one write.
  const std::string unknown =
      "GET /v2/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer KEYraw\r\n\r\n";
  ASSERT_TRUE(c.send_all(post_head() + kBody + unknown + post_head() + kBody));
  const std::string all = c.read_until(
      [](const std::string& r) { return count_of(r, "HTTP/1.1 ") == 3 && count_of(r, "\"record_type\":\"message\"") == 2; });
  ASSERT_EQ(count_of(all, "HTTP/1.1 "), 3u) << all;
  const size_t first = all.find("HTTP/1.1 200");
  const size_t second = all.find("HTTP/1.1 404");
  const size_t third = all.find("HTTP/1.1 200", first + 1);
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  ASSERT_NE(third, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(all.find("\"code\":\"10005\""), std::string::npos);
}

TEST_F(ConnectionTest, AnswerBeforeCloseArrivesWhole) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_all(post_head("Connection: close\r\n") + kBody));
  // Read to the end: the server closes after its answer, which must be complete.
  const std::string all = c.read_until([](const std::string&) { return false; });
  const size_t head_end = all.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << all;
  const std::string key = "Content-Length: ";
  const size_t cl = all.find(key);
  ASSERT_NE(cl, std::string::npos) << all;
  const size_t length = std::stoul(all.substr(cl + key.size()));
  EXPECT_EQ(all.size() - (head_end + 4), length);
  EXPECT_NE(all.find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST_F(ConnectionTest, LargeAnswerArrivesWhole) {
  // Bigger than what is gathered into one send: the journal after many requests.
  for (int i = 0; i < 60; ++i) send({{"to", "+17735550188"}, {"text", "message " + std::to_string(i)}});
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_all("GET /_mock/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  const std::string all = c.read_until([](const std::string&) { return false; });
  const size_t head_end = all.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::string key = "Content-Length: ";
  const size_t cl = all.find(key);
  ASSERT_NE(cl, std::string::npos) << all.substr(0, head_end);
  const size_t length = std::stoul(all.substr(cl + key.size()));
  EXPECT_GT(length, 16u * 1024u);
  EXPECT_EQ(all.size() - (head_end + 4), length);
}

}  // namespace
}  // namespace harness::mock::testing
