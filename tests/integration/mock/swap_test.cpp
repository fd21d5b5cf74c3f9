// The request pipeline reads its interceptor, fault executor and access log without a lock
// (http/published.h). Over real sockets: while clients on several connections send, the
// components are swapped again and again; every request is answered, and each request's
// decision and completion go to the same interceptor, so no request is lost between them.
#include <thread>
#include <vector>
#include "mock_fixture.h"

namespace harness::mock {
namespace {

using testing::MockFixture;

struct CountingInterceptor : RequestInterceptor {
  std::atomic<int> requests{0}, completed{0};
  Decision on_request(const RequestView&) override {
    ++requests;
    return Decision{};
  }
  void on_completed(const RequestView&, const Decision&, int, const std::optional<std::string>&) override {
    ++completed;
  }
};

class SwapTest : public MockFixture {};

TEST_F(SwapTest, ComponentsSwappedWhileRequestsFlowServeEveryRequestWhole) {
  constexpr int kClients = 4, kPerClient = 150, kGenerations = 40;
  std::vector<std::shared_ptr<CountingInterceptor>> gens;
  for (int i = 0; i < kGenerations; ++i) gens.push_back(std::make_shared<CountingInterceptor>());
  std::atomic<int> ok{0}, failed{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client cl("127.0.0.1", server_->port());
      cl.set_keep_alive(true);
      cl.set_tcp_nodelay(true);
      cl.set_read_timeout(10, 0);
      const httplib::Headers auth{{"Authorization", "Bearer KEYswap" + std::to_string(c)}};
      for (int i = 0; i < kPerClient; ++i) {
        auto r = cl.Post("/v2/messages", auth, R"({"to":"+17735550188","text":"swap"})", "application/json");
        (r && r->status == 200 && r->has_header("x-request-id") ? ok : failed)++;
      }
    });
  }
  std::thread swapper([&] {
    for (int i = 0; !done.load(); i = (i + 1) % kGenerations) {
      server_->set_interceptor(gens[i]);
      server_->set_fault_executor(nullptr);
      std::this_thread::yield();
    }
  });
  for (auto& t : clients) t.join();
  done = true;
  swapper.join();

  EXPECT_EQ(ok.load(), kClients * kPerClient);
  EXPECT_EQ(failed.load(), 0);
  int requests = 0;
  for (const auto& g : gens) {
    EXPECT_EQ(g->requests.load(), g->completed.load());   // decided and completed by the same one
    requests += g->requests.load();
  }
  // Requests that arrived before the first swap met the scenario engine (or nothing).
  EXPECT_LE(requests, kClients * kPerClient);
  // The journal holds every request whole.
  auto j = get("/_mock/requests?path=/v2/messages&status=200&limit=1");
  ASSERT_EQ(j.status, 200) << j.raw;
  ASSERT_EQ(j.body["data"].size(), 1u);
  EXPECT_EQ(j.body["data"][0]["request"]["body"], R"({"to":"+17735550188","text":"swap"})") << j.raw;
}

}  // namespace
}  // namespace harness::mock
