// Owned phone numbers, short codes and their messaging settings (contract §8.3): listing,
// reading, updating and releasing them, and moving a number between messaging profiles.
#include <algorithm>
#include <cctype>
#include "core/e164.h"
#include "http/api.h"
#include "http/listing.h"

namespace harness::mock {

core::json HttpFront::messaging_settings(const std::string& tenant, const core::PhoneNumber& n) const {
  core::MessagingSettings s;
  s.organization_id = store_.organization_id(tenant);   // the same one the tenant's messages carry
  s.id = n.id;
  s.phone_number = n.phone_number;
  s.messaging_profile_id = n.messaging_profile_id;
  s.type = core::is_short_code(n.phone_number) ? "short-code" : "long-code";
  s.country_code = n.country_iso_alpha2;
  s.sms = core::MessagingFeature{};
  s.mms = core::MessagingFeature{};
  s.tags = n.tags;
  s.created_at = n.created_at;
  s.updated_at = n.updated_at;
  return s;
}

std::vector<core::PhoneNumber> HttpFront::tenant_numbers(const std::string& tenant, bool short_codes) const {
  auto all = store_.list_numbers(tenant);
  all.erase(std::remove_if(all.begin(), all.end(),
                           [&](const core::PhoneNumber& n) { return core::is_short_code(n.phone_number) != short_codes; }),
            all.end());
  return all;
}

core::json HttpFront::short_code_json(const core::PhoneNumber& n) const {
  return {{"record_type", "short_code"}, {"id", n.id}, {"short_code", n.phone_number},
          {"country_code", n.country_iso_alpha2}, {"messaging_profile_id", n.messaging_profile_id},
          {"tags", n.tags}, {"created_at", n.created_at}, {"updated_at", n.updated_at}};
}

void HttpFront::list_phone_numbers_slim(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = tenant_numbers(ctx.tenant, false);
  send_page(ctx, pr, all, [](const core::PhoneNumber& n) {
    return project(core::json(n),
                   {"record_type", "id", "phone_number", "status", "phone_number_type", "country_iso_alpha2",
                    "created_at", "updated_at", "purchased_at", "activated_at", "billing_group_id",
                    "connection_id", "customer_reference", "emergency_address_id", "external_pin",
                    "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled",
                    "cnam_listing_enabled", "emergency_enabled", "emergency_status", "hd_voice_enabled",
                    "inbound_call_screening", "t38_fax_gateway_enabled"},
                   {"activated_at"});
  });
}

void HttpFront::list_numbers_messaging(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = store_.list_numbers(ctx.tenant);
  if (auto f = param(ctx, "filter[messaging_profile_id]")) {
    all.erase(std::remove_if(all.begin(), all.end(), [&](const core::PhoneNumber& n) { return n.messaging_profile_id != *f; }),
              all.end());
  }
  if (auto f = param(ctx, "filter[phone_number]")) {
    all.erase(std::remove_if(all.begin(), all.end(), [&](const core::PhoneNumber& n) { return n.phone_number != *f; }),
              all.end());
  }
  send_page(ctx, pr, all, [&](const core::PhoneNumber& n) { return messaging_settings(ctx.tenant, n); });
}

void HttpFront::update_phone_number(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto current = store_.get_number(ctx.tenant, id);
  if (!current || core::is_short_code(current->phone_number)) return not_found(ctx, "Phone number " + id);
  if (!require_object(ctx)) return;
  const auto& b = *ctx.body;
  core::PhoneNumber edited = *current;   // validated on a copy: a bad field changes nothing
  for (auto [field, dst] : {std::pair<const char*, std::optional<std::string>*>{"customer_reference", &edited.customer_reference},
                            {"billing_group_id", &edited.billing_group_id},
                            {"connection_id", &edited.connection_id},
                            {"external_pin", &edited.external_pin},
                            {"address_id", &edited.emergency_address_id}}) {
    if (!b.contains(field)) continue;
    const auto& v = b[field];
    if (!v.is_null() && !v.is_string()) {
      return error(ctx, 10015, std::string("'") + field + "' must be a string.", std::string("/") + field, std::nullopt, 400);
    }
    *dst = v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
  }
  if (b.contains("hd_voice_enabled")) {
    if (!b["hd_voice_enabled"].is_boolean()) {
      return error(ctx, 10015, "'hd_voice_enabled' must be true or false.", "/hd_voice_enabled", std::nullopt, 400);
    }
    edited.hd_voice_enabled = b["hd_voice_enabled"].get<bool>();
  }
  if (b.contains("tags")) {
    const auto& v = b["tags"];
    bool ok = v.is_array();
    for (size_t i = 0; ok && i < v.size(); ++i) ok = v[i].is_string();
    if (!ok) return error(ctx, 10015, "'tags' must be an array of strings.", "/tags", std::nullopt, 400);
    edited.tags = v.get<std::vector<std::string>>();
  }
  auto n = store_.update_number(ctx.tenant, id, [&](core::PhoneNumber& num) {
    const auto profile_id = num.messaging_profile_id;   // the profile moves only through /messaging
    const auto profile_name = num.messaging_profile_name;
    num = edited;
    num.messaging_profile_id = profile_id;
    num.messaging_profile_name = profile_name;
  });
  if (!n) return not_found(ctx, "Phone number " + id);
  send_data(ctx, *n);
}

void HttpFront::delete_phone_number(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto current = store_.get_number(ctx.tenant, id);
  if (!current || core::is_short_code(current->phone_number)) return not_found(ctx, "Phone number " + id);
  if (current->deletion_lock_enabled) {
    return error(ctx, 10010, "Phone number " + id + " has its deletion lock enabled.", std::nullopt, std::nullopt, 403);
  }
  auto gone = store_.delete_number(ctx.tenant, id);
  if (!gone) return not_found(ctx, "Phone number " + id);
  send_data(ctx, project(core::json(*gone),
                         {"record_type", "id", "phone_number", "status", "phone_number_type", "tags",
                          "deletion_lock_enabled", "created_at", "updated_at", "purchased_at", "activated_at",
                          "billing_group_id", "connection_id", "connection_name", "customer_reference",
                          "emergency_address_id", "external_pin", "messaging_profile_id", "messaging_profile_name",
                          "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled",
                          "cnam_listing_enabled", "emergency_enabled", "hd_voice_enabled", "t38_fax_gateway_enabled"},
                         {"activated_at"}));
}

void HttpFront::list_short_codes(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = tenant_numbers(ctx.tenant, true);
  if (auto f = param(ctx, "filter[messaging_profile_id]")) {
    all.erase(std::remove_if(all.begin(), all.end(), [&](const core::PhoneNumber& n) { return n.messaging_profile_id != *f; }),
              all.end());
  }
  send_page(ctx, pr, all, [this](const core::PhoneNumber& n) { return short_code_json(n); });
}

void HttpFront::get_short_code(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (!n || !core::is_short_code(n->phone_number)) return not_found(ctx, "Short code " + id);
  send_data(ctx, short_code_json(*n));
}

void HttpFront::update_short_code(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (!n || !core::is_short_code(n->phone_number)) return not_found(ctx, "Short code " + id);
  if (!require_object(ctx)) return;
  const auto& b = *ctx.body;
  if (!b.contains("messaging_profile_id")) {
    return error(ctx, 10004, "The 'messaging_profile_id' parameter is required.", "/messaging_profile_id");
  }
  const auto& v = b["messaging_profile_id"];
  if (!v.is_null() && !v.is_string()) {
    return error(ctx, 10015, "'messaging_profile_id' must be a string.", "/messaging_profile_id", std::nullopt, 400);
  }
  std::optional<std::string> target;
  if (v.is_string() && !v.get<std::string>().empty()) {
    target = v.get<std::string>();
    if (!store_.get_profile(ctx.tenant, *target)) {
      return error(ctx, 10017, "Messaging profile " + *target + " does not exist.", "/messaging_profile_id", std::nullopt, 422);
    }
  }
  std::optional<std::vector<std::string>> tags;
  if (b.contains("tags")) {
    bool ok = b["tags"].is_array();
    for (size_t i = 0; ok && i < b["tags"].size(); ++i) ok = b["tags"][i].is_string();
    if (!ok) return error(ctx, 10015, "'tags' must be an array of strings.", "/tags", std::nullopt, 400);
    tags = b["tags"].get<std::vector<std::string>>();
  }
  n = store_.set_number_profile(ctx.tenant, id, target);
  if (n && tags) n = store_.update_number(ctx.tenant, id, [&](core::PhoneNumber& num) { num.tags = *tags; });
  if (!n) return not_found(ctx, "Short code " + id);
  send_data(ctx, short_code_json(*n));
}

void HttpFront::list_phone_numbers(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = tenant_numbers(ctx.tenant, false);
  if (auto f = param(ctx, "filter[phone_number]")) {
    std::string want;
    for (char c : *f) {
      if (std::isdigit(static_cast<unsigned char>(c))) want += c;
    }
    if (want.size() < 3) {
      return error(ctx, 10015, "filter[phone_number] needs at least 3 digits.", std::nullopt,
                   "filter[phone_number]", 400);
    }
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const core::PhoneNumber& n) { return n.phone_number.find(want) == std::string::npos; }),
              all.end());
  }
  if (auto s = param(ctx, "filter[status]")) {
    all.erase(std::remove_if(all.begin(), all.end(), [&](const core::PhoneNumber& n) { return n.status != *s; }),
              all.end());
  }
  send_page(ctx, pr, all, [](const core::PhoneNumber& n) { return core::json(n); });
}

void HttpFront::get_phone_number(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (n && !core::is_short_code(n->phone_number)) return send_data(ctx, *n);
  not_found(ctx, "Phone number " + id);
}

void HttpFront::get_number_messaging(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (auto n = store_.get_number(ctx.tenant, id)) return send_data(ctx, messaging_settings(ctx.tenant, *n));
  not_found(ctx, "Phone number " + id);
}

void HttpFront::patch_number_messaging(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (!n) return not_found(ctx, "Phone number " + id);
  if (!require_object(ctx)) return;
  const auto& b = *ctx.body;
  // contract §8.3: omitted or null keeps the profile, "" unassigns it.
  if (b.contains("messaging_profile_id") && !b["messaging_profile_id"].is_null()) {
    const auto& v = b["messaging_profile_id"];
    if (!v.is_string()) return error(ctx, 10015, "'messaging_profile_id' must be a string.", "/messaging_profile_id", std::nullopt, 400);
    std::optional<std::string> target;
    if (!v.get<std::string>().empty()) {
      target = v.get<std::string>();
      if (!store_.get_profile(ctx.tenant, *target)) {
        return error(ctx, 10017, "Messaging profile " + *target + " does not exist.", "/messaging_profile_id",
                     std::nullopt, 422);
      }
    }
    n = store_.set_number_profile(ctx.tenant, id, target);
    if (!n) return not_found(ctx, "Phone number " + id);
  }
  send_data(ctx, messaging_settings(ctx.tenant, *n));
}

}  // namespace harness::mock