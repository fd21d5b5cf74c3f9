// Configuration of the reference integration service (`telnyx-send serve --config f.yaml`),
// parsed once into an immutable struct; every error names its YAML key and position. Example:
//
//   listen: {host: 127.0.0.1, port: 8080,      # port 0 = ephemeral (see port_file)
//            threads: 64}                      # HTTP connections served at once (each
//                                              # keep-alive connection holds one thread)
//   port_file: /tmp/service.port               # optional: the bound port is written here
//   database: outbox.db                        # SQLite file (WAL)
//   telnyx: {api_key: KEY..., base_url: http://127.0.0.1:12111/v2, timeout_ms: 10000}
//   webhook: {public_key: <base64 Ed25519>, hmac_secret: "", tolerance_seconds: 300,
//             require_signature: true,
//             retry_schedule_ms: [1000, 5000]} # the sender's webhook retry delays (Telnyx:
//                                              # 1 s, then 5 s); see reconcile_window_ms
//   workers: 2
//   retry: {max_attempts: 5, base_delay_ms: 200, max_delay_ms: 10000}
//   reconcile_window_ms: 30000                 # wait this long for message.sent after an
//                                              # ambiguous send before sending again; at
//                                              # least the sum of webhook.retry_schedule_ms
//                                              # plus 2000 ms, or `serve` refuses to start
//   dealerships:
//     - {name: north, numbers: ["+13125550147"], messaging_profile_id: "...",
//        reply_text: "Thanks, a North Motors advisor will text you shortly."}
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "core/expected.h"

namespace harness::tools::service {

struct Dealership {
  std::string name;
  std::vector<std::string> numbers;          // E.164 numbers owned by the dealership
  std::string messaging_profile_id;
  std::string reply_text = "Thanks for your message. We will get back to you shortly.";
};

struct ServiceConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  // HTTP threads. Telnyx delivers webhooks over several keep-alive connections, each holding a
  // thread while idle: too few threads and new connections (send-sms, health) wait for one of
  // them to time out.
  int http_threads = 64;
  std::string port_file;
  std::string database = "outbox.db";
  std::string api_key;
  std::string base_url = "https://api.telnyx.com/v2";
  std::chrono::milliseconds timeout{10000};
  std::string webhook_public_key;
  std::string webhook_hmac_secret;
  int64_t webhook_tolerance_seconds = 300;
  bool require_signature = true;
  std::vector<std::chrono::milliseconds> webhook_retry_schedule{std::chrono::milliseconds(1000),
                                                                std::chrono::milliseconds(5000)};
  int workers = 2;
  int max_attempts = 5;
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{10000};
  std::chrono::milliseconds reconcile_window{30000};
  std::chrono::milliseconds poll_interval{50};   // worker idle poll
  std::vector<Dealership> dealerships;

  // The shortest reconcile window that outlasts the webhook retry schedule: a message.sent that
  // arrives on the last retry must still find its row waiting, or the SMS is sent twice.
  static constexpr std::chrono::milliseconds kReconcileMargin{2000};
  std::chrono::milliseconds min_reconcile_window() const;

  // The dealership owning `number`, or nullptr.
  const Dealership* owner_of(const std::string& number) const;
  const Dealership* by_name(const std::string& name) const;
};

// Parses the YAML text (src/yaml/fields.h); unknown keys are errors, and an error is one line
// naming the file, line, column and key: "service.yaml:7:16: dealerships[0].numbers: 3125550147 ...".
core::Expected<ServiceConfig, std::string> parse_service_config(const std::string& yaml_text,
                                                                const std::string& file = "<config>");
core::Expected<ServiceConfig, std::string> load_service_config(const std::string& path);

}  // namespace harness::tools::service
