// Streaming responses of the event-loop server (Exchange::stream, the transport under
// GET /_mock/events) over real sockets: the head without a length, bytes written from another
// thread, heartbeats, a subscriber that never reads (its queue stays within the cap and the
// stream ends as Overflow), the peer leaving, and stop() with a stream open.
#include "net/http_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "../mock/raw_connection.h"

namespace harness::net {
namespace {

using namespace std::chrono_literals;
using harness::mock::testing::RawConnection;

const std::string kGet = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// A server whose every request becomes a stream; the test reaches the handle and its ending.
class StreamServer {
 public:
  explicit StreamServer(StreamOptions so, ServerLimits limits = {}) : so_(std::move(so)) {
    ServerOptions o;
    o.threads = 1;
    o.limits = limits;
    server_ = std::make_unique<HttpServer>(
        o,
        [this](const std::shared_ptr<Exchange>& ex) {
          ex->res.set_header("Content-Type", "text/event-stream");
          auto h = ex->stream(so_, [this](StreamEnd how) {
            std::lock_guard<std::mutex> lk(mu_);
            end_ = how;
            cv_.notify_all();
          });
          std::lock_guard<std::mutex> lk(mu_);
          handle_ = h;
          cv_.notify_all();
        },
        nullptr);
    EXPECT_FALSE(server_->start());
  }
  int port() const { return server_->port(); }
  HttpServer& server() { return *server_; }

  // Sends the request on `c` and returns the stream it became.
  std::shared_ptr<StreamHandle> open(RawConnection& c) {
    EXPECT_TRUE(c.send_all(kGet));
    return handle();
  }
  std::shared_ptr<StreamHandle> handle() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, 5s, [this] { return handle_ != nullptr; });
    return handle_;
  }
  std::optional<StreamEnd> wait_end() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, 10s, [this] { return end_.has_value(); });
    return end_;
  }

 private:
  StreamOptions so_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<StreamHandle> handle_;
  std::optional<StreamEnd> end_;
};

StreamOptions without_heartbeat() {
  StreamOptions so;
  so.heartbeat = 0ms;
  return so;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(HttpServerStream, HeadThenBytesWrittenFromAnotherThread) {
  StreamServer s(without_heartbeat());
  RawConnection c(s.port());
  auto h = s.open(c);
  ASSERT_TRUE(h);
  std::thread writer([h] { EXPECT_TRUE(h->write("event: one\ndata: {}\n\n")); });
  writer.join();
  const std::string got = c.read_until([](const std::string& r) { return contains(r, "event: one\n"); });
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_TRUE(contains(got, "Content-Type: text/event-stream\r\n")) << got;
  EXPECT_TRUE(contains(got, "Connection: close\r\n")) << got;
  EXPECT_FALSE(contains(got, "Content-Length")) << got;
  EXPECT_EQ(s.server().counters().streams, 1u);

  // The handle's close() ends the stream in order: what was written, then FIN.
  EXPECT_TRUE(h->write("event: two\ndata: {}\n\n"));
  h->close();
  EXPECT_FALSE(h->write("late"));
  const std::string all = c.read_to_end();
  EXPECT_TRUE(c.eof());
  EXPECT_TRUE(contains(all, "event: two\n"));
  EXPECT_FALSE(contains(all, "late"));
  EXPECT_EQ(s.wait_end(), StreamEnd::Closed);
  EXPECT_EQ(s.server().counters().streams, 0u);
}

TEST(HttpServerStream, HeartbeatAfterSilence) {
  StreamOptions so;
  so.heartbeat = 20ms;
  so.heartbeat_bytes = ": hb\n\n";
  StreamServer s(so);
  RawConnection c(s.port());
  ASSERT_TRUE(c.send_all(kGet));
  // Two heartbeats arrive with nothing else written (bounded wait, no timing assertion).
  const std::string got = c.read_until([](const std::string& r) {
    const size_t first = r.find(": hb\n\n");
    return first != std::string::npos && r.find(": hb\n\n", first + 1) != std::string::npos;
  });
  const size_t first = got.find(": hb\n\n");
  ASSERT_NE(first, std::string::npos) << got;
  EXPECT_NE(got.find(": hb\n\n", first + 1), std::string::npos) << got;
}

TEST(HttpServerStream, SubscriberThatNeverReadsIsCutAtTheCap) {
  StreamOptions so = without_heartbeat();
  so.max_queued_bytes = 64 * 1024;
  StreamServer s(so);
  RawConnection c(s.port());
  const int small = 4096;
  ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  auto h = s.open(c);
  ASSERT_TRUE(h);
  // The peer never reads: the kernel's buffers fill, then the stream's own queue, which may
  // never hold more than the cap; the write that would pass it ends the stream.
  const std::string chunk(8 * 1024, 'x');
  size_t written = 0, max_queued = 0;
  bool refused = false;
  for (int i = 0; i < 100000 && !refused; ++i) {   // at most 800 MB offered: the cap must bite long before
    if (!h->write(chunk)) {
      refused = true;
      break;
    }
    written += chunk.size();
    max_queued = std::max(max_queued, h->queued_bytes());
    if (i % 64 == 63) std::this_thread::yield();
  }
  EXPECT_TRUE(refused) << "wrote " << written << " bytes to a peer that never reads";
  EXPECT_LE(max_queued, so.max_queued_bytes);
  EXPECT_EQ(s.wait_end(), StreamEnd::Overflow);
  EXPECT_FALSE(h->open());
  EXPECT_FALSE(h->write("more"));
  c.read_to_end(5s);
  EXPECT_TRUE(c.ended());
}

TEST(HttpServerStream, PeerLeavingEndsTheStream) {
  StreamServer s(without_heartbeat());
  {
    RawConnection c(s.port());
    ASSERT_TRUE(c.send_all(kGet));
    ASSERT_TRUE(s.handle());
    c.read_until([](const std::string& r) { return contains(r, "\r\n\r\n"); });
  }
  EXPECT_EQ(s.wait_end(), StreamEnd::PeerClosed);
  EXPECT_EQ(s.server().counters().streams, 0u);
}

TEST(HttpServerStream, StopClosesAnOpenStream) {
  StreamServer s(without_heartbeat());
  RawConnection c(s.port());
  auto h = s.open(c);
  ASSERT_TRUE(h);
  c.read_until([](const std::string& r) { return contains(r, "\r\n\r\n"); });
  s.server().stop();
  c.read_to_end(5s);
  EXPECT_TRUE(c.ended());
  EXPECT_EQ(s.wait_end(), StreamEnd::Shutdown);
  EXPECT_FALSE(h->open());
  EXPECT_FALSE(h->write("after stop"));
}

}  // namespace
}  // namespace harness::net
