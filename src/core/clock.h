// Time: an injectable Clock (system and manual), RFC 3339 formatting and parsing.
// Emitted timestamps are UTC with milliseconds and "+00:00" (contract §2, §12);
// parsing accepts "Z" and any numeric offset, with or without fractional seconds.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harness::core {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint(std::chrono::seconds(1740830400)))
      : ns_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(ns_.load())); }
  void set(TimePoint t) { ns_.store(t.time_since_epoch().count()); }
  void advance(Duration d) {
    ns_.fetch_add(std::chrono::duration_cast<TimePoint::duration>(d).count());
  }

 private:
  std::atomic<TimePoint::rep> ns_;
};

// "2025-03-01T12:00:03.148+00:00"
std::string format_rfc3339(TimePoint t);
// Accepts "...Z", "...+hh:mm", "...-hh:mm", optional fraction of 1-9 digits. nullopt if invalid.
std::optional<TimePoint> parse_rfc3339(std::string_view s);
// Whole seconds since the Unix epoch (floor).
int64_t unix_seconds(TimePoint t);

}  // namespace harness::core
