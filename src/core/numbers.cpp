// Number models (contract §8.3). AvailableNumber flattens cost_information and features on the
// C++ side; the converters restore the nested wire shapes. NumberOrderPhoneNumber always writes
// "regulatory_requirements": [] because the mock has no regulatory model.
#include "core/numbers.h"

#include <tuple>
#include <utility>
#include "core/json_fields.h"

namespace harness::core {
using namespace detail;
namespace {

// Field tables, in the order a record is read.
constexpr auto kPhoneNumberFields = std::make_tuple(
    wire("id", &PhoneNumber::id, kRequired), wire("phone_number", &PhoneNumber::phone_number, kRequired),
    wire("record_type", &PhoneNumber::record_type), wire("status", &PhoneNumber::status),
    wire("messaging_profile_id", &PhoneNumber::messaging_profile_id),
    wire("messaging_profile_name", &PhoneNumber::messaging_profile_name),
    wire("connection_id", &PhoneNumber::connection_id), wire("phone_number_type", &PhoneNumber::phone_number_type),
    wire("tags", &PhoneNumber::tags), wire("country_iso_alpha2", &PhoneNumber::country_iso_alpha2),
    wire("created_at", &PhoneNumber::created_at), wire("updated_at", &PhoneNumber::updated_at),
    wire("purchased_at", &PhoneNumber::purchased_at), wire("activated_at", &PhoneNumber::activated_at),
    wire("external_pin", &PhoneNumber::external_pin),
    wire("deletion_lock_enabled", &PhoneNumber::deletion_lock_enabled),
    wire("billing_group_id", &PhoneNumber::billing_group_id), wire("connection_name", &PhoneNumber::connection_name),
    wire("customer_reference", &PhoneNumber::customer_reference),
    wire("emergency_address_id", &PhoneNumber::emergency_address_id),
    wire("messaging_campaign_id", &PhoneNumber::messaging_campaign_id),
    wire("source_type", &PhoneNumber::source_type),
    wire("call_forwarding_enabled", &PhoneNumber::call_forwarding_enabled),
    wire("call_recording_enabled", &PhoneNumber::call_recording_enabled),
    wire("caller_id_name_enabled", &PhoneNumber::caller_id_name_enabled),
    wire("cnam_listing_enabled", &PhoneNumber::cnam_listing_enabled),
    wire("emergency_enabled", &PhoneNumber::emergency_enabled),
    wire("emergency_status", &PhoneNumber::emergency_status),
    wire("hd_voice_enabled", &PhoneNumber::hd_voice_enabled),
    wire("inbound_call_screening", &PhoneNumber::inbound_call_screening),
    wire("t38_fax_gateway_enabled", &PhoneNumber::t38_fax_gateway_enabled));

constexpr auto kFeatureFields = std::make_tuple(
    wire("domestic_two_way", &MessagingFeature::domestic_two_way),
    wire("international_inbound", &MessagingFeature::international_inbound),
    wire("international_outbound", &MessagingFeature::international_outbound));

constexpr auto kHealthFields = std::make_tuple(
    wire("message_count", &MessagingHealth::message_count),
    wire("inbound_outbound_ratio", &MessagingHealth::inbound_outbound_ratio),
    wire("success_ratio", &MessagingHealth::success_ratio), wire("spam_ratio", &MessagingHealth::spam_ratio));

// features.sms and features.mms are nested, by hand.
constexpr auto kSettingsFields = std::make_tuple(
    wire("id", &MessagingSettings::id, kRequired), wire("phone_number", &MessagingSettings::phone_number, kRequired),
    wire("record_type", &MessagingSettings::record_type),
    wire("messaging_profile_id", &MessagingSettings::messaging_profile_id),
    wire("messaging_product", &MessagingSettings::messaging_product),
    wire("eligible_messaging_products", &MessagingSettings::eligible_messaging_products),
    wire("traffic_type", &MessagingSettings::traffic_type), wire("type", &MessagingSettings::type),
    wire("country_code", &MessagingSettings::country_code), wire("health", &MessagingSettings::health),
    wire("organization_id", &MessagingSettings::organization_id), wire("tags", &MessagingSettings::tags),
    wire("created_at", &MessagingSettings::created_at), wire("updated_at", &MessagingSettings::updated_at));

constexpr auto kRegionFields = std::make_tuple(wire("region_type", &RegionInfo::region_type, kRequired),
                                               wire("region_name", &RegionInfo::region_name, kRequired));

// cost_information (kCostFields, nested) and features ([{"name": ...}]) by hand.
constexpr auto kAvailableFields = std::make_tuple(
    wire("phone_number", &AvailableNumber::phone_number, kRequired), wire("record_type", &AvailableNumber::record_type),
    wire("vanity_format", &AvailableNumber::vanity_format, kOmitted),
    wire("best_effort", &AvailableNumber::best_effort), wire("quickship", &AvailableNumber::quickship),
    wire("reservable", &AvailableNumber::reservable),
    wire("region_information", &AvailableNumber::region_information));
constexpr auto kCostFields = std::make_tuple(wire("upfront_cost", &AvailableNumber::upfront_cost),
                                             wire("monthly_cost", &AvailableNumber::monthly_cost),
                                             wire("currency", &AvailableNumber::currency));

// Also written: "regulatory_requirements": [] (the mock has no regulatory model).
constexpr auto kOrderNumberFields = std::make_tuple(
    wire("phone_number", &NumberOrderPhoneNumber::phone_number, kRequired),
    wire("record_type", &NumberOrderPhoneNumber::record_type), wire("id", &NumberOrderPhoneNumber::id),
    wire("phone_number_type", &NumberOrderPhoneNumber::phone_number_type),
    wire("status", &NumberOrderPhoneNumber::status),
    wire("requirements_met", &NumberOrderPhoneNumber::requirements_met),
    wire("requirements_status", &NumberOrderPhoneNumber::requirements_status),
    wire("bundle_id", &NumberOrderPhoneNumber::bundle_id, kOmitted),
    wire("country_code", &NumberOrderPhoneNumber::country_code),
    wire("country_iso_alpha2", &NumberOrderPhoneNumber::country_iso_alpha2));

constexpr auto kOrderFields = std::make_tuple(
    wire("id", &NumberOrder::id, kRequired), wire("record_type", &NumberOrder::record_type),
    wire("status", &NumberOrder::status), wire("phone_numbers", &NumberOrder::phone_numbers),
    wire("phone_numbers_count", &NumberOrder::phone_numbers_count),
    wire("messaging_profile_id", &NumberOrder::messaging_profile_id, kOmitted),
    wire("connection_id", &NumberOrder::connection_id, kOmitted),
    wire("billing_group_id", &NumberOrder::billing_group_id, kOmitted),
    wire("customer_reference", &NumberOrder::customer_reference, kOmitted),
    wire("requirements_met", &NumberOrder::requirements_met),
    wire("sub_number_orders_ids", &NumberOrder::sub_number_orders_ids),
    wire("created_at", &NumberOrder::created_at), wire("updated_at", &NumberOrder::updated_at));

}  // namespace

bool PhoneNumber::operator==(const PhoneNumber& o) const { return equal_fields(*this, o, kPhoneNumberFields); }
bool MessagingFeature::operator==(const MessagingFeature& o) const { return equal_fields(*this, o, kFeatureFields); }
bool MessagingHealth::operator==(const MessagingHealth& o) const { return equal_fields(*this, o, kHealthFields); }
bool MessagingSettings::operator==(const MessagingSettings& o) const {
  return equal_fields(*this, o, kSettingsFields) && sms == o.sms && mms == o.mms;
}
bool RegionInfo::operator==(const RegionInfo& o) const { return equal_fields(*this, o, kRegionFields); }
bool AvailableNumber::operator==(const AvailableNumber& o) const {
  return equal_fields(*this, o, kAvailableFields) && equal_fields(*this, o, kCostFields) && features == o.features;
}
bool NumberOrderPhoneNumber::operator==(const NumberOrderPhoneNumber& o) const {
  return equal_fields(*this, o, kOrderNumberFields);
}
bool NumberOrder::operator==(const NumberOrder& o) const { return equal_fields(*this, o, kOrderFields); }

void to_json(json& j, const PhoneNumber& p) { j = to_object(p, kPhoneNumberFields); }
void from_json(const json& j, PhoneNumber& p) { p = from_object(j, kPhoneNumberFields); }

void to_json(json& j, const MessagingFeature& f) { j = to_object(f, kFeatureFields); }
void from_json(const json& j, MessagingFeature& f) { f = from_object(j, kFeatureFields); }
void to_json(json& j, const MessagingHealth& h) { j = to_object(h, kHealthFields); }
void from_json(const json& j, MessagingHealth& h) { h = from_object(j, kHealthFields); }
void to_json(json& j, const MessagingSettings& s) {
  j = to_object(s, kSettingsFields);
  j["features"] = json{{"sms", s.sms}, {"mms", s.mms}};
}
void from_json(const json& j, MessagingSettings& s) {
  s = from_object(j, kSettingsFields);
  if (auto it = j.find("features"); it != j.end() && it->is_object()) {
    read_opt(*it, "sms", s.sms);
    read_opt(*it, "mms", s.mms);
  }
}

void to_json(json& j, const RegionInfo& r) { j = to_object(r, kRegionFields); }
void from_json(const json& j, RegionInfo& r) { r = from_object(j, kRegionFields); }
void to_json(json& j, const AvailableNumber& a) {
  j = to_object(a, kAvailableFields);
  write_fields(j["cost_information"], a, kCostFields);
  json features = json::array();
  for (const auto& f : a.features) features.push_back(json{{"name", f}});
  j["features"] = std::move(features);
}
void from_json(const json& j, AvailableNumber& a) {
  a = from_object(j, kAvailableFields);
  if (auto it = j.find("cost_information"); it != j.end() && it->is_object()) read_fields(*it, a, kCostFields);
  if (auto it = j.find("features"); it != j.end() && !it->is_null()) {
    for (const auto& f : it->get_ref<const json::array_t&>()) a.features.push_back(f.at("name").get<std::string>());
  }
}

void to_json(json& j, const NumberOrderPhoneNumber& p) {
  j = to_object(p, kOrderNumberFields);
  j["regulatory_requirements"] = json::array();
}
void from_json(const json& j, NumberOrderPhoneNumber& p) { p = from_object(j, kOrderNumberFields); }
void to_json(json& j, const NumberOrder& o) { j = to_object(o, kOrderFields); }

json number_order_list_item(const NumberOrder& o) {
  json j = o;
  json numbers = json::array();
  for (const auto& n : o.phone_numbers) numbers.push_back(json{{"id", n.id}, {"phone_number", n.phone_number}});
  j["phone_numbers"] = std::move(numbers);
  return j;
}
void from_json(const json& j, NumberOrder& o) {
  o = from_object(j, kOrderFields);
  // Derived when absent so that a hand-written order stays consistent.
  if (auto it = j.find("phone_numbers_count"); it == j.end() || it->is_null())
    o.phone_numbers_count = static_cast<int>(o.phone_numbers.size());
}

}  // namespace harness::core
