#include "scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "core/encoding.h"
#include "core/errors.h"
#include "core/units.h"
#include "yaml/bounded_yaml.h"
#include "yaml/fields.h"

namespace harness::mock::scenario {
namespace {

using yaml::boolean;
using yaml::check_keys;
using yaml::duration;
using yaml::fail;
using yaml::number;
using yaml::probability;
using yaml::scalar;
using yaml::to_json;
using yaml::unsigned_int;

int http_status(const YAML::Node& n) {
  const uint64_t v = unsigned_int(n, "status");
  if (v < 100 || v > 599) fail(n, "status: expected an HTTP status between 100 and 599");
  return static_cast<int>(v);
}

int error_code(const YAML::Node& n, const char* what) {
  const uint64_t v = unsigned_int(n, what);
  if (v > 99999 || !core::find_error(static_cast<int>(v)))
    fail(n, std::string(what) + ": unknown Telnyx error code " + n.Scalar() + " (see the catalogue in core/errors.h)");
  return static_cast<int>(v);
}

KeySelector key_selector(const YAML::Node& n, const char* what) {
  auto k = parse_key_selector(scalar(n, what));
  if (!k) fail(n, std::string(what) + ": expected api_key, method, path, body.<field>, header.<name> or query.<name>");
  return *k;
}

std::vector<FieldGlob> field_globs(const YAML::Node& n, KeySelector::Source src, const char* what) {
  if (!n.IsMap()) fail(n, std::string(what) + ": expected a mapping of name: glob");
  std::vector<FieldGlob> out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    FieldGlob g;
    g.field.source = src;
    g.field.name = it->first.Scalar();
    if (src == KeySelector::Source::Header)
      std::transform(g.field.name.begin(), g.field.name.end(), g.field.name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    g.field.text = g.field.name;
    g.glob = scalar(it->second, what);
    out.push_back(std::move(g));
  }
  return out;
}

Match match(const YAML::Node& n) {
  check_keys(n, "match", {"method", "path", "query", "headers", "api_key", "body"});
  Match m;
  if (auto v = n["method"]) {
    std::string s = scalar(v, "match.method");
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    static const std::set<std::string> kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    if (!kMethods.count(s)) fail(v, "match.method: expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS");
    m.method = s;
  }
  if (auto v = n["path"]) m.path = scalar(v, "match.path");
  if (auto v = n["api_key"]) m.api_key = scalar(v, "match.api_key");
  if (auto v = n["query"]) m.query = field_globs(v, KeySelector::Source::Query, "match.query");
  if (auto v = n["headers"]) m.headers = field_globs(v, KeySelector::Source::Header, "match.headers");
  if (auto v = n["body"]) m.body = field_globs(v, KeySelector::Source::Body, "match.body");
  return m;
}

FaultKind fault_kind(const YAML::Node& n) {
  const std::string s = scalar(n, "fault");
  if (s == "timeout") return FaultKind::Timeout;
  if (s == "connection_reset") return FaultKind::ConnectionReset;
  if (s == "empty_response") return FaultKind::EmptyResponse;
  if (s == "malformed_response") return FaultKind::MalformedResponse;
  if (s == "accept_then_drop") return FaultKind::AcceptThenDrop;
  fail(n, "fault: expected timeout, connection_reset, empty_response, malformed_response or accept_then_drop, got '" + s + "'");
}


void respond(const YAML::Node& n, Action& a) {
  check_keys(n, "respond", {"status", "error", "detail", "headers", "body"});
  a.kind = Action::Kind::Respond;
  if (auto v = n["error"]) a.error = error_code(v, "respond.error");
  if (auto v = n["status"]) {
    a.status = http_status(v);
  } else if (a.error) {
    const int s = core::find_error(*a.error)->http_status;
    if (s == 0) fail(n["error"], "respond.error: " + std::to_string(*a.error) + " is a delivery error with no HTTP status; add status:");
    a.status = s;
  } else {
    fail(n, "respond: expected status, error or both");
  }
  if (auto v = n["detail"]) a.detail = scalar(v, "respond.detail");
  if (auto v = n["headers"]) {
    if (!v.IsMap()) fail(v, "respond.headers: expected a mapping of header: value");
    for (auto it = v.begin(); it != v.end(); ++it)
      a.headers.emplace_back(it->first.Scalar(), scalar(it->second, "respond.headers"));
  }
  if (auto v = n["body"]) {
    // A mapping or sequence is written as JSON, so scenarios can state bodies naturally.
    a.body = v.IsScalar() ? v.Scalar() : to_json(v).dump();
  }
}

// An action written as a mapping: {respond: ...} | {fault: ...} | {pass: ...}, each with delay.
Action action_from(const YAML::Node& n, const char* what, bool allow_rule_keys) {
  Action a;
  int kinds = 0;
  if (auto v = n["respond"]) { respond(v, a); ++kinds; }
  if (auto v = n["fault"]) { a.kind = Action::Kind::Fault; a.fault = fault_kind(v); ++kinds; }
  if (n["pass"]) ++kinds;
  if (auto v = n["delay"]) a.delay = duration(v, "delay");
  if (kinds > 1) fail(n, std::string(what) + ": expected only one of respond, fault, pass");
  if (kinds == 0 && !n["delay"] && !allow_rule_keys)
    fail(n, std::string(what) + ": expected respond, fault, pass or delay");
  return a;
}

Action step(const YAML::Node& n) {
  if (n.IsScalar()) {
    if (n.Scalar() == "pass") return Action{};
    fail(n, "sequence step: expected 'pass' or a mapping with respond, fault, pass or delay");
  }
  check_keys(n, "sequence step", {"respond", "fault", "pass", "delay"});
  return action_from(n, "sequence step", false);
}

Rule rule(const YAML::Node& n, size_t index) {
  check_keys(n, "rule", {"name", "match", "per", "sequence", "respond", "fault", "pass", "delay", "after",
                         "every", "times", "probability", "machine", "when_state", "set_state"});
  Rule r;
  r.name = n["name"] ? scalar(n["name"], "rule.name") : "rule-" + std::to_string(index + 1);
  if (auto v = n["match"]) r.match = match(v);
  if (auto v = n["per"]) r.per = key_selector(v, "rule.per");
  const bool has_action = n["respond"] || n["fault"] || n["pass"] || n["delay"];
  if (auto v = n["sequence"]) {
    if (has_action) fail(v, "rule '" + r.name + "': sequence cannot be combined with respond, fault, pass or delay");
    if (!v.IsSequence() || v.size() == 0) fail(v, "sequence: expected a non-empty list of steps");
    for (const auto& s : v) r.sequence.push_back(step(s));
  } else if (has_action) {
    r.action = action_from(n, "rule", false);
  } else {
    fail(n, "rule '" + r.name + "': expected one of sequence, respond, fault, pass or delay");
  }
  if (auto v = n["after"]) r.after = unsigned_int(v, "after");
  if (auto v = n["every"]) r.every = unsigned_int(v, "every", 1);
  if (auto v = n["times"]) r.times = unsigned_int(v, "times", 1);
  if (auto v = n["probability"]) r.probability = probability(v, "probability");
  if (auto v = n["machine"]) r.machine = scalar(v, "machine");
  if (auto v = n["when_state"]) r.when_state = scalar(v, "when_state");
  if (auto v = n["set_state"]) r.set_state = scalar(v, "set_state");
  return r;
}

RateLimit rate_limit(const YAML::Node& n) {
  check_keys(n, "rate_limits entry", {"per", "rate", "burst", "match", "retry_after"});
  RateLimit rl;
  if (auto v = n["per"]) {
    const std::string s = scalar(v, "per");
    if (s == "api_key") rl.per = RateLimit::Per::ApiKey;
    else if (s == "profile") rl.per = RateLimit::Per::Profile;
    else if (s == "from") rl.per = RateLimit::Per::From;
    else fail(v, "per: expected api_key, profile or from, got '" + s + "'");
  }
  if (!n["rate"]) fail(n, "rate_limits entry: expected rate (e.g. 50/s)");
  const std::string rate = scalar(n["rate"], "rate");
  auto r = core::parse_rate_per_second(rate);
  if (!r || *r <= 0) fail(n["rate"], "rate: expected a positive rate like 50/s or 3000/m, got '" + rate + "'");
  rl.rate_per_second = *r;
  rl.burst = n["burst"] ? static_cast<double>(unsigned_int(n["burst"], "burst", 1)) : std::max(1.0, std::ceil(*r));
  if (auto v = n["match"]) {
    rl.match = match(v);
  } else {
    rl.match.method = "POST";
    rl.match.path = "/v2/messages*";
  }
  if (auto v = n["retry_after"]) rl.retry_after = boolean(v, "retry_after");
  return rl;
}

void outcomes(const YAML::Node& v, std::vector<OutcomeRule>& out_rules) {
  if (!v.IsSequence()) fail(v, "webhooks.outcomes: expected a list");
  static const std::set<std::string> kTerminal{"delivered", "delivery_failed", "sending_failed",
                                               "delivery_unconfirmed", "expired"};
  for (const auto& o : v) {
    check_keys(o, "outcome", {"match", "status", "errors"});
    OutcomeRule out;
    if (auto m = o["match"]) {
      check_keys(m, "outcome.match", {"to", "from", "text"});
      if (m["to"]) out.to = scalar(m["to"], "to");
      if (m["from"]) out.from = scalar(m["from"], "from");
      if (m["text"]) out.text = scalar(m["text"], "text");
    }
    if (auto s = o["status"]) {
      out.status = scalar(s, "status");
      if (!kTerminal.count(out.status))
        fail(s, "status: expected delivered, delivery_failed, sending_failed, delivery_unconfirmed or expired");
    }
    if (auto e = o["errors"]) {
      if (!e.IsSequence()) fail(e, "errors: expected a list of Telnyx codes");
      for (const auto& c : e) out.errors.push_back(error_code(c, "errors"));
    }
    out_rules.push_back(std::move(out));
  }
}

void webhooks(const YAML::Node& n, Scenario& sc) {
  check_keys(n, "webhooks", {"outcomes", "timing", "chaos", "delivery", "signing"});
  mock::WebhookSettings& w = sc.webhooks;
  if (auto v = n["outcomes"]) outcomes(v, sc.outcomes);
  if (auto v = n["timing"]) {
    check_keys(v, "webhooks.timing", {"sent_after", "finalized_after"});
    if (v["sent_after"]) w.timing.sent_after = duration(v["sent_after"], "sent_after");
    if (v["finalized_after"]) w.timing.finalized_after = duration(v["finalized_after"], "finalized_after");
  }
  if (auto v = n["chaos"]) {
    check_keys(v, "webhooks.chaos", {"duplicate", "reorder", "delay", "bad_signature", "stale_timestamp", "stale_by", "drop", "corrupt"});
    if (v["duplicate"]) w.chaos.duplicate = probability(v["duplicate"], "duplicate");
    if (v["reorder"]) w.chaos.reorder = probability(v["reorder"], "reorder");
    if (v["bad_signature"]) w.chaos.bad_signature = probability(v["bad_signature"], "bad_signature");
    if (v["stale_timestamp"]) w.chaos.stale_timestamp = probability(v["stale_timestamp"], "stale_timestamp");
    if (v["stale_by"]) w.chaos.stale_by = duration(v["stale_by"], "stale_by");
    if (v["drop"]) w.chaos.drop = probability(v["drop"], "drop");
    if (auto c = v["corrupt"]) {
      const std::string which = c.IsScalar() ? c.Scalar() : "";
      if (which != "first_attempt" && which != "all_attempts")
        fail(c, "corrupt: expected first_attempt or all_attempts");
      w.chaos.corrupt_all_attempts = which == "all_attempts";
    }
    if (auto d = v["delay"]) {
      // {min, max} delays every event; add probability: p to delay only some.
      check_keys(d, "webhooks.chaos.delay", {"min", "max", "probability"});
      w.chaos.delay = d["probability"] ? probability(d["probability"], "probability") : 1.0;
      if (d["min"]) w.chaos.delay_min = duration(d["min"], "min");
      if (d["max"]) w.chaos.delay_max = duration(d["max"], "max");
      if (w.chaos.delay_max < w.chaos.delay_min) fail(d, "webhooks.chaos.delay: max must be >= min");
    }
  }
  if (auto v = n["delivery"]) {
    check_keys(v, "webhooks.delivery", {"timeout", "attempts_per_url", "backoff", "user_agent"});
    if (v["timeout"]) w.delivery.timeout = duration(v["timeout"], "timeout");
    if (v["attempts_per_url"]) w.delivery.attempts_per_url = static_cast<int>(unsigned_int(v["attempts_per_url"], "attempts_per_url", 1));
    if (auto b = v["backoff"]) {
      if (!b.IsSequence() || b.size() == 0) fail(b, "backoff: expected a non-empty list of durations");
      w.delivery.backoff.clear();
      for (const auto& d : b) w.delivery.backoff.push_back(duration(d, "backoff"));
    }
    if (v["user_agent"]) w.delivery.user_agent = scalar(v["user_agent"], "user_agent");
  }
  if (auto v = n["signing"]) {
    if (!v.IsSequence() || v.size() == 0) fail(v, "webhooks.signing: expected a non-empty list of ed25519 and/or hmac");
    w.signing.ed25519 = w.signing.hmac = false;
    for (const auto& s : v) {
      const std::string k = scalar(s, "signing");
      if (k == "ed25519") w.signing.ed25519 = true;
      else if (k == "hmac") w.signing.hmac = true;
      else fail(s, "signing: expected ed25519 or hmac, got '" + k + "'");
    }
  }
}

mock::InboundBurst inbound(const YAML::Node& n) {
  check_keys(n, "inbound entry", {"to", "from", "text", "count", "start_after", "rate"});
  mock::InboundBurst b;
  if (!n["to"]) fail(n, "inbound entry: expected to (a number owned by a messaging profile)");
  b.to = scalar(n["to"], "to");
  b.from = n["from"] ? scalar(n["from"], "from") : "+15005559999";
  if (n["text"]) b.text = scalar(n["text"], "text");
  if (n["count"]) {
    b.count = unsigned_int(n["count"], "count", 1);
    if (b.count > kMaxInboundCount)
      fail(n["count"], "count: at most " + std::to_string(kMaxInboundCount) + " messages per inbound burst, got " +
                           std::to_string(b.count));
  }
  if (n["start_after"]) b.start_after = duration(n["start_after"], "start_after");
  if (auto v = n["rate"]) {
    auto r = core::parse_rate_per_second(scalar(v, "rate"));
    if (!r || *r <= 0) fail(v, "rate: expected a positive rate like 20/s");
    if (*r > kMaxInboundRate)
      fail(v, "rate: at most " + std::to_string(static_cast<int64_t>(kMaxInboundRate)) + "/s for an inbound burst, got '" +
                  v.Scalar() + "'");
    b.rate_per_second = *r;
  }
  return b;
}

Scenario build(const YAML::Node& root) {
  Scenario sc;
  if (root.IsNull()) return sc;  // an empty file: faithful behaviour plus magic numbers
  check_keys(root, "scenario", {"name", "description", "seed", "magic_numbers", "rules", "rate_limits",
                                "webhooks", "inbound", "verdicts", "faults"});
  if (auto v = root["name"]) sc.name = scalar(v, "name");
  if (auto v = root["description"]) sc.description = scalar(v, "description");
  if (auto v = root["seed"]) sc.seed = unsigned_int(v, "seed");
  if (auto v = root["magic_numbers"]) sc.magic_numbers = boolean(v, "magic_numbers");
  if (auto v = root["rules"]) {
    if (!v.IsSequence()) fail(v, "rules: expected a list of rules");
    std::set<std::string> names;
    for (size_t i = 0; i < v.size(); ++i) {
      Rule r = rule(v[i], i);
      if (!names.insert(r.name).second) fail(v[i], "rule name '" + r.name + "' is used twice; names must be unique");
      sc.rules.push_back(std::move(r));
    }
  }
  if (auto v = root["rate_limits"]) {
    if (!v.IsSequence()) fail(v, "rate_limits: expected a list");
    for (const auto& r : v) sc.rate_limits.push_back(rate_limit(r));
  }
  sc.webhooks.seed = sc.seed;
  if (auto v = root["webhooks"]) webhooks(v, sc);
  if (auto v = root["inbound"]) {
    if (!v.IsSequence()) fail(v, "inbound: expected a list of bursts");
    for (const auto& b : v) sc.webhooks.inbound.push_back(inbound(b));
  }
  if (auto v = root["verdicts"]) {
    check_keys(v, "verdicts", {"duplicate_window", "idempotency_key", "min_retry_backoff"});
    if (v["min_retry_backoff"]) sc.verdicts.min_retry_backoff = duration(v["min_retry_backoff"], "min_retry_backoff");
    if (v["duplicate_window"]) sc.verdicts.duplicate_window = duration(v["duplicate_window"], "duplicate_window");
    if (v["idempotency_key"]) sc.verdicts.idempotency_key = boolean(v["idempotency_key"], "idempotency_key");
  }
  if (auto v = root["faults"]) {
    check_keys(v, "faults", {"timeout_cap"});
    if (v["timeout_cap"]) sc.faults.timeout_cap = duration(v["timeout_cap"], "timeout_cap");
  }
  return sc;
}

}  // namespace

std::string ParseError::to_string() const {
  std::string s = source;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
  return s + ": " + message;
}

std::optional<KeySelector> parse_key_selector(std::string_view text) {
  KeySelector k;
  k.text = std::string(text);
  auto prefixed = [&](std::string_view prefix, KeySelector::Source src) {
    if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix) return false;
    k.source = src;
    k.name = std::string(text.substr(prefix.size()));
    return true;
  };
  if (text.empty() || text == "global") k.source = KeySelector::Source::Global;
  else if (text == "api_key") k.source = KeySelector::Source::ApiKey;
  else if (text == "method") k.source = KeySelector::Source::Method;
  else if (text == "path") k.source = KeySelector::Source::Path;
  else if (prefixed("body.", KeySelector::Source::Body)) {}
  else if (prefixed("query.", KeySelector::Source::Query)) {}
  else if (prefixed("header.", KeySelector::Source::Header) || prefixed("headers.", KeySelector::Source::Header))
    std::transform(k.name.begin(), k.name.end(), k.name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  else return std::nullopt;
  return k;
}

core::Expected<Scenario, ParseError> parse_scenario(std::string_view yaml, const std::string& source) {
  auto error = [&](const YAML::Mark& m, std::string msg) {
    ParseError e;
    e.source = source;
    if (!m.is_null()) {
      e.line = m.line + 1;
      e.column = m.column + 1;
    }
    e.message = std::move(msg);
    return core::unexpected(std::move(e));
  };
  // Every string of a scenario ends up in JSON (responses, the report, GET /_mock/scenario), and
  // YAML is UTF-8 text: reject other bytes here, where the line and column can be named.
  if (auto bad = core::first_invalid_utf8(yaml)) {
    ParseError e;
    e.source = source;
    const std::string_view before = yaml.substr(0, *bad);
    e.line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const size_t nl = before.rfind('\n');
    e.column = static_cast<int>(*bad - (nl == std::string_view::npos ? 0 : nl + 1)) + 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(yaml[*bad]));
    e.message = std::string("invalid UTF-8 (byte ") + hex + "); a scenario must be UTF-8 text";
    return core::unexpected(std::move(e));
  }
  try {
    const YAML::Node root = yaml::load_bounded(yaml);
    Scenario sc = build(root);
    sc.source = source;
    sc.text = std::string(yaml);
    return sc;
  } catch (const yaml::FieldError& f) {
    return error(f.mark, f.message);
  } catch (const YAML::Exception& e) {
    return error(e.mark, "invalid YAML: " + e.msg);
  }
}

std::optional<core::json> parse_yaml_as_json(std::string_view text, std::string& error) {
  if (auto bad = core::first_invalid_utf8(text)) {
    error = "invalid UTF-8 at byte " + std::to_string(*bad);
    return std::nullopt;
  }
  try {
    return to_json(yaml::load_bounded(text));
  } catch (const YAML::Exception& e) {
    error = "line " + std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg;
    return std::nullopt;
  }
}

core::Expected<Scenario, ParseError> load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unexpected(ParseError{path, 0, 0, "cannot open the file"});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

}  // namespace harness::mock::scenario
