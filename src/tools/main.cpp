// telnyx-send: send SMS through the Telnyx Messaging API v2 (or the mock), read a message, or run
// the reference integration service. Parses flags and wires; the work is in send_command.cpp and
// service/. Exit codes: exit_codes.h.
#include <CLI/CLI.hpp>

#include <iostream>

#include "client/config.h"
#include "tools/exit_codes.h"
#include "tools/send_command.h"
#include "tools/service/service_main.h"

using namespace harness;

int main(int argc, char** argv) {
  CLI::App app{"telnyx-send: send SMS via the Telnyx Messaging API v2 (or telnyx-mock)"};
  app.require_subcommand(1);

  client::Config cfg = client::config_from_env();
  std::string api_key, base_url, profile_id;
  int timeout_ms = 10000, attempts = 4;
  app.add_option("--api-key", api_key, "API key (default: $TELNYX_API_KEY)");
  app.add_option("--base-url", base_url,
                 "API base URL (default: $TELNYX_BASE_URL or https://api.telnyx.com/v2; the mock: "
                 "http://127.0.0.1:12111/v2)");
  app.add_option("--profile-id", profile_id, "messaging profile id");
  app.add_option("--timeout-ms", timeout_ms, "read timeout per attempt")->check(CLI::Range(1, 600000));
  app.add_option("--max-attempts", attempts, "attempts including the first")->check(CLI::Range(1, 20));

  tools::SendOptions so;
  auto* send = app.add_subcommand("send", "send one SMS, or each JSON line of --file");
  auto* to = send->add_option("--to", so.to, "destination, E.164");
  send->add_option("--from", so.from, "sender (E.164, short code or alphanumeric)");
  auto* text = send->add_option("--text", so.text, "message text");
  send->add_option("--encoding", so.encoding, "auto | gsm7 | ucs2")
      ->check(CLI::IsMember({"auto", "gsm7", "ucs2"}));
  send->add_option("--webhook-url", so.webhook_url, "per-message webhook URL");
  send->add_option("--idempotency-key", so.idempotency_key,
                   "Idempotency-Key header (mock extension; allows resending after no answer)");
  auto* file = send->add_option("--file", so.file, "JSON lines file, one send per line")
                   ->check(CLI::ExistingFile);
  file->excludes(to)->excludes(text);

  std::string message_id;
  auto* get = app.add_subcommand("get", "retrieve one message by id");
  get->add_option("id", message_id, "message id")->required();

  std::string service_config;
  auto* serve = app.add_subcommand("serve", "run the reference integration service");
  serve->add_option("--config", service_config, "service YAML")->required()->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
    if (send->parsed() && so.file.empty() && (so.to.empty() || so.text.empty()))
      throw CLI::ValidationError("send", "--to and --text are required unless --file is given");
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "telnyx-send: " << e.what() << "\n";
    return tools::kExitUsage;
  }

  if (!api_key.empty()) cfg.api_key = api_key;
  if (!base_url.empty()) cfg.base_url = base_url;
  if (!profile_id.empty()) cfg.messaging_profile_id = profile_id;
  cfg.read_timeout = std::chrono::milliseconds(timeout_ms);
  client::RetrySettings retry;
  retry.max_attempts = attempts;

  if (serve->parsed()) return tools::service::serve_main(service_config, std::cerr);
  if (cfg.api_key.empty()) {
    std::cerr << "telnyx-send: no API key (set TELNYX_API_KEY or --api-key)\n";
    return tools::kExitUsage;
  }
  if (get->parsed()) return tools::run_get(cfg, retry, message_id, std::cout);
  so.config = cfg;
  so.retry = retry;
  return tools::run_send(so, std::cout, std::cerr);
}
