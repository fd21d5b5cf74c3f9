// The webhook engine's inbound side (contract §7.3): a message from the carrier (POST
// /_mock/inbound, decoded and checked by inbound_post.h, or one of a scenario's bursts) is stored by the
// InboundDirectory and its message.received event delivered like any other.
#include "core/errors.h"
#include "core/json_limits.h"
#include "webhook/engine.h"
#include "webhook/flow.h"

namespace harness::mock {

void WebhookEngine::set_inbound_observer(std::function<void(const InboundContext&)> f) {
  auto p = f ? std::make_shared<const std::function<void(const InboundContext&)>>(std::move(f)) : nullptr;
  std::atomic_store(&inbound_observer_, std::move(p));
}

void WebhookEngine::on_inbound(const InboundContext& ctx) {
  if (auto observe = std::atomic_load(&inbound_observer_)) (*observe)(ctx);
  auto flow = std::make_shared<Flow>();
  flow->tenant_id = ctx.tenant_id;
  flow->message_id = ctx.message.id;
  flow->settings = settings();
  flow->chain = delivery_chain(ctx.routing);
  flow->signature = signature_kind(flow->settings->signing, ctx.routing);
  flow->v1_secret = ctx.routing.profile.v1_secret;
  flow->rng = core::Rng(flow->settings->seed).fork("inbound/" + ctx.message.id);
  const core::Message message = ctx.message;
  const bool admitted = scheduler_.admit(
      WebhookDuration{0}, [this, flow, message] {
        if (auto d = prepare_event(flow, EventKind::Received, message, clock_.now())) {
          start_delivery(d);
        }
      },
      [this, flow] {
        Delivery d;
        d.tenant_id = flow->tenant_id;
        d.message_id = flow->message_id;
        d.event_type = std::string(event_type_name(EventKind::Received));
        record_without_attempt(d, AttemptOutcome::Abandoned, "shutdown");
      });
  if (!admitted) {
    Delivery d;
    d.tenant_id = flow->tenant_id;
    d.message_id = flow->message_id;
    d.event_type = std::string(event_type_name(EventKind::Received));
    d.signature = flow->signature;
    record_without_attempt(d, AttemptOutcome::Overflow, "queue full");
  }
}

ControlReply WebhookEngine::handle_inbound_post(const InboundRequest& req) {
  InboundDirectory* dir = directory_.load();
  if (dir == nullptr) {
    return {500, core::error_body(10007, "Inbound messages are not available in this server.")};
  }
  auto ctx = dir->accept_inbound(req, clock_.now());
  if (!ctx) return {404, core::error_body(10005, "No messaging profile owns " + req.to + ".", std::string("/to"))};
  on_inbound(*ctx);
  core::json out = {{"data", ctx->message}};
  return ControlReply{200, core::dump_json(out)};
}

void WebhookEngine::schedule_burst(uint64_t generation, size_t burst_index, uint64_t i,
                                   std::shared_ptr<const WebhookSettings> s) {
  if (burst_index >= s->inbound.size()) return;
  const InboundBurst& b = s->inbound[burst_index];
  if (i >= b.count) return;
  WebhookDuration delay{0};
  if (i == 0) {
    delay = b.start_after;
  } else if (b.rate_per_second > 0) {
    delay = std::chrono::duration_cast<WebhookDuration>(
        std::chrono::duration<double>(1.0 / b.rate_per_second));
  }
  // One task per message, each scheduling the next: a burst of a million holds one queue slot.
  auto task = [this, generation, burst_index, i, s] {
    if (burst_generation_.load() != generation) return;   // scenario replaced
    const InboundBurst& burst = s->inbound[burst_index];
    InboundRequest req{burst.from, burst.to, burst.text, {}};
    const std::string index = std::to_string(i + 1);
    for (size_t pos = req.text.find("{i}"); pos != std::string::npos;
         pos = req.text.find("{i}", pos + index.size())) {
      req.text.replace(pos, 3, index);
    }
    if (InboundDirectory* dir = directory_.load()) {
      if (auto ctx = dir->accept_inbound(req, clock_.now())) on_inbound(*ctx);
    }
    schedule_burst(generation, burst_index, i + 1, s);
  };
  if (i == 0) scheduler_.admit(delay, task); else scheduler_.follow(delay, task);
}

}  // namespace harness::mock
