// Number models (contract §8.3). AvailableNumber flattens cost_information and features on the
// C++ side; the converters restore the nested wire shapes. NumberOrderPhoneNumber always writes
// "regulatory_requirements": [] because the mock has no regulatory model.
#include "core/numbers.h"

#include <utility>
#include "core/json_fields.h"

namespace harness::core {

using detail::read_opt;
using detail::read_or_keep;

bool PhoneNumber::operator==(const PhoneNumber& o) const {
  return record_type == o.record_type && id == o.id && phone_number == o.phone_number && status == o.status &&
         messaging_profile_id == o.messaging_profile_id && messaging_profile_name == o.messaging_profile_name &&
         connection_id == o.connection_id && phone_number_type == o.phone_number_type && tags == o.tags &&
         country_iso_alpha2 == o.country_iso_alpha2 && created_at == o.created_at && updated_at == o.updated_at &&
         purchased_at == o.purchased_at && activated_at == o.activated_at && external_pin == o.external_pin &&
         deletion_lock_enabled == o.deletion_lock_enabled && billing_group_id == o.billing_group_id &&
         connection_name == o.connection_name && customer_reference == o.customer_reference &&
         emergency_address_id == o.emergency_address_id && messaging_campaign_id == o.messaging_campaign_id &&
         source_type == o.source_type && call_forwarding_enabled == o.call_forwarding_enabled &&
         call_recording_enabled == o.call_recording_enabled && caller_id_name_enabled == o.caller_id_name_enabled &&
         cnam_listing_enabled == o.cnam_listing_enabled && emergency_enabled == o.emergency_enabled &&
         emergency_status == o.emergency_status && hd_voice_enabled == o.hd_voice_enabled &&
         inbound_call_screening == o.inbound_call_screening && t38_fax_gateway_enabled == o.t38_fax_gateway_enabled;
}
bool MessagingFeature::operator==(const MessagingFeature& o) const {
  return domestic_two_way == o.domestic_two_way && international_inbound == o.international_inbound &&
         international_outbound == o.international_outbound;
}
bool MessagingHealth::operator==(const MessagingHealth& o) const {
  return message_count == o.message_count && inbound_outbound_ratio == o.inbound_outbound_ratio &&
         success_ratio == o.success_ratio && spam_ratio == o.spam_ratio;
}
bool MessagingSettings::operator==(const MessagingSettings& o) const {
  return record_type == o.record_type && id == o.id && phone_number == o.phone_number &&
         messaging_profile_id == o.messaging_profile_id && messaging_product == o.messaging_product &&
         eligible_messaging_products == o.eligible_messaging_products && traffic_type == o.traffic_type &&
         type == o.type && country_code == o.country_code && sms == o.sms && mms == o.mms && health == o.health &&
         organization_id == o.organization_id && tags == o.tags && created_at == o.created_at &&
         updated_at == o.updated_at;
}
bool RegionInfo::operator==(const RegionInfo& o) const {
  return region_type == o.region_type && region_name == o.region_name;
}
bool AvailableNumber::operator==(const AvailableNumber& o) const {
  return record_type == o.record_type && phone_number == o.phone_number && vanity_format == o.vanity_format &&
         best_effort == o.best_effort && quickship == o.quickship && reservable == o.reservable &&
         region_information == o.region_information && upfront_cost == o.upfront_cost &&
         monthly_cost == o.monthly_cost && currency == o.currency && features == o.features;
}
bool NumberOrderPhoneNumber::operator==(const NumberOrderPhoneNumber& o) const {
  return record_type == o.record_type && id == o.id && phone_number == o.phone_number &&
         phone_number_type == o.phone_number_type && status == o.status && requirements_met == o.requirements_met &&
         requirements_status == o.requirements_status && bundle_id == o.bundle_id && country_code == o.country_code &&
         country_iso_alpha2 == o.country_iso_alpha2;
}
bool NumberOrder::operator==(const NumberOrder& o) const {
  return record_type == o.record_type && id == o.id && status == o.status &&
         phone_numbers_count == o.phone_numbers_count && phone_numbers == o.phone_numbers &&
         messaging_profile_id == o.messaging_profile_id && connection_id == o.connection_id &&
         billing_group_id == o.billing_group_id && customer_reference == o.customer_reference &&
         requirements_met == o.requirements_met && sub_number_orders_ids == o.sub_number_orders_ids &&
         created_at == o.created_at && updated_at == o.updated_at;
}

// ---- PhoneNumber: required id, phone_number ----
void to_json(json& j, const PhoneNumber& p) {
  j = json{{"record_type", p.record_type},
           {"id", p.id},
           {"phone_number", p.phone_number},
           {"status", p.status},
           {"messaging_profile_id", p.messaging_profile_id},
           {"messaging_profile_name", p.messaging_profile_name},
           {"connection_id", p.connection_id},
           {"phone_number_type", p.phone_number_type},
           {"tags", p.tags},
           {"country_iso_alpha2", p.country_iso_alpha2},
           {"created_at", p.created_at},
           {"updated_at", p.updated_at},
           {"purchased_at", p.purchased_at},
           {"activated_at", p.activated_at},
           {"external_pin", p.external_pin},
           {"deletion_lock_enabled", p.deletion_lock_enabled},
           {"billing_group_id", p.billing_group_id},
           {"connection_name", p.connection_name},
           {"customer_reference", p.customer_reference},
           {"emergency_address_id", p.emergency_address_id},
           {"messaging_campaign_id", p.messaging_campaign_id},
           {"source_type", p.source_type},
           {"call_forwarding_enabled", p.call_forwarding_enabled},
           {"call_recording_enabled", p.call_recording_enabled},
           {"caller_id_name_enabled", p.caller_id_name_enabled},
           {"cnam_listing_enabled", p.cnam_listing_enabled},
           {"emergency_enabled", p.emergency_enabled},
           {"emergency_status", p.emergency_status},
           {"hd_voice_enabled", p.hd_voice_enabled},
           {"inbound_call_screening", p.inbound_call_screening},
           {"t38_fax_gateway_enabled", p.t38_fax_gateway_enabled}};
  if (j["tags"].is_null()) j["tags"] = json::array();
}
void from_json(const json& j, PhoneNumber& p) {
  p = PhoneNumber{};
  p.id = j.at("id").get<std::string>();
  p.phone_number = j.at("phone_number").get<std::string>();
  read_or_keep(j, "record_type", p.record_type);
  read_or_keep(j, "status", p.status);
  read_opt(j, "messaging_profile_id", p.messaging_profile_id);
  read_opt(j, "messaging_profile_name", p.messaging_profile_name);
  read_opt(j, "connection_id", p.connection_id);
  read_or_keep(j, "phone_number_type", p.phone_number_type);
  read_or_keep(j, "tags", p.tags);
  read_or_keep(j, "country_iso_alpha2", p.country_iso_alpha2);
  read_or_keep(j, "created_at", p.created_at);
  read_or_keep(j, "updated_at", p.updated_at);
  read_opt(j, "purchased_at", p.purchased_at);
  read_opt(j, "activated_at", p.activated_at);
  read_opt(j, "external_pin", p.external_pin);
  read_or_keep(j, "deletion_lock_enabled", p.deletion_lock_enabled);
  read_opt(j, "billing_group_id", p.billing_group_id);
  read_opt(j, "connection_name", p.connection_name);
  read_opt(j, "customer_reference", p.customer_reference);
  read_opt(j, "emergency_address_id", p.emergency_address_id);
  read_opt(j, "messaging_campaign_id", p.messaging_campaign_id);
  read_opt(j, "source_type", p.source_type);
  read_or_keep(j, "call_forwarding_enabled", p.call_forwarding_enabled);
  read_or_keep(j, "call_recording_enabled", p.call_recording_enabled);
  read_or_keep(j, "caller_id_name_enabled", p.caller_id_name_enabled);
  read_or_keep(j, "cnam_listing_enabled", p.cnam_listing_enabled);
  read_or_keep(j, "emergency_enabled", p.emergency_enabled);
  read_or_keep(j, "emergency_status", p.emergency_status);
  read_or_keep(j, "hd_voice_enabled", p.hd_voice_enabled);
  read_or_keep(j, "inbound_call_screening", p.inbound_call_screening);
  read_or_keep(j, "t38_fax_gateway_enabled", p.t38_fax_gateway_enabled);
}

// ---- MessagingSettings: required id, phone_number ----
void to_json(json& j, const MessagingFeature& f) {
  j = json{{"domestic_two_way", f.domestic_two_way},
           {"international_inbound", f.international_inbound},
           {"international_outbound", f.international_outbound}};
}
void from_json(const json& j, MessagingFeature& f) {
  f = MessagingFeature{};
  read_or_keep(j, "domestic_two_way", f.domestic_two_way);
  read_or_keep(j, "international_inbound", f.international_inbound);
  read_or_keep(j, "international_outbound", f.international_outbound);
}
void to_json(json& j, const MessagingHealth& h) {
  j = json{{"message_count", h.message_count},
           {"inbound_outbound_ratio", h.inbound_outbound_ratio},
           {"success_ratio", h.success_ratio},
           {"spam_ratio", h.spam_ratio}};
}
void from_json(const json& j, MessagingHealth& h) {
  h = MessagingHealth{};
  read_or_keep(j, "message_count", h.message_count);
  read_or_keep(j, "inbound_outbound_ratio", h.inbound_outbound_ratio);
  read_or_keep(j, "success_ratio", h.success_ratio);
  read_or_keep(j, "spam_ratio", h.spam_ratio);
}
void to_json(json& j, const MessagingSettings& s) {
  j = json{{"record_type", s.record_type},
           {"id", s.id},
           {"phone_number", s.phone_number},
           {"messaging_profile_id", s.messaging_profile_id},
           {"messaging_product", s.messaging_product},
           {"eligible_messaging_products", s.eligible_messaging_products},
           {"traffic_type", s.traffic_type},
           {"type", s.type},
           {"country_code", s.country_code},
           {"features", {{"sms", s.sms}, {"mms", s.mms}}},
           {"health", s.health},
           {"organization_id", s.organization_id},
           {"tags", s.tags},
           {"created_at", s.created_at},
           {"updated_at", s.updated_at}};
  for (const char* k : {"eligible_messaging_products", "tags"})
    if (j[k].is_null()) j[k] = json::array();
}
void from_json(const json& j, MessagingSettings& s) {
  s = MessagingSettings{};
  s.id = j.at("id").get<std::string>();
  s.phone_number = j.at("phone_number").get<std::string>();
  read_or_keep(j, "record_type", s.record_type);
  read_opt(j, "messaging_profile_id", s.messaging_profile_id);
  read_or_keep(j, "messaging_product", s.messaging_product);
  read_or_keep(j, "eligible_messaging_products", s.eligible_messaging_products);
  read_or_keep(j, "traffic_type", s.traffic_type);
  read_or_keep(j, "type", s.type);
  read_or_keep(j, "country_code", s.country_code);
  if (auto it = j.find("features"); it != j.end() && it->is_object()) {
    read_opt(*it, "sms", s.sms);
    read_opt(*it, "mms", s.mms);
  }
  read_or_keep(j, "health", s.health);
  read_opt(j, "organization_id", s.organization_id);
  read_or_keep(j, "tags", s.tags);
  read_or_keep(j, "created_at", s.created_at);
  read_or_keep(j, "updated_at", s.updated_at);
}

// ---- AvailableNumber: required phone_number ----
void to_json(json& j, const RegionInfo& r) {
  j = json{{"region_type", r.region_type}, {"region_name", r.region_name}};
}
void from_json(const json& j, RegionInfo& r) {
  r.region_type = j.at("region_type").get<std::string>();
  r.region_name = j.at("region_name").get<std::string>();
}
void to_json(json& j, const AvailableNumber& a) {
  json features = json::array();
  for (const auto& f : a.features) features.push_back(json{{"name", f}});
  j = json{{"record_type", a.record_type},
           {"phone_number", a.phone_number},
           {"best_effort", a.best_effort},
           {"quickship", a.quickship},
           {"reservable", a.reservable},
           {"region_information", a.region_information},
           {"cost_information",
            {{"upfront_cost", a.upfront_cost}, {"monthly_cost", a.monthly_cost}, {"currency", a.currency}}},
           {"features", std::move(features)}};
  if (j["region_information"].is_null()) j["region_information"] = json::array();
  if (a.vanity_format) j["vanity_format"] = *a.vanity_format;   // a string in the spec: omitted, never null
}
void from_json(const json& j, AvailableNumber& a) {
  a = AvailableNumber{};
  a.phone_number = j.at("phone_number").get<std::string>();
  read_or_keep(j, "record_type", a.record_type);
  read_opt(j, "vanity_format", a.vanity_format);
  read_or_keep(j, "best_effort", a.best_effort);
  read_or_keep(j, "quickship", a.quickship);
  read_or_keep(j, "reservable", a.reservable);
  read_or_keep(j, "region_information", a.region_information);
  if (auto it = j.find("cost_information"); it != j.end() && it->is_object()) {
    read_or_keep(*it, "upfront_cost", a.upfront_cost);
    read_or_keep(*it, "monthly_cost", a.monthly_cost);
    read_or_keep(*it, "currency", a.currency);
  }
  if (auto it = j.find("features"); it != j.end() && !it->is_null()) {
    for (const auto& f : it->get_ref<const json::array_t&>()) a.features.push_back(f.at("name").get<std::string>());
  }
}

// ---- NumberOrder: required id ----
void to_json(json& j, const NumberOrderPhoneNumber& p) {
  j = json{{"record_type", p.record_type},
           {"id", p.id},
           {"phone_number", p.phone_number},
           {"phone_number_type", p.phone_number_type},
           {"status", p.status},
           {"requirements_met", p.requirements_met},
           {"requirements_status", p.requirements_status},
           {"regulatory_requirements", json::array()},
           {"country_code", p.country_code},
           {"country_iso_alpha2", p.country_iso_alpha2}};
  if (p.bundle_id) j["bundle_id"] = *p.bundle_id;
}
void from_json(const json& j, NumberOrderPhoneNumber& p) {
  p = NumberOrderPhoneNumber{};
  p.phone_number = j.at("phone_number").get<std::string>();
  read_or_keep(j, "record_type", p.record_type);
  read_or_keep(j, "id", p.id);
  read_or_keep(j, "phone_number_type", p.phone_number_type);
  read_or_keep(j, "status", p.status);
  read_or_keep(j, "requirements_met", p.requirements_met);
  read_or_keep(j, "requirements_status", p.requirements_status);
  read_opt(j, "bundle_id", p.bundle_id);
  read_or_keep(j, "country_code", p.country_code);
  read_or_keep(j, "country_iso_alpha2", p.country_iso_alpha2);
}
void to_json(json& j, const NumberOrder& o) {
  j = json{{"record_type", o.record_type},
           {"id", o.id},
           {"status", o.status},
           {"phone_numbers_count", o.phone_numbers_count},
           {"phone_numbers", o.phone_numbers},
           {"requirements_met", o.requirements_met},
           {"sub_number_orders_ids", o.sub_number_orders_ids},
           {"created_at", o.created_at},
           {"updated_at", o.updated_at}};
  for (const char* k : {"phone_numbers", "sub_number_orders_ids"})
    if (j[k].is_null()) j[k] = json::array();
  for (auto [k, v] : {std::pair<const char*, const std::optional<std::string>*>{"messaging_profile_id", &o.messaging_profile_id},
                      {"connection_id", &o.connection_id},
                      {"billing_group_id", &o.billing_group_id},
                      {"customer_reference", &o.customer_reference}})
    if (*v) j[k] = **v;
}

json number_order_list_item(const NumberOrder& o) {
  json j = o;
  json numbers = json::array();
  for (const auto& n : o.phone_numbers) numbers.push_back(json{{"id", n.id}, {"phone_number", n.phone_number}});
  j["phone_numbers"] = std::move(numbers);
  return j;
}
void from_json(const json& j, NumberOrder& o) {
  o = NumberOrder{};
  o.id = j.at("id").get<std::string>();
  read_or_keep(j, "record_type", o.record_type);
  read_or_keep(j, "status", o.status);
  read_or_keep(j, "phone_numbers", o.phone_numbers);
  // Derived when absent so that a hand-written order stays consistent.
  o.phone_numbers_count = static_cast<int>(o.phone_numbers.size());
  read_or_keep(j, "phone_numbers_count", o.phone_numbers_count);
  read_opt(j, "messaging_profile_id", o.messaging_profile_id);
  read_opt(j, "connection_id", o.connection_id);
  read_opt(j, "billing_group_id", o.billing_group_id);
  read_opt(j, "customer_reference", o.customer_reference);
  read_or_keep(j, "requirements_met", o.requirements_met);
  read_or_keep(j, "sub_number_orders_ids", o.sub_number_orders_ids);
  read_or_keep(j, "created_at", o.created_at);
  read_or_keep(j, "updated_at", o.updated_at);
}

}  // namespace harness::core
