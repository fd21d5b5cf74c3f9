// A telnyx-mock with webhook chaos set from the command line, for the official-SDK contract test
// (tests/contract/webhook_verify.test.mjs) while scenario files are not needed:
//   webhook_chaos_mock [--bad-signature P] [--stale-timestamp P] [--seed N]
// Prints the mock's start-up line, serves on 127.0.0.1:<ephemeral>, exits when stdin closes.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include "mock_server.h"
#include "webhook/engine.h"

int main(int argc, char** argv) {
  harness::mock::WebhookSettings s;
  s.timing.sent_after = std::chrono::milliseconds(5);
  s.timing.finalized_after = std::chrono::milliseconds(5);
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--bad-signature") {
      s.chaos.bad_signature = std::atof(v);
    } else if (k == "--stale-timestamp") {
      s.chaos.stale_timestamp = std::atof(v);
    } else if (k == "--seed") {
      s.seed = std::strtoull(v, nullptr, 10);
    } else {
      std::cerr << "webhook_chaos_mock: unknown option " << k << "\n";
      return 2;
    }
  }
  harness::mock::MockServerOptions opts;
  opts.seed = 42;
  harness::mock::MockServer server(opts);
  if (auto err = server.start()) {
    std::cerr << "webhook_chaos_mock: " << *err << "\n";
    return 1;
  }
  auto engine = server.webhook_engine();
  if (!engine) {
    std::cerr << "webhook_chaos_mock: the mock has no webhook engine\n";
    return 1;
  }
  engine->set_settings(s);
  std::cout << server.startup_line() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  server.stop();
  return 0;
}
