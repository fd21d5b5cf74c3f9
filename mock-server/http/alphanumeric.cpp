// Alphanumeric sender IDs: /v2/alphanumeric_sender_ids (list, create, retrieve, delete) and the
// profile-scoped listing /v2/messaging_profiles/{id}/alphanumeric_sender_ids. A profile has at
// most one sender ID, its `alpha_sender` (what POST /v2/messages/alphanumeric_sender_id checks), so
// both listings are views of the tenant's profiles: creating one sets the profile's
// `alpha_sender`, deleting it clears it, and PATCHing `alpha_sender` is seen here. A record's id is
// derived from the profile id and the sender ID.
#include <algorithm>
#include "core/e164.h"
#include "core/rng.h"
#include "http/api.h"
#include "http/listing.h"
#include "core/ids.h"

namespace harness::mock {
namespace {

std::string record_id(const core::MessagingProfile& p) {
  return core::uuid_v4(core::stable_hash(p.id), core::stable_hash(*p.alpha_sender));
}

}  // namespace

void HttpFront::init_alpha_senders() {
  alpha_extras_ = std::make_shared<AlphaSenderExtras>();
  control_.on_reset([weak = std::weak_ptr<AlphaSenderExtras>(alpha_extras_)] {
    if (auto x = weak.lock()) x->clear();
  });
}

std::vector<core::json> HttpFront::alpha_sender_records(const std::string& tenant,
                                                        const std::optional<std::string>& profile_id) const {
  std::vector<core::json> out;
  for (const auto& p : store_.list_profiles(tenant, ProfileFilter{})) {
    if (!p.alpha_sender || (profile_id && p.id != *profile_id)) continue;
    const std::string id = record_id(p);
    core::json j = {{"record_type", "alphanumeric_sender_id"},
                    {"id", id},
                    {"alphanumeric_sender_id", *p.alpha_sender},
                    {"messaging_profile_id", p.id}};
    if (p.organization_id) j["organization_id"] = *p.organization_id;
    if (auto fb = alpha_extras_->fallback(tenant, id)) j["us_long_code_fallback"] = *fb;
    out.push_back(std::move(j));
  }
  return out;
}

void HttpFront::profile_alphanumeric_ids(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_profile(ctx.tenant, id)) return not_found(ctx, "Messaging profile " + id);
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  const auto all = alpha_sender_records(ctx.tenant, id);
  send_page(ctx, pr, all, [](const core::json& j) { return j; });
}

void HttpFront::list_alpha_senders(ApiContext& ctx) {
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  const auto all = alpha_sender_records(ctx.tenant, param(ctx, "filter[messaging_profile_id]"));
  send_page(ctx, pr, all, [](const core::json& j) { return j; });
}

void HttpFront::create_alpha_sender(ApiContext& ctx) {
  if (!require_object(ctx)) return;
  const core::json& b = *ctx.body;
  std::string fields[2];
  const char* names[2] = {"alphanumeric_sender_id", "messaging_profile_id"};
  for (int i = 0; i < 2; ++i) {
    auto it = b.find(names[i]);
    if (it == b.end() || it->is_null()) {
      return error(ctx, 10004, std::string("The '") + names[i] + "' parameter is required.", std::string("/") + names[i]);
    }
    if (!it->is_string()) {
      return error(ctx, 10015, std::string("'") + names[i] + "' must be a string.", std::string("/") + names[i],
                   std::nullopt, 400);
    }
    fields[i] = it->get<std::string>();
  }
  const std::string& sender = fields[0];
  const std::string& profile_id = fields[1];
  if (auto why = core::alphanumeric_sender_problem(sender)) {
    return error(ctx, 10015, "'" + sender + "' is not a valid alphanumeric sender ID: " + *why + ".",
                 "/alphanumeric_sender_id", std::nullopt, 422);
  }
  std::optional<std::string> fallback;
  if (auto it = b.find("us_long_code_fallback"); it != b.end() && !it->is_null()) {
    if (!it->is_string()) {
      return error(ctx, 10015, "'us_long_code_fallback' must be a string.", "/us_long_code_fallback", std::nullopt, 400);
    }
    fallback = it->get<std::string>();
    auto owned = store_.find_number(ctx.tenant, *fallback);
    if (core::region_of(*fallback) != "US" || !owned || core::is_short_code(*fallback)) {
      return error(ctx, 10015, "'us_long_code_fallback' must be a US long code of this account (" + *fallback + " is not).",
                   "/us_long_code_fallback", std::nullopt, 422);
    }
  }
  auto current = store_.get_profile(ctx.tenant, profile_id);
  if (!current) {
    return error(ctx, 10017, "Messaging profile " + profile_id + " does not exist.", "/messaging_profile_id",
                 std::nullopt, 422);
  }
  if (current->alpha_sender) {
    return error(ctx, 10012, "Messaging profile " + profile_id + " already has the alphanumeric sender ID '" +
                 *current->alpha_sender + "'; delete it first.", "/messaging_profile_id");
  }
  bool taken = false;
  auto updated = store_.update_profile(ctx.tenant, profile_id, [&](core::MessagingProfile& p) {
    if (p.alpha_sender) {   // set by another request meanwhile
      taken = true;
      return;
    }
    p.alpha_sender = sender;
  });
  if (!updated) return error(ctx, 10017, "Messaging profile " + profile_id + " does not exist.", "/messaging_profile_id",
                             std::nullopt, 422);
  if (taken) return error(ctx, 10012, "Messaging profile " + profile_id + " already has an alphanumeric sender ID.",
                          "/messaging_profile_id");
  alpha_extras_->set_fallback(ctx.tenant, record_id(*updated), fallback);
  send_data(ctx, alpha_sender_records(ctx.tenant, profile_id).at(0));
}

void HttpFront::get_alpha_sender(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  for (auto& j : alpha_sender_records(ctx.tenant, std::nullopt)) {
    if (j["id"] == id) return send_data(ctx, j);
  }
  not_found(ctx, "Alphanumeric sender ID " + id);
}

void HttpFront::delete_alpha_sender(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  for (auto& j : alpha_sender_records(ctx.tenant, std::nullopt)) {
    if (j["id"] != id) continue;
    const std::string profile_id = j["messaging_profile_id"];
    const std::string sender = j["alphanumeric_sender_id"];
    bool removed = false;
    store_.update_profile(ctx.tenant, profile_id, [&](core::MessagingProfile& p) {
      if (p.alpha_sender == sender) {   // unchanged since it was read
        p.alpha_sender.reset();
        removed = true;
      }
    });
    if (!removed) break;
    alpha_extras_->set_fallback(ctx.tenant, id, std::nullopt);
    return send_data(ctx, j);
  }
  not_found(ctx, "Alphanumeric sender ID " + id);
}

}  // namespace harness::mock
