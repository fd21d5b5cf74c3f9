// Message converters. Required on input: id, from, to (every real payload carries them; the rest
// defaults so that partial payloads such as old-spec records still load). Output always writes
// every field: nullables as null, arrays even when empty, exactly as Telnyx does.
#include "core/message.h"

#include "core/json_fields.h"

namespace harness::core {

using detail::read_opt;
using detail::read_or_keep;

bool MessageAddress::operator==(const MessageAddress& o) const {
  return phone_number == o.phone_number && status == o.status && carrier == o.carrier && line_type == o.line_type;
}
bool MediaItem::operator==(const MediaItem& o) const {
  return url == o.url && content_type == o.content_type && sha256 == o.sha256 && size == o.size;
}
bool Money::operator==(const Money& o) const { return amount == o.amount && currency == o.currency; }
bool CostBreakdown::operator==(const CostBreakdown& o) const { return rate == o.rate && carrier_fee == o.carrier_fee; }

bool Message::operator==(const Message& o) const {
  return record_type == o.record_type && id == o.id && direction == o.direction && type == o.type &&
         messaging_profile_id == o.messaging_profile_id && organization_id == o.organization_id && from == o.from &&
         to == o.to && cc == o.cc && text == o.text && subject == o.subject && media == o.media &&
         encoding == o.encoding && parts == o.parts && num_chars == o.num_chars && cost == o.cost &&
         received_at == o.received_at && sent_at == o.sent_at && completed_at == o.completed_at &&
         valid_until == o.valid_until && errors == o.errors && tags == o.tags && webhook_url == o.webhook_url &&
         webhook_failover_url == o.webhook_failover_url && cost_breakdown == o.cost_breakdown &&
         smart_encoding_applied == o.smart_encoding_applied && tcr_campaign_billable == o.tcr_campaign_billable &&
         tcr_campaign_id == o.tcr_campaign_id && tcr_campaign_registered == o.tcr_campaign_registered &&
         wait_seconds == o.wait_seconds;
}

const std::string& Message::status() const {
  static const std::string kEmpty;
  return !to.empty() && to.front().status ? *to.front().status : kEmpty;
}

void to_json(json& j, const MessageAddress& a) {
  j = json{{"phone_number", a.phone_number}, {"carrier", a.carrier}, {"line_type", a.line_type}};
  // `status` exists on recipients and on inbound senders only; an outbound `from` has none.
  if (a.status) j["status"] = *a.status;
}
void from_json(const json& j, MessageAddress& a) {
  a.phone_number = j.at("phone_number").get<std::string>();
  read_opt(j, "status", a.status);
  read_opt(j, "carrier", a.carrier);
  read_opt(j, "line_type", a.line_type);
}

void to_json(json& j, const MediaItem& m) {
  j = json{{"url", m.url}, {"content_type", m.content_type}, {"sha256", m.sha256}, {"size", m.size}};
}
void from_json(const json& j, MediaItem& m) {
  m.url = j.at("url").get<std::string>();
  read_opt(j, "content_type", m.content_type);
  read_opt(j, "sha256", m.sha256);
  // SPEC names the inbound hash `hash_sha256`; the doc example uses `sha256` (contract §7.3).
  if (!m.sha256) read_opt(j, "hash_sha256", m.sha256);
  read_opt(j, "size", m.size);
}

void to_json(json& j, const Money& m) { j = json{{"amount", m.amount}, {"currency", m.currency}}; }
void from_json(const json& j, Money& m) {
  m.amount = j.at("amount").get<std::string>();
  read_or_keep(j, "currency", m.currency);
}

void to_json(json& j, const CostBreakdown& c) { j = json{{"rate", c.rate}, {"carrier_fee", c.carrier_fee}}; }
void from_json(const json& j, CostBreakdown& c) {
  read_or_keep(j, "rate", c.rate);
  read_or_keep(j, "carrier_fee", c.carrier_fee);
}

void to_json(json& j, const Message& m) {
  j = json{{"record_type", m.record_type},
           {"id", m.id},
           {"direction", m.direction},
           {"type", m.type},
           {"messaging_profile_id", m.messaging_profile_id},
           {"organization_id", m.organization_id},
           {"from", m.from},
           {"to", m.to},
           {"cc", m.cc},
           {"text", m.text},
           {"subject", m.subject},
           {"media", m.media},
           {"encoding", m.encoding},
           {"parts", m.parts},
           {"num_chars", m.num_chars},
           {"cost", m.cost},
           {"cost_breakdown", m.cost_breakdown},
           {"received_at", m.received_at},
           {"sent_at", m.sent_at},
           {"completed_at", m.completed_at},
           {"valid_until", m.valid_until},
           {"errors", m.errors},
           {"tags", m.tags},
           {"webhook_url", m.webhook_url},
           {"webhook_failover_url", m.webhook_failover_url},
           {"tcr_campaign_billable", m.tcr_campaign_billable},
           {"tcr_campaign_id", m.tcr_campaign_id},
           {"tcr_campaign_registered", m.tcr_campaign_registered}};
  // nlohmann turns an empty std::vector into [] already; make sure of it for the arrays the
  // wire always carries even if a future type change would make them null.
  for (const char* k : {"to", "cc", "media", "errors", "tags"})
    if (j[k].is_null()) j[k] = json::array();
  if (m.direction == "inbound") {
    // The inbound payload (SPEC InboundMessagePayload) names the media hash hash_sha256, has no
    // nullable media fields and no smart_encoding_applied / wait_seconds.
    json media = json::array();
    for (const auto& md : m.media) {
      json item{{"url", md.url}};
      if (md.content_type) item["content_type"] = *md.content_type;
      if (md.sha256) item["hash_sha256"] = *md.sha256;
      if (md.size) item["size"] = *md.size;
      media.push_back(std::move(item));
    }
    j["media"] = std::move(media);
  } else {
    j["smart_encoding_applied"] = m.smart_encoding_applied;
    j["wait_seconds"] = m.wait_seconds;
  }
}

void from_json(const json& j, Message& m) {
  m = Message{};
  m.id = j.at("id").get<std::string>();
  const json& from = j.at("from");
  if (from.is_string()) {
    m.from.phone_number = from.get<std::string>();   // OLDSPEC: a plain string
  } else {
    m.from = from.get<MessageAddress>();
  }
  m.to = j.at("to").get<std::vector<MessageAddress>>();
  read_or_keep(j, "record_type", m.record_type);
  read_or_keep(j, "direction", m.direction);
  read_or_keep(j, "type", m.type);
  read_opt(j, "messaging_profile_id", m.messaging_profile_id);
  read_opt(j, "organization_id", m.organization_id);
  read_or_keep(j, "cc", m.cc);
  read_opt(j, "text", m.text);
  read_opt(j, "subject", m.subject);
  read_or_keep(j, "media", m.media);
  read_or_keep(j, "encoding", m.encoding);
  read_or_keep(j, "parts", m.parts);
  read_opt(j, "num_chars", m.num_chars);
  read_opt(j, "cost", m.cost);
  read_opt(j, "received_at", m.received_at);
  read_opt(j, "sent_at", m.sent_at);
  read_opt(j, "completed_at", m.completed_at);
  read_opt(j, "valid_until", m.valid_until);
  read_or_keep(j, "errors", m.errors);
  read_or_keep(j, "tags", m.tags);
  read_opt(j, "webhook_url", m.webhook_url);
  read_opt(j, "webhook_failover_url", m.webhook_failover_url);
  read_opt(j, "cost_breakdown", m.cost_breakdown);
  read_or_keep(j, "smart_encoding_applied", m.smart_encoding_applied);
  read_or_keep(j, "tcr_campaign_billable", m.tcr_campaign_billable);
  read_opt(j, "tcr_campaign_id", m.tcr_campaign_id);
  read_opt(j, "tcr_campaign_registered", m.tcr_campaign_registered);
  read_opt(j, "wait_seconds", m.wait_seconds);
}

bool is_terminal_status(std::string_view s) {
  return s == "delivered" || s == "delivery_failed" || s == "sending_failed" || s == "delivery_unconfirmed" ||
         s == "expired";
}

bool is_known_status(std::string_view s) {
  // Outbound lifecycle (contract §3.3; "cancelled" is a scheduled message cancelled before its
  // send_at) plus the inbound values of §7.3.
  return is_terminal_status(s) || s == "scheduled" || s == "queued" || s == "sending" || s == "sent" ||
         s == "cancelled" || s == "received" || s == "webhook_delivered";
}

}  // namespace harness::core
