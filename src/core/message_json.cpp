#include "core/message_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

void value(std::string& out, double d) { append_json_number(out, d); }

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

void append_json_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (std::signbit(d)) out += '-';
  d = std::fabs(d);
  if (d == 0) {
    out += "0.0";
    return;
  }
  // The shortest digits that read back as `d`, as d.ddde[+-]x: `digits` without the point, the
  // value is 0.<digits> x 10^n.
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
  const std::string_view text(sci, static_cast<size_t>(r.ptr - sci));
  const size_t e_at = text.find('e');
  std::string digits(1, text[0]);
  if (e_at > 1) digits.append(text.substr(2, e_at - 2));
  const char* exp_begin = sci + e_at + 1;
  if (*exp_begin == '+') ++exp_begin;
  int exp10 = 0;
  std::from_chars(exp_begin, r.ptr, exp10);
  const int n = exp10 + 1;
  const int k = static_cast<int>(digits.size());
  // nlohmann's layout: plain decimals for -4 < n <= 15 (DBL_DIG), an exponent otherwise.
  constexpr int kMinExp = -4;
  constexpr int kMaxExp = 15;
  if (k <= n && n <= kMaxExp) {   // 1200.0
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= kMaxExp) {   // 12.5
    out.append(digits, 0, static_cast<size_t>(n));
    out += '.';
    out.append(digits, static_cast<size_t>(n), std::string::npos);
  } else if (kMinExp < n && n <= 0) {   // 0.0125
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {   // 1.25e-07, 1e+20: sign always, at least two exponent digits
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    const int e = n - 1;
    out += e < 0 ? "e-" : "e+";
    const int mag = std::abs(e);
    if (mag < 10) out += '0';
    out += std::to_string(mag);
  }
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
