// telnyx-loadgen end to end: flag validation and exit codes, reports, shard merge.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>

#include "loadgen/report/report.h"
#include "support/paths.h"
#include "support/scoped_server.h"

using namespace harness::loadgen;
using harness::testing::ScopedServer;

namespace {

struct Outcome {
  int code = -1;
  std::string out;   // stdout and stderr together
};

Outcome run(const std::string& args) {
  Outcome o;
  const std::string cmd = std::string(LOADGEN_BINARY) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return o;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.out.append(buf, n);
  const int st = ::pclose(p);
  o.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return o;
}

std::string tmp(const std::string& name) {
  return harness::testing::binary_path("loadgen-cli-" + std::to_string(::getpid()) + "-" + name);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svr_.new_task_queue = [] { return new httplib::ThreadPool(96); };   // one per keep-alive connection
    svr_.Post("/v2/messages", [this](const httplib::Request& req, httplib::Response& res) {
      ++hits_;
      if (req.get_header_value("Authorization") != "Bearer KEYtest") res.status = 401;
      res.set_content("{\"data\":{\"id\":\"x\"}}", "application/json");
    });
    server_ = std::make_unique<ScopedServer>(svr_);
  }
  std::string url() const { return server_->url(); }
  httplib::Server svr_;
  std::unique_ptr<ScopedServer> server_;
  std::atomic<int> hits_{0};
};

}  // namespace

TEST_F(CliTest, BadFlagsAreOneLineAndExitTwo) {
  for (const std::string& args :
       {std::string(""), std::string("send"), std::string("send --url ftp://x --rate 1 --api-key K"),
        std::string("send --url http://127.0.0.1:1 --api-key K"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --stages 1s:10 --api-key K"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --api-key K --duration forever"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --api-key K --threshold 'p99<fast'"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --api-key K --shard 2/2"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --api-key K --to '{nope}'"),
        std::string("send --url http://127.0.0.1:1 --closed-loop --rate 10 --api-key K"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --api-key K --connections 1 --threads 2"),
        std::string("send --url http://127.0.0.1:1 --rate 10 --api-key K --bogus"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --duplicate-rate 1.5"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --stale-rate 0.6 --bad-signature-rate 0.6"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --mock http://127.0.0.1:1 --reorder-rate 2"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --mock http://127.0.0.1:1 --failed-rate -0.1"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --reorder-rate 0.5"),   // needs --mock
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --delay-rate 1.01"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --delay-rate 0.1 --delay-max 0s"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --delay-rate 0.1 --delay-max soon"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --replay-rate nan"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --replay-rate 0.1 --replay-after 2h"),
        std::string("inbound --url http://127.0.0.1:1 --rate 10 --signing-key x --tolerance 0s")}) {
    const auto o = run(args);
    EXPECT_EQ(o.code, 2) << args << "\n" << o.out;
    EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << args << "\n" << o.out;
  }
  EXPECT_EQ(hits_.load(), 0);
}

TEST_F(CliTest, ThresholdsDecideTheExitCode) {
  const std::string base = "send --url " + url() + " --api-key KEYtest --rate 200 --duration 500ms --progress off";
  auto o = run(base + " --threshold 'errors==0' --threshold 'p99<10s'");
  EXPECT_EQ(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("PASS errors==0"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("completed 100"), std::string::npos) << o.out;
  o = run(base + " --threshold 'p99<1us'");
  EXPECT_EQ(o.code, 3) << o.out;
  EXPECT_NE(o.out.find("FAIL p99<1us"), std::string::npos) << o.out;
  // A wrong key: every answer is 401, counted as status errors.
  o = run("send --url " + url() + " --api-key KEYwrong --rate 100 --duration 200ms --progress off --threshold 'status_errors==0'");
  EXPECT_EQ(o.code, 3) << o.out;
  EXPECT_NE(o.out.find("401=20"), std::string::npos) << o.out;
}

// A run in which every answer was an error measured nothing worth passing: exit 1, say why,
// even with no threshold given (a newcomer's first run must not look green by accident).
TEST_F(CliTest, NoSuccessfulRequestExitsOne) {
  const auto o = run("send --url " + url() + " --api-key KEYwrong --rate 100 --duration 200ms --progress off");
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("no request succeeded"), std::string::npos) << o.out;
}

TEST_F(CliTest, RunErrorExitsOne) {
  const auto o = run("send --url http://nowhere.invalid:80 --api-key K --rate 10 --duration 100ms --progress off");
  EXPECT_EQ(o.code, 1) << o.out;
}

TEST_F(CliTest, ShardReportsMergeExactly) {
  const std::string a = tmp("a.json"), b = tmp("b.json"), m = tmp("m.json"), h = tmp("m.html");
  const std::string base = "send --url " + url() + " --api-key KEYtest --rate 400 --duration 1s --count 301 --progress off";
  ASSERT_EQ(run(base + " --shard 0/2 --report-json " + a).code, 0);
  ASSERT_EQ(run(base + " --shard 1/2 --report-json " + b).code, 0);
  const auto o = run("merge " + a + " " + b + " --report-json " + m + " --report-html " + h + " --threshold 'completed==301'");
  EXPECT_EQ(o.code, 0) << o.out;
  const auto ra = load_report(a), rb = load_report(b), rm = load_report(m);
  ASSERT_TRUE(ra.ok() && rb.ok() && rm.ok());
  EXPECT_EQ(ra.value().run.completed, 151u);   // global indexes 0, 2, ..., 300
  EXPECT_EQ(rb.value().run.completed, 150u);
  EXPECT_EQ(rm.value().run.completed, 301u);
  harness::core::Histogram all = ra.value().run.corrected;
  ASSERT_TRUE(all.add(rb.value().run.corrected));
  EXPECT_TRUE(rm.value().run.corrected == all);
  EXPECT_EQ(rm.value().shards, (std::vector<uint32_t>{0, 1}));
  EXPECT_NE(harness::testing::read_file(h).find("<svg"), std::string::npos);
  EXPECT_EQ(run("merge " + a + " " + a).code, 1);   // the same shard twice
  for (const auto& f : {a, b, m, h}) std::remove(f.c_str());
}
