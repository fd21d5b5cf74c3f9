// Shared by the management handlers (profiles.cpp, numbers.cpp, orders.cpp): one page of a list,
// and a projection of a resource onto the fields one operation's schema names.
#pragma once
#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <vector>
#include "core/json.h"
#include "core/pagination.h"

namespace harness::mock {

template <class T, class F>
core::json page_items(const std::vector<T>& all, const core::PageRequest& pr, F&& to_item) {
  core::json items = core::json::array();
  const auto [b, e] = core::page_slice(pr, all.size());
  for (size_t i = b; i < e; ++i) items.push_back(to_item(all[i]));
  return items;
}

// A copy of `full` with only `keys`; a null value is dropped unless its key is in `nullable` (the

// spec types it as a plain string there).
inline core::json project(const core::json& full, std::initializer_list<const char*> keys,
                   std::initializer_list<const char*> nullable = {}) {
  core::json out = core::json::object();
  for (const char* k : keys) {
    auto it = full.find(k);
    if (it == full.end()) continue;
    if (it->is_null() && std::find_if(nullable.begin(), nullable.end(),
                                      [&](const char* n) { return std::string_view(n) == k; }) == nullable.end()) {
      continue;
    }
    out[k] = *it;
  }
  return out;
}

}  // namespace harness::mock
