// Typed fields of a YAML document, read with errors that name what was expected and the node's
// line and column: the one reader for the harness's YAML (scenarios, the mock's configuration,
// the reference service's configuration). Every reader throws FieldError, which the caller turns
// into its own error type at its parse boundary (yaml-cpp's marks are 0-based).
#pragma once
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <yaml-cpp/yaml.h>
#include "core/json.h"

namespace harness::yaml {

struct FieldError {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& at, std::string msg);

// Rejects a node that is not a mapping, and keys outside `allowed` (pointing at the offending key).
void check_keys(const YAML::Node& n, const char* what, std::initializer_list<const char*> allowed);
std::string scalar(const YAML::Node& n, const char* what);
uint64_t unsigned_int(const YAML::Node& n, const char* what, uint64_t min = 0);
double number(const YAML::Node& n, const char* what);     // finite; the C locale
double probability(const YAML::Node& n, const char* what);   // 0 to 1
bool boolean(const YAML::Node& n, const char* what);      // true/yes/on, false/no/off
// "250ms", "2s", "1m" (core::parse_duration); not negative.
std::chrono::milliseconds duration(const YAML::Node& n, const char* what);

// YAML -> JSON: plain scalars that read as numbers, booleans or null keep that type; quoted
// scalars stay strings.
core::json to_json(const YAML::Node& n);

}  // namespace harness::yaml
