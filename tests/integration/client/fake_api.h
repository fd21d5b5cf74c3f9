// A fake Telnyx send endpoint for the service tests: accepts POST /v2/messages, records every
// accepted request, can answer with a scripted fault first, and can push signed message.sent
// webhooks to the service (retrying until the service answers 2xx), as Telnyx would.
#pragma once
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/signing.h"

namespace harness::testing {

struct Accepted {
  std::string id, from, to, text;
  std::vector<std::string> tags;
};

// The message object Telnyx returns and sends in webhooks, for one accepted request.
inline core::json message_json(const Accepted& m, const std::string& status,
                               const std::string& direction = "outbound") {
  return {{"record_type", "message"}, {"id", m.id}, {"direction", direction}, {"type", "SMS"},
          {"from", {{"phone_number", m.from}}},
          {"to", core::json::array({{{"phone_number", m.to}, {"status", status}}})},
          {"cc", core::json::array()}, {"text", m.text}, {"media", core::json::array()},
          {"encoding", "GSM-7"}, {"parts", 1}, {"errors", core::json::array()}, {"tags", m.tags}};
}

// The 200 answer to POST /v2/messages: {"data": message} with the recipient queued.
inline std::string send_answer(const Accepted& m) { return core::json{{"data", message_json(m, "queued")}}.dump(); }

inline std::string webhook_body(const std::string& event_type, const std::string& event_id,
                                const Accepted& m, const std::string& status,
                                const std::string& direction = "outbound") {
  core::json j = {{"data",
                   {{"event_type", event_type},
                    {"id", event_id},
                    {"occurred_at", "2025-03-01T12:00:04.027+00:00"},
                    {"record_type", "event"},
                    {"payload", message_json(m, status, direction)}}},
                  {"meta", {{"attempt", 1}, {"delivered_to", "test"}}}};
  return j.dump();
}

// Signs and POSTs one webhook body; returns the HTTP status (-1 when unreachable).
inline int post_webhook(int port, const core::Ed25519KeyPair& kp, const std::string& body,
                        int64_t ts = -1) {
  if (ts < 0)
    ts = std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1, 0);
  c.set_read_timeout(5, 0);
  const std::string t = std::to_string(ts);
  httplib::Headers h{{"telnyx-timestamp", t},
                     {"telnyx-signature-ed25519", core::sign_ed25519(kp, t, body)}};
  auto r = c.Post("/telnyx/webhook", h, body, "application/json");
  return r ? r->status : -1;
}

}  // namespace harness::testing
