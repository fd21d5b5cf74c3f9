// HdrHistogram's log-linear layout: bucket b covers [2^b, 2^(b+1)) * sub_bucket_count units with
// sub_bucket_half_count linear sub-buckets, so every recorded value keeps `digits` significant
// decimal digits while memory stays constant (about 23,500 counters for 1 us to 1 h at 3 digits).
// Two histograms with the same configuration merge exactly by adding counters.
//
// Invalid configurations are clamped rather than rejected (the constructor cannot fail):
// 1 <= lowest <= 2^40, 2 * lowest <= highest <= 2^62, digits in [1, 5]. The caps keep every
// shift and bucket bound inside int64 (from_json rejects such configurations outright).
#include "core/histogram.h"

#include <algorithm>
#include <cmath>

namespace harness::core {
namespace {

constexpr int64_t kMaxLowest = int64_t{1} << 40;
constexpr int64_t kMaxHighest = int64_t{1} << 62;

int64_t clamp_lowest(int64_t lowest) { return std::clamp<int64_t>(lowest, 1, kMaxLowest); }

int bit_length(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

}  // namespace

Histogram::Histogram(int64_t lowest, int64_t highest, int significant_digits)
    : lowest_(clamp_lowest(lowest)),
      highest_(std::clamp(highest, 2 * clamp_lowest(lowest), kMaxHighest)),
      digits_(std::clamp(significant_digits, 1, 5)) {
  int64_t largest_single_unit = 2;
  for (int i = 0; i < digits_; ++i) largest_single_unit *= 10;
  const int sub_bucket_count_magnitude = bit_length(static_cast<uint64_t>(largest_single_unit - 1));
  sub_bucket_bits_ = std::max(sub_bucket_count_magnitude, 1) - 1;   // half-count magnitude
  unit_magnitude_ = bit_length(static_cast<uint64_t>(lowest_)) - 1;
  sub_bucket_count_ = int64_t{1} << (sub_bucket_bits_ + 1);
  sub_bucket_half_ = sub_bucket_count_ / 2;

  int64_t smallest_untrackable = sub_bucket_count_ << unit_magnitude_;
  int buckets = 1;
  while (smallest_untrackable <= highest_) {
    if (smallest_untrackable > INT64_MAX / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  counts_.assign(static_cast<size_t>(buckets + 1) * static_cast<size_t>(sub_bucket_half_), 0);
}

size_t Histogram::index_of(int64_t v) const {
  const uint64_t mask = static_cast<uint64_t>(sub_bucket_count_ - 1) << unit_magnitude_;
  const int bucket = bit_length(static_cast<uint64_t>(v) | mask) - unit_magnitude_ - (sub_bucket_bits_ + 1);
  const int64_t sub = v >> (bucket + unit_magnitude_);
  const int64_t base = static_cast<int64_t>(bucket + 1) << sub_bucket_bits_;
  return static_cast<size_t>(base + (sub - sub_bucket_half_));
}

int64_t Histogram::lowest_equivalent(size_t index) const {
  int bucket = static_cast<int>(index >> sub_bucket_bits_) - 1;
  int64_t sub = static_cast<int64_t>(index & static_cast<size_t>(sub_bucket_half_ - 1)) + sub_bucket_half_;
  if (bucket < 0) {
    sub -= sub_bucket_half_;
    bucket = 0;
  }
  return sub << (bucket + unit_magnitude_);
}

int64_t Histogram::highest_equivalent(size_t index) const {
  int bucket = static_cast<int>(index >> sub_bucket_bits_) - 1;
  if (bucket < 0) bucket = 0;
  return lowest_equivalent(index) + (int64_t{1} << (bucket + unit_magnitude_)) - 1;
}

bool Histogram::record(int64_t v, uint64_t count) {
  if (v < 0 || v > highest_) {
    out_of_range_ += count;
    return false;
  }
  if (count == 0) return true;
  counts_[index_of(v)] += count;
  total_ += count;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  return true;
}

bool Histogram::record_corrected(int64_t v, int64_t expected_interval) {
  if (!record(v)) return false;
  if (expected_interval <= 0) return true;
  for (int64_t missing = v - expected_interval; missing >= expected_interval; missing -= expected_interval)
    record(missing);
  return true;
}

int64_t Histogram::min() const { return total_ == 0 ? 0 : min_; }
int64_t Histogram::max() const { return total_ == 0 ? 0 : max_; }

double Histogram::mean() const {
  if (total_ == 0) return 0.0;
  // Each bucket contributes its midpoint, as HdrHistogram does; exact to the recorded precision.
  double sum = 0.0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!counts_[i]) continue;
    const double mid = (static_cast<double>(lowest_equivalent(i)) + static_cast<double>(highest_equivalent(i))) / 2.0;
    sum += mid * static_cast<double>(counts_[i]);
  }
  return sum / static_cast<double>(total_);
}

double Histogram::stddev() const {
  if (total_ == 0) return 0.0;
  const double m = mean();
  double sq = 0.0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!counts_[i]) continue;
    const double mid = (static_cast<double>(lowest_equivalent(i)) + static_cast<double>(highest_equivalent(i))) / 2.0;
    sq += (mid - m) * (mid - m) * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sq / static_cast<double>(total_));
}

int64_t Histogram::value_at_percentile(double p) const {
  if (total_ == 0) return 0;
  if (!(p >= 0.0)) p = 0.0;   // also NaN
  if (p > 100.0) p = 100.0;
  const double want = p / 100.0 * static_cast<double>(total_);
  uint64_t target = static_cast<uint64_t>(std::ceil(want));
  if (target < 1) target = 1;
  if (target > total_) target = total_;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= target) {
      // Never report more than was actually seen, nor less than the true minimum.
      return std::clamp(highest_equivalent(i), min_, max_);
    }
  }
  return max_;
}

bool Histogram::add(const Histogram& other) {
  if (lowest_ != other.lowest_ || highest_ != other.highest_ || digits_ != other.digits_) return false;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  out_of_range_ += other.out_of_range_;
  if (other.total_) {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  return true;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = out_of_range_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
}

bool Histogram::operator==(const Histogram& o) const {
  return lowest_ == o.lowest_ && highest_ == o.highest_ && digits_ == o.digits_ && total_ == o.total_ &&
         out_of_range_ == o.out_of_range_ && min() == o.min() && max() == o.max() && counts_ == o.counts_;
}

json Histogram::to_json() const {
  json counts = json::array();
  for (size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i]) counts.push_back(json::array({i, counts_[i]}));
  return json{{"lowest", lowest_}, {"highest", highest_}, {"significant_digits", digits_},
              {"total", total_},   {"out_of_range", out_of_range_}, {"min", min()},
              {"max", max()},      {"counts", std::move(counts)}};
}

Expected<Histogram, std::string> Histogram::from_json(const json& j) {
  // Shard files come from other processes: validate everything, trust nothing.
  if (!j.is_object()) return unexpected(std::string("histogram must be a JSON object"));
  auto int_field = [&](const char* k, int64_t& out) -> bool {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_integer()) return false;
    out = it->get<int64_t>();
    return true;
  };
  int64_t lowest, highest, digits, mn, mx;
  if (!int_field("lowest", lowest) || !int_field("highest", highest) || !int_field("significant_digits", digits) ||
      !int_field("min", mn) || !int_field("max", mx))
    return unexpected(std::string("histogram needs integer lowest, highest, significant_digits, min, max"));
  if (lowest < 1 || lowest > kMaxLowest || highest < 2 * lowest || highest > kMaxHighest || digits < 1 ||
      digits > 5)
    return unexpected(std::string("histogram configuration out of range"));
  auto total_it = j.find("total");
  auto oor_it = j.find("out_of_range");
  auto counts_it = j.find("counts");
  if (total_it == j.end() || !total_it->is_number_unsigned() || oor_it == j.end() || !oor_it->is_number_unsigned() ||
      counts_it == j.end() || !counts_it->is_array())
    return unexpected(std::string("histogram needs unsigned total, out_of_range and a counts array"));
  Histogram h(lowest, highest, static_cast<int>(digits));
  uint64_t sum = 0;
  for (const auto& pair : *counts_it) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() || !pair[1].is_number_unsigned())
      return unexpected(std::string("each count must be [index, count] with unsigned integers"));
    const uint64_t idx = pair[0].get<uint64_t>();
    const uint64_t c = pair[1].get<uint64_t>();
    if (idx >= h.counts_.size()) return unexpected("bucket index " + std::to_string(idx) + " out of range");
    h.counts_[idx] += c;
    sum += c;
  }
  const uint64_t total = total_it->get<uint64_t>();
  if (sum != total) return unexpected(std::string("counts do not add up to total"));
  h.total_ = total;
  h.out_of_range_ = oor_it->get<uint64_t>();
  if (total > 0) {
    if (mn < 0 || mx < mn || mx > h.highest_) return unexpected(std::string("min/max inconsistent"));
    h.min_ = mn;
    h.max_ = mx;
  }
  return h;
}

}  // namespace harness::core
