// YAML -> Scenario. Owns validation: anything malformed or unknown is rejected with the source
// name, 1-based line and column and what was expected, so a bad file never half-loads (the caller
// keeps the previous scenario). Does not own file watching or swapping (engine.h).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include "core/expected.h"
#include "core/json.h"
#include "scenario/scenario.h"

namespace harness::mock::scenario {

// Bounds of an inbound burst (webhooks.inbound entries), checked at load: a burst is a test
// input, and one of 10^18 messages at 10^9/s would only keep a core busy and flood the store.
constexpr uint64_t kMaxInboundCount = 1000000;
constexpr double kMaxInboundRate = 10000.0;   // messages per second

// A scenario, a verify body or any YAML given to parse_yaml_as_json is at most 4 MiB and expands
// (aliases counted as copies) to at most 200,000 nodes (yaml/bounded_yaml.h); beyond either the
// error names the line and column.

struct ParseError {
  std::string source;   // file name or "<request>"
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string message;  // what was found and what was expected
  std::string to_string() const;   // "file:3:7: message"
};

core::Expected<Scenario, ParseError> parse_scenario(std::string_view yaml,
                                                    const std::string& source = "<request>");
core::Expected<Scenario, ParseError> load_scenario_file(const std::string& path);

// Any YAML (or JSON, which is YAML) document as JSON; nullopt with `error` on bad input.
std::optional<core::json> parse_yaml_as_json(std::string_view text, std::string& error);

// Parses a key selector ("api_key", "body.to", "header.x-tenant", ...); nullopt when unknown.
std::optional<KeySelector> parse_key_selector(std::string_view text);

}  // namespace harness::mock::scenario
