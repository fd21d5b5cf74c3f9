// Webhook engine settings: how outbound messages progress (timing), how their events are
// delivered (deadline, attempts, backoff, headers), how they are signed, which chaos is injected,
// and scheduled inbound bursts. Plain immutable data with the defaults of contract §12; the
// scenario engine parses the YAML `webhooks:` section into this, the engine never parses YAML.
// Server-level knobs (worker count, queue and log bounds) live in EngineOptions (engine.h).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace harness::mock {

using WebhookDuration = std::chrono::nanoseconds;

// When an accepted outbound message moves on (measured from acceptance, then from `sent`).
// No webhook exists for `sending` (contract §3.3); the store shows it halfway to `sent`.
struct TimingSettings {
  WebhookDuration sent_after = std::chrono::milliseconds(20);
  WebhookDuration finalized_after = std::chrono::milliseconds(150);
};

// Telnyx's delivery rules (contract §7.6) with the project defaults of §12: a 2 s deadline,
// 3 attempts per URL, retries 1 s then 5 s after a failure; the failover URL starts at once.
struct DeliverySettings {
  WebhookDuration timeout = std::chrono::seconds(2);
  int attempts_per_url = 3;
  // Delay before retry k (k = 1..attempts_per_url-1) on the same URL; the last entry repeats.
  std::vector<WebhookDuration> backoff{std::chrono::seconds(1), std::chrono::seconds(5)};
  std::string user_agent = "telnyx-webhooks/2.0 (telnyx-harness mock)";
};

// Per-event probabilities, drawn from the scenario seed (one sub-stream per event and purpose,
// so concurrency and unrelated events never shift a draw).
struct ChaosSettings {
  double duplicate = 0.0;        // deliver the same event (same data.id) twice
  double reorder = 0.0;          // per message: deliver message.finalized before message.sent
  double bad_signature = 0.0;    // well-formed signature over other bytes: must be rejected
  double stale_timestamp = 0.0;  // correctly signed, timestamp older than the 300 s tolerance
  double drop = 0.0;             // never delivered; recorded as dropped
  double delay = 0.0;            // probability of an extra delay in [delay_min, delay_max]
  WebhookDuration delay_min{0};
  WebhookDuration delay_max{0};
  WebhookDuration stale_by = std::chrono::seconds(600);
  // bad_signature / stale_timestamp corrupt the first attempt of the chosen event copy only, and
  // every retry is signed afresh and valid, as Telnyx does; true corrupts every attempt
  // (scenario `corrupt: all_attempts`).
  bool corrupt_all_attempts = false;
  bool any() const {
    return duplicate > 0 || reorder > 0 || bad_signature > 0 || stale_timestamp > 0 || drop > 0 ||
           delay > 0;
  }
};

// Which signatures API v2 events carry. A profile with webhook_api_version "1" and a v1 secret
// gets the legacy HMAC header instead (contract §7.5, §12).
struct SigningSettings {
  bool ed25519 = true;
  bool hmac = false;  // also add X-Telnyx-Signature when the profile has a v1 secret
};

// A scheduled series of inbound messages (scenario `webhooks.inbound`). `text` may contain
// "{i}" (1-based index of the message in the burst).
struct InboundBurst {
  WebhookDuration start_after{0};
  double rate_per_second = 1.0;
  uint64_t count = 1;
  std::string from;
  std::string to;
  std::string text = "inbound {i}";
};

struct WebhookSettings {
  uint64_t seed = 0;
  TimingSettings timing;
  DeliverySettings delivery;
  ChaosSettings chaos;
  SigningSettings signing;
  std::vector<InboundBurst> inbound;
};

}  // namespace harness::mock
