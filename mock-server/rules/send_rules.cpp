#include "rules/send_rules.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <utility>

#include "core/e164.h"
#include "store/scheduled.h"

namespace harness::mock {
namespace {

using Result = core::Expected<SendPlan, SendRefusal>;

core::Unexpected<SendRefusal> refuse(int code, std::string detail, std::optional<std::string> pointer = std::nullopt,
                                     int status = 0) {
  return core::unexpected(SendRefusal{code, status, std::move(detail), std::move(pointer)});
}

const char* endpoint_name(SendKind k) {
  switch (k) {
    case SendKind::LongCode: return "long_code";
    case SendKind::ShortCode: return "short_code";
    case SendKind::NumberPool: return "number_pool";
    case SendKind::Alphanumeric: return "alphanumeric_sender_id";
    default: return "";
  }
}

core::Unexpected<SendRefusal> missing(const SendInput& in, const char* field) {
  const std::string ep = in.schedule_endpoint ? std::string("/schedule")
                         : in.kind == SendKind::Generic ? std::string()
                                                        : std::string("/") + endpoint_name(in.kind);
  return refuse(10004, std::string("The '") + field + "' parameter is required for /v2/messages" + ep + ".",
                std::string("/") + field);
}

bool is_pool(const SendInput& in) {
  return in.kind == SendKind::NumberPool || (in.kind == SendKind::Generic && !in.request.from);
}

bool is_alpha(const SendInput& in, core::AddressKind from_kind) {
  return in.kind == SendKind::Alphanumeric || from_kind == core::AddressKind::Alphanumeric;
}

// A number 'from' that fits the endpoint: a long code on /long_code, a short code on /short_code.
bool number_fits(SendKind kind, core::AddressKind from_kind) {
  return from_kind != core::AddressKind::Invalid &&
         !(kind == SendKind::LongCode && from_kind != core::AddressKind::E164) &&
         !(kind == SendKind::ShortCode && from_kind != core::AddressKind::ShortCode);
}

const std::string* pool_profile_id(const SendInput& in, const TenantView& view) {
  if (in.request.messaging_profile_id) return &*in.request.messaging_profile_id;
  return view.default_profile_id ? &*view.default_profile_id : nullptr;
}

// send_at: an RFC 3339 time 5 minutes to 5 days ahead, while the schedule has room.
core::Expected<core::TimePoint, SendRefusal> check_send_at(const std::string& value, const TenantView& view) {
  auto at = core::parse_rfc3339(value);
  if (!at) {
    return refuse(10015, "send_at '" + value + "' is not an ISO 8601 date-time (e.g. 2025-03-01T12:30:00Z).",
                  "/send_at", 400);
  }
  const auto lead = *at - view.now;
  if (lead < std::chrono::duration_cast<core::Duration>(ScheduledSends::kMinLead) ||
      lead > std::chrono::duration_cast<core::Duration>(ScheduledSends::kMaxLead)) {
    return refuse(10015, "send_at must be at least 5 minutes and at most 5 days after now (" +
                             core::format_rfc3339(view.now) + "); got " + value + ".",
                  "/send_at", 422);
  }
  if (view.scheduled_pending >= ScheduledSends::kMaxPending) {
    return refuse(40318, "No more than " + std::to_string(ScheduledSends::kMaxPending) +
                             " messages can be scheduled at a time.", "/send_at");
  }
  return *at;
}

core::Unexpected<SendRefusal> unknown_profile(const std::string& id) {
  return refuse(10017, "Messaging profile " + id + " does not exist.", "/messaging_profile_id", 422);
}

// The sender: picks `plan.from` and `plan.profile`, or refuses.
std::optional<core::Unexpected<SendRefusal>> choose_sender(const SendInput& in, const TenantView& view,
                                                           SendPlan& plan) {
  const core::SendRequest& r = in.request;
  if (is_pool(in)) {
    if (!view.profile) return unknown_profile(*pool_profile_id(in, view));
    // Sticky per destination: the same recipient always hears from the same pool number.
    if (!view.pool_number) {
      return refuse(40321, "The messaging profile has no numbers to send from.", "/messaging_profile_id");
    }
    plan.profile = &*view.profile;
    plan.from = &*view.pool_number;
    return std::nullopt;
  }
  const std::string& from = *r.from;
  const auto from_kind = core::classify_address(from);
  if (is_alpha(in, from_kind)) {
    if (auto why = core::alphanumeric_sender_problem(from)) {
      return refuse(40325, "'" + from + "' is not a valid alphanumeric sender ID: " + *why, "/from");
    }
    if (!r.messaging_profile_id) return missing(in, "messaging_profile_id");
    if (!view.profile) return unknown_profile(*r.messaging_profile_id);
    if (!view.profile->alpha_sender) {
      return refuse(40306, "The messaging profile has no alphanumeric sender configured.", "/from");
    }
    if (*view.profile->alpha_sender != from) {
      return refuse(40307, "'" + from + "' does not match the profile's alphanumeric sender.", "/from");
    }
  } else {
    if (!number_fits(in.kind, from_kind) && from_kind != core::AddressKind::Invalid) {
      // A long code on /short_code (or a short code on /long_code): say which endpoint fits.
      const bool is_short = from_kind == core::AddressKind::ShortCode;
      return refuse(40305, "'" + from + "' is a " + (is_short ? "short code" : "long code") + "; /v2/messages/" +
                               endpoint_name(in.kind) + " needs a " + (is_short ? "long code" : "short code") +
                               " 'from' (use /v2/messages/" + (is_short ? "short_code" : "long_code") +
                               " or /v2/messages).",
                    "/from");
    }
    if (!number_fits(in.kind, from_kind) || !view.profile ||
        (r.messaging_profile_id && *r.messaging_profile_id != view.profile->id)) {
      return refuse(40305, "'" + from + "' is not a number on the sending messaging profile.", "/from");
    }
  }
  plan.profile = &*view.profile;
  plan.from = &from;
  return std::nullopt;
}

}  // namespace

bool needs_default_profile(const SendInput& in) {
  return in.open_mode && in.kind == SendKind::Generic && !in.request.from && !in.request.messaging_profile_id;
}

SenderLookup sender_lookup(const SendInput& in, const TenantView& view) {
  const core::SendRequest& r = in.request;
  SenderLookup look;
  if (is_pool(in)) {
    look.pool = true;
    look.key = pool_profile_id(in, view);
    look.by = look.key ? SenderLookup::By::ProfileId : SenderLookup::By::None;
    return look;
  }
  if (!r.from) return look;
  const auto from_kind = core::classify_address(*r.from);
  if (is_alpha(in, from_kind)) {
    if (r.messaging_profile_id) look = {SenderLookup::By::ProfileId, &*r.messaging_profile_id, false};
  } else if (number_fits(in.kind, from_kind)) {
    look = {SenderLookup::By::Number, &*r.from, false};
  }
  return look;
}

std::optional<SendRefusal> profile_refusal(const SenderProfile& p) {
  if (!p.enabled) return SendRefusal{40312, 0, "Messaging profile " + p.id + " is disabled.", std::nullopt};
  if (!p.all_destinations && p.destinations.empty()) {
    return SendRefusal{40331, 0, "The messaging profile has no whitelisted destinations.", std::nullopt};
  }
  return std::nullopt;
}

std::optional<SendRefusal> opt_out_refusal(const std::string& to, bool opted_out) {
  // A recipient who texted STOP to this profile (or number) gets nothing until START.
  if (!opted_out) return std::nullopt;
  return SendRefusal{40300, 0, "'" + to + "' has opted out (STOP) of messages from this sender; it can text START to opt back in.",
                     std::string("/to")};
}

bool allows_region(const SenderProfile& p, const std::string& region) {
  return p.all_destinations || std::find(p.destinations.begin(), p.destinations.end(), region) != p.destinations.end();
}

std::optional<SendRefusal> content_refusal(bool has_text, std::size_t media_count,
                                           const std::optional<std::string>& type) {
  auto p = core::content_problem(has_text, media_count, type);
  if (!p) return std::nullopt;
  return SendRefusal{std::atoi(p->error.code.c_str()), 0, p->error.detail.value_or(""), p->error.source_pointer};
}

int refusal_status(const SendRefusal& no, const Settings& settings) {
  if (no.status != 0) return no.status;
  const core::ErrorInfo* info = core::find_error(no.code);
  return settings.status_for(no.code, info ? info->http_status : 400);
}

core::ErrorObject refusal_error(const SendRefusal& no) {
  core::ErrorObject e = core::make_error_object(no.code, {}, no.pointer);
  if (!no.detail.empty()) e.detail = no.detail;
  return e;
}

core::ControlReply refusal_reply(const SendRefusal& no, const Settings& settings) {
  return core::ControlReply{refusal_status(no, settings), core::error_body(refusal_error(no))};
}

Result plan_send(const SendInput& in, const TenantView& view) {
  const core::SendRequest& r = in.request;
  SendPlan plan;
  if ((in.kind == SendKind::LongCode || in.kind == SendKind::ShortCode || in.kind == SendKind::Alphanumeric) &&
      !r.from) {
    return missing(in, "from");
  }
  if ((in.kind == SendKind::NumberPool || in.kind == SendKind::Alphanumeric) && !r.messaging_profile_id) {
    return missing(in, "messaging_profile_id");
  }
  // Open mode only: with neither `from` nor a profile, send from the tenant's default profile's
  // pool, so one curl with any KEY... key succeeds. Configured tenants must say who sends.
  if (is_pool(in) && !pool_profile_id(in, view)) return missing(in, "from");
  if (in.kind == SendKind::Alphanumeric && (!r.text || r.text->empty())) return missing(in, "text");
  // send_at (POST /v2/messages and /schedule only): stored as `scheduled`, sent at that time.
  if (in.schedule_endpoint && !r.send_at) return missing(in, "send_at");
  if (r.send_at && in.kind == SendKind::Generic) {
    auto at = check_send_at(*r.send_at, view);
    if (!at) return core::unexpected(at.error());
    plan.send_at = *at;
  }

  // Destination address.
  const auto to_kind = core::classify_address(r.to);
  if (to_kind != core::AddressKind::E164 && to_kind != core::AddressKind::ShortCode) {
    auto why = core::e164_problem(r.to);
    return refuse(40310, "'" + r.to + "' is not a valid destination" + (why ? ": " + *why : std::string(".")), "/to");
  }

  // Sender: a number owned by the tenant and on a profile, an alphanumeric ID, or the pool.
  if (auto no = choose_sender(in, view, plan)) return std::move(*no);
  const SenderProfile& profile = *plan.profile;
  if (auto no = profile_refusal(profile)) return core::unexpected(std::move(*no));
  // Region lookup only when the profile restricts destinations (["*"] allows all).
  if (!profile.all_destinations) {
    const std::string region = to_kind == core::AddressKind::ShortCode ? "US" : core::region_of(r.to);
    if (!allows_region(profile, region)) {
      return refuse(40309, "Destination region '" + (region.empty() ? std::string("unknown") : region) +
                               "' is not in the profile's whitelisted_destinations.", "/to");
    }
  }

  if (auto no = opt_out_refusal(r.to, view.opted_out)) return core::unexpected(std::move(*no));

  // Content. Status 0: the catalogue's, or the configured 403xx override.
  const bool has_text = r.text && !r.text->empty();
  if (auto no = content_refusal(has_text, r.media_urls.size(), r.type)) return core::unexpected(std::move(*no));
  plan.type = r.type ? *r.type : (r.media_urls.empty() ? "SMS" : "MMS");
  core::EncodingPreference pref = core::EncodingPreference::Auto;
  if (r.encoding == "gsm7") pref = core::EncodingPreference::Gsm7;
  if (r.encoding == "ucs2") pref = core::EncodingPreference::Ucs2;
  if (has_text) {
    auto s = core::segment(*r.text, pref);
    // contract §12: encoding=gsm7 with unencodable text -> 400 / 10015.
    if (!s) return refuse(10015, s.error().detail, "/text", 400);
    plan.seg = s.value();
    if (plan.type == "SMS" && plan.seg.parts > core::kMaxParts) {
      return refuse(40302, "The text needs " + std::to_string(plan.seg.parts) + " parts; at most " +
                               std::to_string(core::kMaxParts) + " are allowed.", "/text");
    }
  }
  return plan;
}

}  // namespace harness::mock
