#include "store/inventory.h"

#include <cstdio>
#include <set>
#include "core/rng.h"

namespace harness::mock {
namespace {

struct AreaSeed {
  const char* country;
  const char* ndc;
  const char* locality;
  const char* state;
};
constexpr AreaSeed kAreas[] = {
    {"US", "212", "New York", "NY"},  {"US", "646", "New York", "NY"},
    {"US", "718", "Brooklyn", "NY"},  {"US", "312", "Chicago", "IL"},
    {"US", "773", "Chicago", "IL"},   {"US", "415", "San Francisco", "CA"},
    {"US", "617", "Boston", "MA"},    {"US", "206", "Seattle", "WA"},
    {"US", "305", "Miami", "FL"},     {"US", "512", "Austin", "TX"},
    {"CA", "416", "Toronto", "ON"},   {"CA", "604", "Vancouver", "BC"},
};
const std::vector<std::string> kFeatures = {"sms", "mms", "voice", "fax", "emergency"};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Patterns may be given with or without "+" / country code; compare on the digits after "+".
std::string digits(const std::string& s) { return s.empty() || s[0] != '+' ? s : s.substr(1); }

}  // namespace

Inventory::Inventory(uint64_t seed) {
  for (const auto& a : kAreas) {
    Area area{a.country, a.ndc, a.locality, a.state, {}};
    core::Rng rng = core::Rng(seed).fork(std::string("inventory:") + a.ndc);
    std::set<std::string> seen;
    while (area.numbers.size() < kPerAreaCode) {
      char buf[24];
      std::snprintf(buf, sizeof buf, "+1%s%03d%04d", a.ndc, static_cast<int>(200 + rng.uniform(800)),
                    static_cast<int>(rng.uniform(10000)));
      if (seen.insert(buf).second) area.numbers.emplace_back(buf);
    }
    areas_.push_back(std::move(area));
  }
}

std::vector<core::AvailableNumber> Inventory::search(
    const InventoryQuery& q, const std::function<bool(const std::string&)>& owned) const {
  std::vector<core::AvailableNumber> out;
  if (q.phone_number_type && *q.phone_number_type != "local") return out;
  for (const auto& f : q.features) {
    bool offered = false;
    for (const auto& k : kFeatures) offered = offered || k == f;
    if (!offered) return out;
  }
  for (const auto& area : areas_) {
    if (area.country != q.country_code) continue;
    if (q.ndc && *q.ndc != area.ndc) continue;
    if (q.locality && *q.locality != area.locality) continue;
    if (q.administrative_area && *q.administrative_area != area.state) continue;
    for (const auto& num : area.numbers) {
      if (out.size() >= q.limit) return out;
      const std::string d = num.substr(1);
      const std::string national = num.substr(2);
      if (q.starts_with) {
        const auto p = digits(*q.starts_with);
        if (d.rfind(p, 0) != 0 && national.rfind(p, 0) != 0) continue;
      }
      if (q.ends_with && !ends_with(d, digits(*q.ends_with))) continue;
      if (q.contains && d.find(digits(*q.contains)) == std::string::npos) continue;
      if (owned(num)) continue;
      core::AvailableNumber a;
      a.phone_number = num;
      a.vanity_format = std::nullopt;
      a.region_information = {{"country_code", area.country},
                              {"rate_center", area.locality},
                              {"state", area.state},
                              {"location", area.locality}};
      a.features = {"sms", "mms", "voice", "fax", "emergency"};
      out.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace harness::mock
