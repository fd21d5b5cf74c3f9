// Address rules: E.164 numbers with precise reasons, short codes, alphanumeric sender IDs.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace harness::core {

enum class AddressKind { E164, ShortCode, Alphanumeric, Invalid };

// nullopt when valid; otherwise a precise, human-readable reason such as
// "must start with '+'", "country code cannot start with 0", "must have 8 to 15 digits
// after '+' (has 4)", "contains a non-digit character 'x' at position 5", "is empty".
std::optional<std::string> e164_problem(std::string_view number);
inline bool is_e164(std::string_view number) { return !e164_problem(number); }

// US/CA-style short codes: 3 to 8 digits, no '+'.
bool is_short_code(std::string_view s);
// Alphanumeric sender ID (contract §3.4): ^[A-Za-z0-9 ]{1,11}$ with at least one letter.
std::optional<std::string> alphanumeric_sender_problem(std::string_view s);

// What a `from` or `to` value is.
AddressKind classify_address(std::string_view s);
// The ISO 3166 alpha-2 region of an E.164 number by calling code for the regions the mock knows
// (US/CA share +1: NANP numbers report "US"); "" when unknown.
std::string region_of(std::string_view e164);

}  // namespace harness::core
