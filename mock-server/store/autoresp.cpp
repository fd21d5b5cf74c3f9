#include "store/autoresp.h"

#include <algorithm>

namespace harness::mock {

std::string AutorespConfigs::normalize(std::string_view keyword) {
  const size_t b = keyword.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = keyword.find_last_not_of(" \t\r\n");
  std::string out(keyword.substr(b, e - b + 1));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<AutorespConfig> AutorespConfigs::list(const std::string& tenant, const std::string& profile) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = configs_.find({tenant, profile});
  return it == configs_.end() ? std::vector<AutorespConfig>{} : it->second;
}

std::optional<AutorespConfig> AutorespConfigs::get(const std::string& tenant, const std::string& profile,
                                                   const std::string& id) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = configs_.find({tenant, profile});
  if (it == configs_.end()) return std::nullopt;
  for (const auto& c : it->second)
    if (c.id == id) return c;
  return std::nullopt;
}

std::optional<std::pair<AutorespConfig, std::string>> AutorespConfigs::conflict(
    const std::string& tenant, const std::string& profile, const std::vector<std::string>& keywords,
    const std::string& country_code, const std::string& except_id) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = configs_.find({tenant, profile});
  if (it == configs_.end()) return std::nullopt;
  for (const auto& c : it->second) {
    if (c.id == except_id || c.country_code != country_code) continue;
    for (const auto& k : c.keywords) {
      const std::string mine = normalize(k);
      for (const auto& w : keywords)
        if (normalize(w) == mine) return std::make_pair(c, w);
    }
  }
  return std::nullopt;
}

bool AutorespConfigs::add(const std::string& tenant, const std::string& profile, AutorespConfig c) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& v = configs_[{tenant, profile}];
  if (v.size() >= kMaxPerProfile) return false;
  v.push_back(std::move(c));
  return true;
}

std::optional<AutorespConfig> AutorespConfigs::replace(const std::string& tenant, const std::string& profile,
                                                       const AutorespConfig& c) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = configs_.find({tenant, profile});
  if (it == configs_.end()) return std::nullopt;
  for (auto& old : it->second) {
    if (old.id != c.id) continue;
    // Everything but the creation stamps comes from `c`, so a new field needs no line here.
    AutorespConfig next = c;
    next.created = old.created;
    next.created_at = old.created_at;
    old = std::move(next);
    return old;
  }
  return std::nullopt;
}

bool AutorespConfigs::remove(const std::string& tenant, const std::string& profile, const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = configs_.find({tenant, profile});
  if (it == configs_.end()) return false;
  auto& v = it->second;
  const auto gone = std::remove_if(v.begin(), v.end(), [&](const AutorespConfig& c) { return c.id == id; });
  if (gone == v.end()) return false;
  v.erase(gone, v.end());
  return true;
}

void AutorespConfigs::clear() {
  std::lock_guard<std::mutex> lk(mu_);
  configs_.clear();
}

std::optional<std::pair<AutorespConfig, std::string>> AutorespConfigs::match(const std::string& tenant,
                                                                             const std::string& profile,
                                                                             std::string_view text,
                                                                             std::string_view region) const {
  const std::string word = normalize(text);
  if (word.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lk(mu_);
  auto it = configs_.find({tenant, profile});
  if (it == configs_.end()) return std::nullopt;
  for (const auto& c : it->second) {
    const bool country = c.country_code == region || (region == "US" && c.country_code == "CA");
    if (!country) continue;
    for (const auto& k : c.keywords)
      if (normalize(k) == word) return std::make_pair(c, word);
  }
  return std::nullopt;
}

}  // namespace harness::mock
