// Message converters. Required on input: id, from, to (every real payload carries them; the rest
// defaults so that partial payloads such as old-spec records still load). Output always writes
// every field: nullables as null, arrays even when empty, exactly as Telnyx does.
#include "core/message.h"

#include <tuple>

#include "core/json_fields.h"

namespace harness::core {
using namespace detail;
namespace {

// Field tables, in the order a record is read.
// `status` exists on recipients and on inbound senders only; an outbound `from` has none.
constexpr auto kAddressFields = std::make_tuple(
    wire("phone_number", &MessageAddress::phone_number, kRequired), wire("status", &MessageAddress::status, kOmitted),
    wire("carrier", &MessageAddress::carrier), wire("line_type", &MessageAddress::line_type));

constexpr auto kMediaFields = std::make_tuple(
    wire("url", &MediaItem::url, kRequired), wire("content_type", &MediaItem::content_type),
    wire("sha256", &MediaItem::sha256), wire("size", &MediaItem::size));

constexpr auto kMoneyFields =
    std::make_tuple(wire("amount", &Money::amount, kRequired), wire("currency", &Money::currency));

constexpr auto kBreakdownFields =
    std::make_tuple(wire("rate", &CostBreakdown::rate), wire("carrier_fee", &CostBreakdown::carrier_fee));

// By hand: `from` (an object, or OLDSPEC's plain string), the inbound media shape, and the two
// outbound-only fields smart_encoding_applied and wait_seconds.
constexpr auto kMessageFields = std::make_tuple(
    wire("id", &Message::id, kRequired), wire("to", &Message::to, kRequired),
    wire("record_type", &Message::record_type), wire("direction", &Message::direction),
    wire("type", &Message::type), wire("messaging_profile_id", &Message::messaging_profile_id),
    wire("organization_id", &Message::organization_id), wire("cc", &Message::cc), wire("text", &Message::text),
    wire("subject", &Message::subject), wire("media", &Message::media), wire("encoding", &Message::encoding),
    wire("parts", &Message::parts), wire("num_chars", &Message::num_chars), wire("cost", &Message::cost),
    wire("received_at", &Message::received_at), wire("sent_at", &Message::sent_at),
    wire("completed_at", &Message::completed_at), wire("valid_until", &Message::valid_until),
    wire("errors", &Message::errors), wire("tags", &Message::tags), wire("webhook_url", &Message::webhook_url),
    wire("webhook_failover_url", &Message::webhook_failover_url),
    wire("cost_breakdown", &Message::cost_breakdown),
    wire("tcr_campaign_billable", &Message::tcr_campaign_billable),
    wire("tcr_campaign_id", &Message::tcr_campaign_id),
    wire("tcr_campaign_registered", &Message::tcr_campaign_registered));

}  // namespace

bool MessageAddress::operator==(const MessageAddress& o) const { return equal_fields(*this, o, kAddressFields); }
bool MediaItem::operator==(const MediaItem& o) const { return equal_fields(*this, o, kMediaFields); }
bool Money::operator==(const Money& o) const { return equal_fields(*this, o, kMoneyFields); }
bool CostBreakdown::operator==(const CostBreakdown& o) const { return equal_fields(*this, o, kBreakdownFields); }

bool Message::operator==(const Message& o) const {
  return equal_fields(*this, o, kMessageFields) && from == o.from &&
         smart_encoding_applied == o.smart_encoding_applied && wait_seconds == o.wait_seconds;
}

const std::string& Message::status() const {
  static const std::string kEmpty;
  return !to.empty() && to.front().status ? *to.front().status : kEmpty;
}

void to_json(json& j, const MessageAddress& a) { j = to_object(a, kAddressFields); }
void from_json(const json& j, MessageAddress& a) { a = from_object(j, kAddressFields); }

void to_json(json& j, const MediaItem& m) { j = to_object(m, kMediaFields); }
void from_json(const json& j, MediaItem& m) {
  m = from_object(j, kMediaFields);
  // SPEC names the inbound hash `hash_sha256`; the doc example uses `sha256` (contract §7.3).
  if (!m.sha256) read_opt(j, "hash_sha256", m.sha256);
}

void to_json(json& j, const Money& m) { j = to_object(m, kMoneyFields); }
void from_json(const json& j, Money& m) { m = from_object(j, kMoneyFields); }

void to_json(json& j, const CostBreakdown& c) { j = to_object(c, kBreakdownFields); }
void from_json(const json& j, CostBreakdown& c) { c = from_object(j, kBreakdownFields); }

void to_json(json& j, const Message& m) {
  j = to_object(m, kMessageFields);
  j["from"] = m.from;
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
  m = from_object(j, kMessageFields);
  const json& from = j.at("from");
  if (from.is_string()) {
    m.from.phone_number = from.get<std::string>();   // OLDSPEC: a plain string
  } else {
    m.from = from.get<MessageAddress>();
  }
  read_or_keep(j, "smart_encoding_applied", m.smart_encoding_applied);
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
