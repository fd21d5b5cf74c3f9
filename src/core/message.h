// The message object (contract §3.2 outbound, §7.3 inbound): one struct for both directions.
// Field names are exactly the wire names. Nullable wire fields are std::optional and written as
// null when empty; arrays are always written. Timestamps are kept as RFC 3339 strings so a
// round trip is byte-faithful.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "core/errors.h"
#include "core/json.h"

namespace harness::core {

struct MessageAddress {            // "from" object and each element of "to" / "cc"
  std::string phone_number;
  std::optional<std::string> status;      // to[]: queued ... delivered; inbound from: received
  std::optional<std::string> carrier;
  std::optional<std::string> line_type;
  bool operator==(const MessageAddress& o) const;
};

struct MediaItem {
  std::string url;
  std::optional<std::string> content_type;
  std::optional<std::string> sha256;
  std::optional<int64_t> size;
  bool operator==(const MediaItem& o) const;
};

struct Money {                      // {"amount":"0.0040","currency":"USD"}
  std::string amount;
  std::string currency = "USD";
  bool operator==(const Money& o) const;
};

struct CostBreakdown {               // {"rate": Money, "carrier_fee": Money}
  Money rate;
  Money carrier_fee;
  bool operator==(const CostBreakdown& o) const;
};

struct Message {
  std::string record_type = "message";
  std::string id;
  std::string direction = "outbound";          // outbound | inbound
  std::string type = "SMS";                    // SMS | MMS
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> organization_id;
  MessageAddress from;
  std::vector<MessageAddress> to;
  std::vector<MessageAddress> cc;
  std::optional<std::string> text;
  std::optional<std::string> subject;
  std::vector<MediaItem> media;
  std::string encoding = "GSM-7";
  int parts = 1;
  std::optional<int> num_chars;
  std::optional<Money> cost;
  std::optional<CostBreakdown> cost_breakdown;
  std::optional<std::string> received_at;
  std::optional<std::string> sent_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> valid_until;
  std::vector<ErrorObject> errors;
  std::vector<std::string> tags;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_failover_url;
  // 10DLC and throughput facts (contract §3.2, newer fields): the mock registers no campaigns.
  bool smart_encoding_applied = false;
  bool tcr_campaign_billable = false;
  std::optional<std::string> tcr_campaign_id;
  std::optional<std::string> tcr_campaign_registered;
  std::optional<double> wait_seconds;

  // The status of the first recipient ("" when there is none).
  const std::string& status() const;
  bool operator==(const Message& o) const;
};
void to_json(json& j, const MessageAddress& a);
void from_json(const json& j, MessageAddress& a);
void to_json(json& j, const MediaItem& m);
void from_json(const json& j, MediaItem& m);
void to_json(json& j, const Money& m);
void from_json(const json& j, Money& m);
void to_json(json& j, const CostBreakdown& c);
void from_json(const json& j, CostBreakdown& c);
void to_json(json& j, const Message& m);
// Accepts `from` as an object or (OLDSPEC) a plain string.
void from_json(const json& j, Message& m);

// Status vocabulary (contract §3.3).
bool is_terminal_status(std::string_view status);
bool is_known_status(std::string_view status);

}  // namespace harness::core
