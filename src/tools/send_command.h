// The `send` and `get` commands of telnyx-send: one SMS from flags, or many from a JSON-lines
// file ({"to":..., "from":..., "text":..., "encoding":..., "webhook_url":...} per line), each
// result printed as one JSON line on stdout. Exit codes: tools/exit_codes.h.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>

#include "client/client.h"

namespace harness::tools {

struct SendOptions {
  client::Config config;
  client::RetrySettings retry;
  std::string to, from, text, encoding = "auto", webhook_url, idempotency_key;
  std::string file;     // JSON lines; "" = single send from flags
};

// One JSON object describing an error (type, http_status, code, title, detail, retry_after_ms,
// request_id, ambiguous).
std::string error_json(const client::Error& e);

int run_send(const SendOptions& o, std::ostream& out, std::ostream& err);
int run_get(const client::Config& cfg, const client::RetrySettings& retry, const std::string& id,
            std::ostream& out);

// Parses "auto" | "gsm7" | "ucs2".
std::optional<core::EncodingPreference> parse_encoding(const std::string& s);

}  // namespace harness::tools
