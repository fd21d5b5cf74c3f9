// Messaging profile (contract §8.2).
#pragma once
#include <optional>
#include <string>
#include <vector>
#include "core/json.h"
#include "core/webhook_target.h"

namespace harness::core {

struct NumberPoolSettings {
  int long_code_weight = 1;
  int toll_free_weight = 0;
  bool skip_unhealthy = true;
  std::optional<bool> sticky_sender;
  std::optional<bool> geomatch;
  bool operator==(const NumberPoolSettings& o) const;
};

struct UrlShortenerSettings {        // {domain, prefix?, replace_blacklist_only?, send_webhooks?}
  std::string domain;
  std::optional<std::string> prefix;
  std::optional<bool> replace_blacklist_only;
  std::optional<bool> send_webhooks;
  bool operator==(const UrlShortenerSettings& o) const;
};

struct MessagingProfile {
  std::string record_type = "messaging_profile";
  std::string id;
  std::string name;
  bool enabled = true;
  WebhookTarget webhook;                              // webhook_url, _failover_url, _api_version, v1_secret
  std::vector<std::string> whitelisted_destinations;  // ISO alpha-2; ["*"] = all
  std::optional<NumberPoolSettings> number_pool_settings;
  std::optional<UrlShortenerSettings> url_shortener_settings;
  std::optional<std::string> alpha_sender;
  std::optional<std::string> daily_spend_limit;
  bool daily_spend_limit_enabled = false;
  bool mms_fall_back_to_sms = false;
  bool mms_transcoding = false;
  bool mobile_only = false;
  bool smart_encoding = false;
  bool redaction_enabled = false;
  int redaction_level = 2;                            // 1 | 2 (stored; the mock redacts nothing)
  std::optional<std::string> ai_assistant_id;
  std::optional<std::string> health_webhook_url;
  std::optional<std::string> resource_group_id;
  // The spec types organization_id and v1_secret (in `webhook`) as plain strings: omitted from
  // the wire while unset, never null.
  std::optional<std::string> organization_id;
  std::string created_at;
  std::string updated_at;
  bool operator==(const MessagingProfile& o) const;
};
void to_json(json& j, const NumberPoolSettings& s);
void from_json(const json& j, NumberPoolSettings& s);
void to_json(json& j, const UrlShortenerSettings& s);
void from_json(const json& j, UrlShortenerSettings& s);
void to_json(json& j, const MessagingProfile& p);
void from_json(const json& j, MessagingProfile& p);

}  // namespace harness::core
