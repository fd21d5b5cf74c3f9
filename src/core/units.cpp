// Unit parsing in the spirit of wrk's units.c, with doubles for fractional values ("1.5s") and
// strict rejection of anything left over, negative or non-finite.
#include "core/units.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace harness::core {
namespace {

// Splits "<number><suffix>" and parses the number with strtod; false when no number or not finite.
bool split_number(std::string_view s, double& value, std::string_view& suffix) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  size_t i = 0;
  bool seen_digit = false, seen_dot = false;
  while (i < s.size()) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
    ++i;
  }
  if (!seen_digit) return false;
  const std::string num(s.substr(0, i));
  value = std::strtod(num.c_str(), nullptr);
  if (!std::isfinite(value)) return false;
  suffix = s.substr(i);
  return true;
}

bool metric_multiplier(std::string_view suffix, double& mult) {
  if (suffix.empty()) mult = 1;
  else if (suffix == "k" || suffix == "K") mult = 1e3;
  else if (suffix == "M") mult = 1e6;
  else if (suffix == "G") mult = 1e9;
  else return false;
  return true;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s) {
  double v;
  std::string_view suffix;
  if (!split_number(s, v, suffix)) return std::nullopt;
  double ns_per;
  if (suffix == "ns") ns_per = 1;
  else if (suffix == "us" || suffix == "\xC2\xB5s") ns_per = 1e3;
  else if (suffix == "ms") ns_per = 1e6;
  else if (suffix == "s" || suffix.empty()) ns_per = 1e9;   // bare numbers are seconds
  else if (suffix == "m") ns_per = 60e9;
  else if (suffix == "h") ns_per = 3600e9;
  else return std::nullopt;
  const double ns = v * ns_per;
  if (ns > 9.2e18) return std::nullopt;   // would overflow int64 nanoseconds (~292 years)
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(ns)));
}

std::optional<double> parse_rate_per_second(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  double v;
  std::string_view suffix;
  if (!split_number(s.substr(0, slash), v, suffix)) return std::nullopt;
  double mult;
  if (!metric_multiplier(suffix, mult)) return std::nullopt;
  const std::string_view per = s.substr(slash + 1);
  double secs;
  if (per == "s") secs = 1;
  else if (per == "m" || per == "min") secs = 60;
  else if (per == "h") secs = 3600;
  else return std::nullopt;
  return v * mult / secs;
}

std::optional<uint64_t> parse_count(std::string_view s) {
  double v;
  std::string_view suffix;
  if (!split_number(s, v, suffix)) return std::nullopt;
  double mult;
  if (!metric_multiplier(suffix, mult)) return std::nullopt;
  const double n = v * mult;
  if (n > 1.8e19 || n != std::floor(n)) return std::nullopt;   // counts are whole numbers
  return static_cast<uint64_t>(n);
}

std::string format_duration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  const double a = std::fabs(static_cast<double>(ns));
  char buf[64];
  auto fmt = [&](double v, const char* unit) {
    // Up to two decimals, trailing zeros removed: "1.25ms", "2s".
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string out(buf);
    if (out.find('.') != std::string::npos) {
      while (out.back() == '0') out.pop_back();
      if (out.back() == '.') out.pop_back();
    }
    return out + unit;
  };
  const double v = static_cast<double>(ns);
  if (a < 1e3) return fmt(v, "ns");
  if (a < 1e6) return fmt(v / 1e3, "us");
  if (a < 1e9) return fmt(v / 1e6, "ms");
  if (a < 60e9) return fmt(v / 1e9, "s");
  if (a < 3600e9) return fmt(v / 60e9, "m");
  return fmt(v / 3600e9, "h");
}

}  // namespace harness::core
