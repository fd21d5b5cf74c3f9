// Management APIs of Client: messaging profiles (contract §8.2) and phone numbers (§8.3).
// Reads are idempotent (resent after an ambiguous failure); creates and orders are not.
#include "client/client.h"

namespace harness::client {

namespace {

Error bad_body(const std::string& what, const std::exception& ex) {
  Error e;
  e.type = ErrorKind::Api;
  e.http_status = 200;
  e.code = std::string(kCodeBadResponse);
  e.title = "Unexpected " + what + " body";
  e.detail = ex.what();
  return e;
}

template <class T>
Result<T> decode_data(Result<core::json> res, const std::string& what) {
  if (!res) return res.error();
  try {
    return res->at("data").get<T>();
  } catch (const core::json::exception& ex) {
    return bad_body(what, ex);
  }
}

template <class T>
Result<Page<T>> decode_page(Result<core::json> res, const std::string& what) {
  if (!res) return res.error();
  try {
    Page<T> page;
    page.data = res->at("data").get<std::vector<T>>();
    if (res->contains("meta") && (*res)["meta"].is_object() &&
        (*res)["meta"].contains("page_number"))
      page.meta = (*res)["meta"].get<core::PageMeta>();
    return page;
  } catch (const core::json::exception& ex) {
    return bad_body(what, ex);
  }
}

std::vector<std::pair<std::string, std::string>> page_query(core::PageRequest p) {
  return {{"page[number]", std::to_string(p.number)}, {"page[size]", std::to_string(p.size)}};
}

core::json profile_body(const ProfileParams& p, bool for_create) {
  core::json j = core::json::object();
  j["name"] = p.name;
  if (p.webhook_url) j["webhook_url"] = *p.webhook_url;
  if (p.webhook_failover_url) j["webhook_failover_url"] = *p.webhook_failover_url;
  if (for_create || !p.whitelisted_destinations.empty())
    j["whitelisted_destinations"] = p.whitelisted_destinations;
  if (p.enabled) j["enabled"] = *p.enabled;
  return j;
}

}  // namespace

Result<core::MessagingProfile> Client::create_profile(const ProfileParams& p) {
  if (p.name.empty())
    return validation_error("10004", "Missing required parameter", "profile name is required", "/name");
  HttpRequest req{"POST", "/messaging_profiles", {}, profile_body(p, true).dump(), {}};
  return decode_data<core::MessagingProfile>(execute("messaging_profiles.create", req, false),
                                             "messaging profile");
}

Result<std::optional<core::MessagingProfile>> Client::find_profile_by_name(
    const std::string& name) {
  HttpRequest req{"GET", "/messaging_profiles",
                  {{"filter[name]", name}, {"page[size]", "250"}}, "", {}};
  auto page = decode_page<core::MessagingProfile>(
      execute("messaging_profiles.find_by_name", req, true), "messaging profile list");
  if (!page) return page.error();
  // The server filter may be a prefix/contains match on some versions: insist on equality.
  for (const auto& prof : page->data)
    if (prof.name == name) return std::optional<core::MessagingProfile>(prof);
  return std::optional<core::MessagingProfile>();
}

Result<core::MessagingProfile> Client::create_or_update_profile(const ProfileParams& p) {
  auto found = find_profile_by_name(p.name);
  if (!found) return found.error();
  if (!found->has_value()) return create_profile(p);
  HttpRequest req{"PATCH", "/messaging_profiles/" + url_encode((*found)->id), {},
                  profile_body(p, false).dump(), {}};
  // PATCH with the same body is idempotent: safe to resend after an ambiguous failure.
  return decode_data<core::MessagingProfile>(execute("messaging_profiles.update", req, true),
                                             "messaging profile");
}

Result<Page<core::MessagingProfile>> Client::list_profiles(core::PageRequest page) {
  HttpRequest req{"GET", "/messaging_profiles", page_query(page), "", {}};
  return decode_page<core::MessagingProfile>(execute("messaging_profiles.list", req, true),
                                             "messaging profile list");
}

Result<std::vector<core::AvailableNumber>> Client::search_by_area_code(
    const std::string& area_code, const NumberSearch& s) {
  HttpRequest req{"GET", "/available_phone_numbers",
                  {{"filter[country_code]", s.country_code},
                   {"filter[national_destination_code]", area_code},
                   {"filter[limit]", std::to_string(s.limit)}},
                  "", {}};
  for (const auto& f : s.features) req.query.emplace_back("filter[features][]", f);
  auto res = execute("phone_numbers.search", req, true);
  if (!res) return res.error();
  try {
    return res->at("data").get<std::vector<core::AvailableNumber>>();
  } catch (const core::json::exception& ex) {
    return bad_body("available number list", ex);
  }
}

Result<core::NumberOrder> Client::buy(const std::vector<std::string>& numbers,
                                      const std::optional<std::string>& messaging_profile_id) {
  if (numbers.empty())
    return validation_error("10004", "Missing required parameter", "at least one phone number is required",
                            "/phone_numbers");
  core::json body = core::json::object();
  body["phone_numbers"] = core::json::array();
  for (const auto& n : numbers) body["phone_numbers"].push_back({{"phone_number", n}});
  if (messaging_profile_id) body["messaging_profile_id"] = *messaging_profile_id;
  HttpRequest req{"POST", "/number_orders", {}, body.dump(), {}};
  return decode_data<core::NumberOrder>(execute("phone_numbers.buy", req, false), "number order");
}

Result<core::NumberOrder> Client::search_and_buy_first(
    const std::string& area_code, const std::optional<std::string>& messaging_profile_id,
    const NumberSearch& s) {
  auto found = search_by_area_code(area_code, s);
  if (!found) return found.error();
  if (found->empty()) {
    Error e;
    e.type = ErrorKind::Api;
    e.code = "no_numbers_available";
    e.title = "No numbers available";
    e.detail = "no available number in area code " + area_code;
    return e;
  }
  return buy({found->front().phone_number}, messaging_profile_id);
}

Result<core::MessagingSettings> Client::assign_to_messaging_profile(
    const std::string& phone_number_id, const std::string& profile_id) {
  core::json body = {{"messaging_profile_id", profile_id}};
  HttpRequest req{"PATCH", "/phone_numbers/" + url_encode(phone_number_id) + "/messaging", {},
                  body.dump(), {}};
  return decode_data<core::MessagingSettings>(execute("phone_numbers.assign", req, true),
                                              "messaging settings");
}

Result<std::optional<core::PhoneNumber>> Client::find_by_number(const std::string& e164) {
  HttpRequest req{"GET", "/phone_numbers", {{"filter[phone_number]", e164}}, "", {}};
  auto page = decode_page<core::PhoneNumber>(execute("phone_numbers.find_by_number", req, true),
                                             "phone number list");
  if (!page) return page.error();
  for (const auto& n : page->data)
    if (n.phone_number == e164) return std::optional<core::PhoneNumber>(n);
  return std::optional<core::PhoneNumber>();
}

Result<Page<core::PhoneNumber>> Client::list_numbers(core::PageRequest page) {
  HttpRequest req{"GET", "/phone_numbers", page_query(page), "", {}};
  return decode_page<core::PhoneNumber>(execute("phone_numbers.list", req, true),
                                        "phone number list");
}

}  // namespace harness::client
