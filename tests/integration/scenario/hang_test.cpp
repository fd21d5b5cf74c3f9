// Faults must not starve the server: 1,000 requests hang (parked on the event loop, a socket and
// no thread each) while other clients are still answered. Asserts that they are answered; the time it took is printed
// for the record (speed is not asserted in tests).
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <thread>
#include <vector>

#include "fixture.h"

namespace harness::mock::scenario::testing {
namespace {

constexpr int kHung = 1000;

class HangTest : public ScenarioServerTest {};

TEST_F(HangTest, ThousandHungRequestsDoNotStarveOthers) {
  load("faults: { timeout_cap: 120s }\nrules:\n  - { name: hang, match: { path: /v2/hang }, fault: timeout }\n");
  const std::string req = http_post("/v2/hang", "{}");
  // Non-blocking connects, all in flight at once, so SYN retransmissions (if any) overlap.
  std::vector<int> fds;
  fds.reserve(kHung);
  const auto t_start = std::chrono::steady_clock::now();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < kHung; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS) << std::strerror(errno);
    fds.push_back(fd);
  }
  std::vector<bool> sent(kHung, false);
  int sent_count = 0;
  for (int round = 0; round < 1200 && sent_count < kHung; ++round) {   // bounded: 1200 x 100 ms
    std::vector<pollfd> pfds;
    std::vector<int> idx;
    for (int i = 0; i < kHung; ++i)
      if (!sent[i]) { pfds.push_back(pollfd{fds[i], POLLOUT, 0}); idx.push_back(i); }
    ::poll(pfds.data(), pfds.size(), 100);
    for (size_t k = 0; k < pfds.size(); ++k) {
      if (!(pfds[k].revents & (POLLOUT | POLLERR | POLLHUP))) continue;
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(pfds[k].fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ASSERT_EQ(err, 0) << "connect " << idx[k] << ": " << std::strerror(err);
      ASSERT_EQ(::send(pfds[k].fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
      sent[idx[k]] = true;
      ++sent_count;
    }
  }
  ASSERT_EQ(sent_count, kHung);
  // Bounded wait until every hung request is parked.
  auto executor = engine_->fault_executor();
  for (int i = 0; i < 6000 && executor->parked() < static_cast<size_t>(kHung); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto t_parked = std::chrono::steady_clock::now();
  ASSERT_EQ(executor->parked(), static_cast<size_t>(kHung));

  // Normal clients, fresh connections, while all 1,000 hang.
  const json m = message("+17735550188");
  std::vector<double> ms;
  for (int i = 0; i < 50; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = i % 2 ? send(m) : get("/v2/messaging_profiles");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ASSERT_EQ(r.status, 200) << "request " << i << " while " << kHung << " hang";
  }
  EXPECT_EQ(executor->parked(), static_cast<size_t>(kHung));   // still hanging, none answered
  std::sort(ms.begin(), ms.end());
  std::printf("[ measure  ] %d hung requests parked in %.0f ms; 50 normal requests while they hang: "
              "median %.2f ms, max %.2f ms\n",
              kHung, std::chrono::duration<double, std::milli>(t_parked - t_start).count(), ms[ms.size() / 2],
              ms.back());

  // The hung clients give up: the lot notices and lets go of every connection.
  for (int fd : fds) ::close(fd);
  for (int i = 0; i < 6000 && executor->parked() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(executor->parked(), 0u);
  EXPECT_EQ(executor->lot().closed_by_peer(), static_cast<uint64_t>(kHung));
}

// retries_without_backoff after `fault: timeout`: the client's failure is when it gives up (closes
// the parked connection), not when the mock parked the request. A client that waits 5 s, gives up
// and retries at once is flagged; one that gives up and then waits 1 s is not.
TEST_F(HangTest, ARetryRightAfterGivingUpOnAHungRequestHasNoBackoff) {
  load("faults: { timeout_cap: 120s }\nrules:\n  - { name: hang, match: { path: /v2/hang }, fault: timeout }\n");
  const std::string req = http_post("/v2/hang", "{\"to\":\"+17735550188\"}");
  auto executor = engine_->fault_executor();
  auto wait_for = [](auto&& done) {   // bounded: 10 s of 5 ms polls
    for (int i = 0; i < 2000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
  };
  auto hang_and_give_up = [&](uint64_t closed_before, std::chrono::seconds waited) {
    const int fd = harness::testing::connect_to(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    ASSERT_TRUE(wait_for([&] { return executor->parked() == 1; }));
    clock_.advance(waited);   // the client's own timeout passes while the request hangs
    ::close(fd);
    ASSERT_TRUE(wait_for([&] { return executor->lot().closed_by_peer() == closed_before + 1; }));
  };
  auto flagged = [&] {
    auto r = control("GET", "/_mock/report");
    EXPECT_EQ(r.status, 200);
    return r.body["verdicts"]["retries_without_backoff"];
  };

  hang_and_give_up(0, std::chrono::seconds(5));
  hang_and_give_up(1, std::chrono::seconds(5));   // sent the moment the first one was given up
  auto v = flagged();
  ASSERT_EQ(v["count"], 1) << v.dump();
  EXPECT_EQ(v["items"][0]["previous"], "timeout");
  EXPECT_EQ(v["items"][0]["waited_ms"], 0);

  clock_.advance(std::chrono::seconds(1));        // this time the client backs off after giving up
  hang_and_give_up(2, std::chrono::seconds(5));
  EXPECT_EQ(flagged()["count"], 1);
}

}  // namespace
}  // namespace harness::mock::scenario::testing
