// telnyx-mockctl: talks to running telnyx-mock instances from scripts, container health checks
// and CI. `health` for a HEALTHCHECK, `report` and `verify` across the instances that share the
// tenants behind a proxy (deploy/nginx.conf): counts are added, expectations checked on the sum.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <httplib.h>
#include "scenario/verdicts.h"
#include "tools/report_merge.h"

namespace {

using harness::core::json;

// Exit codes: 0 ok, 1 an instance did not answer as expected, 2 usage, 3 expectations failed.
constexpr int kOk = 0, kUnreachable = 1, kUsage = 2, kFailed = 3;

struct Target {
  std::string admin_token;
  int timeout_s = 5;
};

// GET url + path; the decoded JSON body of a 200, or an error line.
bool get_json(const std::string& url, const std::string& path, const Target& t, json& out, std::string& err) {
  httplib::Client cli(url);
  if (!cli.is_valid()) {
    err = url + ": not an http(s)://host:port URL";
    return false;
  }
  cli.set_connection_timeout(t.timeout_s, 0);
  cli.set_read_timeout(t.timeout_s, 0);
  httplib::Headers headers;
  if (!t.admin_token.empty()) headers.emplace("Authorization", "Bearer " + t.admin_token);
  auto res = cli.Get(path.c_str(), headers);
  if (!res) {
    err = url + path + ": " + httplib::to_string(res.error());
    return false;
  }
  if (res->status != 200) {
    err = url + path + ": HTTP " + std::to_string(res->status) + " " + res->body.substr(0, 200);
    return false;
  }
  out = json::parse(res->body, nullptr, false);
  if (out.is_discarded()) {
    err = url + path + ": the answer is not JSON";
    return false;
  }
  return true;
}

std::string strip_slash(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

int collect(const std::vector<std::string>& urls, const Target& t,
            std::vector<harness::mock::tools::InstanceReport>& parts) {
  for (const auto& raw : urls) {
    const std::string url = strip_slash(raw);
    json report;
    std::string err;
    if (!get_json(url, "/_mock/report", t, report, err)) {
      std::cerr << "telnyx-mockctl: " << err << "\n";
      return kUnreachable;
    }
    parts.push_back({url, std::move(report)});
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"telnyx-mockctl: health checks, and reports and verdicts summed across telnyx-mock instances"};
  app.require_subcommand(1);
  Target t;
  if (const char* tok = std::getenv("TELNYX_MOCK_ADMIN_TOKEN")) t.admin_token = tok;
  app.add_option("--admin-token", t.admin_token, "Bearer token of the instances' /_mock/ (env TELNYX_MOCK_ADMIN_TOKEN)");
  app.add_option("--timeout", t.timeout_s, "Seconds to wait for each instance")->check(CLI::Range(1, 600))->capture_default_str();

  std::string health_url;
  auto* health = app.add_subcommand("health", "Exit 0 when GET URL/_mock/health answers 200 (default: 127.0.0.1 and TELNYX_MOCK_PORT, else 12111)");
  health->add_option("url", health_url, "The instance");

  std::vector<std::string> report_urls;
  auto* report = app.add_subcommand("report", "Print the sum of GET /_mock/report of every instance (JSON)");
  report->add_option("urls", report_urls, "Instance URLs")->required();

  std::vector<std::string> verify_urls;
  std::string expect_text;
  auto* verify = app.add_subcommand("verify", "Check expectations (as POST /_mock/verify takes them) against the summed report; exit 3 when one fails");
  verify->add_option("urls", verify_urls, "Instance URLs")->required();
  verify->add_option("-e,--expect", expect_text, "Expectations: JSON text, or @FILE")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "telnyx-mockctl: " << e.what() << " (see --help)\n";
    return kUsage;
  }

  if (health->parsed()) {
    if (health_url.empty()) {
      const char* port = std::getenv("TELNYX_MOCK_PORT");
      health_url = std::string("http://127.0.0.1:") + (port && *port ? port : "12111");
    }
    json body;
    std::string err;
    if (!get_json(strip_slash(health_url), "/_mock/health", t, body, err)) {
      std::cerr << "telnyx-mockctl: " << err << "\n";
      return kUnreachable;
    }
    std::cout << body.dump() << "\n";
    return kOk;
  }

  std::vector<harness::mock::tools::InstanceReport> parts;
  if (report->parsed()) {
    if (int rc = collect(report_urls, t, parts)) return rc;
    std::cout << harness::mock::tools::merge_reports(parts).dump(2) << "\n";
    return kOk;
  }

  // verify
  if (!expect_text.empty() && expect_text[0] == '@') {
    std::ifstream in(expect_text.substr(1));
    if (!in) {
      std::cerr << "telnyx-mockctl: cannot read " << expect_text.substr(1) << "\n";
      return kUsage;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    expect_text = ss.str();
  }
  const json expect = json::parse(expect_text, nullptr, false);
  if (expect.is_discarded()) {
    std::cerr << "telnyx-mockctl: --expect is not JSON\n";
    return kUsage;
  }
  if (int rc = collect(verify_urls, t, parts)) return rc;
  const json merged = harness::mock::tools::merge_reports(parts);
  const auto r = harness::mock::scenario::verify_expectations(expect, merged);
  if (r.bad_request) {
    std::cerr << "telnyx-mockctl: " << *r.bad_request << "\n";
    return kUsage;
  }
  std::cout << json{{"ok", r.ok}, {"failures", r.failures}, {"instances", merged["instances"]}}.dump(2) << "\n";
  return r.ok ? kOk : kFailed;
}
