#include "core/webhook_event.h"

namespace harness::core {

bool WebhookMeta::operator==(const WebhookMeta& o) const {
  return attempt == o.attempt && delivered_to == o.delivered_to;
}
bool WebhookEvent::operator==(const WebhookEvent& o) const {
  return event_type == o.event_type && id == o.id && occurred_at == o.occurred_at && record_type == o.record_type &&
         payload == o.payload && meta == o.meta;
}

void to_json(json& j, const WebhookMeta& m) { j = json{{"attempt", m.attempt}, {"delivered_to", m.delivered_to}}; }
void from_json(const json& j, WebhookMeta& m) {
  m.attempt = j.at("attempt").get<int>();
  m.delivered_to = j.at("delivered_to").get<std::string>();
}

void to_json(json& j, const WebhookEvent& e) {
  j = json{{"data",
            {{"event_type", e.event_type},
             {"id", e.id},
             {"occurred_at", e.occurred_at},
             {"record_type", e.record_type},
             {"payload", e.payload}}}};
  if (e.meta) j["meta"] = *e.meta;
}

void from_json(const json& j, WebhookEvent& e) {
  const json& d = j.at("data");
  e.event_type = d.at("event_type").get<std::string>();
  e.id = d.at("id").get<std::string>();
  e.occurred_at = d.at("occurred_at").get<std::string>();
  e.record_type = d.value("record_type", std::string("event"));
  e.payload = d.at("payload").get<Message>();
  auto it = j.find("meta");
  if (it != j.end() && !it->is_null()) e.meta = it->get<WebhookMeta>();
  else e.meta.reset();
}

}  // namespace harness::core
