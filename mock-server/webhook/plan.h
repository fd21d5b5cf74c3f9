// The pure half of the webhook engine (STYLE rule 4): given a message, its routing, its outcome,
// the settings and an Rng, decide WHAT happens and WHEN — the lifecycle steps, the URL chain and
// retry schedule, the chaos to inject, the exact body and signature headers of each attempt.
// No sockets, no threads, no clock reads: time comes in as arguments. The dispatcher (I/O)
// carries the plan out.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "core/clock.h"
#include "core/errors.h"
#include "core/message.h"
#include "core/rng.h"
#include "core/signing.h"
#include "store/hooks.h"
#include "config/webhook_settings.h"

namespace harness::mock {

enum class EventKind { Sent, Finalized, Received };
std::string_view event_type_name(EventKind k);   // "message.sent", ...

// ---- lifecycle -------------------------------------------------------------------------------
// One status change of an outbound message; `event` is the webhook it emits, if any.
// `after` is measured from the previous step (the first one from acceptance).
struct LifecycleStep {
  WebhookDuration after{0};
  std::string status;
  std::optional<EventKind> event;
  std::vector<core::ErrorObject> errors;   // only on the terminal step
};

// The terminal status and its errors: the scenario/magic-number choice, or `delivered`.
// A failed outcome without codes gets a representative one (delivery_failed 40008,
// sending_failed 40001, expired 40005); unknown or non-terminal statuses become `delivered`.
std::pair<std::string, std::vector<core::ErrorObject>> resolve_outcome(
    const std::optional<std::string>& final_status, const std::vector<int>& final_errors);

// queued -> sending (no webhook) -> sent (message.sent) -> terminal (message.finalized).
// sending_failed never reaches the carrier, so it skips `sent` and its event.
std::vector<LifecycleStep> outbound_lifecycle(const TimingSettings& t,
                                              const std::optional<std::string>& final_status,
                                              const std::vector<int>& final_errors);

// ---- routing and retries (contract §7.6) -----------------------------------------------------
// The ordered, de-duplicated URL chain: message URL, message failover URL, then (only with
// use_profile_webhooks) the profile's URL and failover URL. Empty -> no webhook is sent.
std::vector<std::string> delivery_chain(const WebhookRouting& r);

// What to do after attempt number `attempts_done` (1-based, counted across the chain) failed:
// the next attempt's URL index and the delay before it, or nullopt when the chain is exhausted.
// Retries on one URL wait backoff[k-1] (last entry repeats); a failover URL starts at once.
struct NextAttempt {
  size_t url_index = 0;
  WebhookDuration delay{0};
};
std::optional<NextAttempt> next_attempt(const DeliverySettings& d, size_t chain_length,
                                        int attempts_done);

// Any 2xx succeeds; 3xx and everything else fails (contract §7.6).
inline bool is_delivery_success(int http_status) { return http_status >= 200 && http_status < 300; }

// ---- chaos -----------------------------------------------------------------------------------
enum class ChaosKind { Duplicate, Reorder, Delay, BadSignature, StaleTimestamp, Drop };
constexpr int kChaosKinds = 6;
std::string_view chaos_name(ChaosKind k);

struct EventChaos {
  bool drop = false;
  bool duplicate = false;
  bool bad_signature = false;
  bool stale_timestamp = false;
  WebhookDuration extra_delay{0};   // > 0 only when the delay chaos fired
  std::vector<std::string> names() const;   // applied kinds, for the attempt records
};
// Draws each kind from its own sub-stream of `event_rng` (one Rng per event).
EventChaos plan_event_chaos(const ChaosSettings& c, const core::Rng& event_rng);
// The corruption attempt `attempt_number` (1-based, per event copy) carries: the event's
// bad_signature / stale_timestamp on the first attempt only, or on every attempt when
// `all_attempts`. Other chaos kinds are per event and pass through unchanged.
EventChaos attempt_chaos(const EventChaos& event, int attempt_number, bool all_attempts);
// The corruption kinds an attempt's headers carry ("bad_signature", "stale_timestamp").
std::vector<std::string> corruption_names(const EventChaos& c);
// Per message (the Sent event is held back until Finalized has been attempted).
bool plan_reorder(const ChaosSettings& c, const core::Rng& message_rng);

// ---- wire format -----------------------------------------------------------------------------
// The serialized "data" object of the envelope (contract §7.2), written once per event.
std::string event_data_json(EventKind kind, const std::string& event_id,
                            const std::string& occurred_at, const core::Message& payload);
// {"data":<data>,"meta":{"attempt":n,"delivered_to":url}} — rebuilt per attempt, since meta
// changes, and signed byte for byte as sent.
std::string envelope_body(const std::string& data_json, int attempt, const std::string& url);

enum class SignatureKind { None, Ed25519, Hmac, Both };
std::string_view signature_kind_name(SignatureKind k);
// Which signatures the event gets: profile API v1 with a secret -> HMAC only; otherwise the
// settings' kinds (HMAC only when a secret exists).
SignatureKind signature_kind(const SigningSettings& s, const WebhookRouting& r);

using HeaderList = std::vector<std::pair<std::string, std::string>>;
// Content-Type, User-Agent and the signature headers for one attempt. `now_unix` is the signing
// time; chaos forges a wrong signature (over other bytes) or a stale, correctly signed timestamp.
HeaderList attempt_headers(SignatureKind kind, const core::Ed25519Signer& signer,
                           const std::optional<std::string>& v1_secret,
                           const std::string& user_agent, const std::string& body,
                           int64_t now_unix, const EventChaos& chaos,
                           WebhookDuration stale_by);

// ---- URLs ------------------------------------------------------------------------------------
// "https://host:port/a/b?c" -> {"https://host:port", "/a/b?c"}; nullopt unless http(s) with a host.
struct SplitUrl {
  std::string origin;
  std::string path;
  bool tls = false;
};
std::optional<SplitUrl> split_url(const std::string& url);

}  // namespace harness::mock
