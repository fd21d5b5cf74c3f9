// POST /v2/messages/group_mms and GET /v2/messages/group/{id}. A group MMS goes from one of the
// tenant's long codes to 1 to 8 US or Canadian numbers: the mock stores one outbound MMS per
// recipient (its `to` that recipient, its `cc` the others), each with its own lifecycle and
// webhooks, under one group message id. The POST answers the group as one message (that id,
// every recipient in `to`); GET /v2/messages/{group id} shows it the same way, with each
// recipient's current status, and GET /v2/messages/group/{id} lists the per-recipient messages.
#include <algorithm>
#include "core/e164.h"
#include "core/message_json.h"
#include "http/api.h"

namespace harness::mock {
namespace {

constexpr size_t kMaxRecipients = 8;

}  // namespace

void HttpFront::init_groups() {
  groups_ = std::make_shared<GroupIndex>();
  control_.on_reset([weak = std::weak_ptr<GroupIndex>(groups_)] {
    if (auto g = weak.lock()) g->clear();
  });
}

void HttpFront::send_group_mms(ApiContext& ctx) {
  if (!require_object(ctx)) return;
  const core::json& body = *ctx.body;
  // `to` is a list here; every other field is read as the send endpoints read it.
  auto to_field = body.find("to");
  if (to_field == body.end() || to_field->is_null()) {
    return error(ctx, 10004, "The 'to' parameter is required for /v2/messages/group_mms.", "/to");
  }
  if (!to_field->is_array()) {
    return error(ctx, 10015, "The 'to' parameter must be an array of phone numbers.", "/to", std::nullopt, 400);
  }
  std::vector<std::string> recipients;
  for (size_t i = 0; i < to_field->size(); ++i) {
    if (!(*to_field)[i].is_string()) {
      return error(ctx, 10015, "The 'to' parameter must be an array of phone numbers.", "/to/" + std::to_string(i),
                   std::nullopt, 400);
    }
    recipients.push_back((*to_field)[i].get<std::string>());
  }
  if (recipients.empty() || recipients.size() > kMaxRecipients) {
    return error(ctx, 10015, "A group MMS has 1 to " + std::to_string(kMaxRecipients) + " destinations; got " +
                                 std::to_string(recipients.size()) + ".", "/to", std::nullopt, 422);
  }
  core::json single = body;
  single["to"] = recipients.front();
  auto decoded = core::decode_send_request(single);
  if (!decoded) return problem(ctx, decoded.error());
  core::SendRequest r = std::move(decoded.value());
  if (!r.from) return error(ctx, 10004, "The 'from' parameter is required for /v2/messages/group_mms.", "/from");

  // Sender: one of the tenant's long codes, on a usable profile.
  const std::string& from = *r.from;
  if (core::classify_address(from) != core::AddressKind::E164) {
    return error(ctx, 40308, "'" + from + "' cannot send a group MMS; 'from' must be a long code (+E.164).", "/from");
  }
  const auto profile = store_.number_sender(ctx.tenant, from);
  if (!profile) return error(ctx, 40305, "'" + from + "' is not a number on a messaging profile of yours.", "/from");
  if (auto no = profile_refusal(*profile)) return error(ctx, no->code, no->detail, no->pointer);

  // Recipients: valid, distinct, in the US or Canada, allowed by the profile, not opted out.
  for (size_t i = 0; i < recipients.size(); ++i) {
    const std::string& to = recipients[i];
    const std::string pointer = "/to/" + std::to_string(i);
    if (core::classify_address(to) != core::AddressKind::E164) {
      auto why = core::e164_problem(to);
      return error(ctx, 40310, "'" + to + "' is not a valid destination" + (why ? ": " + *why : std::string(".")),
                   pointer);
    }
    if (std::find(recipients.begin(), recipients.begin() + static_cast<std::ptrdiff_t>(i), to) !=
        recipients.begin() + static_cast<std::ptrdiff_t>(i)) {
      return error(ctx, 10015, "'" + to + "' is listed twice.", pointer, std::nullopt, 422);
    }
    const std::string region = core::region_of(to);
    if (region != "US" && region != "CA") {
      return error(ctx, 40309, "Group MMS reaches US and Canadian numbers only; '" + to + "' is not one.", pointer);
    }
    if (!allows_region(*profile, region)) {
      return error(ctx, 40309, "Destination region '" + region + "' is not in the profile's whitelisted_destinations.",
                   pointer);
    }
    if (store_.opted_out(ctx.tenant, profile->id, from, to)) {
      return error(ctx, 40300, "'" + to + "' has opted out (STOP) of messages from this sender.", pointer);
    }
  }

  // Content: MMS rules (text and/or media, at most 10 media URLs).
  const bool has_text = r.text && !r.text->empty();
  if (auto p = core::content_problem(has_text, r.media_urls.size(), std::string("MMS"))) {
    return error(ctx, std::stoi(p->error.code), p->error.detail.value_or(""), p->error.source_pointer);
  }
  core::Segmentation seg;
  if (has_text) {
    auto s = core::segment(*r.text, core::EncodingPreference::Auto);
    if (s) seg = s.value();
  }

  // One message per recipient, each with the others in cc.
  std::vector<core::Message> messages;
  for (const auto& to : recipients) {
    r.to = to;
    core::Message m = build_outbound(*profile, from, r, "MMS", seg);
    for (const auto& other : recipients) {
      if (other != to) m.cc.push_back(recipient_address(other));
    }
    messages.push_back(std::move(m));
  }
  const std::string group_id = store_.new_message_id();
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(m.id);
  core::Message whole = group_view(group_id, messages);
  groups_->add(ctx.tenant, group_id, std::move(ids));
  ctx.message_id = group_id;
  ctx.res.status = 200;
  set_json(ctx.res, core::message_envelope(whole));
  for (auto& m : messages) {
    start_outbound(ctx.tenant, std::move(m), routing_for(profile->webhook, r), ctx.decision.final_status,
                   ctx.decision.final_errors);
  }
}

core::Message HttpFront::group_view(const std::string& group_id, const std::vector<core::Message>& members) {
  core::Message whole = members.front();
  whole.id = group_id;
  whole.to.clear();
  whole.cc.clear();
  for (const auto& m : members) whole.to.push_back(m.to.front());
  return whole;
}

std::optional<std::vector<core::Message>> HttpFront::group_members(const std::string& tenant, const std::string& id) {
  auto ids = groups_->members(tenant, id);
  if (!ids) return std::nullopt;
  std::vector<core::Message> out;
  for (const auto& mid : *ids) {
    if (auto m = store_.get_message(tenant, mid)) out.push_back(std::move(*m));
  }
  if (out.empty()) return std::nullopt;   // every member evicted or older than the retention
  return out;
}

void HttpFront::get_group(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  auto members = group_members(ctx.tenant, id);
  if (!members) return not_found(ctx, "Group message " + id);
  std::string out = "{\"data\":[";
  for (size_t i = 0; i < members->size(); ++i) {
    if (i) out += ',';
    core::append_message_json(out, (*members)[i]);
  }
  out += "]}";
  ctx.res.status = 200;
  set_json(ctx.res, std::move(out));
}

}  // namespace harness::mock
