// The scenario decision (ARCHITECTURE: a pure function). Owns ScenarioState (per-rule counters,
// sequences, state machines, per-rule random streams, rate-limit buckets) and decide(), which maps
// (scenario, request, state, now) to a Decision. No I/O, no clock reads, no globals; decide() takes
// no lock: the caller holds the locks of the stripes stripes_for() names. The same seed and the
// same request sequence give the same decisions.
// Order of evaluation (the spec): rules in file order, the first that matches and fires wins ->
// magic numbers (only if still passing) -> rate limits (only if still passing) -> webhook outcome.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

struct Bucket {
  double tokens = 0;
  core::TimePoint last{};
};

struct Prepared;

// The part of the decision state whose keys hash to one stripe: per-key rule counters, state
// machines ("machine|key") and rate-limit buckets, with this stripe's share of each rule's totals.
struct StateStripe {
  std::vector<RuleCounters> totals;                                     // per rule
  std::vector<std::unordered_map<std::string, RuleCounters>> per_key;   // per rule
  std::unordered_map<std::string, std::string> machines;                // "machine|key" -> state
  std::vector<std::unordered_map<std::string, Bucket>> buckets;         // per rate limit
};

// The decision state, in kStripes stripes by key, each with its own lock. A decision locks the
// stripes its request's keys fall in (stripes_for), so it is atomic towards every decision that
// shares any state with it, while requests whose keys differ (two tenants under rules and limits
// kept per API key, or a scenario with neither) never wait for each other.
class ScenarioState {
 public:
  explicit ScenarioState(const Scenario& sc) { reset(sc); }
  ScenarioState(const ScenarioState&) = delete;
  ScenarioState& operator=(const ScenarioState&) = delete;
  // Back to the start: counters zero, machines "Started", buckets full, streams re-seeded. The
  // caller holds every stripe's lock, or nobody else uses the state.
  void reset(const Scenario& sc);

  static constexpr size_t kStripes = 64;
  static size_t stripe_of(std::string_view key);
  // The stripes a decision on `p` may touch, ascending and each once (empty when the scenario
  // has no rule or limit matching the request).
  std::vector<size_t> stripes_for(const Scenario& sc, const Prepared& p) const;
  std::mutex& lock_of(size_t stripe) const { return locks_[stripe]; }
  RuleCounters total(size_t rule) const;   // summed over the stripes (the caller locks them)

  std::vector<core::Rng> rngs;             // per rule: seed forked by the rule name
  std::vector<size_t> rng_stripes;         // per rule: the stripe whose lock guards its stream
  std::vector<StateStripe> stripes;        // kStripes

  static constexpr const char* kInitialState = "Started";
  // Per-key maps are bounded: beyond this many keys in a stripe a rule forgets that stripe's
  // history at once (clears), so an unbounded key space (random recipients) cannot exhaust memory.
  static constexpr size_t kMaxKeysPerRule = 100000;
  static constexpr size_t kMaxKeysPerStripe = kMaxKeysPerRule / kStripes;

 private:
  mutable std::array<std::mutex, kStripes> locks_;
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

// Helpers shared with magic numbers, the verdict recorder and tests.
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

// Respond with Telnyx's error envelope for `code` and this HTTP status.
void respond_with_error(Decision& d, int status, int code);
// Respond 429 / 10011 with the rate-limit headers (contract §12): x-ratelimit-limit `limit`,
// remaining 0, x-ratelimit-reset `reset_s` and, with `retry_after`, Retry-After equal to it.
void respond_rate_limited(Decision& d, int64_t limit, int64_t reset_s, bool retry_after);

}  // namespace harness::mock::scenario
