#include "loadgen/plan/plan.h"

#include <cmath>

#include "core/units.h"

namespace harness::loadgen {
namespace {

constexpr double kEps = 1e-9;

double seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }
Nanos to_nanos(double s) { return Nanos(static_cast<int64_t>(std::llround(s * 1e9))); }

double stage_sends(const Stage& s) { return 0.5 * (s.rate_from + s.rate_to) * seconds(s.duration); }

// Sends in the first `t` seconds of one stage.
double stage_sends_until(const Stage& s, double t) {
  const double d = seconds(s.duration);
  if (d <= 0) return 0;
  return s.rate_from * t + 0.5 * (s.rate_to - s.rate_from) * t * t / d;
}

// Time (s) into stage `s` at which `c` sends have accumulated (0 <= c <= stage_sends(s)).
double stage_time_for(const Stage& s, double c) {
  const double d = seconds(s.duration);
  if (c <= 0) return 0;
  const double a = 0.5 * (s.rate_to - s.rate_from) / d;
  const double b = s.rate_from;
  if (std::fabs(a) < 1e-12) return b > 0 ? c / b : d;
  const double disc = std::max(0.0, b * b + 4 * a * c);
  // The root that lies in [0, d]; written to stay accurate when a is tiny compared to b.
  const double t = (2 * c) / (b + std::sqrt(disc));
  return std::min(std::max(t, 0.0), d);
}

double total_sends(const Plan& p) {
  double c = 0;
  for (const auto& s : p.stages) c += stage_sends(s);
  return c;
}

// The time at which the rate integral reaches c; nullopt when c is at or past the end.
std::optional<Nanos> time_for(const Plan& p, double c) {
  double elapsed = 0, acc = 0;
  for (const auto& s : p.stages) {
    const double n = stage_sends(s);
    if (c < acc + n - kEps) return to_nanos(elapsed + stage_time_for(s, c - acc));
    acc += n;
    elapsed += seconds(s.duration);
  }
  return std::nullopt;
}

double exp_draw(core::Rng& rng) { return -std::log(1.0 - rng.next_double()); }

}  // namespace

Nanos plan_duration(const Plan& p) {
  Nanos d{0};
  for (const auto& s : p.stages) d += s.duration;
  return d;
}

double expected_sends(const Plan& p, Nanos t) {
  double left = seconds(t), c = 0;
  for (const auto& s : p.stages) {
    const double d = seconds(s.duration);
    if (left >= d) {
      c += stage_sends(s);
      left -= d;
    } else {
      c += stage_sends_until(s, std::max(left, 0.0));
      break;
    }
  }
  return c;
}

uint64_t planned_count(const Plan& p) {
  // Count the local k whose global index k*stride+offset lies below the whole plan's total.
  const double total = total_sends(p) * (p.arrival == Arrival::Uniform ? p.stride : 1);
  uint64_t whole = total <= kEps ? 0 : static_cast<uint64_t>(std::ceil(total - kEps));
  if (p.arrival == Arrival::Poisson) return std::min(whole, p.max_count);
  whole = std::min(whole, p.max_count);
  if (whole <= p.offset) return 0;
  return (whole - p.offset + p.stride - 1) / p.stride;
}

std::optional<Nanos> due_at(const Plan& p, uint64_t k) {
  if (p.arrival == Arrival::Uniform) {
    const uint64_t g = global_index(p, k);
    if (g >= p.max_count) return std::nullopt;
    // The rates of a split plan are the whole's divided by stride, so global index g of the whole
    // is reached when this plan's integral reaches g / stride.
    return time_for(p, static_cast<double>(g) / static_cast<double>(p.stride));
  }
  Cursor c(p);
  std::optional<Nanos> t;
  for (uint64_t i = 0; i <= k; ++i) {
    t = c.next();
    if (!t) return std::nullopt;
  }
  return t;
}

Cursor::Cursor(Plan p) : p_(std::move(p)), rng_(p_.seed) {}

std::optional<Nanos> Cursor::next() {
  if (done_) return std::nullopt;
  std::optional<Nanos> t;
  if (p_.arrival == Arrival::Uniform) {
    t = due_at(p_, k_);
  } else if (k_ < p_.max_count) {
    unit_time_ += exp_draw(rng_);
    t = time_for(p_, unit_time_);
  }
  if (!t) {
    done_ = true;
    return std::nullopt;
  }
  ++k_;
  return t;
}

Plan split(const Plan& p, uint32_t part, uint32_t parts) {
  Plan out = p;
  if (parts <= 1) return out;
  for (auto& s : out.stages) {
    s.rate_from /= parts;
    s.rate_to /= parts;
  }
  out.stride = p.stride * parts;
  out.offset = p.offset + static_cast<uint64_t>(part) * p.stride;
  out.seed = core::stable_hash(std::to_string(p.seed) + "/" + std::to_string(part) + "/" +
                               std::to_string(parts));
  if (p.arrival == Arrival::Poisson && p.max_count != UINT64_MAX)
    out.max_count = p.max_count / parts + (part < p.max_count % parts ? 1 : 0);
  return out;
}

namespace {
std::optional<double> parse_rate(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.find('/') == std::string_view::npos) {
    std::string t(s);
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !(v >= 0) || std::isinf(v)) return std::nullopt;
    return v;
  }
  return core::parse_rate_per_second(s);
}
}  // namespace

StagesOrError parse_stages(std::string_view spec) {
  StagesOrError out;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    const std::string_view item = spec.substr(pos, comma - pos);
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      out.error = "stage '" + std::string(item) + "' is not duration:rate";
      return out;
    }
    Stage st;
    const auto d = core::parse_duration(item.substr(0, colon));
    if (!d || d->count() <= 0) {
      out.error = "stage '" + std::string(item) + "' has a bad duration";
      return out;
    }
    st.duration = *d;
    const std::string_view rates = item.substr(colon + 1);
    // "a-b" is a ramp; a leading '-' would be a negative rate, which parse_rate rejects.
    const size_t dash = rates.find('-', 1);
    const auto r0 = parse_rate(rates.substr(0, dash));
    const auto r1 = dash == std::string_view::npos ? r0 : parse_rate(rates.substr(dash + 1));
    if (!r0 || !r1) {
      out.error = "stage '" + std::string(item) + "' has a bad rate";
      return out;
    }
    st.rate_from = *r0;
    st.rate_to = *r1;
    out.stages.push_back(st);
    pos = comma + 1;
  }
  if (out.stages.empty()) out.error = "no stages";
  return out;
}

}  // namespace harness::loadgen
