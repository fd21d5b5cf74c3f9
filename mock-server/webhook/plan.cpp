#include "webhook/plan.h"

#include <algorithm>
#include "core/message_json.h"
#include "core/webhook_event.h"

namespace harness::mock {

std::string_view event_type_name(EventKind k) {
  switch (k) {
    case EventKind::Sent: return "message.sent";
    case EventKind::Finalized: return "message.finalized";
    case EventKind::Received: return "message.received";
  }
  return "message.unknown";
}

// ---- lifecycle -------------------------------------------------------------------------------

std::pair<std::string, std::vector<core::ErrorObject>> resolve_outcome(
    const std::optional<std::string>& final_status, const std::vector<int>& final_errors) {
  std::string status = "delivered";
  if (final_status && core::is_terminal_status(*final_status)) status = *final_status;
  std::vector<int> codes = final_errors;
  if (status == "delivered" || status == "delivery_unconfirmed") codes.clear();
  if (codes.empty()) {
    // A failed outcome carries at least one error object, as Telnyx's records do (§4.4).
    if (status == "delivery_failed") codes = {40008};
    if (status == "sending_failed") codes = {40001};
    if (status == "expired") codes = {40005};
  }
  std::vector<core::ErrorObject> errors;
  errors.reserve(codes.size());
  for (int c : codes) errors.push_back(core::make_error_object(c));
  return {status, std::move(errors)};
}

std::vector<LifecycleStep> outbound_lifecycle(const TimingSettings& t,
                                              const std::optional<std::string>& final_status,
                                              const std::vector<int>& final_errors) {
  auto [status, errors] = resolve_outcome(final_status, final_errors);
  std::vector<LifecycleStep> steps;
  steps.reserve(3);
  const WebhookDuration half = t.sent_after / 2;
  steps.push_back({half, "sending", std::nullopt, {}});
  if (status == "sending_failed") {
    steps.push_back({t.sent_after - half + t.finalized_after, status, EventKind::Finalized,
                     std::move(errors)});
    return steps;
  }
  steps.push_back({t.sent_after - half, "sent", EventKind::Sent, {}});
  steps.push_back({t.finalized_after, status, EventKind::Finalized, std::move(errors)});
  return steps;
}

// ---- routing and retries ---------------------------------------------------------------------

std::vector<std::string> delivery_chain(const WebhookRouting& r) {
  std::vector<std::string> chain;
  auto add = [&chain](const std::optional<std::string>& u) {
    if (!u || u->empty()) return;
    if (std::find(chain.begin(), chain.end(), *u) == chain.end()) chain.push_back(*u);
  };
  add(r.message_url);
  add(r.message_failover_url);
  if (r.use_profile_webhooks) {
    add(r.profile.url);
    add(r.profile.failover_url);
  }
  return chain;
}

std::optional<NextAttempt> next_attempt(const DeliverySettings& d, size_t chain_length,
                                        int attempts_done) {
  const int per_url = std::max(1, d.attempts_per_url);
  if (attempts_done < 1) return NextAttempt{0, WebhookDuration{0}};
  const size_t url_index = static_cast<size_t>(attempts_done / per_url);
  if (url_index >= chain_length) return std::nullopt;
  const int on_this_url = attempts_done % per_url;   // attempts already made on url_index
  if (on_this_url == 0) return NextAttempt{url_index, WebhookDuration{0}};   // failover: at once
  WebhookDuration delay{0};
  if (!d.backoff.empty()) {
    const size_t k = std::min(static_cast<size_t>(on_this_url - 1), d.backoff.size() - 1);
    delay = d.backoff[k];
  }
  return NextAttempt{url_index, delay};
}

// ---- chaos -----------------------------------------------------------------------------------

std::string_view chaos_name(ChaosKind k) {
  switch (k) {
    case ChaosKind::Duplicate: return "duplicate";
    case ChaosKind::Reorder: return "reorder";
    case ChaosKind::Delay: return "delay";
    case ChaosKind::BadSignature: return "bad_signature";
    case ChaosKind::StaleTimestamp: return "stale_timestamp";
    case ChaosKind::Drop: return "drop";
  }
  return "unknown";
}

std::vector<std::string> EventChaos::names() const {
  std::vector<std::string> out;
  if (drop) out.emplace_back(chaos_name(ChaosKind::Drop));
  if (duplicate) out.emplace_back(chaos_name(ChaosKind::Duplicate));
  if (extra_delay.count() > 0) out.emplace_back(chaos_name(ChaosKind::Delay));
  if (bad_signature) out.emplace_back(chaos_name(ChaosKind::BadSignature));
  if (stale_timestamp) out.emplace_back(chaos_name(ChaosKind::StaleTimestamp));
  return out;
}

EventChaos attempt_chaos(const EventChaos& event, int attempt_number, bool all_attempts) {
  EventChaos c = event;
  if (attempt_number > 1 && !all_attempts) c.bad_signature = c.stale_timestamp = false;
  return c;
}

std::vector<std::string> corruption_names(const EventChaos& c) {
  std::vector<std::string> out;
  if (c.bad_signature) out.emplace_back(chaos_name(ChaosKind::BadSignature));
  if (c.stale_timestamp) out.emplace_back(chaos_name(ChaosKind::StaleTimestamp));
  return out;
}

EventChaos plan_event_chaos(const ChaosSettings& c, const core::Rng& event_rng) {
  EventChaos e;
  if (!c.any()) return e;
  // One fork per purpose: enabling one kind never changes the draws of another.
  auto draw = [&event_rng](std::string_view purpose, double p) {
    core::Rng r = event_rng.fork(purpose);
    return r.chance(p);
  };
  e.drop = draw("drop", c.drop);
  if (e.drop) return e;   // nothing else can apply to an event that is never sent
  e.duplicate = draw("duplicate", c.duplicate);
  e.bad_signature = draw("bad_signature", c.bad_signature);
  e.stale_timestamp = draw("stale_timestamp", c.stale_timestamp);
  if (c.delay > 0 && c.delay_max > WebhookDuration{0}) {
    core::Rng r = event_rng.fork("delay");
    if (r.chance(c.delay)) {
      const auto lo = std::min(c.delay_min, c.delay_max).count();
      const auto hi = std::max(c.delay_min, c.delay_max).count();
      const auto span = static_cast<uint64_t>(hi - lo) + 1;
      e.extra_delay = WebhookDuration(lo + static_cast<int64_t>(r.uniform(span)));
      if (e.extra_delay.count() <= 0) e.extra_delay = WebhookDuration(1);   // still "applied"
    }
  }
  return e;
}

bool plan_reorder(const ChaosSettings& c, const core::Rng& message_rng) {
  if (c.reorder <= 0) return false;
  core::Rng r = message_rng.fork("reorder");
  return r.chance(c.reorder);
}

// ---- wire format -----------------------------------------------------------------------------

std::string event_data_json(EventKind kind, const std::string& event_id,
                            const std::string& occurred_at, const core::Message& payload) {
  // What core::to_json(WebhookEvent)["data"] holds, in its key order, written directly: building
  // the nlohmann tree of the message and dumping it was a third of the engine's CPU per event.
  std::string out;
  out.reserve(1024);
  out += "{\"event_type\":";
  core::append_json_string(out, event_type_name(kind));
  out += ",\"id\":";
  core::append_json_string(out, event_id);
  out += ",\"occurred_at\":";
  core::append_json_string(out, occurred_at);
  out += ",\"payload\":";
  core::append_message_json(out, payload);
  out += ",\"record_type\":\"event\"}";
  return out;
}

std::string envelope_body(const std::string& data_json, int attempt, const std::string& url) {
  std::string body;
  body.reserve(data_json.size() + url.size() + 64);
  body += "{\"data\":";
  body += data_json;
  body += ",\"meta\":{\"attempt\":";
  body += std::to_string(attempt);
  body += ",\"delivered_to\":";
  body += core::json(url).dump();
  body += "}}";
  return body;
}

std::string_view signature_kind_name(SignatureKind k) {
  switch (k) {
    case SignatureKind::None: return "none";
    case SignatureKind::Ed25519: return "ed25519";
    case SignatureKind::Hmac: return "hmac";
    case SignatureKind::Both: return "ed25519+hmac";
  }
  return "none";
}

SignatureKind signature_kind(const SigningSettings& s, const WebhookRouting& r) {
  const bool has_secret = r.profile.v1_secret && !r.profile.v1_secret->empty();
  if (r.profile.api_version == "1" && has_secret) return SignatureKind::Hmac;
  const bool hmac = s.hmac && has_secret;
  if (s.ed25519 && hmac) return SignatureKind::Both;
  if (s.ed25519) return SignatureKind::Ed25519;
  if (hmac) return SignatureKind::Hmac;
  return SignatureKind::None;
}

HeaderList attempt_headers(SignatureKind kind, const core::Ed25519Signer& signer,
                           const std::optional<std::string>& v1_secret,
                           const std::string& user_agent, const std::string& body,
                           int64_t now_unix, const EventChaos& chaos,
                           WebhookDuration stale_by) {
  HeaderList h;
  h.emplace_back("Content-Type", "application/json");
  if (!user_agent.empty()) h.emplace_back("User-Agent", user_agent);
  int64_t ts = now_unix;
  if (chaos.stale_timestamp) {
    const int64_t by = std::chrono::duration_cast<std::chrono::seconds>(stale_by).count();
    // Always beyond the 300 s tolerance, whatever was configured.
    ts -= std::max<int64_t>(by, core::kDefaultToleranceSeconds + 1);
  }
  const std::string ts_text = std::to_string(ts);
  // A bad signature is well-formed (valid base64, right length) but made over other bytes,
  // so only a receiver that really verifies rejects it.
  const std::string signed_body = chaos.bad_signature ? body + " " : body;
  if (kind == SignatureKind::Ed25519 || kind == SignatureKind::Both) {
    h.emplace_back("telnyx-signature-ed25519", signer.sign(ts_text, signed_body));
    h.emplace_back("telnyx-timestamp", ts_text);
  }
  if ((kind == SignatureKind::Hmac || kind == SignatureKind::Both) && v1_secret) {
    h.emplace_back("X-Telnyx-Signature", core::hmac_signature_header(*v1_secret, ts, signed_body));
  }
  return h;
}

// ---- URLs ------------------------------------------------------------------------------------

std::optional<SplitUrl> split_url(const std::string& url) {
  SplitUrl out;
  size_t rest = 0;
  if (url.rfind("http://", 0) == 0) {
    rest = 7;
  } else if (url.rfind("https://", 0) == 0) {
    rest = 8;
    out.tls = true;
  } else {
    return std::nullopt;
  }
  const size_t slash = url.find_first_of("/?#", rest);
  const std::string host = url.substr(rest, slash == std::string::npos ? std::string::npos
                                                                        : slash - rest);
  if (host.empty() || host.find_first_of(" \t\r\n@") != std::string::npos) return std::nullopt;
  out.origin = url.substr(0, rest) + host;
  if (slash == std::string::npos) {
    out.path = "/";
  } else {
    out.path = url.substr(slash);
    if (out.path[0] != '/') out.path.insert(out.path.begin(), '/');
    const size_t hash = out.path.find('#');
    if (hash != std::string::npos) out.path.erase(hash);
  }
  return out;
}

}  // namespace harness::mock
