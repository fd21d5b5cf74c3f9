#include "webhook_wiring.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include "control/builtin.h"
#include "core/encoding.h"
#include "core/errors.h"
#include "core/json_limits.h"
#include "rules/send_rules.h"
#include "webhook/inbound_post.h"

namespace harness::mock {

std::optional<InboundContext> StoreInboundDirectory::accept_inbound(const InboundRequest& req,
                                                                    core::TimePoint at) {
  auto tenant = store_.owner_of(req.to);
  if (!tenant) return std::nullopt;
  auto number = store_.find_number(*tenant, req.to);
  if (!number) return std::nullopt;
  InboundContext ctx;
  ctx.tenant_id = *tenant;
  core::Message& m = ctx.message;   // contract §7.3
  m.id = store_.new_message_id();
  m.direction = "inbound";
  m.type = req.media_urls.empty() ? "SMS" : "MMS";
  m.organization_id = store_.organization_id(*tenant);
  m.from = core::MessageAddress{req.from, std::nullopt, std::string("Example Mobile"),
                                std::string("Wireless")};
  m.to.push_back(core::MessageAddress{req.to, std::string("webhook_delivered"),
                                      std::string("Telnyx"), std::string("Wireless")});
  m.text = req.text;
  for (const auto& u : req.media_urls) {
    m.media.push_back(core::MediaItem{u, std::nullopt, std::nullopt, std::nullopt});
  }
  if (auto seg = core::segment(req.text); seg.ok()) {
    m.encoding = std::string(core::encoding_name(seg.value().encoding));
    m.parts = std::max(seg.value().parts, 1);
    m.num_chars = seg.value().num_chars;
  }
  m.cost = core::Money{"0.0000", "USD"};
  m.received_at = core::format_rfc3339(at);
  if (number->profile) {
    core::MessagingProfile& p = *number->profile;
    m.messaging_profile_id = p.id;
    // Inbound webhooks go to the profile's URLs (contract §7.3).
    ctx.routing.profile = std::move(p.webhook);
  }
  // Only a profile with a webhook URL can have the message.received webhook delivered to it.
  if (delivery_chain(ctx.routing).empty()) m.to.back().status = std::string("delivered");
  store_.put_message(*tenant, m);
  // A text matching one of the profile's autoresponse configs does what the config says (and is
  // answered); otherwise the STOP / START keywords opt the sender out of (back into) the profile.
  auto responder = std::atomic_load(&responder_);
  if (!responder || !responder->respond(*tenant, m, at)) {
    store_.apply_keyword(*tenant, req.from, req.to, m.messaging_profile_id, req.text, at);
  }
  return ctx;
}

void register_webhook_routes(ControlApi& api, const std::shared_ptr<WebhookEngine>& engine,
                             const Settings& settings) {
  std::weak_ptr<WebhookEngine> weak = engine;
  api.add("GET", R"(/_mock/webhooks)",
          [weak](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
            auto e = weak.lock();
            if (!e) return;
            AttemptFilter f;
            auto param = [&req](const char* k) -> std::optional<std::string> {
              if (!req.has_param(k)) return std::nullopt;
              return req.get_param_value(k);
            };
            f.message_id = param("message_id");
            f.event_type = param("event_type");
            f.event_id = param("event_id");
            f.tenant_id = param("tenant_id");
            if (auto limit = param("limit")) {
              char* end = nullptr;
              const unsigned long v = std::strtoul(limit->c_str(), &end, 10);
              if (limit->empty() || *end != '\0' || v == 0) {
                res.status = 400;
                res.set_content(core::error_body(10015, "limit must be a positive integer.",
                                                 std::nullopt),
                                "application/json");
                return;
              }
              f.limit = static_cast<size_t>(v);
            }
            const bool clamped = f.limit > kMaxControlPage;   // a page never holds the loop thread long
            f.limit = std::min(f.limit, kMaxControlPage);
            core::json j = e->webhooks_json(f);
            j["meta"]["limit"] = f.limit;
            j["meta"]["limit_max"] = kMaxControlPage;
            j["meta"]["limit_clamped"] = clamped;
            res.set_content(core::dump_json(j), "application/json");
          });
  // POST routes answered by an engine method taking the body.
  auto post = [&api, weak](const char* path, ControlReply (WebhookEngine::*handle)(const std::string&)) {
    api.add("POST", path, [weak, handle](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
      auto e = weak.lock();
      if (!e) return;
      auto reply = ((*e).*handle)(req.body);
      res.status = reply.status;
      res.set_content(reply.body, reply.content_type.c_str());
    });
  };
  // The inbound rules answer as the send rules do, with the configured error_status overrides.
  api.add("POST", R"(/_mock/inbound)",
          [weak, settings](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
            auto e = weak.lock();
            if (!e) return;
            auto in = decode_inbound_post(req.body);
            const ControlReply reply = in ? e->handle_inbound_post(*in) : refusal_reply(in.error(), settings);
            res.status = reply.status;
            res.set_content(reply.body, reply.content_type.c_str());
          });
  post(R"(/_mock/webhooks/redeliver)", &WebhookEngine::handle_redeliver_post);
  api.on_reset([weak] {
    if (auto e = weak.lock()) e->reset_log();
  });
}

}  // namespace harness::mock
