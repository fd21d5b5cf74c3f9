// Receiving Telnyx webhooks (contract §7): signature verification (Ed25519 for API v2, HMAC for
// legacy v1 profiles, with a timestamp tolerance), parsing into core::WebhookEvent, dedup by
// event id (data.id) and order-safe status tracking: webhooks arrive late, twice or out of order
// (§7.7), so a late message.sent never overwrites delivered. No I/O: the HTTP server is the
// caller's; this module only judges bytes and headers.
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/expected.h"
#include "core/signing.h"
#include "core/webhook_event.h"

namespace harness::client {

struct WebhookVerifyConfig {
  std::string ed25519_public_key;                  // base64 32 bytes; "" disables Ed25519
  std::string hmac_secret;                         // v1 profile secret; "" disables HMAC
  int64_t tolerance_seconds = core::kDefaultToleranceSeconds;
  std::optional<int64_t> hmac_tolerance_seconds = core::kDefaultToleranceSeconds;
  bool require_signature = true;                   // false only for local experiments
};

// The parts of an incoming webhook request the verifier needs (header lookups are the caller's,
// case-insensitively).
struct WebhookRequest {
  std::string_view body;                           // raw bytes, exactly as received
  std::string signature_ed25519;                   // telnyx-signature-ed25519
  std::string timestamp;                           // telnyx-timestamp
  std::string hmac_header;                         // x-telnyx-signature (v1)
};

struct WebhookRejection {
  int http_status = 400;                           // 401 bad signature, 400 bad body
  std::string reason;                              // "signature: mismatch", "body: ..."
};

// Verifies (Ed25519 when its headers are present, else HMAC) and parses.
core::Expected<core::WebhookEvent, WebhookRejection> verify_and_parse(
    const WebhookVerifyConfig& cfg, const WebhookRequest& req, int64_t now_unix);

// Remembers the last `capacity` event ids. Thread-safe.
class EventDeduper {
 public:
  explicit EventDeduper(size_t capacity = 100000) : capacity_(capacity) {}
  // true the first time an id is seen.
  bool first_time(const std::string& event_id);
  size_t size() const;

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> seen_;
  std::deque<std::string> order_;
};

// Rank of a status in the lifecycle (contract §3.3): scheduled 0 < queued 1 < sending 2 <
// sent 3 < terminal 4; unknown -1. Only a strictly higher rank may replace the current status,
// and a terminal status is final.
int status_rank(std::string_view status);
// Whether `incoming` may replace `current` ("" = nothing known yet).
bool status_advances(std::string_view current, std::string_view incoming);

// message id -> latest status, applying status_advances. Thread-safe, in memory.
class StatusTracker {
 public:
  // true when the status was updated.
  bool apply(const std::string& message_id, const std::string& status);
  std::optional<std::string> status(const std::string& message_id) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> status_;
};

}  // namespace harness::client
