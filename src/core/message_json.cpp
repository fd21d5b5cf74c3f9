#include "core/message_json.h"

#include <cstdio>
#include "core/json.h"

namespace harness::core {
namespace {

void key(std::string& out, const char* k) {
  out += '"';
  out += k;
  out += "\":";
}

void opt_string(std::string& out, const std::optional<std::string>& v) {
  if (v) {
    append_json_string(out, *v);
  } else {
    out += "null";
  }
}

void address(std::string& out, const core::MessageAddress& a) {
  out += "{\"phone_number\":";
  append_json_string(out, a.phone_number);
  out += ",\"carrier\":";
  opt_string(out, a.carrier);
  out += ",\"line_type\":";
  opt_string(out, a.line_type);
  if (a.status) {   // outbound `from` has no status (core::to_json omits it too)
    out += ",\"status\":";
    append_json_string(out, *a.status);
  }
  out += '}';
}

void money(std::string& out, const core::Money& m) {
  out += "{\"amount\":";
  append_json_string(out, m.amount);
  out += ",\"currency\":";
  append_json_string(out, m.currency);
  out += '}';
}

void addresses(std::string& out, const std::vector<core::MessageAddress>& list) {
  out += '[';
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    address(out, list[i]);
  }
  out += ']';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t plain = 0;   // start of the run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

void append_message_json(std::string& out, const core::Message& m) {
  out += "{\"record_type\":";
  append_json_string(out, m.record_type);
  out += ",\"id\":";
  append_json_string(out, m.id);
  out += ",\"direction\":";
  append_json_string(out, m.direction);
  out += ",\"type\":";
  append_json_string(out, m.type);
  out += ',';
  key(out, "messaging_profile_id");
  opt_string(out, m.messaging_profile_id);
  out += ',';
  key(out, "organization_id");
  opt_string(out, m.organization_id);
  out += ",\"from\":";
  address(out, m.from);
  out += ",\"to\":";
  addresses(out, m.to);
  out += ",\"cc\":";
  addresses(out, m.cc);
  out += ",\"text\":";
  opt_string(out, m.text);
  out += ",\"subject\":";
  opt_string(out, m.subject);
  const bool inbound = m.direction == "inbound";
  out += ",\"media\":[";
  for (size_t i = 0; i < m.media.size(); ++i) {
    const auto& md = m.media[i];
    if (i) out += ',';
    out += "{\"url\":";
    append_json_string(out, md.url);
    if (inbound) {
      // SPEC InboundMessagePayload: hash_sha256, and absent rather than null fields.
      if (md.content_type) {
        out += ",\"content_type\":";
        append_json_string(out, *md.content_type);
      }
      if (md.sha256) {
        out += ",\"hash_sha256\":";
        append_json_string(out, *md.sha256);
      }
      if (md.size) out += ",\"size\":" + std::to_string(*md.size);
      out += '}';
      continue;
    }
    out += ",\"content_type\":";
    opt_string(out, md.content_type);
    out += ",\"sha256\":";
    opt_string(out, md.sha256);
    out += ",\"size\":";
    out += md.size ? std::to_string(*md.size) : std::string("null");
    out += '}';
  }
  out += "],\"encoding\":";
  append_json_string(out, m.encoding);
  out += ",\"parts\":";
  out += std::to_string(m.parts);
  out += ",\"num_chars\":";
  out += m.num_chars ? std::to_string(*m.num_chars) : std::string("null");
  out += ",\"cost\":";
  if (m.cost) {
    money(out, *m.cost);
  } else {
    out += "null";
  }
  out += ",\"cost_breakdown\":";
  if (m.cost_breakdown) {
    out += "{\"rate\":";
    money(out, m.cost_breakdown->rate);
    out += ",\"carrier_fee\":";
    money(out, m.cost_breakdown->carrier_fee);
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"received_at\":";
  opt_string(out, m.received_at);
  out += ",\"sent_at\":";
  opt_string(out, m.sent_at);
  out += ",\"completed_at\":";
  opt_string(out, m.completed_at);
  out += ",\"valid_until\":";
  opt_string(out, m.valid_until);
  out += ",\"errors\":";
  if (m.errors.empty()) {
    out += "[]";
  } else {
    // Rare (failed deliveries only): the catalogue's own serialiser.
    out += core::json(m.errors).dump();
  }
  out += ",\"tags\":[";
  for (size_t i = 0; i < m.tags.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, m.tags[i]);
  }
  out += "],\"webhook_url\":";
  opt_string(out, m.webhook_url);
  out += ",\"webhook_failover_url\":";
  opt_string(out, m.webhook_failover_url);
  out += ",\"tcr_campaign_billable\":";
  out += m.tcr_campaign_billable ? "true" : "false";
  out += ",\"tcr_campaign_id\":";
  opt_string(out, m.tcr_campaign_id);
  out += ",\"tcr_campaign_registered\":";
  opt_string(out, m.tcr_campaign_registered);
  if (!inbound) {
    out += ",\"smart_encoding_applied\":";
    out += m.smart_encoding_applied ? "true" : "false";
    out += ",\"wait_seconds\":";
    out += m.wait_seconds ? core::json(*m.wait_seconds).dump() : std::string("null");
  }
  out += '}';
}

std::string message_envelope(const core::Message& m) {
  std::string out;
  out.reserve(1024);
  out += "{\"data\":";
  append_message_json(out, m);
  out += '}';
  return out;
}

}  // namespace harness::core
