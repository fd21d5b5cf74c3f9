// POST /v2/messages (+ long_code, short_code, number_pool, alphanumeric_sender_id, and the
// validation of /schedule; scheduling itself is in scheduled.cpp) and GET /v2/messages/{id}.
// The rules themselves, in the order a caller fixes them, are rules/send_rules.* (contract §3, §4).
#include <algorithm>
#include "core/e164.h"
#include "core/encoding.h"
#include "core/message_json.h"
#include "core/send_request.h"
#include "http/api.h"
#include "rules/send_rules.h"

namespace harness::mock {
namespace {

// Invented carrier names, chosen by a stable hash of the destination.
constexpr const char* kCarriers[] = {"Example Mobile", "Sample Wireless", "Demo Cellular"};

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

}  // namespace

// Reads what the send rules need from the store (rules/send_rules.h), then carries out their
// answer: an error envelope, or the message stored (or scheduled) and its webhooks started.
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
  const SendInput in{r, kind, schedule_endpoint, config_.open_mode()};

  TenantView view;
  if (needs_default_profile(in)) view.default_profile_id = store_.first_profile_id(ctx.tenant);
  const SenderLookup look = sender_lookup(in, view);
  if (look.by == SenderLookup::By::ProfileId) view.profile = store_.sender_profile(ctx.tenant, *look.key);
  if (look.by == SenderLookup::By::Number) view.profile = store_.number_sender(ctx.tenant, *look.key);
  if (view.profile) {
    if (look.pool) view.pool_number = store_.pool_number(ctx.tenant, view.profile->id, core::stable_hash(r.to));
    const std::string* from = look.pool ? (view.pool_number ? &*view.pool_number : nullptr) : &*r.from;
    if (from) view.opted_out = store_.opted_out(ctx.tenant, view.profile->id, *from, r.to);
  }
  if (r.send_at) {
    view.now = clock_.now();
    view.scheduled_pending = scheduled_->pending();
  }

  auto plan = plan_send(in, view);
  if (!plan) {
    const SendRefusal& no = plan.error();
    error(ctx, no.code, no.detail, no.pointer, std::nullopt, refusal_status(no, config_.settings));
    return;
  }
  const SenderProfile& profile = *plan->profile;
  core::Message m = build_outbound(profile, *plan->from, r, plan->type, plan->seg);
  if (plan->send_at) return schedule_outbound(ctx, std::move(m), profile, r, *plan->send_at);
  ctx.message_id = m.id;
  ctx.res.status = 200;
  set_json(ctx.res, core::message_envelope(m));

  // The view is this request's own: its webhook target moves into the routing, not copied.
  start_outbound(ctx.tenant, std::move(m), routing_for(std::move(view.profile->webhook), r),
                 ctx.decision.final_status, ctx.decision.final_errors);
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

WebhookRouting HttpFront::routing_for(core::WebhookTarget profile, const core::SendRequest& r) {
  WebhookRouting w;
  w.message_url = r.webhook_url;
  w.message_failover_url = r.webhook_failover_url;
  w.use_profile_webhooks = r.use_profile_webhooks;
  w.profile = std::move(profile);
  return w;
}

void HttpFront::start_outbound(const std::string& tenant, core::Message m, WebhookRouting routing,
                               const std::optional<std::string>& final_status, const std::vector<int>& final_errors) {
  WebhookSink* sink = sink_.get();
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
    not_found(ctx, "Message " + id);
    return;
  }
  set_json(ctx.res, core::message_envelope(*m));
}

}  // namespace harness::mock
