#include "client/webhooks.h"

#include "core/message.h"

namespace harness::client {

core::Expected<core::WebhookEvent, WebhookRejection> verify_and_parse(
    const WebhookVerifyConfig& cfg, const WebhookRequest& req, int64_t now_unix) {
  auto reject = [](int status, std::string why) {
    return core::unexpected(WebhookRejection{status, std::move(why)});
  };
  if (cfg.require_signature) {
    core::VerifyStatus vs;
    if (!req.signature_ed25519.empty() || !req.timestamp.empty()) {
      if (cfg.ed25519_public_key.empty())
        return reject(401, "signature: no Ed25519 public key configured");
      vs = core::verify_ed25519(cfg.ed25519_public_key, req.signature_ed25519, req.timestamp,
                                req.body, now_unix, cfg.tolerance_seconds);
    } else if (!req.hmac_header.empty()) {
      if (cfg.hmac_secret.empty()) return reject(401, "signature: no HMAC secret configured");
      vs = core::verify_hmac_header(cfg.hmac_secret, req.hmac_header, req.body, now_unix,
                                    cfg.hmac_tolerance_seconds);
    } else {
      return reject(401, "signature: missing");
    }
    if (vs != core::VerifyStatus::Ok)
      return reject(401, "signature: " + std::string(core::to_string(vs)));
  }
  core::json j = core::json::parse(req.body.begin(), req.body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return reject(400, "body: not a JSON object");
  try {
    core::WebhookEvent ev = j.get<core::WebhookEvent>();
    if (ev.id.empty()) return reject(400, "body: data.id is empty");
    return ev;
  } catch (const core::json::exception& ex) {
    return reject(400, std::string("body: ") + ex.what());
  }
}

bool EventDeduper::first_time(const std::string& event_id) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!seen_.insert(event_id).second) return false;
  order_.push_back(event_id);
  while (order_.size() > capacity_) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

size_t EventDeduper::size() const {
  std::lock_guard<std::mutex> lk(mu_);
  return seen_.size();
}

int status_rank(std::string_view s) {
  if (s == "scheduled") return 0;
  if (s == "queued") return 1;
  if (s == "sending") return 2;
  if (s == "sent") return 3;
  if (s == "delivered" || s == "delivery_failed" || s == "sending_failed" ||
      s == "delivery_unconfirmed" || s == "expired")
    return 4;
  return -1;
}

bool status_advances(std::string_view current, std::string_view incoming) {
  const int in = status_rank(incoming);
  if (in < 0) return false;
  if (current.empty()) return true;
  const int cur = status_rank(current);
  if (cur == 4) return false;   // terminal is final, even against another terminal status
  return in > cur;
}

bool StatusTracker::apply(const std::string& message_id, const std::string& status) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& cur = status_[message_id];
  if (!status_advances(cur, status)) return false;
  cur = status;
  return true;
}

std::optional<std::string> StatusTracker::status(const std::string& message_id) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = status_.find(message_id);
  if (it == status_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace harness::client
