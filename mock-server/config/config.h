// telnyx-mock configuration: YAML -> immutable structs, parsed once at start-up. Owns the schema
// (tenants with API keys, messaging profiles and owned numbers; server-wide settings) and the
// embedded default (open mode). Every error names file, line and column.
//
//   settings:
//     retention_days: 10            # GET /v2/messages/{id} window (contract §3.5)
//     max_messages: 100000          # message store cap, oldest evicted first
//     max_messages_per_tenant: 100000   # per-tenant cap, the tenant's own oldest evicted first
//     max_open_tenants: 10000       # open mode: tenants created from KEY... keys; then 429 / 10011
//     max_journal: 10000            # request journal cap, oldest evicted first
//     payload_max_bytes: 1048576    # larger bodies -> 413 (Content-Length or chunked)
//     max_header_bytes: 16384       # header names + values -> 431
//     max_headers: 100              # header fields -> 431
//     max_request_line_bytes: 8192  # request target -> 414
//     request_timeout_ms: 10000     # a whole request must arrive within this -> 408
//     idle_timeout_ms: 5000         # keep-alive connection without a request -> closed
//     max_connections: 10000        # more are accepted and closed at once
//     json_max_depth: 64            # deeper nesting in a JSON body -> 400 / 10015
//     max_event_streams: 32         # GET /_mock/events subscribers at once; more -> 429 / 10011
//     event_stream_buffer_bytes: 1048576   # per subscriber, unsent; beyond it the stream ends
//     event_heartbeat_ms: 15000     # an SSE comment after this much silence
//     retry_after: true             # send Retry-After with 429 (contract §12)
//     open_mode_numbers: 3          # numbers given to each open-mode tenant
//     profile_requires_whitelist: true   # POST /messaging_profiles needs whitelisted_destinations
//     error_status: {40300: 403}    # HTTP status per 403xx code (default 400, contract §12)
//   tenants:
//     - name: acme
//       api_keys: [KEYacme]
//       numbers: ["+13125550100"]   # owned, on no profile
//       profiles:
//         - name: main
//           id: 400176aa-1b2c-4d3e-9f00-11aa22bb33cc   # optional; seeded otherwise
//           enabled: true
//           webhook_url: http://127.0.0.1:9000/hooks
//           webhook_failover_url: null
//           webhook_api_version: "2"
//           v1_secret: s3cr3t
//           whitelisted_destinations: [US, CA]
//           alpha_sender: ACME
//           numbers: ["+13125550147"]
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "core/expected.h"
#include "core/webhook_target.h"

namespace harness::mock {

struct ProfileConfig {
  std::optional<std::string> id;
  std::string name;
  bool enabled = true;
  core::WebhookTarget webhook;   // webhook_url, webhook_failover_url, webhook_api_version, v1_secret
  std::vector<std::string> whitelisted_destinations{"*"};
  std::optional<std::string> alpha_sender;
  std::vector<std::string> numbers;
};

struct TenantConfig {
  std::string name;
  std::vector<std::string> api_keys;
  std::vector<ProfileConfig> profiles;
  std::vector<std::string> numbers;
};

struct Settings {
  int64_t retention_seconds = 10 * 24 * 3600;
  size_t max_messages = 100000;
  size_t max_messages_per_tenant = 100000;
  size_t max_open_tenants = 10000;
  size_t max_journal = 10000;
  size_t payload_max_bytes = 1024 * 1024;
  // Transport limits (the event-loop server, net::HttpServer).
  size_t max_header_bytes = 16384;
  size_t max_headers = 100;
  size_t max_request_line_bytes = 8192;
  int64_t request_timeout_ms = 10000;
  int64_t idle_timeout_ms = 5000;
  size_t max_connections = 10000;
  size_t json_max_depth = 64;                  // arrays/objects nested deeper -> 400 / 10015
  // Live updates (GET /_mock/events, http/events.h).
  size_t max_event_streams = 32;
  size_t event_stream_buffer_bytes = 1024 * 1024;
  int64_t event_heartbeat_ms = 15000;
  bool retry_after = true;
  int open_mode_numbers = 3;
  bool profile_requires_whitelist = true;
  std::map<int, int> error_status;             // 403xx code -> HTTP status
  std::optional<std::string> webhook_signing_key;  // base64 Ed25519 seed or PEM

  // HTTP status for an error code: override, else the catalogue's, else 400.
  int status_for(int code, int catalogue_status) const;
};

struct MockConfig {
  Settings settings;
  std::vector<TenantConfig> tenants;
  bool open_mode() const { return tenants.empty(); }
};

struct ConfigError {
  std::string file;
  int line = 0;        // 1-based; 0 when unknown
  int column = 0;      // 1-based
  std::string message;
  std::string to_string() const;   // "file:line:column: message"
};

// `file` is used in error messages only ("<inline>" for text given directly).
core::Expected<MockConfig, ConfigError> parse_config(std::string_view yaml,
                                                     std::string_view file = "<inline>");
core::Expected<MockConfig, ConfigError> load_config_file(const std::string& path);
// The embedded default: no tenants (open mode), default settings.
MockConfig default_config();

}  // namespace harness::mock
