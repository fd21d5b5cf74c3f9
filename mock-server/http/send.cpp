// POST /v2/messages (+ long_code, short_code, number_pool, alphanumeric_sender_id, and the
// validation of /schedule; scheduling itself is in scheduled.cpp) and GET /v2/messages/{id}.
// Validation order follows what a caller fixes first: body shape, required fields, addresses,
// sender ownership, profile state, destination, content, size (contract §3, §4).
#include <algorithm>
#include "core/e164.h"
#include "core/encoding.h"
#include "core/send_request.h"
#include "http/api.h"
#include "core/message_json.h"

namespace harness::mock {
namespace {

// Invented carrier names, chosen by a stable hash of the destination.
constexpr const char* kCarriers[] = {"Example Mobile", "Sample Wireless", "Demo Cellular"};

const char* endpoint_name(SendKind k) {
  switch (k) {
    case SendKind::LongCode: return "long_code";
    case SendKind::ShortCode: return "short_code";
    case SendKind::NumberPool: return "number_pool";
    case SendKind::Alphanumeric: return "alphanumeric_sender_id";
    default: return "";
  }
}

// format_rfc3339 goes through printf; under load many requests share one millisecond, so each
// worker keeps its last answer.
std::string now_rfc3339(const core::Clock& clock) {
  thread_local core::TimePoint last_ms{};
  thread_local std::string last;
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(clock.now());
  if (last.empty() || ms != last_ms) {
    last_ms = ms;
    last = core::format_rfc3339(ms);
  }
  return last;
}

bool allowed_destination(const SenderProfile& p, const std::string& region) {
  return p.all_destinations ||
         std::find(p.destinations.begin(), p.destinations.end(), region) != p.destinations.end();
}

}  // namespace

void HttpFront::send(ApiContext& ctx, SendKind kind, bool schedule_endpoint) {
  if (!ctx.body) {
    error(ctx, 10015, ctx.req.body.empty() ? "The request body is empty; a JSON object is expected."
                                           : "The request body is not valid JSON.",
          std::nullopt, std::nullopt, 400);
    return;
  }
  auto decoded = core::decode_send_request(*ctx.body);
  if (!decoded) return problem(ctx, decoded.error());
  const core::SendRequest& r = decoded.value();
  auto missing = [&](const char* field) {
    const std::string ep = schedule_endpoint ? std::string("/schedule")
                           : kind == SendKind::Generic ? std::string() : std::string("/") + endpoint_name(kind);
    error(ctx, 10004, std::string("The '") + field + "' parameter is required for /v2/messages" + ep + ".",
          std::string("/") + field);
  };
  const bool pool = kind == SendKind::NumberPool || (kind == SendKind::Generic && !r.from);
  if ((kind == SendKind::LongCode || kind == SendKind::ShortCode || kind == SendKind::Alphanumeric) && !r.from) return missing("from");
  if ((kind == SendKind::NumberPool || kind == SendKind::Alphanumeric) && !r.messaging_profile_id) return missing("messaging_profile_id");
  // Open mode only: with neither `from` nor a profile, send from the tenant's default profile's
  // pool, so one curl with any KEY... key succeeds. Configured tenants must say who sends.
  std::optional<std::string> pool_profile_id = r.messaging_profile_id;
  if (kind == SendKind::Generic && !r.from && !r.messaging_profile_id) {
    pool_profile_id = config_.open_mode() ? store_.first_profile_id(ctx.tenant) : std::nullopt;
    if (!pool_profile_id) return missing("from");
  }
  if (kind == SendKind::Alphanumeric && (!r.text || r.text->empty())) return missing("text");
  // send_at (POST /v2/messages and /schedule only): stored as `scheduled`, sent at that time.
  if (schedule_endpoint && !r.send_at) return missing("send_at");
  std::optional<core::TimePoint> send_at;
  if (r.send_at && kind == SendKind::Generic) {
    send_at = check_send_at(ctx, *r.send_at);
    if (!send_at) return;
  }

  // Destination address.
  const auto to_kind = core::classify_address(r.to);
  if (to_kind != core::AddressKind::E164 && to_kind != core::AddressKind::ShortCode) {
    auto why = core::e164_problem(r.to);
    error(ctx, 40310, "'" + r.to + "' is not a valid destination" + (why ? ": " + *why : std::string(".")), "/to");
    return;
  }

  // Sender: a number owned by the tenant and on a profile, an alphanumeric ID, or the pool.
  std::optional<SenderProfile> profile;
  std::string from;
  if (pool) {
    profile = store_.sender_profile(ctx.tenant, *pool_profile_id);
    if (!profile) {
      error(ctx, 10017, "Messaging profile " + *pool_profile_id + " does not exist.",
            "/messaging_profile_id", std::nullopt, 422);
      return;
    }
    // Sticky per destination: the same recipient always hears from the same pool number.
    auto picked = store_.pool_number(ctx.tenant, profile->id, core::stable_hash(r.to));
    if (!picked) {
      error(ctx, 40321, "The messaging profile has no numbers to send from.", "/messaging_profile_id");
      return;
    }
    from = std::move(*picked);
  } else {
    from = *r.from;
    const auto from_kind = core::classify_address(from);
    if (kind == SendKind::Alphanumeric || from_kind == core::AddressKind::Alphanumeric) {
      if (auto why = core::alphanumeric_sender_problem(from)) {
        error(ctx, 40325, "'" + from + "' is not a valid alphanumeric sender ID: " + *why, "/from");
        return;
      }
      if (!r.messaging_profile_id) return missing("messaging_profile_id");
      profile = store_.sender_profile(ctx.tenant, *r.messaging_profile_id);
      if (!profile) {
        error(ctx, 10017, "Messaging profile " + *r.messaging_profile_id + " does not exist.",
              "/messaging_profile_id", std::nullopt, 422);
        return;
      }
      if (!profile->alpha_sender) {
        error(ctx, 40306, "The messaging profile has no alphanumeric sender configured.", "/from");
        return;
      }
      if (*profile->alpha_sender != from) {
        error(ctx, 40307, "'" + from + "' does not match the profile's alphanumeric sender.", "/from");
        return;
      }
    } else {
      const bool kind_ok = from_kind != core::AddressKind::Invalid &&
                           !(kind == SendKind::LongCode && from_kind != core::AddressKind::E164) &&
                           !(kind == SendKind::ShortCode && from_kind != core::AddressKind::ShortCode);
      if (!kind_ok && from_kind != core::AddressKind::Invalid) {
        // A long code on /short_code (or a short code on /long_code): say which endpoint fits.
        const bool is_short = from_kind == core::AddressKind::ShortCode;
        error(ctx, 40305, "'" + from + "' is a " + (is_short ? "short code" : "long code") + "; /v2/messages/" +
                              endpoint_name(kind) + " needs a " + (is_short ? "long code" : "short code") +
                              " 'from' (use /v2/messages/" + (is_short ? "short_code" : "long_code") +
                              " or /v2/messages).", "/from");
        return;
      }
      profile = kind_ok ? store_.number_sender(ctx.tenant, from) : std::nullopt;
      if (!profile || (r.messaging_profile_id && *r.messaging_profile_id != profile->id)) {
        error(ctx, 40305, "'" + from + "' is not a number on the sending messaging profile.", "/from");
        return;
      }
    }
  }

  if (!profile->enabled) {
    error(ctx, 40312, "Messaging profile " + profile->id + " is disabled.");
    return;
  }
  if (!profile->all_destinations && profile->destinations.empty()) {
    error(ctx, 40331, "The messaging profile has no whitelisted destinations.");
    return;
  }
  // Region lookup only when the profile restricts destinations (["*"] allows all).
  if (!profile->all_destinations) {
    const std::string region = to_kind == core::AddressKind::ShortCode ? "US" : core::region_of(r.to);
    if (!allowed_destination(*profile, region)) {
      error(ctx, 40309, "Destination region '" + (region.empty() ? std::string("unknown") : region) +
                            "' is not in the profile's whitelisted_destinations.", "/to");
      return;
    }
  }

  // A recipient who texted STOP to this profile (or number) gets nothing until START (40300).
  if (store_.opted_out(ctx.tenant, profile->id, from, r.to)) {
    error(ctx, 40300, "'" + r.to + "' has opted out (STOP) of messages from this sender; it can text START to opt back in.",
          "/to");
    return;
  }

  // Content.
  const bool has_text = r.text && !r.text->empty();
  if (auto p = core::content_problem(has_text, r.media_urls.size(), r.type)) {
    // Status 0: the catalogue's, or the configured 403xx override.
    error(ctx, std::stoi(p->error.code), p->error.detail.value_or(""), p->error.source_pointer);
    return;
  }
  const std::string type = r.type ? *r.type : (r.media_urls.empty() ? "SMS" : "MMS");
  core::EncodingPreference pref = core::EncodingPreference::Auto;
  if (r.encoding == "gsm7") pref = core::EncodingPreference::Gsm7;
  if (r.encoding == "ucs2") pref = core::EncodingPreference::Ucs2;
  core::Segmentation seg;
  if (has_text) {
    auto s = core::segment(*r.text, pref);
    if (!s) {
      // contract §12: encoding=gsm7 with unencodable text -> 400 / 10015.
      error(ctx, 10015, s.error().detail, "/text", std::nullopt, 400);
      return;
    }
    seg = s.value();
    if (type == "SMS" && seg.parts > core::kMaxParts) {
      error(ctx, 40302, "The text needs " + std::to_string(seg.parts) + " parts; at most " +
                            std::to_string(core::kMaxParts) + " are allowed.", "/text");
      return;
    }
  }

  core::Message m = build_outbound(*profile, from, r, type, seg);
  if (send_at) return schedule_outbound(ctx, std::move(m), *profile, r, *send_at);
  ctx.message_id = m.id;
  ctx.res.status = 200;
  set_json(ctx.res, core::message_envelope(m));

  start_outbound(ctx.tenant, std::move(m), routing_for(*profile, r), ctx.decision.final_status,
                 ctx.decision.final_errors);
}

core::Message HttpFront::build_outbound(const SenderProfile& profile, const std::string& from,
                                        const core::SendRequest& r, const std::string& type,
                                        const core::Segmentation& seg) {
  core::Message m;
  m.id = store_.new_message_id();
  m.type = type;
  m.messaging_profile_id = profile.id;
  m.organization_id = profile.organization_id;
  m.from = core::MessageAddress{from, std::nullopt, std::string("Telnyx"), std::string("Wireless")};
  m.to.push_back(recipient_address(r.to));
  m.text = r.text ? r.text : std::optional<std::string>(std::string());
  m.subject = r.subject;
  for (const auto& url : r.media_urls) m.media.push_back(core::MediaItem{url, std::nullopt, std::nullopt, std::nullopt});
  m.encoding = std::string(core::encoding_name(seg.encoding));
  m.parts = type == "MMS" ? 1 : std::max(seg.parts, 1);
  m.num_chars = seg.num_chars;
  m.received_at = now_rfc3339(clock_);
  m.tags = r.tags;
  m.webhook_url = r.webhook_url;
  m.webhook_failover_url = r.webhook_failover_url;
  return m;
}

core::MessageAddress HttpFront::recipient_address(const std::string& e164) {
  return core::MessageAddress{e164, std::string("queued"), std::string(kCarriers[core::stable_hash(e164) % 3]),
                              std::string("Wireless")};
}

WebhookRouting HttpFront::routing_for(const SenderProfile& profile, const core::SendRequest& r) {
  WebhookRouting w;
  w.message_url = r.webhook_url;
  w.message_failover_url = r.webhook_failover_url;
  w.use_profile_webhooks = r.use_profile_webhooks;
  w.profile_url = profile.webhook_url;
  w.profile_failover_url = profile.webhook_failover_url;
  w.webhook_api_version = profile.webhook_api_version;
  w.v1_secret = profile.v1_secret;
  return w;
}

void HttpFront::start_outbound(const std::string& tenant, core::Message m, WebhookRouting routing,
                               const std::optional<std::string>& final_status, const std::vector<int>& final_errors) {
  auto sink = std::atomic_load(&sink_);
  if (!sink) {
    store_.put_message(tenant, std::move(m), final_status, final_errors);
    return;
  }
  OutboundContext oc;
  oc.tenant_id = tenant;
  oc.message = std::move(m);
  oc.routing = std::move(routing);
  oc.final_status = final_status;
  oc.final_errors = final_errors;
  // The message and the statuses the store applies by itself go in together; the events are
  // scheduled once it is stored (they advance the stored message).
  OutboundPlan plan = sink->plan_outbound(oc);
  store_.put_message(tenant, std::move(oc.message), std::move(plan.timeline));
  if (plan.start) plan.start();
}

void HttpFront::problem(ApiContext& ctx, const core::RequestProblem& p) {
  core::json j;
  to_json(j, core::ErrorEnvelope{{p.error}});
  ctx.error_code = std::atoi(p.error.code.c_str());
  ctx.res.status = p.http_status;
  set_json(ctx.res, j.dump());
}

void HttpFront::get_message(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  scheduled_->fire_due();   // a scheduled message whose time has come is read as sent
  auto m = store_.get_message(ctx.tenant, id);
  if (!m) {
    if (auto members = group_members(ctx.tenant, id)) {
      set_json(ctx.res, core::message_envelope(group_view(id, *members)));
      return;
    }
    // contract §3.5/§12: unknown, another tenant's, or older than the retention -> 404 / 10005.
    error(ctx, 10005, "Message " + id + " was not found.");
    return;
  }
  set_json(ctx.res, core::message_envelope(*m));
}

}  // namespace harness::mock
