// Management endpoints (contract §8): messaging profiles, available numbers, number orders,
// owned phone numbers and their messaging settings. Query names are the SDK's deepObject
// spellings (filter[name][contains], filter[phone_number][starts_with], page[number], ...).
#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <initializer_list>
#include <string_view>
#include "core/e164.h"
#include "core/rng.h"
#include "http/api.h"
#include "store/fast_uuid.h"

namespace harness::mock {
namespace {

template <class T, class F>
core::json page_items(const std::vector<T>& all, const core::PageRequest& pr, F&& to_item) {
  core::json items = core::json::array();
  const auto [b, e] = core::page_slice(pr, all.size());
  for (size_t i = b; i < e; ++i) items.push_back(to_item(all[i]));
  return items;
}

// A copy of `full` with only `keys`; a null value is dropped unless its key is in `nullable` (the
// spec types it as a plain string there).
core::json project(const core::json& full, std::initializer_list<const char*> keys,
                   std::initializer_list<const char*> nullable = {}) {
  core::json out = core::json::object();
  for (const char* k : keys) {
    auto it = full.find(k);
    if (it == full.end()) continue;
    if (it->is_null() && std::find_if(nullable.begin(), nullable.end(),
                                      [&](const char* n) { return std::string_view(n) == k; }) == nullable.end()) {
      continue;
    }
    out[k] = *it;
  }
  return out;
}

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
    p.webhook_api_version = v.get<std::string>();
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
  if (b.contains("number_pool_settings")) {
    const auto& v = b["number_pool_settings"];
    if (v.is_null()) {
      p.number_pool_settings.reset();
    } else {
      if (!v.is_object()) return bad("number_pool_settings", "an object or null");
      try {
        p.number_pool_settings = v.get<core::NumberPoolSettings>();
      } catch (const std::exception&) {
        return bad("number_pool_settings", "{long_code_weight, toll_free_weight, skip_unhealthy, ...}");
      }
    }
  }
  if (b.contains("url_shortener_settings")) {
    const auto& v = b["url_shortener_settings"];
    if (v.is_null()) {
      p.url_shortener_settings.reset();
    } else {
      try {
        if (!v.is_object()) throw std::invalid_argument("not an object");
        p.url_shortener_settings = v.get<core::UrlShortenerSettings>();
      } catch (const std::exception&) {
        return bad("url_shortener_settings", "null or {domain, prefix?, replace_blacklist_only?, send_webhooks?}");
      }
    }
  }
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
  if (b.contains("v1_secret") && b["v1_secret"].is_string()) p.v1_secret = b["v1_secret"].get<std::string>();
  return opt_string("webhook_url", p.webhook_url) && opt_string("webhook_failover_url", p.webhook_failover_url) &&
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
  send_list(ctx, page_items(all, pr, [](const core::MessagingProfile& p) { return core::json(p); }),
            core::page_meta(pr, all.size()));
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
  if (auto p = store_.get_profile(ctx.tenant, id)) return send_data(ctx, *p);
  error(ctx, 10005, "Messaging profile " + id + " was not found.");
}

void HttpFront::update_profile(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto current = store_.get_profile(ctx.tenant, id);
  if (!current) return error(ctx, 10005, "Messaging profile " + id + " was not found.");
  if (!require_object(ctx)) return;
  // Validate on a copy first so a bad field changes nothing.
  core::MessagingProfile edited = *current;
  if (!apply_profile_fields(ctx, *ctx.body, edited)) return;
  auto updated = store_.update_profile(ctx.tenant, id, [&](core::MessagingProfile& p) {
    const auto created = p.created_at;
    p = edited;
    p.created_at = created;
  });
  if (!updated) return error(ctx, 10005, "Messaging profile " + id + " was not found.");
  send_data(ctx, *updated);
}

void HttpFront::delete_profile(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (auto p = store_.delete_profile(ctx.tenant, id)) return send_data(ctx, *p);
  error(ctx, 10005, "Messaging profile " + id + " was not found.");
}

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

void HttpFront::profile_numbers(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_profile(ctx.tenant, id)) return error(ctx, 10005, "Messaging profile " + id + " was not found.");
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = store_.numbers_on_profile(ctx.tenant, id);
  send_list(ctx, page_items(all, pr, [&](const core::PhoneNumber& n) {
              core::json j = messaging_settings(ctx.tenant, n);
              j["record_type"] = "messaging_phone_number";
              return j;
            }),
            core::page_meta(pr, all.size()));
}

void HttpFront::profile_short_codes(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_profile(ctx.tenant, id)) return error(ctx, 10005, "Messaging profile " + id + " was not found.");
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = tenant_numbers(ctx.tenant, true);
  all.erase(std::remove_if(all.begin(), all.end(), [&](const core::PhoneNumber& n) { return n.messaging_profile_id != id; }),
            all.end());
  send_list(ctx, page_items(all, pr, [this](const core::PhoneNumber& n) { return short_code_json(n); }),
            core::page_meta(pr, all.size()));
}

void HttpFront::profile_alphanumeric_ids(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto p = store_.get_profile(ctx.tenant, id);
  if (!p) return error(ctx, 10005, "Messaging profile " + id + " was not found.");
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  // The mock's profiles have at most one sender ID, their alpha_sender; its id is derived from both.
  std::vector<core::json> all;
  if (p->alpha_sender) {
    all.push_back({{"record_type", "alphanumeric_sender_id"},
                   {"id", fast_uuid_v4(core::stable_hash(p->id), core::stable_hash(*p->alpha_sender))},
                   {"alphanumeric_sender_id", *p->alpha_sender},
                   {"messaging_profile_id", p->id},
                   {"organization_id", p->organization_id}});
  }
  send_list(ctx, page_items(all, pr, [](const core::json& j) { return j; }), core::page_meta(pr, all.size()));
}

void HttpFront::regenerate_secret(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (auto p = store_.regenerate_secret(ctx.tenant, id)) return send_data(ctx, *p);
  error(ctx, 10005, "Messaging profile " + id + " was not found.");
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
  send_list(ctx, page_items(all, pr, [](const OptOut& o) {
              return core::json{{"from", o.from}, {"to", o.to}, {"messaging_profile_id", o.messaging_profile_id},
                                {"keyword", o.keyword}, {"created_at", o.created_at}};
            }),
            core::page_meta(pr, all.size()));
}

void HttpFront::available_numbers(ApiContext& ctx) {
  InventoryQuery q;
  if (auto v = param(ctx, "filter[country_code]")) {
    q.country_code = *v;
    std::transform(q.country_code.begin(), q.country_code.end(), q.country_code.begin(),
                   [](unsigned char c) { return std::toupper(c); });
  }
  q.ndc = param(ctx, "filter[national_destination_code]");
  q.locality = param(ctx, "filter[locality]");
  q.administrative_area = param(ctx, "filter[administrative_area]");
  q.phone_number_type = param(ctx, "filter[phone_number_type]");
  if (!q.phone_number_type) q.phone_number_type = param(ctx, "filter[number_type]");
  q.starts_with = param(ctx, "filter[phone_number][starts_with]");
  q.ends_with = param(ctx, "filter[phone_number][ends_with]");
  q.contains = param(ctx, "filter[phone_number][contains]");
  // Features arrive comma-separated (the SDK's arrayFormat) or as repeated filter[features][].
  auto add_features = [&](const std::string& v) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      if (end > start) q.features.push_back(v.substr(start, end - start));
      start = end + 1;
    }
  };
  for (const char* key : {"filter[features]", "filter[features][]"}) {
    const size_t n = ctx.req.get_param_value_count(key);
    for (size_t i = 0; i < n; ++i) add_features(ctx.req.get_param_value(key, i));
  }
  if (auto v = param(ctx, "filter[limit]")) {
    char* end = nullptr;
    const long lim = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || lim < 1 || lim > 250) {
      error(ctx, 10015, "filter[limit] must be an integer from 1 to 250.", std::nullopt, "filter[limit]", 400);
      return;
    }
    q.limit = static_cast<size_t>(lim);
  }
  auto found = inventory_.search(q, [this](const std::string& num) { return store_.is_owned(num); });
  core::json items = core::json::array();
  for (const auto& a : found) items.push_back(a);
  core::json meta = {{"total_results", found.size()}, {"best_effort_results", 0}};
  core::json j = {{"data", std::move(items)}, {"meta", meta}, {"metadata", meta}};
  ctx.res.set_content(j.dump(), "application/json");
}

void HttpFront::create_order(ApiContext& ctx) {
  if (!require_object(ctx)) return;
  const auto& b = *ctx.body;
  if (!b.contains("phone_numbers")) return error(ctx, 10004, "The 'phone_numbers' parameter is required.", "/phone_numbers");
  const auto& list = b["phone_numbers"];
  if (!list.is_array() || list.empty()) {
    return error(ctx, 10015, "'phone_numbers' must be a non-empty array of {phone_number}.", "/phone_numbers",
                 std::nullopt, 400);
  }
  std::vector<std::string> numbers;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/phone_numbers/" + std::to_string(i) + "/phone_number";
    if (!list[i].is_object() || !list[i].contains("phone_number")) {
      return error(ctx, 10004, "Each entry needs a 'phone_number'.", ptr);
    }
    const auto& v = list[i]["phone_number"];
    if (!v.is_string()) return error(ctx, 10015, "'phone_number' must be a string.", ptr, std::nullopt, 400);
    if (auto why = core::e164_problem(v.get<std::string>())) {
      return error(ctx, 10016, "Phone number " + *why + ".", ptr, std::nullopt, 422);
    }
    numbers.push_back(v.get<std::string>());
  }
  std::optional<std::string> profile_id, reference;
  for (auto [field, dst] : {std::pair<const char*, std::optional<std::string>*>{"messaging_profile_id", &profile_id},
                            {"customer_reference", &reference}}) {
    if (!b.contains(field) || b[field].is_null()) continue;
    if (!b[field].is_string()) return error(ctx, 10015, std::string("'") + field + "' must be a string.", std::string("/") + field, std::nullopt, 400);
    *dst = b[field].get<std::string>();
  }
  auto r = store_.create_order(ctx.tenant, numbers, profile_id, reference);
  switch (r.problem) {
    case OrderProblem::UnknownProfile:
      return error(ctx, 10017, "Messaging profile " + *profile_id + " does not exist.", "/messaging_profile_id",
                   std::nullopt, 422);
    case OrderProblem::AlreadyOwned:
      return error(ctx, 10012, "Phone number " + numbers[r.index] + " is not available.",
                   "/phone_numbers/" + std::to_string(r.index) + "/phone_number", std::nullopt, 422);
    case OrderProblem::None:
      break;
  }
  send_data(ctx, r.order);
}

void HttpFront::get_order(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (auto o = store_.get_order(ctx.tenant, id)) return send_data(ctx, *o);
  error(ctx, 10005, "Number order " + id + " was not found.");
}

void HttpFront::list_orders(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = store_.list_orders(ctx.tenant);
  send_list(ctx, page_items(all, pr, [](const core::NumberOrder& o) { return core::number_order_list_item(o); }),
            core::page_meta(pr, all.size()));
}

void HttpFront::update_order(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_order(ctx.tenant, id)) return error(ctx, 10005, "Number order " + id + " was not found.");
  if (!require_object(ctx)) return;
  const auto& b = *ctx.body;
  std::optional<std::optional<std::string>> reference;
  if (b.contains("customer_reference")) {
    const auto& v = b["customer_reference"];
    if (!v.is_null() && !v.is_string()) {
      return error(ctx, 10015, "'customer_reference' must be a string.", "/customer_reference", std::nullopt, 400);
    }
    reference = v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
  }
  // Accepted for the SDK's sake; the mock has no regulatory model, so they change nothing.
  if (b.contains("regulatory_requirements") && !b["regulatory_requirements"].is_array()) {
    return error(ctx, 10015, "'regulatory_requirements' must be an array.", "/regulatory_requirements", std::nullopt, 400);
  }
  auto o = store_.update_order(ctx.tenant, id, [&](core::NumberOrder& order) {
    if (reference) order.customer_reference = *reference;
  });
  if (!o) return error(ctx, 10005, "Number order " + id + " was not found.");
  send_data(ctx, *o);
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
  send_list(ctx, page_items(all, pr, [](const core::PhoneNumber& n) {
              return project(core::json(n),
                             {"record_type", "id", "phone_number", "status", "phone_number_type", "country_iso_alpha2",
                              "created_at", "updated_at", "purchased_at", "activated_at", "billing_group_id",
                              "connection_id", "customer_reference", "emergency_address_id", "external_pin",
                              "call_forwarding_enabled", "call_recording_enabled", "caller_id_name_enabled",
                              "cnam_listing_enabled", "emergency_enabled", "emergency_status", "hd_voice_enabled",
                              "inbound_call_screening", "t38_fax_gateway_enabled"},
                             {"activated_at"});
            }),
            core::page_meta(pr, all.size()));
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
  send_list(ctx, page_items(all, pr, [&](const core::PhoneNumber& n) { return messaging_settings(ctx.tenant, n); }),
            core::page_meta(pr, all.size()));
}

void HttpFront::update_phone_number(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto current = store_.get_number(ctx.tenant, id);
  if (!current || core::is_short_code(current->phone_number)) return error(ctx, 10005, "Phone number " + id + " was not found.");
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
  if (!n) return error(ctx, 10005, "Phone number " + id + " was not found.");
  send_data(ctx, *n);
}

void HttpFront::delete_phone_number(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto current = store_.get_number(ctx.tenant, id);
  if (!current || core::is_short_code(current->phone_number)) return error(ctx, 10005, "Phone number " + id + " was not found.");
  if (current->deletion_lock_enabled) {
    return error(ctx, 10010, "Phone number " + id + " has its deletion lock enabled.", std::nullopt, std::nullopt, 403);
  }
  auto gone = store_.delete_number(ctx.tenant, id);
  if (!gone) return error(ctx, 10005, "Phone number " + id + " was not found.");
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
  send_list(ctx, page_items(all, pr, [this](const core::PhoneNumber& n) { return short_code_json(n); }),
            core::page_meta(pr, all.size()));
}

void HttpFront::get_short_code(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (!n || !core::is_short_code(n->phone_number)) return error(ctx, 10005, "Short code " + id + " was not found.");
  send_data(ctx, short_code_json(*n));
}

void HttpFront::update_short_code(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (!n || !core::is_short_code(n->phone_number)) return error(ctx, 10005, "Short code " + id + " was not found.");
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
  if (!n) return error(ctx, 10005, "Short code " + id + " was not found.");
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
  send_list(ctx, page_items(all, pr, [](const core::PhoneNumber& n) { return core::json(n); }),
            core::page_meta(pr, all.size()));
}

void HttpFront::get_phone_number(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (n && !core::is_short_code(n->phone_number)) return send_data(ctx, *n);
  error(ctx, 10005, "Phone number " + id + " was not found.");
}

void HttpFront::get_number_messaging(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (auto n = store_.get_number(ctx.tenant, id)) return send_data(ctx, messaging_settings(ctx.tenant, *n));
  error(ctx, 10005, "Phone number " + id + " was not found.");
}

void HttpFront::patch_number_messaging(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto n = store_.get_number(ctx.tenant, id);
  if (!n) return error(ctx, 10005, "Phone number " + id + " was not found.");
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
    if (!n) return error(ctx, 10005, "Phone number " + id + " was not found.");
  }
  send_data(ctx, messaging_settings(ctx.tenant, *n));
}

}  // namespace harness::mock
