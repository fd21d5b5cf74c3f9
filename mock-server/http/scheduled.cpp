// Scheduled messages: POST /v2/messages/schedule (and send_at on POST /v2/messages, which send()
// validates and hands here), their firing at send_at on the mock's clock (the opt-out rule judged
// again then), and
// DELETE /v2/messages/{id}, which cancels one while its send_at is more than a minute away.
#include "core/message_json.h"
#include "http/api.h"
#include "rules/send_rules.h"

namespace harness::mock {

HttpFront::~HttpFront() {
  // The ticker calls back into this object: stop it before any member goes.
  if (scheduled_) scheduled_->stop();
}

void HttpFront::init_scheduled() {
  scheduled_ = std::make_shared<ScheduledSends>(clock_, [this](ScheduledSend&& s) { fire_scheduled(std::move(s)); });
  // A reset empties the store: nothing scheduled before it may fire after it.
  control_.on_reset([weak = std::weak_ptr<ScheduledSends>(scheduled_)] {
    if (auto s = weak.lock()) s->clear();
  });
}

void HttpFront::schedule_outbound(ApiContext& ctx, core::Message m, const SenderProfile& profile,
                                  const core::SendRequest& r, core::TimePoint send_at) {
  for (auto& to : m.to) to.status = "scheduled";
  ctx.message_id = m.id;
  ctx.res.status = 200;
  set_json(ctx.res, core::message_envelope(m));

  ScheduledSend s;
  s.tenant = ctx.tenant;
  s.message_id = m.id;
  s.send_at = send_at;
  s.profile_id = profile.id;
  s.routing = routing_for(profile.webhook, r);
  s.final_status = ctx.decision.final_status;
  s.final_errors = ctx.decision.final_errors;
  // Stored first (no timeline: nothing happens to it until it fires), then registered.
  store_.put_message(ctx.tenant, std::move(m), std::vector<TimedStatus>{});
  scheduled_->add(std::move(s));
}

void HttpFront::fire_scheduled(ScheduledSend&& s) {
  // Gone (evicted, or a reset) or no longer waiting: nothing to send.
  auto m = store_.get_message(s.tenant, s.message_id);
  if (!m || m->status() != "scheduled") return;
  const core::TimePoint now = clock_.now();
  // The opt-out rule is judged again now: a recipient who texted STOP since the message was
  // scheduled is not texted. The message ends sending_failed with the rule's code (it never
  // reaches the carrier), and its message.finalized webhook says so.
  if (!m->to.empty()) {
    const std::string& to = m->to[0].phone_number;
    if (auto no = opt_out_refusal(to, store_.opted_out(s.tenant, s.profile_id, m->from.phone_number, to))) {
      s.final_status = std::string("sending_failed");
      s.final_errors = {no->code};
    }
  }
  auto queued = store_.advance(s.tenant, s.message_id, "queued", {}, now);
  if (!queued) return;
  WebhookSink* sink = sink_.get();
  if (!sink) {
    store_.follow_timeline(s.tenant, s.message_id, Store::default_timeline(now, s.final_status, s.final_errors));
    return;
  }
  // From here on the normal send flow: the profile's webhook settings as they are now.
  OutboundContext oc;
  oc.tenant_id = s.tenant;
  oc.message = std::move(*queued);
  oc.routing = std::move(s.routing);
  if (auto p = store_.sender_profile(s.tenant, s.profile_id)) oc.routing.profile = std::move(p->webhook);
  oc.final_status = std::move(s.final_status);
  oc.final_errors = std::move(s.final_errors);
  OutboundPlan plan = sink->plan_outbound(oc);
  if (!plan.timeline.empty()) store_.follow_timeline(s.tenant, s.message_id, std::move(plan.timeline));
  if (plan.start) plan.start();
}

void HttpFront::send_schedule(ApiContext& ctx) { send(ctx, SendKind::Generic, true); }

void HttpFront::cancel_message(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  scheduled_->fire_due();
  auto m = store_.get_message(ctx.tenant, id);
  if (!m) return not_found(ctx, "Message " + id);
  switch (scheduled_->cancel(ctx.tenant, id)) {
    case ScheduledSends::CancelResult::Cancelled: {
      auto cancelled = store_.advance(ctx.tenant, id, "cancelled", {}, clock_.now());
      if (!cancelled) return not_found(ctx, "Message " + id);
      // The spec answers the cancelled message itself, not wrapped in `data`, and without
      // wait_seconds.
      core::json j = *cancelled;
      j.erase("wait_seconds");
      ctx.res.status = 200;
      set_json(ctx.res, j.dump());
      return;
    }
    case ScheduledSends::CancelResult::TooLate:
      return error(ctx, 10010, "Message " + id + " is due within a minute; a scheduled message can be cancelled only "
                                                 "while its send_at is more than a minute away.",
                   std::nullopt, std::nullopt, 403);
    case ScheduledSends::CancelResult::NotScheduled:
      break;
  }
  error(ctx, 10010, "Message " + id + " is not scheduled (status " + m->status() +
                        "); only a scheduled message can be cancelled.", std::nullopt, std::nullopt, 403);
}

}  // namespace harness::mock
