// A log-linear, HDR-style latency histogram: values in [lowest, highest] recorded with
// `significant_digits` (1-5) of precision, constant memory, exactly mergeable, serialisable.
// Units are the caller's (the project records microseconds: 1 us to 1 h, 3 digits).
// Not thread-safe: one per worker, merged after join (wrk2).
#pragma once
#include <cstdint>
#include <vector>
#include <string>
#include "core/expected.h"
#include "core/json.h"

namespace harness::core {

class Histogram {
 public:
  explicit Histogram(int64_t lowest = 1, int64_t highest = 3'600'000'000LL, int significant_digits = 3);

  // false (and counted in out_of_range()) when v is outside [0, highest]; values below
  // `lowest` are recorded in the first bucket.
  bool record(int64_t v, uint64_t count = 1);
  // Records v and, as wrk2 does for coordinated omission, the missing samples
  // v - interval, v - 2*interval, ... down to interval (only when interval > 0).
  bool record_corrected(int64_t v, int64_t expected_interval);

  uint64_t total_count() const { return total_; }
  uint64_t out_of_range() const { return out_of_range_; }
  int64_t min() const;
  int64_t max() const;
  double mean() const;     // from bucket midpoints (HdrHistogram's definition)
  double stddev() const;
  // p in [0, 100] (clamped); the highest value equivalent to the bucket holding that
  // percentile, clamped to [min(), max()] so p100 is the exact maximum. 0 when empty.
  int64_t value_at_percentile(double p) const;
  // Same configuration required; returns false and changes nothing otherwise.
  bool add(const Histogram& other);
  void reset();

  bool operator==(const Histogram& o) const;   // same configuration and counts
  // {"lowest","highest","significant_digits","total","out_of_range","min","max",
  //  "counts": [[bucket_index, count], ...]} (sparse; exact round trip)
  json to_json() const;
  static Expected<Histogram, std::string> from_json(const json& j);

  int64_t lowest() const { return lowest_; }
  int64_t highest() const { return highest_; }
  int significant_digits() const { return digits_; }

 private:
  size_t index_of(int64_t v) const;
  int64_t highest_equivalent(size_t index) const;
  int64_t lowest_equivalent(size_t index) const;
  int64_t lowest_, highest_;
  int digits_;
  int sub_bucket_bits_ = 0, unit_magnitude_ = 0;
  int64_t sub_bucket_count_ = 0, sub_bucket_half_ = 0;
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0, out_of_range_ = 0;
  int64_t min_ = INT64_MAX, max_ = 0;
};

}  // namespace harness::core
