// The one JSON alias of the project, and std::optional support for nlohmann/json 3.11
// (absent optionals are written as null; null or missing reads as nullopt).
#pragma once
#include <optional>
#include <nlohmann/json.hpp>

namespace harness::core {
using json = nlohmann::json;
}  // namespace harness::core

namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& o) {
    if (o) j = *o; else j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& o) {
    if (j.is_null()) o.reset(); else o = j.get<T>();
  }
};
}  // namespace nlohmann
