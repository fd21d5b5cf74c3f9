// Required on input: id and name (a profile without them cannot be addressed). Everything else
// keeps the member defaults when missing or null.
#include "core/profile.h"

#include <tuple>

#include "core/json_fields.h"

namespace harness::core {
using namespace detail;
namespace {

// Field tables, in the order a record is read. The first three pool settings are required by
// SPEC (contract §8.2); a URL shortener's one required field is its domain.
constexpr auto kPoolFields = std::make_tuple(
    wire("long_code_weight", &NumberPoolSettings::long_code_weight, kRequired),
    wire("toll_free_weight", &NumberPoolSettings::toll_free_weight, kRequired),
    wire("skip_unhealthy", &NumberPoolSettings::skip_unhealthy, kRequired),
    wire("sticky_sender", &NumberPoolSettings::sticky_sender), wire("geomatch", &NumberPoolSettings::geomatch));

constexpr auto kShortenerFields = std::make_tuple(
    wire("domain", &UrlShortenerSettings::domain, kRequired),
    wire("prefix", &UrlShortenerSettings::prefix, kOmitted),
    wire("replace_blacklist_only", &UrlShortenerSettings::replace_blacklist_only, kOmitted),
    wire("send_webhooks", &UrlShortenerSettings::send_webhooks, kOmitted));

// The profile's webhook settings travel flat, beside its own fields.
constexpr auto kWebhookFields = std::make_tuple(
    wire("webhook_url", &WebhookTarget::url), wire("webhook_failover_url", &WebhookTarget::failover_url),
    wire("webhook_api_version", &WebhookTarget::api_version),
    wire("v1_secret", &WebhookTarget::v1_secret, kOmitted));

constexpr auto kProfileFields = std::make_tuple(
    wire("id", &MessagingProfile::id, kRequired), wire("name", &MessagingProfile::name, kRequired),
    wire("record_type", &MessagingProfile::record_type), wire("enabled", &MessagingProfile::enabled),
    wire("whitelisted_destinations", &MessagingProfile::whitelisted_destinations),
    wire("number_pool_settings", &MessagingProfile::number_pool_settings),
    wire("url_shortener_settings", &MessagingProfile::url_shortener_settings),
    wire("alpha_sender", &MessagingProfile::alpha_sender),
    wire("daily_spend_limit", &MessagingProfile::daily_spend_limit, kOmitted),
    wire("daily_spend_limit_enabled", &MessagingProfile::daily_spend_limit_enabled),
    wire("mms_fall_back_to_sms", &MessagingProfile::mms_fall_back_to_sms),
    wire("mms_transcoding", &MessagingProfile::mms_transcoding), wire("mobile_only", &MessagingProfile::mobile_only),
    wire("smart_encoding", &MessagingProfile::smart_encoding),
    wire("redaction_enabled", &MessagingProfile::redaction_enabled),
    wire("redaction_level", &MessagingProfile::redaction_level),
    wire("ai_assistant_id", &MessagingProfile::ai_assistant_id),
    wire("health_webhook_url", &MessagingProfile::health_webhook_url),
    wire("resource_group_id", &MessagingProfile::resource_group_id),
    wire("organization_id", &MessagingProfile::organization_id),
    wire("created_at", &MessagingProfile::created_at), wire("updated_at", &MessagingProfile::updated_at));

}  // namespace

bool NumberPoolSettings::operator==(const NumberPoolSettings& o) const { return equal_fields(*this, o, kPoolFields); }
bool UrlShortenerSettings::operator==(const UrlShortenerSettings& o) const {
  return equal_fields(*this, o, kShortenerFields);
}
bool MessagingProfile::operator==(const MessagingProfile& o) const {
  return equal_fields(*this, o, kProfileFields) && webhook == o.webhook;
}

void to_json(json& j, const NumberPoolSettings& s) { j = to_object(s, kPoolFields); }
void from_json(const json& j, NumberPoolSettings& s) { s = from_object(j, kPoolFields); }
void to_json(json& j, const UrlShortenerSettings& s) { j = to_object(s, kShortenerFields); }
void from_json(const json& j, UrlShortenerSettings& s) { s = from_object(j, kShortenerFields); }

void to_json(json& j, const MessagingProfile& p) {
  j = to_object(p, kProfileFields);
  write_fields(j, p.webhook, kWebhookFields);
}
void from_json(const json& j, MessagingProfile& p) {
  p = from_object(j, kProfileFields);
  read_fields(j, p.webhook, kWebhookFields);
}

}  // namespace harness::core
