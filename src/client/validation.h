// Checks a send before any request leaves the process (contract §3.1, §9): E.164 / short code /
// alphanumeric addresses, content present, encoding and the 10-part limit, media count. A
// failure is an Error of kind Validation with the Telnyx code the server would have used and a
// JSON pointer, so callers handle local and remote validation failures the same way.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "client/error.h"
#include "core/encoding.h"
#include "core/send_request.h"

namespace harness::client {

// What the caller asks to send; empty optionals fall back to the tenant Config.
struct SendParams {
  std::string to;
  std::optional<std::string> from;                 // default: Config::default_from
  std::optional<std::string> messaging_profile_id; // default: Config::messaging_profile_id
  std::string text;
  std::vector<std::string> media_urls;
  std::optional<std::string> subject;
  std::optional<std::string> webhook_url;          // default: Config::webhook_url
  std::optional<std::string> webhook_failover_url;
  std::optional<bool> use_profile_webhooks;
  core::EncodingPreference encoding = core::EncodingPreference::Auto;
  std::vector<std::string> tags;
  // Opt-in extension of the mock (contract §12), not part of Telnyx messaging: when set, the
  // Idempotency-Key header is sent and a request without an answer may be resent.
  std::optional<std::string> idempotency_key;
};

struct Config;
// The wire request after applying the tenant defaults.
core::SendRequest build_send_request(const SendParams& p, const Config& cfg);
// nullopt when the request may be sent.
std::optional<Error> validate_send(const core::SendRequest& r);

}  // namespace harness::client
