// Autoresponse configs of messaging profiles (/v2/messaging_profiles/{id}/autoresp_configs): per
// tenant and profile, the keywords an inbound text is matched against (the whole text, any case,
// trimmed), the country of senders they apply to, what a match does (`op`: stop opts the sender
// out, start back in, info changes nothing) and the text sent back (`resp_text`). Thread-safe;
// cleared by POST /_mock/reset. The inbound path asks match() through InboundResponder.
#pragma once
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "core/clock.h"
#include "core/message.h"

namespace harness::mock {

struct AutorespConfig {
  std::string id;
  std::string op;                      // start | stop | info
  std::vector<std::string> keywords;   // as given
  std::string country_code;            // ISO 3166-1 alpha-2
  std::optional<std::string> resp_text;
  std::string created_at, updated_at;
  core::TimePoint created, updated;
};

class AutorespConfigs {
 public:
  static constexpr size_t kMaxPerProfile = 1000;

  std::vector<AutorespConfig> list(const std::string& tenant, const std::string& profile) const;
  std::optional<AutorespConfig> get(const std::string& tenant, const std::string& profile, const std::string& id) const;
  // The config of this profile already answering one of `keywords` for `country_code` (other
  // than `except_id`), if any: a keyword belongs to one config per country.
  std::optional<std::pair<AutorespConfig, std::string>> conflict(const std::string& tenant, const std::string& profile,
                                                                 const std::vector<std::string>& keywords,
                                                                 const std::string& country_code,
                                                                 const std::string& except_id) const;
  // False when the profile already holds kMaxPerProfile configs.
  bool add(const std::string& tenant, const std::string& profile, AutorespConfig c);
  // Replaces the config with id c.id by `c`, keeping its created/created_at (the caller sets
  // updated/updated_at).
  std::optional<AutorespConfig> replace(const std::string& tenant, const std::string& profile, const AutorespConfig& c);
  bool remove(const std::string& tenant, const std::string& profile, const std::string& id);
  void clear();

  // The first config (in creation order) of the profile whose keywords hold `text` and whose
  // country is the sender's (`region`: ISO alpha-2 of the sender's number; "US" for every +1
  // number, which a "CA" config matches too). The matched keyword is returned in lower case.
  std::optional<std::pair<AutorespConfig, std::string>> match(const std::string& tenant, const std::string& profile,
                                                              std::string_view text, std::string_view region) const;

  // Keywords compare trimmed and case-insensitively.
  static std::string normalize(std::string_view keyword);

 private:
  using Key = std::pair<std::string, std::string>;   // tenant, profile
  mutable std::mutex mu_;
  std::map<Key, std::vector<AutorespConfig>> configs_;
};

// Told of every inbound message once it is stored (StoreInboundDirectory): answers it from the
// profile's autoresponse configs. Returns false when no config matched, so the built-in STOP /
// START keywords apply instead.
class InboundResponder {
 public:
  virtual ~InboundResponder() = default;
  virtual bool respond(const std::string& tenant, const core::Message& inbound, core::TimePoint at) = 0;
};

}  // namespace harness::mock
