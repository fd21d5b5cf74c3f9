// telnyx-loadgen against the in-process telnyx-mock (harness::mock::MockServer).
#include <gtest/gtest.h>

#include "loadgen/run/modes.h"
#include "mock_server.h"

using namespace harness::loadgen;
using namespace std::chrono_literals;

namespace {

SendOptions send_options(const harness::mock::MockServer& srv, double rate, Nanos duration) {
  SendOptions o;
  std::string err;
  EXPECT_TRUE(http::parse_url(srv.base_url(), o.load.target, err)) << err;
  o.load.path = "/v2/messages";
  o.load.plan.stages = {Stage{duration, rate, rate}};
  o.load.rate = rate;
  o.load.duration = duration;
  o.load.threads = 2;
  o.load.connections = 32;   // the mock holds one worker thread per keep-alive connection
  o.load.timeout = 5s;
  o.api_key = "KEY_loadgen_it";
  o.from = Template::parse("", err);
  o.to = Template::parse("+1773555{seq:4}", err);
  o.text = Template::parse("load {seq}", err);
  return o;
}

}  // namespace

// Issue P6: a constant 2,000/s held within 1 % over 10 s, counted (achieved vs intended), not
// timed. Open loop: every planned send is issued whatever the latency, so the count holds on a
// loaded machine; the 1 % allows for sends still queued when the run's bound is reached.
TEST(MockLoadTest, ConstantRateOf2000PerSecondHeldWithinOnePercent) {
  harness::mock::MockServer srv({});
  ASSERT_FALSE(srv.start());
  const SendOptions o = send_options(srv, 2000, 10s);
  const auto rep = run_send(o, RunHooks{});
  ASSERT_TRUE(rep.ok()) << rep.error();
  const auto& s = rep.value().run;
  const double intended = 20000;
  EXPECT_EQ(s.planned, 20000u);
  EXPECT_GE(static_cast<double>(s.issued), 0.99 * intended);
  EXPECT_LE(static_cast<double>(s.issued), intended);
  EXPECT_GE(static_cast<double>(s.ok), 0.99 * intended) << "status 200: " << (s.status_counts.count(200) ? s.status_counts.at(200) : 0);
  // Every second of the plan got its 2,000 sends (by due time).
  ASSERT_GE(s.timeline.slots.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(s.timeline.slots[i].sent, 2000u) << "second " << i;
}
