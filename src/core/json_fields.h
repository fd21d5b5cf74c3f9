// Internal helpers for the hand-written wire-model converters: read optional and defaulted
// fields with the wire's null conventions. Not part of the public API of core.
#pragma once
#include <optional>
#include <string>
#include "core/json.h"

namespace harness::core::detail {

// Missing or null -> nullopt; present -> converted (throws nlohmann type_error on a wrong type,
// which callers catch at their parse boundary).
template <class T>
void read_opt(const json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) out.reset();
  else out = it->template get<T>();
}

// Missing or null -> keep the member's default; present -> converted.
template <class T>
void read_or_keep(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->template get<T>();
}

}  // namespace harness::core::detail
