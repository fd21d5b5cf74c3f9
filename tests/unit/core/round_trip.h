// Reading a wire fixture into its model: the converters must give back the same JSON.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "support/paths.h"

namespace harness::testing {

// The value at `at` (a JSON pointer) in fixtures/<name>, read as T; the calling test fails
// unless writing it back gives the same JSON.
template <class T>
T round_trip_fixture(const std::string& name, const std::string& at = "/data") {
  const core::json wire = core::json::parse(fixture(name)).at(core::json::json_pointer(at));
  T value = wire.get<T>();
  EXPECT_EQ(core::json(value), wire) << name << at;
  return value;
}

}  // namespace harness::testing
