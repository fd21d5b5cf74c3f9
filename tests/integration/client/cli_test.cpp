// telnyx-send as a process: one exit code per error kind, one-line errors for bad flags.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>

#include "core/json.h"
#include "process.h"
#include "support/scoped_server.h"

namespace harness::testing {
namespace {

using core::json;

// Answers POST /v2/messages by the recipient: a few numbers trigger each error kind.
class ScriptedApi {
 public:
  ScriptedApi() {
    svr_.Post("/v2/messages", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") != "Bearer KEYgood") {
        res.status = 401;
        res.set_content(R"({"errors":[{"code":"10009","title":"Authentication failed"}]})", "application/json");
        return;
      }
      json b = json::parse(req.body);
      const std::string to = b["to"];
      if (to == "+15550000429") {
        res.status = 429;
        res.set_header("Retry-After", "0");
        res.set_content(R"({"errors":[{"code":"10011","title":"Too many requests"}]})", "application/json");
      } else if (to == "+15550000500") {
        res.status = 500;
        res.set_content(R"({"errors":[{"code":"10007","title":"Unexpected error"}]})", "application/json");
      } else if (to == "+15550000400") {
        res.status = 400;
        res.set_content(R"({"errors":[{"code":"40300","title":"Blocked due to STOP"}]})", "application/json");
      } else {
        res.set_content(R"({"data":{"record_type":"message","id":"m-)" + to.substr(1) +
                            R"(","direction":"outbound","type":"SMS","from":{"phone_number":"+13125550147"},"to":[{"phone_number":")" +
                            to + R"(","status":"queued"}],"text":"x","media":[],"encoding":"GSM-7","parts":1,"errors":[],"tags":[],"cc":[]}})",
                        "application/json");
      }
    });
    srv_ = std::make_unique<ScopedServer>(svr_);
  }
  std::string base() const { return srv_->url() + "/v2"; }

 private:
  httplib::Server svr_;
  std::unique_ptr<ScopedServer> srv_;
};

std::vector<std::string> send_to(const std::string& base, const std::string& to,
                                 const std::string& key = "KEYgood") {
  return {"--base-url", base, "--api-key", key, "--max-attempts", "2", "send",
          "--from", "+13125550147", "--to", to, "--text", "hello"};
}

TEST(TelnyxSendCli, SuccessPrintsTheMessageAndExitsZero) {
  ScriptedApi api;
  RunResult r = run_telnyx_send(send_to(api.base(), "+17735550188"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json j = json::parse(r.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["id"], "m-17735550188");
}

TEST(TelnyxSendCli, OneExitCodePerErrorKind) {
  ScriptedApi api;
  struct Case { std::vector<std::string> args; int code; const char* type; };
  std::vector<Case> cases = {
      {send_to(api.base(), "+1773"), 3, "validation"},            // local validation
      {send_to(api.base(), "+15550000400"), 3, "validation"},     // server validation
      {send_to(api.base(), "+17735550188", "KEYbad"), 4, "authentication"},
      {send_to(api.base(), "+15550000429"), 5, "rate_limit"},
      {send_to("http://127.0.0.1:1/v2", "+17735550188"), 6, "network"},
      {send_to(api.base(), "+15550000500"), 7, "api"},
  };
  for (const auto& c : cases) {
    RunResult r = run_telnyx_send(c.args);
    EXPECT_EQ(r.exit_code, c.code) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_FALSE(j["ok"].get<bool>());
    EXPECT_EQ(j["error"]["type"], c.type);
  }
}

TEST(TelnyxSendCli, RateLimitErrorCarriesRetryAfter) {
  ScriptedApi api;
  RunResult r = run_telnyx_send(send_to(api.base(), "+15550000429"));
  json j = json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "10011");
  EXPECT_EQ(j["error"]["retry_after_ms"], 0);
}

TEST(TelnyxSendCli, BadFlagsGiveOneLineAndExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"send", "--bogus"}, {"send", "--to", "+17735550188"},
           {"--max-attempts", "zero", "send", "--to", "+1", "--text", "x"},
           {"send", "--file", "/nonexistent/file.jsonl"},
           {"send", "--to", "+17735550188", "--text", "x", "--encoding", "latin1"}}) {
    RunResult r = run_telnyx_send(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("telnyx-send: ", 0), 0u) << r.err;
  }
}

TEST(TelnyxSendCli, MissingApiKeyIsAUsageError) {
  RunResult r = run_telnyx_send({"send", "--to", "+17735550188", "--text", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("TELNYX_API_KEY"), std::string::npos);
}

TEST(TelnyxSendCli, ReadsKeyAndBaseUrlFromTheEnvironment) {
  ScriptedApi api;
  RunResult r = run_telnyx_send({"send", "--from", "+13125550147", "--to", "+17735550188", "--text", "x"},
                                {"TELNYX_API_KEY=KEYgood", "TELNYX_BASE_URL=" + api.base()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(TelnyxSendCli, FileModeSendsEveryLineAndReportsTheFirstFailure) {
  ScriptedApi api;
  const std::string path = ::testing::TempDir() + "batch-" + std::to_string(::getpid()) + ".jsonl";
  {
    std::ofstream f(path);
    f << R"({"to":"+17735550188","from":"+13125550147","text":"one"})" << "\n"
      << "\n"
      << R"({"to":"+15550000500","from":"+13125550147","text":"two"})" << "\n"
      << "not json\n"
      << R"({"to":"+17735550199","from":"+13125550147","text":"three"})" << "\n";
  }
  RunResult r = run_telnyx_send({"--base-url", api.base(), "--api-key", "KEYgood", "--max-attempts",
                                 "1", "send", "--file", path});
  EXPECT_EQ(r.exit_code, 7) << r.out;
  std::istringstream lines(r.out);
  std::vector<json> results;
  for (std::string l; std::getline(lines, l);) results.push_back(json::parse(l));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0]["ok"].get<bool>());
  EXPECT_EQ(results[1]["error"]["type"], "api");
  EXPECT_EQ(results[2]["error"]["type"], "validation");
  EXPECT_TRUE(results[3]["ok"].get<bool>());
}

}  // namespace
}  // namespace harness::testing
