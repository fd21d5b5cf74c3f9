// Messaging profile (contract §8.2).
#pragma once
#include <optional>
#include <string>
#include <vector>
#include "core/json.h"

namespace harness::core {

struct NumberPoolSettings {
  int long_code_weight = 1;
  int toll_free_weight = 0;
  bool skip_unhealthy = true;
  std::optional<bool> sticky_sender;
  std::optional<bool> geomatch;
  bool operator==(const NumberPoolSettings& o) const;
};

struct MessagingProfile {
  std::string record_type = "messaging_profile";
  std::string id;
  std::string name;
  bool enabled = true;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_failover_url;
  std::string webhook_api_version = "2";              // "1" | "2" | "2010-04-01"
  std::vector<std::string> whitelisted_destinations;  // ISO alpha-2; ["*"] = all
  std::optional<NumberPoolSettings> number_pool_settings;
  std::optional<std::string> alpha_sender;
  std::optional<std::string> daily_spend_limit;
  bool daily_spend_limit_enabled = false;
  bool mms_fall_back_to_sms = false;
  bool mms_transcoding = false;
  bool mobile_only = false;
  bool smart_encoding = false;
  std::optional<std::string> v1_secret;
  std::optional<std::string> organization_id;
  std::string created_at;
  std::string updated_at;
  bool operator==(const MessagingProfile& o) const;
};
void to_json(json& j, const NumberPoolSettings& s);
void from_json(const json& j, NumberPoolSettings& s);
void to_json(json& j, const MessagingProfile& p);
void from_json(const json& j, MessagingProfile& p);

}  // namespace harness::core
