// Typed fields of a YAML document, read with errors that name what was expected and the node's
// line and column: the one reader for the harness's YAML (scenarios, the mock's configuration,
// the reference service's configuration). Every reader throws FieldError, which the caller turns
// into its own error type at its parse boundary (yaml-cpp's marks are 0-based).
#pragma once
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>
#include "core/expected.h"
#include "core/json.h"
#include "yaml/bounded_yaml.h"

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
// A decimal integer (optional leading '-') from min to max.
int64_t integer(const YAML::Node& n, const char* what, int64_t min, int64_t max);
// A null node (`key: ~`, `key:`) reads as nullopt; otherwise a scalar.
std::optional<std::string> optional_scalar(const YAML::Node& n, const char* what);
// A sequence of scalars.
std::vector<std::string> scalar_list(const YAML::Node& n, const char* what);
double number(const YAML::Node& n, const char* what);     // finite; the C locale
double probability(const YAML::Node& n, const char* what);   // 0 to 1
bool boolean(const YAML::Node& n, const char* what);      // true/yes/on, false/no/off
// "250ms", "2s", "1m" (core::parse_duration); not negative.
std::chrono::milliseconds duration(const YAML::Node& n, const char* what);

// YAML -> JSON: plain scalars that read as numbers, booleans or null keep that type; quoted
// scalars stay strings.
core::json to_json(const YAML::Node& n);

// Where a document went wrong, 1-based: "file:line:column: message" once a file is named.
struct Problem {
  int line = 0;
  int column = 0;
  std::string message;
  std::string to_string(std::string_view file) const;
};

// Loads `text` under load_bounded's limits and hands the root (a Null node for an empty text)
// to `parse`; a FieldError, a limit crossed or invalid YAML comes back as a Problem.
template <class T, class Parse>
core::Expected<T, Problem> read_document(std::string_view text, Parse&& parse) {
  try {
    return parse(load_bounded(text));
  } catch (const FieldError& f) {
    return core::unexpected(Problem{f.mark.line + 1, f.mark.column + 1, f.message});
  } catch (const YAML::Exception& e) {
    return core::unexpected(Problem{e.mark.line + 1, e.mark.column + 1, e.msg});
  }
}

}  // namespace harness::yaml
