#include "client/validation.h"

#include "client/config.h"
#include "core/e164.h"

namespace harness::client {

namespace {

std::string_view encoding_value(core::EncodingPreference p) {
  switch (p) {
    case core::EncodingPreference::Gsm7: return "gsm7";
    case core::EncodingPreference::Ucs2: return "ucs2";
    case core::EncodingPreference::Auto: break;
  }
  return "auto";
}

core::EncodingPreference encoding_pref(const std::string& s) {
  if (s == "gsm7") return core::EncodingPreference::Gsm7;
  if (s == "ucs2") return core::EncodingPreference::Ucs2;
  return core::EncodingPreference::Auto;
}

}  // namespace

core::SendRequest build_send_request(const SendParams& p, const Config& cfg) {
  core::SendRequest r;
  r.to = p.to;
  if (p.from) r.from = *p.from;
  else if (!cfg.default_from.empty()) r.from = cfg.default_from;
  if (p.messaging_profile_id) r.messaging_profile_id = *p.messaging_profile_id;
  else if (!cfg.messaging_profile_id.empty()) r.messaging_profile_id = cfg.messaging_profile_id;
  if (!p.text.empty()) r.text = p.text;
  r.media_urls = p.media_urls;
  r.subject = p.subject;
  if (p.webhook_url) r.webhook_url = *p.webhook_url;
  else if (!cfg.webhook_url.empty()) r.webhook_url = cfg.webhook_url;
  if (p.webhook_failover_url) r.webhook_failover_url = *p.webhook_failover_url;
  else if (!cfg.webhook_failover_url.empty()) r.webhook_failover_url = cfg.webhook_failover_url;
  if (p.use_profile_webhooks) r.use_profile_webhooks = *p.use_profile_webhooks;
  r.encoding = std::string(encoding_value(p.encoding));
  r.tags = p.tags;
  return r;
}

std::optional<Error> validate_send(const core::SendRequest& r) {
  if (r.to.empty())
    return validation_error("10004", "Missing required parameter", "'to' is required", "/to");
  core::AddressKind to_kind = core::classify_address(r.to);
  if (to_kind != core::AddressKind::E164 && to_kind != core::AddressKind::ShortCode) {
    auto why = core::e164_problem(r.to);
    return validation_error("40310", "Invalid 'to' address",
                   "'to' " + (why ? *why : std::string("is not an E.164 number or short code")),
                   "/to");
  }
  if (r.from) {
    core::AddressKind k = core::classify_address(*r.from);
    if (k == core::AddressKind::Invalid) {
      auto why = core::e164_problem(*r.from);
      return validation_error("40305", "Invalid 'from' address",
                     "'from' " + (why ? *why : std::string("is not a valid sender")), "/from");
    }
    if (k == core::AddressKind::Alphanumeric && !r.messaging_profile_id)
      return validation_error("10004", "Missing required parameter",
                     "an alphanumeric sender needs messaging_profile_id", "/messaging_profile_id");
  } else if (!r.messaging_profile_id) {
    return validation_error("10004", "Missing required parameter",
                   "'from' or messaging_profile_id (number pool) is required", "/from");
  }
  const bool has_text = r.text && !r.text->empty();
  if (!has_text && r.media_urls.empty())
    return validation_error("40316", "No content provided", "text or media_urls is required", "/text");
  if (r.media_urls.size() > 10)
    return validation_error("40317", "Invalid MMS content", "at most 10 media URLs", "/media_urls");
  if (has_text && r.media_urls.empty()) {
    auto seg = core::segment(*r.text, encoding_pref(r.encoding));
    if (!seg) {
      const auto& se = seg.error();
      if (se.kind == core::SegmentError::Kind::InvalidUtf8)
        return validation_error("10015", "Bad Request", se.detail, "/text");
      return validation_error("10015", "Bad Request", se.detail + " (encoding=gsm7)", "/encoding");
    }
    if (seg->parts > core::kMaxParts)
      return validation_error("40302", "Message too large",
                     "text needs " + std::to_string(seg->parts) + " parts; the limit is " +
                         std::to_string(core::kMaxParts),
                     "/text");
  }
  return std::nullopt;
}

}  // namespace harness::client
