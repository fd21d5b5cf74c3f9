// Available numbers and number orders (contract §8.3). Query names are the SDK's deepObject
// spellings (filter[phone_number][starts_with], filter[features][], ...).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include "core/e164.h"
#include "http/api.h"
#include "http/listing.h"

namespace harness::mock {

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
  send_found(ctx, store_.get_order(ctx.tenant, id), "Number order " + id);
}

void HttpFront::list_orders(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  auto all = store_.list_orders(ctx.tenant);
  send_page(ctx, pr, all, [](const core::NumberOrder& o) { return core::number_order_list_item(o); });
}

void HttpFront::update_order(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_order(ctx.tenant, id)) return not_found(ctx, "Number order " + id);
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
  if (!o) return not_found(ctx, "Number order " + id);
  send_data(ctx, *o);
}
}  // namespace harness::mock
