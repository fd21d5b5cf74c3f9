// The mock's own connection loop, byte by byte over a raw socket: responses are gathered into one
// send, so these pin what gathering must not break — an interim "100 Continue" goes out before
// the body is read, pipelined requests are answered in order, and a closing answer arrives whole.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <chrono>
#include <string>
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool send_all(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // Reads until `done(received)` holds, the peer closes, or `limit` passes.
  template <typename Done>
  std::string read_until(Done done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(received_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string received_;
};

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
