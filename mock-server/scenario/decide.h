// The scenario decision (ARCHITECTURE: a pure function). Owns ScenarioState (per-rule counters,
// sequences, state machines, per-rule random streams, rate-limit buckets) and decide(), which maps
// (scenario, request, state, now) to a Decision. No I/O, no clock reads, no globals, no locks: the
// caller serialises calls; the same seed and the same request sequence give the same decisions.
// Order of evaluation (the spec): rules in file order, the first that matches and fires wins ->
// magic numbers (only if still passing) -> rate limits (only if still passing) -> webhook outcome.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include "core/clock.h"
#include "core/rng.h"
#include "scenario/decision.h"
#include "scenario/scenario.h"

namespace harness::mock::scenario {

struct RuleCounters {
  uint64_t matched = 0;
  uint64_t fired = 0;
};

struct RuleState {
  core::Rng rng;                                       // seed forked by the rule name
  RuleCounters total;
  std::unordered_map<std::string, RuleCounters> per_key;
};

struct Bucket {
  double tokens = 0;
  core::TimePoint last{};
};

class ScenarioState {
 public:
  explicit ScenarioState(const Scenario& sc) { reset(sc); }
  // Back to the start: counters zero, machines "Started", buckets full, streams re-seeded.
  void reset(const Scenario& sc);

  std::vector<RuleState> rules;                        // parallel to Scenario::rules
  std::unordered_map<std::string, std::string> machines;  // "machine|key" -> state
  std::vector<std::unordered_map<std::string, Bucket>> buckets;  // parallel to rate_limits

  static constexpr const char* kInitialState = "Started";
  // Per-key maps are bounded: beyond this many keys a rule forgets its oldest history at once
  // (clears), so an unbounded key space (random recipients) cannot exhaust memory.
  static constexpr size_t kMaxKeysPerRule = 100000;
};

struct MagicNumber;

// Everything decide() reads from the request, computed without touching the state: every glob
// match, key selection and body field. A caller that serialises decide() prepares first, outside
// its lock, so an expensive request (a large body, a long glob) never holds up other clients.
struct Prepared {
  std::vector<std::optional<std::string>> rule_keys;     // per rule: its key; nullopt = no match
  std::vector<std::optional<std::string>> bucket_keys;   // per rate limit: nullopt = no match
  const MagicNumber* magic = nullptr;                    // the recipient is a magic number
  const OutcomeRule* outcome = nullptr;                  // first matching webhooks.outcomes entry
  bool send = false;
};
Prepared prepare(const Scenario& sc, const RequestView& req);
Decision decide(const Scenario& sc, const Prepared& p, ScenarioState& st, core::TimePoint now);
Decision decide(const Scenario& sc, const RequestView& req, ScenarioState& st, core::TimePoint now);

// Helpers shared with the verdict recorder and tests.
bool matches(const Match& m, const RequestView& req);
std::optional<std::string> select_key(const KeySelector& k, const RequestView& req);
// A top-level or dotted body field as text: strings as they are, numbers and booleans as JSON,
// arrays and objects as compact JSON while within kMaxFieldDepth levels and kMaxFieldValues
// values (larger ones count as absent: a request body is never serialised whole); null or
// missing -> nullopt.
constexpr size_t kMaxFieldDepth = 8;
constexpr size_t kMaxFieldValues = 1024;
std::optional<std::string> body_field(const RequestView& req, std::string_view dotted);
bool is_send(const RequestView& req);   // POST /v2/messages and its variants

}  // namespace harness::mock::scenario
