// The shared HTTP client over real sockets: keep-alive reuse, the whole-request deadline against
// peers that never answer or drip, the body cap, no silent resend, the per-origin pool bound and
// isolation between origins, TLS, shutdown.
#include "net/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <asio.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "support/peer.h"
#include "support/paths.h"
#include "support/scoped_server.h"

namespace harness::net {
namespace {

using namespace std::chrono_literals;
using harness::testing::Peer;
using harness::testing::ok_response;

// An io_context run by `threads` loop threads until the fixture ends.
class Loop {
 public:
  explicit Loop(int threads = 2) : guard_(asio::make_work_guard(io)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io.run(); });
  }
  ~Loop() {
    guard_.reset();
    io.stop();
    for (auto& t : threads_) t.join();
  }
  asio::io_context io;

 private:
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

std::string post_to(const Origin& o, const std::string& body = "{\"n\":1}") {
  Request r;
  r.target = "/hook";
  r.host = o.host_header();
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  std::string wire;
  write_request(r, wire);
  return wire;
}

Origin origin_of(const std::string& url) { return parse_http_url(url)->origin; }

// Sends and waits (bounded) for the callback.
Result send_sync(HttpClient& c, const Origin& o, std::chrono::nanoseconds timeout) {
  auto p = std::make_shared<std::promise<Result>>();
  auto f = p->get_future();
  c.send(o, post_to(o), timeout, [p](Result& r) { p->set_value(r); });
  if (f.wait_for(30s) != std::future_status::ready) {
    Result r;
    r.detail = "test: no callback";
    r.error = ClientError::Aborted;
    return r;
  }
  return f.get();
}

void answer_forever(Peer::Conn& c) {
  while (c.read_request()) {
    if (!c.send_all(ok_response())) return;
  }
}

TEST(HttpClientTest, AnswersAndReusesTheConnection) {
  Peer peer(answer_forever);
  Loop loop;
  HttpClient client(loop.io);
  const Origin o = origin_of(peer.url());
  for (int i = 0; i < 5; ++i) {
    Result r = send_sync(client, o, 5s);
    ASSERT_TRUE(r.ok()) << error_name(r.error) << " " << r.detail;
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.body, "{}");
    EXPECT_EQ(r.reused_connection, i > 0);
  }
  EXPECT_EQ(peer.connections.load(), 1);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().reused, 4u);
}

TEST(HttpClientTest, PeerThatNeverAnswersFailsAtTheWholeDeadline) {
  Peer peer([](Peer::Conn& c) {
    c.read_request();
    c.hold();   // accepts, reads, never answers
  });
  Loop loop;
  HttpClient client(loop.io);
  Result r = send_sync(client, origin_of(peer.url()), 150ms);
  EXPECT_EQ(r.error, ClientError::Timeout);
  EXPECT_EQ(error_name(r.error), "timeout");
  EXPECT_EQ(r.response.status, 0);
  EXPECT_GE(r.elapsed, 150ms);
}

TEST(HttpClientTest, DrippingPeerFailsAtTheWholeDeadlineNotPerRead) {
  // A byte every 20 ms: a per-read timeout of the same size would never fire.
  Peer peer([](Peer::Conn& c) {
    if (!c.read_request()) return;
    const std::string answer = ok_response(std::string(1000, 'x'));
    for (char ch : answer) {
      if (!c.send_all(std::string(1, ch))) return;
      std::this_thread::sleep_for(20ms);
      if (c.peer->stopping()) return;
    }
  });
  Loop loop;
  HttpClient client(loop.io);
  Result r = send_sync(client, origin_of(peer.url()), 300ms);
  EXPECT_EQ(r.error, ClientError::Timeout);
  EXPECT_GT(client.stats().bytes_read, 0u);   // bytes did arrive, the deadline still applied
}

TEST(HttpClientTest, LargeBodyIsCappedAndTheRestIsNeverRead) {
  const size_t ten_mb = 10u << 20;
  std::atomic<bool> write_failed{false};
  Peer peer([&](Peer::Conn& c) {
    while (c.read_request()) {
      if (!c.send_all(ok_response(std::string(ten_mb, 'b')))) {
        write_failed = true;
        return;
      }
    }
  });
  Loop loop;
  ClientOptions opts;
  opts.max_body_bytes = 64 * 1024;
  HttpClient client(loop.io, opts);
  const Origin o = origin_of(peer.url());
  Result r = send_sync(client, o, 5s);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.response.status, 200);
  EXPECT_TRUE(r.response.body_truncated);
  EXPECT_EQ(r.response.body.size(), opts.max_body_bytes);
  // Read: the headers, the cap and at most one read buffer (16 KiB) beyond it.
  EXPECT_LE(client.stats().bytes_read, opts.max_body_bytes + 16 * 1024 + 256);
  EXPECT_EQ(client.stats().truncated, 1u);
  // The connection is closed, not reused: the next request opens another one.
  Result again = send_sync(client, o, 5s);
  ASSERT_TRUE(again.ok()) << again.detail;
  EXPECT_FALSE(again.reused_connection);
  EXPECT_EQ(client.stats().connections_opened, 2u);
  peer.stop();
  EXPECT_TRUE(write_failed.load());   // the peer could not push its 10 MB
}

TEST(HttpClientTest, ReusedConnectionClosedBeforeResponseIsReportedNotResent) {
  // Answers the first request, then reads the second and closes without a byte.
  Peer peer([](Peer::Conn& c) {
    if (!c.read_request() || !c.send_all(ok_response())) return;
    c.read_request();
  });
  Loop loop;
  HttpClient client(loop.io);
  const Origin o = origin_of(peer.url());
  ASSERT_TRUE(send_sync(client, o, 5s).ok());
  Result r = send_sync(client, o, 5s);
  EXPECT_TRUE(r.reused_connection);
  EXPECT_EQ(r.error, ClientError::ClosedBeforeResponse);
  EXPECT_EQ(error_name(r.error), "connection closed before response");
  peer.stop();
  EXPECT_EQ(peer.requests.load(), 2);      // sent once, never again
  EXPECT_EQ(peer.connections.load(), 1);   // no second connection for a resend
}

TEST(HttpClientTest, PeerThatDropsEveryConnectionIsAnError) {
  Peer peer([](Peer::Conn&) {});   // accept_then_drop
  Loop loop;
  HttpClient client(loop.io);
  Result r = send_sync(client, origin_of(peer.url()), 5s);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.response.status, 0);
  peer.stop();
  EXPECT_EQ(peer.connections.load(), 1);
}

TEST(HttpClientTest, IdleConnectionClosedByThePeerIsNotUsed) {
  // Answers once with keep-alive, then closes the idle connection.
  Peer peer([](Peer::Conn& c) {
    if (c.read_request()) c.send_all(ok_response());
  });
  Loop loop;
  HttpClient client(loop.io);
  const Origin o = origin_of(peer.url());
  ASSERT_TRUE(send_sync(client, o, 5s).ok());
  // Wait (bounded) until the client noticed the close of its idle connection.
  for (int i = 0; i < 1000 && client.stats().open_connections > 0; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(client.stats().open_connections, 0u);
  Result r = send_sync(client, o, 5s);
  EXPECT_TRUE(r.ok()) << error_name(r.error);
  EXPECT_FALSE(r.reused_connection);
}

TEST(HttpClientTest, ConnectionRefusedIsAConnectionError) {
  int port = 0;
  {
    Peer closed([](Peer::Conn&) {});
    port = closed.port();
  }
  Loop loop;
  HttpClient client(loop.io);
  Result r = send_sync(client, origin_of("http://127.0.0.1:" + std::to_string(port)), 5s);
  EXPECT_EQ(r.error, ClientError::Connect);
  EXPECT_EQ(error_name(r.error), "connection");
}

TEST(HttpClientTest, PoolBoundIsRespectedAndQueuedRequestsAllComplete) {
  Peer peer([](Peer::Conn& c) {
    while (c.read_request()) {
      std::this_thread::sleep_for(5ms);
      if (!c.send_all(ok_response())) return;
    }
  });
  Loop loop(1);
  ClientOptions opts;
  opts.max_connections_per_origin = 4;
  HttpClient client(loop.io, opts);
  const Origin o = origin_of(peer.url());
  constexpr int kN = 60;
  std::atomic<int> ok{0}, done{0};
  std::promise<void> all;
  for (int i = 0; i < kN; ++i) {
    client.send(o, post_to(o), 10s, [&](Result& r) {
      if (r.ok() && r.response.status == 200) ++ok;
      if (++done == kN) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(30s), std::future_status::ready);
  EXPECT_EQ(ok.load(), kN);
  EXPECT_LE(peer.most_open.load(), 4);
  EXPECT_LE(client.stats().peak_connections_per_origin, 4u);
  EXPECT_EQ(client.stats().queued, 0u);
  EXPECT_EQ(client.stats().in_flight, 0u);
}

TEST(HttpClientTest, DeadOriginDoesNotDelayAnother) {
  Peer blackhole([](Peer::Conn& c) { c.hold(); });
  Peer good(answer_forever);
  Loop loop(1);   // one loop thread serves both origins
  ClientOptions opts;
  opts.max_connections_per_origin = 2;
  HttpClient client(loop.io, opts);
  const Origin dead = origin_of(blackhole.url()), alive = origin_of(good.url());
  constexpr int kDead = 100;
  std::atomic<int> dead_done{0}, aborted{0};
  for (int i = 0; i < kDead; ++i) {
    client.send(dead, post_to(dead), 1h, [&](Result& r) {
      if (r.error == ClientError::Aborted) ++aborted;
      ++dead_done;
    });
  }
  // The good origin answers while every request to the dead one is still pending.
  Result r = send_sync(client, alive, 10s);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(dead_done.load(), 0);
  EXPECT_EQ(client.stats().queued, static_cast<size_t>(kDead - 2));
  client.shutdown();
  for (int i = 0; i < 2000 && dead_done.load() < kDead; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(aborted.load(), kDead);
  // After shutdown, sends fail at once.
  EXPECT_EQ(send_sync(client, alive, 10s).error, ClientError::Aborted);
}

// fixtures/tls: a self-signed certificate for 127.0.0.1 and localhost.
TEST(HttpClientTest, HttpsWithAndWithoutVerification) {
  const std::string cert = harness::testing::source_path("fixtures/tls/cert.pem");
  const std::string key = harness::testing::source_path("fixtures/tls/key.pem");
  httplib::SSLServer https(cert.c_str(), key.c_str());
  ASSERT_TRUE(https.is_valid());
  https.Post("/hook", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.body, "application/json");
  });
  harness::testing::ScopedServer server(https);
  const Origin o = origin_of("https://127.0.0.1:" + std::to_string(server.port()) + "/hook");
  Loop loop;
  {
    HttpClient client(loop.io);   // no CA file: no verification
    Result r = send_sync(client, o, 5s);
    ASSERT_TRUE(r.ok()) << error_name(r.error) << " " << r.detail;
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.body, "{\"n\":1}");
    EXPECT_TRUE(send_sync(client, o, 5s).reused_connection);
  }
  {
    ClientOptions opts;
    opts.ca_cert_file = cert;   // the certificate is its own CA and names 127.0.0.1
    HttpClient client(loop.io, opts);
    Result r = send_sync(client, o, 5s);
    EXPECT_TRUE(r.ok()) << error_name(r.error) << " " << r.detail;
  }
  {
    ClientOptions opts;
    opts.ca_cert_file = harness::testing::source_path("fixtures/tls/README.md");   // not a CA
    HttpClient client(loop.io, opts);
    Result r = send_sync(client, o, 5s);
    EXPECT_EQ(r.error, ClientError::Tls);
  }
  {
    // Plain HTTP to the TLS port: the answer is not HTTP.
    HttpClient client(loop.io);
    Origin plain = o;
    plain.tls = false;
    Result r = send_sync(client, plain, 5s);
    EXPECT_FALSE(r.ok());
  }
}

}  // namespace
}  // namespace harness::net
