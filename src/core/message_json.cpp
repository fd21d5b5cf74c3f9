#include "core/message_json.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include "core/json.h"

namespace harness::core {
namespace {

// One writer per wire type: null for an empty optional, arrays always written. A field is its
// key (with the separator before it, e.g. ",\"id\":") followed by its value.
// Declared first so that the templates below see every overload.
struct InboundMedia;
void value(std::string& out, std::string_view s);
void value(std::string& out, bool b);
void value(std::string& out, int n);
void value(std::string& out, int64_t n);
void value(std::string& out, double d);
void value(std::string& out, const core::MessageAddress& a);
void value(std::string& out, const core::Money& m);
void value(std::string& out, const core::CostBreakdown& c);
void value(std::string& out, const core::MediaItem& m);
void value(std::string& out, const InboundMedia& m);
void value(std::string& out, const std::vector<core::ErrorObject>& errors);

void value(std::string& out, std::string_view s) { append_json_string(out, s); }
void value(std::string& out, bool b) { out += b ? "true" : "false"; }
void value(std::string& out, int n) { value(out, int64_t{n}); }

void value(std::string& out, int64_t n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void value(std::string& out, double d) { out += core::json(d).dump(); }

template <class T>
void value(std::string& out, const std::optional<T>& v) {
  if (v) {
    value(out, *v);
  } else {
    out += "null";
  }
}

template <class T>
void value(std::string& out, const std::vector<T>& list) {
  out += '[';
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    value(out, list[i]);
  }
  out += ']';
}

template <class T>
void field(std::string& out, std::string_view key, const T& v) {
  out += key;
  value(out, v);
}

// An absent optional leaves the field out altogether.
template <class T>
void field_if(std::string& out, std::string_view key, const std::optional<T>& v) {
  if (v) field(out, key, *v);
}

void value(std::string& out, const core::MessageAddress& a) {
  field(out, "{\"phone_number\":", a.phone_number);
  field(out, ",\"carrier\":", a.carrier);
  field(out, ",\"line_type\":", a.line_type);
  field_if(out, ",\"status\":", a.status);   // outbound `from` has no status (core::to_json omits it too)
  out += '}';
}

void value(std::string& out, const core::Money& m) {
  field(out, "{\"amount\":", m.amount);
  field(out, ",\"currency\":", m.currency);
  out += '}';
}

void value(std::string& out, const core::CostBreakdown& c) {
  field(out, "{\"rate\":", c.rate);
  field(out, ",\"carrier_fee\":", c.carrier_fee);
  out += '}';
}

// Inbound media (SPEC InboundMessagePayload) says hash_sha256 and leaves empty fields out;
// outbound media writes them as null.
struct InboundMedia {
  const core::MediaItem& item;
};

void value(std::string& out, const InboundMedia& m) {
  field(out, "{\"url\":", m.item.url);
  field_if(out, ",\"content_type\":", m.item.content_type);
  field_if(out, ",\"hash_sha256\":", m.item.sha256);
  field_if(out, ",\"size\":", m.item.size);
  out += '}';
}

void value(std::string& out, const core::MediaItem& m) {
  field(out, "{\"url\":", m.url);
  field(out, ",\"content_type\":", m.content_type);
  field(out, ",\"sha256\":", m.sha256);
  field(out, ",\"size\":", m.size);
  out += '}';
}

void value(std::string& out, const std::vector<core::ErrorObject>& errors) {
  if (errors.empty()) {
    out += "[]";
  } else {
    // Rare (failed deliveries only): the catalogue's own serialiser.
    out += core::json(errors).dump();
  }
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
  const bool inbound = m.direction == "inbound";
  field(out, "{\"record_type\":", m.record_type);
  field(out, ",\"id\":", m.id);
  field(out, ",\"direction\":", m.direction);
  field(out, ",\"type\":", m.type);
  field(out, ",\"messaging_profile_id\":", m.messaging_profile_id);
  field(out, ",\"organization_id\":", m.organization_id);
  field(out, ",\"from\":", m.from);
  field(out, ",\"to\":", m.to);
  field(out, ",\"cc\":", m.cc);
  field(out, ",\"text\":", m.text);
  field(out, ",\"subject\":", m.subject);
  out += ",\"media\":[";
  for (size_t i = 0; i < m.media.size(); ++i) {
    if (i) out += ',';
    if (inbound) {
      value(out, InboundMedia{m.media[i]});
    } else {
      value(out, m.media[i]);
    }
  }
  field(out, "],\"encoding\":", m.encoding);
  field(out, ",\"parts\":", m.parts);
  field(out, ",\"num_chars\":", m.num_chars);
  field(out, ",\"cost\":", m.cost);
  field(out, ",\"cost_breakdown\":", m.cost_breakdown);
  field(out, ",\"received_at\":", m.received_at);
  field(out, ",\"sent_at\":", m.sent_at);
  field(out, ",\"completed_at\":", m.completed_at);
  field(out, ",\"valid_until\":", m.valid_until);
  field(out, ",\"errors\":", m.errors);
  field(out, ",\"tags\":", m.tags);
  field(out, ",\"webhook_url\":", m.webhook_url);
  field(out, ",\"webhook_failover_url\":", m.webhook_failover_url);
  field(out, ",\"tcr_campaign_billable\":", m.tcr_campaign_billable);
  field(out, ",\"tcr_campaign_id\":", m.tcr_campaign_id);
  field(out, ",\"tcr_campaign_registered\":", m.tcr_campaign_registered);
  if (!inbound) {
    field(out, ",\"smart_encoding_applied\":", m.smart_encoding_applied);
    field(out, ",\"wait_seconds\":", m.wait_seconds);
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
