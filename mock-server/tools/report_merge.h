// Combining the control-API views of several telnyx-mock instances (one per tenant shard behind
// a proxy): the sum of their /_mock/report, and expectations checked against that sum.
#pragma once

#include <string>
#include <vector>
#include "core/json.h"

namespace harness::mock::tools {

// One instance's report, with the URL it came from (named in merged examples).
struct InstanceReport {
  std::string url;
  core::json report;
};

// Counts are added (rules by name, faults and verdict counts field by field); examples are
// concatenated, each tagged with its instance; settings (duplicate_window_ms) and the scenario
// are kept when every instance agrees and listed per instance when they do not.
core::json merge_reports(const std::vector<InstanceReport>& parts);

}  // namespace harness::mock::tools
