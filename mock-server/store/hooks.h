// The seam between the message store / HTTP layer and the webhook engine.
//  - The HTTP layer, after accepting an outbound message, hands the engine an OutboundContext.
//  - The engine advances the message through the store (MessageLifecycle) when each event fires,
//    so GET /v2/messages/{id} shows the same state the webhooks carry (contract §3.3, §7).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include "core/clock.h"
#include "core/errors.h"
#include "core/message.h"
#include "core/webhook_target.h"

namespace harness::mock {

// Where a message's events go (contract §7.6): per-message URLs first, then the profile's when
// use_profile_webhooks is true. The engine applies the precedence and failover rules; the
// profile's api_version "1" with its v1_secret signs with the v1 HMAC.
struct WebhookRouting {
  std::optional<std::string> message_url;
  std::optional<std::string> message_failover_url;
  bool use_profile_webhooks = true;
  core::WebhookTarget profile;                    // the sending (or receiving) profile's
};

struct OutboundContext {
  std::string tenant_id;
  core::Message message;                          // as returned by the POST (status queued)
  WebhookRouting routing;
  std::optional<std::string> final_status;        // from the scenario / magic numbers
  std::vector<int> final_errors;
};

struct InboundContext {
  std::string tenant_id;
  core::Message message;                          // direction inbound, already stored
  WebhookRouting routing;                         // the receiving number's profile
};

// One status change at a known time.
struct TimedStatus {
  core::TimePoint at{};
  std::string status;
  std::vector<core::ErrorObject> errors;   // only on a terminal status
};

// Implemented by the store.
class MessageLifecycle {
 public:
  virtual ~MessageLifecycle() = default;
  // Applies a status change to every recipient of the message and returns the message as GET
  // would now return it (nullopt if it no longer exists).
  virtual std::optional<core::Message> advance(const std::string& tenant_id,
                                               const std::string& message_id,
                                               const std::string& status,
                                               const std::vector<core::ErrorObject>& errors,
                                               core::TimePoint at) = 0;
  // Status changes that send no webhook (all of them when the message has no URL): the store
  // applies each when its time has come (on read), so nothing has to be scheduled. They precede
  // any status given to advance(), which applies the ones still pending first. false if the
  // message no longer exists.
  virtual bool follow_timeline(const std::string& tenant_id, const std::string& message_id,
                               std::vector<TimedStatus> steps) = 0;
};

// POST /_mock/inbound and scenario inbound bursts (contract §7.3): what arrives from the carrier.
struct InboundRequest {
  std::string from;
  std::string to;
  std::string text;
  std::vector<std::string> media_urls;
};

// Implemented by the store: finds the tenant and profile that own `to`, stores the inbound
// message (direction inbound, so GET /v2/messages/{id} finds it) and returns the context for the
// message.received event; nullopt when nobody owns `to` (404, code 10005).
class InboundDirectory {
 public:
  virtual ~InboundDirectory() = default;
  virtual std::optional<InboundContext> accept_inbound(const InboundRequest& req,
                                                       core::TimePoint at) = 0;
};

// What the webhook engine makes of an accepted outbound message.
struct OutboundPlan {
  // Status changes that send no webhook (all of them when the message has no URL), stored with
  // the message and applied by the store on read, at their times.
  std::vector<TimedStatus> timeline;
  // Schedules the events; to be called once the message is stored. Empty when there are none.
  std::function<void()> start;
};

// Implemented by the webhook engine.
class WebhookSink {
 public:
  virtual ~WebhookSink() = default;
  // Called before the message is stored (one store update per send: the message and its
  // timeline together); the caller runs `start` after storing it.
  virtual OutboundPlan plan_outbound(const OutboundContext& ctx) = 0;
  virtual void on_inbound(const InboundContext& ctx) = 0;
};

}  // namespace harness::mock
