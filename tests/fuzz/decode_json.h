// Shared by the libFuzzer targets: whatever parses as JSON must not crash a model decoder.
#pragma once
#include <string_view>
#include "core/json.h"

namespace harness::fuzz {

// Decodes `text` as T when it is JSON. A decoder's json::exception is its answer to bad input;
// anything else escapes to the fuzzer as a finding.
template <class T>
void decode_if_json(std::string_view text) {
  const core::json j = core::json::parse(text, nullptr, false);
  if (j.is_discarded()) return;
  try {
    (void)j.get<T>();
  } catch (const core::json::exception&) {
  }
}

}  // namespace harness::fuzz
