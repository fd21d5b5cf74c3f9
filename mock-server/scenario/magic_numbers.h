// Built-in recipient numbers with fixed outcomes, active with no scenario file (in the spirit of
// other providers' test numbers; Telnyx itself has none, contract §10). The table is documented in
// scenarios/README.md; a scenario may switch it off with `magic_numbers: false`.
#pragma once
#include <optional>
#include <string_view>
#include <vector>
#include "scenario/decision.h"

namespace harness::mock::scenario {

struct MagicNumber {
  std::string_view number;
  std::string_view behaviour;            // for docs and reports
  enum class Kind { Delivered, DeliveryFailed, Blocked, RateLimited, LostResponse, Slow } kind;
};

const std::vector<MagicNumber>& magic_numbers();
const MagicNumber* find_magic_number(std::string_view to);

// Applies a magic number to a decision that would otherwise pass; rule name "magic:<number>".
void apply_magic_number(const MagicNumber& m, Decision& d);

}  // namespace harness::mock::scenario
