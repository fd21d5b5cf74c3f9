// Messaging profiles (contract §8.2): create, read, update, delete, their numbers, short codes
// and sender IDs, secret regeneration, and the tenant's opt-outs. Query names are the SDK's
// deepObject spellings (filter[name][contains], page[number], ...).
#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <type_traits>
#include "core/rng.h"
#include "http/api.h"
#include "http/listing.h"

namespace harness::mock {
namespace {

bool valid_destination(const std::string& d) {
  return d == "*" || (d.size() == 2 && std::isupper(static_cast<unsigned char>(d[0])) &&
                      std::isupper(static_cast<unsigned char>(d[1])));
}

}  // namespace

// Returns false after sending the error. Unknown fields are ignored (contract §2).
bool HttpFront::apply_profile_fields(ApiContext& ctx, const core::json& b, core::MessagingProfile& p) {
  auto bad = [&](const std::string& field, const std::string& want) {
    error(ctx, 10015, "'" + field + "' must be " + want + ".", "/" + field, std::nullopt, 400);
    return false;
  };
  auto opt_string = [&](const char* f, std::optional<std::string>& dst) {
    if (!b.contains(f)) return true;
    const auto& v = b[f];
    if (v.is_null()) { dst.reset(); return true; }
    if (!v.is_string()) return bad(f, "a string or null");
    dst = v.get<std::string>();
    return true;
  };
  // An object field read into an optional settings struct; null clears it. `not_object` and
  // `bad_shape` say what it must be when it is not an object, or not one of the right shape.
  auto opt_object = [&](const char* f, auto& dst, const char* not_object, const char* bad_shape) {
    if (!b.contains(f)) return true;
    const auto& v = b[f];
    if (v.is_null()) { dst.reset(); return true; }
    if (!v.is_object()) return bad(f, not_object);
    try {
      dst = v.get<typename std::decay_t<decltype(dst)>::value_type>();
    } catch (const std::exception&) {
      return bad(f, bad_shape);
    }
    return true;
  };
  auto boolean = [&](const char* f, bool& dst) {
    if (!b.contains(f)) return true;
    if (!b[f].is_boolean()) return bad(f, "true or false");
    dst = b[f].get<bool>();
    return true;
  };
  if (b.contains("name")) {
    if (!b["name"].is_string() || b["name"].get<std::string>().empty()) return bad("name", "a non-empty string");
    p.name = b["name"].get<std::string>();
  }
  if (b.contains("webhook_api_version")) {
    const auto& v = b["webhook_api_version"];
    if (!v.is_string() || (v != "1" && v != "2" && v != "2010-04-01")) return bad("webhook_api_version", "\"1\", \"2\" or \"2010-04-01\"");
    p.webhook.api_version = v.get<std::string>();
  }
  if (b.contains("whitelisted_destinations")) {
    const auto& v = b["whitelisted_destinations"];
    if (!v.is_array()) return bad("whitelisted_destinations", "an array of ISO 3166-1 alpha-2 codes or [\"*\"]");
    std::vector<std::string> list;
    for (const auto& d : v) {
      if (!d.is_string() || !valid_destination(d.get<std::string>())) {
        return bad("whitelisted_destinations", "an array of ISO 3166-1 alpha-2 codes or [\"*\"]");
      }
      list.push_back(d.get<std::string>());
    }
    p.whitelisted_destinations = std::move(list);
  }
  if (!opt_object("number_pool_settings", p.number_pool_settings, "an object or null",
                  "{long_code_weight, toll_free_weight, skip_unhealthy, ...}"))
    return false;
  const char* shortener = "null or {domain, prefix?, replace_blacklist_only?, send_webhooks?}";
  if (!opt_object("url_shortener_settings", p.url_shortener_settings, shortener, shortener)) return false;
  if (b.contains("daily_spend_limit")) {
    // A decimal string such as "100.00" (the spec types it as a string, not a number).
    const auto& v = b["daily_spend_limit"];
    if (v.is_null()) {
      p.daily_spend_limit.reset();
    } else {
      const std::string s = v.is_string() ? v.get<std::string>() : std::string();
      const size_t dot = s.find('.');
      const bool ok = !s.empty() && s.find_first_not_of("0123456789.") == std::string::npos && s.front() != '.' &&
                      s.back() != '.' && (dot == std::string::npos || s.find('.', dot + 1) == std::string::npos);
      if (!ok) return bad("daily_spend_limit", "a decimal string such as \"100.00\"");
      p.daily_spend_limit = s;
    }
  }
  if (b.contains("redaction_level")) {
    const auto& v = b["redaction_level"];
    if (!v.is_number_integer() || (v.get<int64_t>() != 1 && v.get<int64_t>() != 2)) {
      return bad("redaction_level", "1 or 2");
    }
    p.redaction_level = v.get<int>();
  }
  if (b.contains("v1_secret") && !b["v1_secret"].is_null() && !b["v1_secret"].is_string()) {
    return bad("v1_secret", "a string");
  }
  if (b.contains("v1_secret") && b["v1_secret"].is_string()) p.webhook.v1_secret = b["v1_secret"].get<std::string>();
  return opt_string("webhook_url", p.webhook.url) && opt_string("webhook_failover_url", p.webhook.failover_url) &&
         opt_string("alpha_sender", p.alpha_sender) && opt_string("ai_assistant_id", p.ai_assistant_id) &&
         opt_string("health_webhook_url", p.health_webhook_url) &&
         opt_string("resource_group_id", p.resource_group_id) && boolean("enabled", p.enabled) &&
         boolean("redaction_enabled", p.redaction_enabled) &&
         boolean("daily_spend_limit_enabled", p.daily_spend_limit_enabled) &&
         boolean("mms_fall_back_to_sms", p.mms_fall_back_to_sms) && boolean("mms_transcoding", p.mms_transcoding) &&
         boolean("mobile_only", p.mobile_only) && boolean("smart_encoding", p.smart_encoding);
}

void HttpFront::list_profiles(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  ProfileFilter f;
  f.name_eq = param(ctx, "filter[name][eq]");
  if (!f.name_eq) f.name_eq = param(ctx, "filter[name]");
  f.name_contains = param(ctx, "filter[name][contains]");
  auto all = store_.list_profiles(ctx.tenant, f);
  send_page(ctx, pr, all, [](const core::MessagingProfile& p) { return core::json(p); });
}

void HttpFront::create_profile(ApiContext& ctx) {
  if (!require_object(ctx)) return;
  const auto& b = *ctx.body;
  if (!b.contains("name")) {
    error(ctx, 10004, "The 'name' parameter is required.", "/name");
    return;
  }
  if (config_.settings.profile_requires_whitelist && !b.contains("whitelisted_destinations")) {
    error(ctx, 10004, "The 'whitelisted_destinations' parameter is required.", "/whitelisted_destinations");
    return;
  }
  core::MessagingProfile p;
  p.whitelisted_destinations = {"*"};
  if (!apply_profile_fields(ctx, b, p)) return;
  send_data(ctx, store_.create_profile(ctx.tenant, std::move(p)));
}

void HttpFront::get_profile(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  send_found(ctx, store_.get_profile(ctx.tenant, id), "Messaging profile " + id);
}

void HttpFront::update_profile(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto current = store_.get_profile(ctx.tenant, id);
  if (!current) return not_found(ctx, "Messaging profile " + id);
  if (!require_object(ctx)) return;
  // Validate on a copy first so a bad field changes nothing.
  core::MessagingProfile edited = *current;
  if (!apply_profile_fields(ctx, *ctx.body, edited)) return;
  auto updated = store_.update_profile(ctx.tenant, id, [&](core::MessagingProfile& p) {
    const auto created = p.created_at;
    p = edited;
    p.created_at = created;
  });
  if (!updated) return not_found(ctx, "Messaging profile " + id);
  send_data(ctx, *updated);
}

void HttpFront::delete_profile(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  send_found(ctx, store_.delete_profile(ctx.tenant, id), "Messaging profile " + id);
}

void HttpFront::profile_numbers(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_profile(ctx.tenant, id)) return not_found(ctx, "Messaging profile " + id);
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = store_.numbers_on_profile(ctx.tenant, id);
  send_page(ctx, pr, all, [&](const core::PhoneNumber& n) {
    core::json j = messaging_settings(ctx.tenant, n);
    j["record_type"] = "messaging_phone_number";
    return j;
  });
}

void HttpFront::profile_short_codes(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_profile(ctx.tenant, id)) return not_found(ctx, "Messaging profile " + id);
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = tenant_numbers(ctx.tenant, true);
  all.erase(std::remove_if(all.begin(), all.end(), [&](const core::PhoneNumber& n) { return n.messaging_profile_id != id; }),
            all.end());
  send_page(ctx, pr, all, [this](const core::PhoneNumber& n) { return short_code_json(n); });
}

void HttpFront::regenerate_secret(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  send_found(ctx, store_.regenerate_secret(ctx.tenant, id), "Messaging profile " + id);
}

void HttpFront::list_optouts(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = store_.list_optouts(ctx.tenant);
  const auto profile = param(ctx, "filter[messaging_profile_id]");
  const auto from = param(ctx, "filter[from]");
  all.erase(std::remove_if(all.begin(), all.end(), [&](const OptOut& o) {
              return (profile && o.messaging_profile_id != *profile) || (from && o.from != *from);
            }),
            all.end());
  send_page(ctx, pr, all, [](const OptOut& o) {
    return core::json{{"from", o.from}, {"to", o.to}, {"messaging_profile_id", o.messaging_profile_id},
                      {"keyword", o.keyword}, {"created_at", o.created_at}};
  });
}
}  // namespace harness::mock
