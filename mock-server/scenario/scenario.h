// The scenario model: one YAML file parsed once into immutable plain structs (STYLE rule 5).
// Owns: the shape of rules (match, selectors, actions), rate limits, verdict settings, and the
// `webhooks:` / `inbound:` sections, which it validates but does not act on (the webhook engine
// reads mock::WebhookSettings, outcomes reach it through Decision::final_status). Does not own: parsing (loader.h), decisions (decide.h).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include "scenario/decision.h"
#include "config/webhook_settings.h"

namespace harness::mock::scenario {

using Millis = std::chrono::milliseconds;

// A field selector: "api_key", "method", "path", "body.to", "header.x-tenant", "query.page".
// Empty = one global key.
struct KeySelector {
  enum class Source { Global, ApiKey, Method, Path, Body, Header, Query };
  Source source = Source::Global;
  std::string name;      // body field path (dotted), header name (lower-case) or query name
  std::string text;      // as written, for reports
};

struct FieldGlob {
  KeySelector field;     // Body / Header / Query
  std::string glob;      // '*' any run, '?' one char, '\' escapes
};

struct Match {
  std::optional<std::string> method;   // upper-case, exact
  std::optional<std::string> path;     // glob
  std::optional<std::string> api_key;  // glob
  std::vector<FieldGlob> query;
  std::vector<FieldGlob> headers;
  std::vector<FieldGlob> body;         // a missing body field never matches
};

struct Action {
  enum class Kind { Pass, Respond, Fault };
  Kind kind = Kind::Pass;
  int status = 200;
  std::optional<int> error;            // Telnyx code -> full envelope (core::error_body)
  std::optional<std::string> detail;   // argument for the catalogue's detail template
  std::optional<std::string> body;     // custom body, overrides the envelope
  Headers headers;
  FaultKind fault = FaultKind::None;
  Millis delay{0};
};

struct Rule {
  std::string name;
  Match match;
  KeySelector per;                     // counters, sequences and states are kept per key value
  std::vector<Action> sequence;        // non-empty: one step per firing, the last step repeats
  Action action;                       // used when sequence is empty
  std::optional<uint64_t> after;       // fire only once more than N requests matched
  std::optional<uint64_t> every;       // fire on every Nth matching request
  std::optional<uint64_t> times;       // fire at most N times
  std::optional<double> probability;   // drawn from this rule's own stream (seed + rule name)
  std::string machine = "default";     // state machine name (WireMock's scenarioName)
  std::optional<std::string> when_state;
  std::optional<std::string> set_state;
};

struct RateLimit {
  enum class Per { ApiKey, Profile, From };
  Per per = Per::ApiKey;
  double rate_per_second = 50;
  double burst = 50;
  Match match;                         // default: POST /v2/messages*
  bool retry_after = true;             // contract §12: switchable
};

// --- consumed by the webhook engine ------------------------------------------------------------
struct OutcomeRule {
  std::optional<std::string> to, from, text;   // globs on the request fields
  std::string status = "delivered";            // terminal status (contract §3.3)
  std::vector<int> errors;                     // 40xxx delivery codes
};

// The rest of the `webhooks:` section and the `inbound:` bursts are parsed straight into the
// webhook engine's own settings (config/webhook_settings.h), so the two engines share one definition.

// --- verdicts ---------------------------------------------------------------------------------
struct VerdictSettings {
  Millis duplicate_window{std::chrono::minutes(10)};
  bool idempotency_key = false;                // also flag messages sharing an Idempotency-Key
  // retries_without_backoff: a retry of the same logical request sooner than this after a 5xx,
  // a reset or another transport failure.
  Millis min_retry_backoff{50};
};

struct FaultSettings {
  Millis timeout_cap{std::chrono::seconds(30)};  // server-side cap for `fault: timeout`
};

struct Scenario {
  std::string name = "default";
  std::string description;
  uint64_t seed = 0;
  std::string source;                          // file name, or "<request>" for PUT
  std::string text;                            // the YAML as loaded (GET /_mock/scenario)
  bool magic_numbers = true;
  std::vector<Rule> rules;
  std::vector<RateLimit> rate_limits;
  std::vector<OutcomeRule> outcomes;           // webhooks.outcomes: decided per send (decide.h)
  mock::WebhookSettings webhooks;              // timing, chaos, delivery, signing, inbound; seed = seed
  VerdictSettings verdicts;
  FaultSettings faults;
};

}  // namespace harness::mock::scenario
