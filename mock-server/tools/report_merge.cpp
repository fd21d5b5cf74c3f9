#include "tools/report_merge.h"

#include <set>

namespace harness::mock::tools {
namespace {

// Settings, not counts: the same on every instance that runs the same scenario.
const std::set<std::string> kSettings = {"duplicate_window_ms"};

// Examples ("items" arrays) name the instance they came from.
void tag_items(core::json& j, const std::string& url) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key == "items" && value.is_array()) {
        for (auto& item : value)
          if (item.is_object()) item["instance"] = url;
      } else {
        tag_items(value, url);
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) tag_items(v, url);
  }
}

bool is_named_list(const core::json& a) {
  for (const auto& v : a)
    if (!v.is_object() || !v.contains("name") || !v["name"].is_string()) return false;
  return true;
}

void add_into(core::json& acc, const core::json& next);

// Rules (and anything listed by name) add up entry by entry, in the order first seen.
void add_named(core::json& acc, const core::json& next) {
  for (const auto& entry : next) {
    bool found = false;
    for (auto& have : acc) {
      if (have["name"] == entry["name"]) {
        add_into(have, entry);
        found = true;
        break;
      }
    }
    if (!found) acc.push_back(entry);
  }
}

void add_into(core::json& acc, const core::json& next) {
  if (acc.is_object() && next.is_object()) {
    for (const auto& [key, value] : next.items()) {
      if (!acc.contains(key)) {
        acc[key] = value;
      } else if (kSettings.count(key)) {
        continue;   // checked separately
      } else {
        add_into(acc[key], value);
      }
    }
  } else if (acc.is_number_unsigned() && next.is_number_unsigned()) {
    acc = acc.get<uint64_t>() + next.get<uint64_t>();
  } else if (acc.is_number_integer() && next.is_number_integer()) {
    acc = acc.get<int64_t>() + next.get<int64_t>();
  } else if (acc.is_number() && next.is_number()) {
    acc = acc.get<double>() + next.get<double>();
  } else if (acc.is_array() && next.is_array()) {
    if (!acc.empty() && !next.empty() && is_named_list(acc) && is_named_list(next)) {
      add_named(acc, next);
    } else {
      for (const auto& v : next) acc.push_back(v);
    }
  }
  // Other values (names, flags): the first instance's stays.
}

// A value that should be equal everywhere: kept when it is, else listed per instance.
core::json agreed(const std::vector<InstanceReport>& parts, const core::json::json_pointer& where) {
  core::json first;
  bool same = true, have = false;
  for (const auto& p : parts) {
    if (!p.report.contains(where)) continue;
    const core::json& v = p.report.at(where);
    if (!have) {
      first = v;
      have = true;
    } else if (v != first) {
      same = false;
    }
  }
  if (same) return first;
  core::json per = core::json::array();
  for (const auto& p : parts)
    if (p.report.contains(where)) per.push_back({{"instance", p.url}, {"value", p.report.at(where)}});
  return {{"differs", std::move(per)}};
}

}  // namespace

core::json merge_reports(const std::vector<InstanceReport>& parts) {
  core::json out = core::json::object();
  for (const auto& p : parts) {
    core::json tagged = p.report;
    tag_items(tagged, p.url);
    if (out.empty()) {
      out = std::move(tagged);
    } else {
      add_into(out, tagged);
    }
  }
  for (const char* ptr : {"/scenario", "/verdicts/duplicate_window_ms"}) {
    const core::json::json_pointer where(ptr);
    if (out.contains(where)) out[where] = agreed(parts, where);
  }
  core::json urls = core::json::array();
  for (const auto& p : parts) urls.push_back(p.url);
  out["instances"] = std::move(urls);
  return out;
}

}  // namespace harness::mock::tools
