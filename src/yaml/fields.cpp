#include "yaml/fields.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <locale>
#include <sstream>
#include "core/units.h"

namespace harness::yaml {
namespace {

std::string join(std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace

void fail(const YAML::Node& at, std::string msg) { throw FieldError{at.Mark(), std::move(msg)}; }

// Rejects keys outside `allowed`, pointing at the offending key.
void check_keys(const YAML::Node& n, const char* what, std::initializer_list<const char*> allowed) {
  if (!n.IsMap()) fail(n, std::string(what) + ": expected a mapping with keys: " + join(allowed));
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
      fail(it->first, "unknown key '" + key + "' in " + what + "; expected one of: " + join(allowed));
  }
}

std::string scalar(const YAML::Node& n, const char* what) {
  if (!n.IsScalar()) fail(n, std::string(what) + ": expected a scalar value");
  return n.Scalar();
}

uint64_t unsigned_int(const YAML::Node& n, const char* what, uint64_t min) {
  const std::string s = scalar(n, what);
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    fail(n, std::string(what) + ": expected a non-negative integer, got '" + s + "'");
  uint64_t v = 0;
  try {
    v = std::stoull(s);
  } catch (...) {
    fail(n, std::string(what) + ": integer out of range: '" + s + "'");
  }
  if (v < min) fail(n, std::string(what) + ": expected an integer >= " + std::to_string(min));
  return v;
}

int64_t integer(const YAML::Node& n, const char* what, int64_t min, int64_t max) {
  const std::string s = scalar(n, what);
  const size_t digits = !s.empty() && s[0] == '-' ? 1 : 0;
  bool ok = s.size() > digits && s.size() - digits <= 18 &&
            std::all_of(s.begin() + static_cast<std::ptrdiff_t>(digits), s.end(),
                        [](unsigned char c) { return std::isdigit(c); });
  const int64_t v = ok ? std::stoll(s) : 0;
  if (!ok || v < min || v > max) {
    fail(n, std::string(what) + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                ", got '" + s + "'");
  }
  return v;
}

std::optional<std::string> optional_scalar(const YAML::Node& n, const char* what) {
  if (n.IsNull()) return std::nullopt;
  return scalar(n, what);
}

std::vector<std::string> scalar_list(const YAML::Node& n, const char* what) {
  if (!n.IsSequence()) fail(n, std::string(what) + ": expected a list");
  std::vector<std::string> out;
  out.reserve(n.size());
  for (const auto& e : n) out.push_back(scalar(e, what));
  return out;
}

double number(const YAML::Node& n, const char* what) {
  const std::string s = scalar(n, what);
  std::istringstream in(s);
  in.imbue(std::locale::classic());
  double v = 0;
  if (!(in >> v) || !in.eof() || !std::isfinite(v)) fail(n, std::string(what) + ": expected a number, got '" + s + "'");
  return v;
}

double probability(const YAML::Node& n, const char* what) {
  const double p = number(n, what);
  if (p < 0 || p > 1) fail(n, std::string(what) + ": expected a probability between 0 and 1");
  return p;
}

bool boolean(const YAML::Node& n, const char* what) {
  const std::string s = scalar(n, what);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(n, std::string(what) + ": expected true or false, got '" + s + "'");
}

std::chrono::milliseconds duration(const YAML::Node& n, const char* what) {
  const std::string s = scalar(n, what);
  auto d = core::parse_duration(s);
  if (!d || d->count() < 0) fail(n, std::string(what) + ": expected a duration like 250ms, 2s or 1m, got '" + s + "'");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::string Problem::to_string(std::string_view file) const {
  return std::string(file) + ':' + std::to_string(line) + ':' + std::to_string(column) + ": " + message;
}

core::json to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    core::json j = core::json::object();
    for (auto it = n.begin(); it != n.end(); ++it) j[it->first.Scalar()] = to_json(it->second);
    return j;
  }
  if (n.IsSequence()) {
    core::json j = core::json::array();
    for (const auto& e : n) j.push_back(to_json(e));
    return j;
  }
  if (n.IsNull()) return nullptr;
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted in the source
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  auto parsed = core::json::parse(s, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_number()) return parsed;
  return s;
}

}  // namespace harness::yaml
