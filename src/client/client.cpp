#include "client/client.h"

#include <random>

namespace harness::client {

namespace {

uint64_t random_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

Error network_error(const HttpOutcome& o) {
  Error e;
  e.type = ErrorKind::Network;
  e.ambiguous = o.failure == TransportFailure::Ambiguous;
  e.code = std::string(e.ambiguous ? kCodeNoResponse : kCodeConnectFailed);
  e.title = e.ambiguous ? "No response after the request was sent" : "Connection failed";
  e.detail = o.failure_detail;
  return e;
}

std::string data_id(const core::json& body) {
  if (body.is_object() && body.contains("data") && body["data"].is_object()) {
    const auto& d = body["data"];
    if (d.contains("id") && d["id"].is_string()) return d["id"].get<std::string>();
  }
  return {};
}

}  // namespace

Client::Client(Config cfg, ClientDeps deps)
    : cfg_(std::move(cfg)), deps_(std::move(deps)), policy_(deps_.retry),
      rng_(deps_.rng_seed ? *deps_.rng_seed : random_seed()) {
  if (!deps_.transport) deps_.transport = std::make_shared<HttplibTransport>(cfg_);
  if (!deps_.clock) {
    own_clock_ = std::make_unique<core::SystemClock>();
    deps_.clock = own_clock_.get();
  }
  if (!deps_.sleeper) {
    own_sleeper_ = std::make_unique<RealSleeper>();
    deps_.sleeper = own_sleeper_.get();
  }
}

Client::~Client() = default;

void Client::emit(TelemetryEvent e) {
  if (!deps_.telemetry) return;
  e.tenant = cfg_.tenant;
  deps_.telemetry->on_event(e);
}

Result<core::json> Client::execute(const std::string& operation, const HttpRequest& req,
                                   bool idempotent) {
  const core::Clock& clock = *deps_.clock;
  const core::TimePoint first_start = clock.now();
  for (int attempt = 1;; ++attempt) {
    if (deps_.breaker && !deps_.breaker->allow()) {
      Error e;
      e.type = ErrorKind::Network;
      e.code = std::string(kCodeCircuitOpen);
      e.title = "Circuit breaker open";
      e.detail = "recent calls failed; not sending";
      emit({TelemetryPhase::Exception, operation, "", attempt, {}, 0, "", e.type, e.code});
      return e;
    }
    emit({TelemetryPhase::Start, operation, "", attempt, {}, 0, "", std::nullopt, ""});
    const core::TimePoint t0 = clock.now();
    HttpOutcome o = deps_.transport->send(req);
    const auto took = clock.now() - t0;

    Error err;
    if (o.failure != TransportFailure::None) {
      err = network_error(o);
    } else if (o.status >= 200 && o.status < 300) {
      core::json body = o.body.empty() ? core::json::object()
                                       : core::json::parse(o.body, nullptr, false);
      if (!body.is_discarded()) {
        if (deps_.breaker) deps_.breaker->record_success();
        emit({TelemetryPhase::Stop, operation, "", attempt, took, o.status, data_id(body),
              std::nullopt, ""});
        return body;
      }
      // The server accepted the call but its answer is unreadable: not retryable (it may
      // have acted on it), reported as an API error.
      err.type = ErrorKind::Api;
      err.http_status = o.status;
      err.code = std::string(kCodeBadResponse);
      err.title = "Unreadable response body";
      err.detail = o.body.substr(0, 200);
      if (auto it = o.headers.find("x-request-id"); it != o.headers.end()) err.request_id = it->second;
    } else {
      err = error_from_http(o.status, o.body, o.headers);
    }
    if (deps_.breaker) deps_.breaker->record(&err);
    emit({TelemetryPhase::Exception, operation, "", attempt, took, err.http_status, "", err.type,
          err.code});

    const auto elapsed =
        std::chrono::duration_cast<Millis>(clock.now() - first_start);
    RetryDecision d = policy_.decide(err, attempt, elapsed, idempotent, rng_);
    if (d.verdict != RetryVerdict::Retry) return err;
    deps_.sleeper->sleep(d.delay);
  }
}

namespace {
// The "data" of a 200 answer as a message; a body that is not one is an api error.
Result<core::Message> decode_message(const core::json& body) {
  try {
    return body.at("data").get<core::Message>();
  } catch (const core::json::exception& ex) {
    Error e;
    e.type = ErrorKind::Api;
    e.http_status = 200;
    e.code = std::string(kCodeBadResponse);
    e.title = "Unexpected message body";
    e.detail = ex.what();
    return e;
  }
}
}  // namespace

Result<core::Message> Client::send(const SendParams& p) {
  core::SendRequest r = build_send_request(p, cfg_);
  if (auto problem = validate_send(r)) {
    emit({TelemetryPhase::Exception, "messages.send", "", 0, {}, 0, "", problem->type,
          problem->code});
    return *problem;
  }
  HttpRequest req{"POST", "/messages", {}, core::json(r).dump(), {}};
  if (p.idempotency_key) req.extra_headers.emplace_back("Idempotency-Key", *p.idempotency_key);
  auto res = execute("messages.send", req, p.idempotency_key.has_value());
  if (!res) return res.error();
  return decode_message(*res);
}

Result<core::Message> Client::retrieve(const std::string& message_id) {
  if (message_id.empty()) return validation_error("10006", "Invalid ID", "message id is empty");
  auto res = execute("messages.retrieve", {"GET", "/messages/" + url_encode(message_id), {}, "", {}},
                     true);
  if (!res) return res.error();
  return decode_message(*res);
}

}  // namespace harness::client
