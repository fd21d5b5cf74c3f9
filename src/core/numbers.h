// Numbers (contract §8.3): owned phone numbers, their messaging settings, available numbers
// and number orders.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "core/json.h"

namespace harness::core {

struct PhoneNumber {
  std::string record_type = "phone_number";
  std::string id;                                  // numeric string
  std::string phone_number;
  std::string status = "active";
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> messaging_profile_name;
  std::optional<std::string> connection_id;
  std::string phone_number_type = "local";
  std::vector<std::string> tags;
  std::string country_iso_alpha2 = "US";
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> purchased_at;
  // The rest of the published record (voice and emergency settings the mock only stores).
  std::optional<std::string> activated_at;
  std::optional<std::string> external_pin;
  bool deletion_lock_enabled = false;
  std::optional<std::string> billing_group_id;
  std::optional<std::string> connection_name;
  std::optional<std::string> customer_reference;
  std::optional<std::string> emergency_address_id;
  std::optional<std::string> messaging_campaign_id;
  std::optional<std::string> source_type;          // number_order | port_request | null
  bool call_forwarding_enabled = true;
  bool call_recording_enabled = false;
  bool caller_id_name_enabled = false;
  bool cnam_listing_enabled = false;
  bool emergency_enabled = false;
  std::string emergency_status = "disabled";       // active | deprovisioning | disabled | provisioning | ...
  bool hd_voice_enabled = false;
  std::string inbound_call_screening = "disabled"; // disabled | reject_calls | flag_calls
  bool t38_fax_gateway_enabled = false;
  bool operator==(const PhoneNumber& o) const;
};

struct MessagingFeature {                          // features.sms / features.mms
  bool domestic_two_way = true;
  bool international_inbound = false;
  bool international_outbound = false;
  bool operator==(const MessagingFeature& o) const;
};

// health (contract §8.3): modelled so a round trip keeps it; the mock reports a healthy number.
struct MessagingHealth {
  int64_t message_count = 0;
  double inbound_outbound_ratio = 0.0;
  double success_ratio = 1.0;
  double spam_ratio = 0.0;
  bool operator==(const MessagingHealth& o) const;
};

struct MessagingSettings {
  std::string record_type = "messaging_settings";
  std::string id;
  std::string phone_number;
  std::optional<std::string> messaging_profile_id;
  std::string messaging_product = "P2P";
  std::vector<std::string> eligible_messaging_products{"A2P", "P2P"};
  std::string traffic_type = "P2P";
  std::string type = "long-code";                  // long-code | toll-free | short-code
  std::string country_code = "US";
  std::optional<MessagingFeature> sms;             // features.sms (null when absent)
  std::optional<MessagingFeature> mms;             // features.mms
  MessagingHealth health;
  std::optional<std::string> organization_id;
  std::vector<std::string> tags;
  std::string created_at;
  std::string updated_at;
  bool operator==(const MessagingSettings& o) const;
};

struct RegionInfo {
  std::string region_type;                         // country_code | rate_center | state | location
  std::string region_name;
  bool operator==(const RegionInfo& o) const;
};

struct AvailableNumber {
  std::string record_type = "available_phone_number";
  std::string phone_number;
  std::optional<std::string> vanity_format;
  bool best_effort = false;
  bool quickship = true;
  bool reservable = true;
  std::vector<RegionInfo> region_information;
  std::string upfront_cost = "1.00";               // cost_information.upfront_cost
  std::string monthly_cost = "1.00";               // cost_information.monthly_cost
  std::string currency = "USD";                    // cost_information.currency
  std::vector<std::string> features;               // [{"name": ...}] on the wire
  bool operator==(const AvailableNumber& o) const;
};

struct NumberOrderPhoneNumber {
  std::string record_type = "number_order_phone_number";
  std::string id;
  std::string phone_number;
  std::string phone_number_type = "local";
  std::string status = "success";
  bool requirements_met = true;
  std::string requirements_status = "approved";
  std::optional<std::string> bundle_id;            // omitted while unset (a string in the spec)
  std::string country_code = "US";
  std::string country_iso_alpha2 = "US";
  bool operator==(const NumberOrderPhoneNumber& o) const;
};

// Optional strings of an order are omitted while unset: the spec types them as plain strings.
struct NumberOrder {
  std::string record_type = "number_order";
  std::string id;
  std::string status = "success";                  // pending | success | failure
  int phone_numbers_count = 0;
  std::vector<NumberOrderPhoneNumber> phone_numbers;
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> connection_id;
  std::optional<std::string> billing_group_id;
  std::optional<std::string> customer_reference;
  bool requirements_met = true;
  std::vector<std::string> sub_number_orders_ids;
  std::string created_at;
  std::string updated_at;
  bool operator==(const NumberOrder& o) const;
};

void to_json(json& j, const PhoneNumber& p);
void from_json(const json& j, PhoneNumber& p);
void to_json(json& j, const MessagingFeature& f);
void from_json(const json& j, MessagingFeature& f);
void to_json(json& j, const MessagingHealth& h);
void from_json(const json& j, MessagingHealth& h);
void to_json(json& j, const MessagingSettings& s);
void from_json(const json& j, MessagingSettings& s);
void to_json(json& j, const RegionInfo& r);
void from_json(const json& j, RegionInfo& r);
void to_json(json& j, const AvailableNumber& a);
void from_json(const json& j, AvailableNumber& a);
void to_json(json& j, const NumberOrderPhoneNumber& p);
void from_json(const json& j, NumberOrderPhoneNumber& p);
void to_json(json& j, const NumberOrder& o);
// A GET /v2/number_orders list item: the order with its numbers as {id, phone_number} only.
json number_order_list_item(const NumberOrder& o);
void from_json(const json& j, NumberOrder& o);

}  // namespace harness::core
