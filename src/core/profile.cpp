// Required on input: id and name (a profile without them cannot be addressed). Everything else
// keeps the member defaults when missing or null.
#include "core/profile.h"

#include "core/json_fields.h"

namespace harness::core {

using detail::read_opt;
using detail::read_or_keep;

bool NumberPoolSettings::operator==(const NumberPoolSettings& o) const {
  return long_code_weight == o.long_code_weight && toll_free_weight == o.toll_free_weight &&
         skip_unhealthy == o.skip_unhealthy && sticky_sender == o.sticky_sender && geomatch == o.geomatch;
}

bool UrlShortenerSettings::operator==(const UrlShortenerSettings& o) const {
  return domain == o.domain && prefix == o.prefix && replace_blacklist_only == o.replace_blacklist_only &&
         send_webhooks == o.send_webhooks;
}

bool MessagingProfile::operator==(const MessagingProfile& o) const {
  return record_type == o.record_type && id == o.id && name == o.name && enabled == o.enabled &&
         webhook == o.webhook && whitelisted_destinations == o.whitelisted_destinations &&
         number_pool_settings == o.number_pool_settings && alpha_sender == o.alpha_sender &&
         daily_spend_limit == o.daily_spend_limit && daily_spend_limit_enabled == o.daily_spend_limit_enabled &&
         mms_fall_back_to_sms == o.mms_fall_back_to_sms && mms_transcoding == o.mms_transcoding &&
         mobile_only == o.mobile_only && smart_encoding == o.smart_encoding &&
         url_shortener_settings == o.url_shortener_settings && redaction_enabled == o.redaction_enabled &&
         redaction_level == o.redaction_level && ai_assistant_id == o.ai_assistant_id &&
         health_webhook_url == o.health_webhook_url && resource_group_id == o.resource_group_id &&
         organization_id == o.organization_id && created_at == o.created_at && updated_at == o.updated_at;
}

void to_json(json& j, const NumberPoolSettings& s) {
  j = json{{"long_code_weight", s.long_code_weight},
           {"toll_free_weight", s.toll_free_weight},
           {"skip_unhealthy", s.skip_unhealthy},
           {"sticky_sender", s.sticky_sender},
           {"geomatch", s.geomatch}};
}
void from_json(const json& j, NumberPoolSettings& s) {
  // The first three are required by SPEC (contract §8.2).
  s.long_code_weight = j.at("long_code_weight").get<int>();
  s.toll_free_weight = j.at("toll_free_weight").get<int>();
  s.skip_unhealthy = j.at("skip_unhealthy").get<bool>();
  read_opt(j, "sticky_sender", s.sticky_sender);
  read_opt(j, "geomatch", s.geomatch);
}

void to_json(json& j, const UrlShortenerSettings& s) {
  j = json{{"domain", s.domain}};
  if (s.prefix) j["prefix"] = *s.prefix;
  if (s.replace_blacklist_only) j["replace_blacklist_only"] = *s.replace_blacklist_only;
  if (s.send_webhooks) j["send_webhooks"] = *s.send_webhooks;
}
void from_json(const json& j, UrlShortenerSettings& s) {
  s.domain = j.at("domain").get<std::string>();   // the one required field
  read_opt(j, "prefix", s.prefix);
  read_opt(j, "replace_blacklist_only", s.replace_blacklist_only);
  read_opt(j, "send_webhooks", s.send_webhooks);
}

void to_json(json& j, const MessagingProfile& p) {
  j = json{{"record_type", p.record_type},
           {"id", p.id},
           {"name", p.name},
           {"enabled", p.enabled},
           {"webhook_url", p.webhook.url},
           {"webhook_failover_url", p.webhook.failover_url},
           {"webhook_api_version", p.webhook.api_version},
           {"whitelisted_destinations", p.whitelisted_destinations},
           {"number_pool_settings", p.number_pool_settings},
           {"url_shortener_settings", p.url_shortener_settings},
           {"alpha_sender", p.alpha_sender},
           {"daily_spend_limit_enabled", p.daily_spend_limit_enabled},
           {"mms_fall_back_to_sms", p.mms_fall_back_to_sms},
           {"mms_transcoding", p.mms_transcoding},
           {"mobile_only", p.mobile_only},
           {"smart_encoding", p.smart_encoding},
           {"redaction_enabled", p.redaction_enabled},
           {"redaction_level", p.redaction_level},
           {"ai_assistant_id", p.ai_assistant_id},
           {"health_webhook_url", p.health_webhook_url},
           {"resource_group_id", p.resource_group_id},
           {"organization_id", p.organization_id},
           {"created_at", p.created_at},
           {"updated_at", p.updated_at}};
  if (j["whitelisted_destinations"].is_null()) j["whitelisted_destinations"] = json::array();
  if (p.daily_spend_limit) j["daily_spend_limit"] = *p.daily_spend_limit;
  if (p.webhook.v1_secret) j["v1_secret"] = *p.webhook.v1_secret;
}

void from_json(const json& j, MessagingProfile& p) {
  p = MessagingProfile{};
  p.id = j.at("id").get<std::string>();
  p.name = j.at("name").get<std::string>();
  read_or_keep(j, "record_type", p.record_type);
  read_or_keep(j, "enabled", p.enabled);
  read_opt(j, "webhook_url", p.webhook.url);
  read_opt(j, "webhook_failover_url", p.webhook.failover_url);
  read_or_keep(j, "webhook_api_version", p.webhook.api_version);
  read_or_keep(j, "whitelisted_destinations", p.whitelisted_destinations);
  read_opt(j, "number_pool_settings", p.number_pool_settings);
  read_opt(j, "url_shortener_settings", p.url_shortener_settings);
  read_opt(j, "alpha_sender", p.alpha_sender);
  read_opt(j, "daily_spend_limit", p.daily_spend_limit);
  read_or_keep(j, "daily_spend_limit_enabled", p.daily_spend_limit_enabled);
  read_or_keep(j, "mms_fall_back_to_sms", p.mms_fall_back_to_sms);
  read_or_keep(j, "mms_transcoding", p.mms_transcoding);
  read_or_keep(j, "mobile_only", p.mobile_only);
  read_or_keep(j, "smart_encoding", p.smart_encoding);
  read_or_keep(j, "redaction_enabled", p.redaction_enabled);
  read_or_keep(j, "redaction_level", p.redaction_level);
  read_opt(j, "ai_assistant_id", p.ai_assistant_id);
  read_opt(j, "health_webhook_url", p.health_webhook_url);
  read_opt(j, "resource_group_id", p.resource_group_id);
  read_opt(j, "v1_secret", p.webhook.v1_secret);
  read_opt(j, "organization_id", p.organization_id);
  read_or_keep(j, "created_at", p.created_at);
  read_or_keep(j, "updated_at", p.updated_at);
}

}  // namespace harness::core
