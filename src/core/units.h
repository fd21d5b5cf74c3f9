// Units for configs and CLIs: durations ("500us", "250ms", "2s", "1m", "1h", "1.5s"),
// rates ("50/s", "3000/m", "10/h", "2k/s"), counts ("10k", "1M"). Pure; nullopt on bad input.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harness::core {

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s);
std::optional<double> parse_rate_per_second(std::string_view s);
std::optional<uint64_t> parse_count(std::string_view s);
std::string format_duration(std::chrono::nanoseconds d);   // "1.25ms", "2s", "850us"

}  // namespace harness::core
