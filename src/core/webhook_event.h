// The webhook envelope (contract §7.2): {"data": {event_type, id, occurred_at, record_type,
// payload}, "meta": {attempt, delivered_to}}. data.id is the EVENT id (dedup key);
// data.payload.id is the message id.
#pragma once
#include <optional>
#include <string>
#include "core/json.h"
#include "core/message.h"

namespace harness::core {

struct WebhookMeta {
  int attempt = 1;
  std::string delivered_to;
  bool operator==(const WebhookMeta& o) const;
};

struct WebhookEvent {
  std::string event_type;           // message.received | message.sent | message.finalized
  std::string id;                   // event id
  std::string occurred_at;          // RFC 3339
  std::string record_type = "event";
  Message payload;
  std::optional<WebhookMeta> meta;  // written only when present
  bool operator==(const WebhookEvent& o) const;
};
void to_json(json& j, const WebhookMeta& m);
void from_json(const json& j, WebhookMeta& m);
void to_json(json& j, const WebhookEvent& e);     // the whole envelope {"data":...,"meta":...}
void from_json(const json& j, WebhookEvent& e);   // from the whole envelope

}  // namespace harness::core
