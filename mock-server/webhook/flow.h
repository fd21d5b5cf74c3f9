// The webhook engine's in-flight state, shared by its source files (engine.cpp: outbound flows,
// delivery, redelivery; engine_inbound.cpp: inbound messages and bursts). Internal to webhook/.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include "core/rng.h"
#include "webhook/engine.h"

namespace harness::mock {

// One outbound message on its way through the lifecycle. Steps run strictly one after the other
// (each schedules the next), so the store never sees `finalized` before `sent`.
struct WebhookEngine::Flow {
  std::string tenant_id;
  std::string message_id;
  std::shared_ptr<const WebhookSettings> settings;
  std::vector<LifecycleStep> steps;
  std::vector<std::string> chain;
  SignatureKind signature = SignatureKind::None;
  std::optional<std::string> v1_secret;
  core::Rng rng;                       // this message's stream: Rng(seed).fork(message id)
  bool reorder = false;
  std::mutex mu;
  std::shared_ptr<Delivery> held_sent; // reorder: waits for message.finalized's first attempt
  std::shared_ptr<Delivery> sent;      // otherwise: finalized waits for sent's first attempt
};

// One copy of one event on its way through the URL chain (a chaos duplicate is a second copy
// with the same event id and its own attempts).
struct WebhookEngine::Delivery {
  std::string tenant_id;
  std::string message_id;
  std::string event_id;
  std::string event_type;
  std::string data_json;
  std::vector<std::string> chain;
  SignatureKind signature = SignatureKind::None;
  std::optional<std::string> v1_secret;
  std::shared_ptr<const WebhookSettings> settings;
  EventChaos chaos;
  std::vector<std::string> chaos_names;
  bool redelivery = false;
  int attempts_done = 0;               // touched only by the attempt task (one at a time)
  // Started after this copy's first attempt: the other event of the message, so that events
  // arrive in lifecycle order (or reversed, under reorder chaos) and never by accident.
  std::shared_ptr<Delivery> then;
  bool first_done = false;             // guarded by the flow's mutex
  std::weak_ptr<Flow> flow;            // weak: a flow holds its deliveries
};

}  // namespace harness::mock
