// The seam between the HTTP layer and the scenario engine (ARCHITECTURE: "the scenario decision
// is a pure function"). The HTTP layer builds a RequestView, asks the engine for a Decision, and
// carries it out: I/O (sleeping, resetting a socket, parking a hung connection) happens in http/,
// never in the engine.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include "core/json.h"

namespace harness::mock {

using Headers = std::vector<std::pair<std::string, std::string>>;

// What the engine may look at. Header names are lower-case. `body` is null when the body is not
// JSON (or empty). `api_key` is the bearer token ("" when absent).
struct RequestView {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  Headers headers;
  std::string api_key;
  std::string tenant;                        // set after authentication (on_completed), else ""
  const core::json* body = nullptr;
  std::string_view raw_body;
};

enum class FaultKind {
  None,
  Timeout,            // no response until the client gives up (bounded server-side cap)
  ConnectionReset,    // TCP RST, no bytes
  EmptyResponse,      // FIN, no bytes
  MalformedResponse,  // bytes that are not a valid HTTP response
  AcceptThenDrop,     // the request is processed normally (message stored, webhooks fire), then
                      // the connection is closed before the response is written
};

struct Decision {
  enum class Kind { Pass, Respond, Fault };
  Kind kind = Kind::Pass;
  // Respond: a full response. When error_code is set and body is empty, the HTTP layer builds
  // Telnyx's error envelope for that code (core::error_body).
  int status = 200;
  std::optional<int> error_code;
  std::string body;
  Headers headers;                           // sent with Respond, and added to Pass responses
  FaultKind fault = FaultKind::None;
  std::chrono::milliseconds delay{0};        // applied before whatever follows
  // Timeout: how long the parked connection is held at most if the client never gives up.
  std::chrono::milliseconds hang_cap{30000};
  std::string rule;                          // name of the rule that decided ("" = none)
  // For an accepted message: the outcome the webhook engine should give it (e.g. from a magic
  // number or the scenario's webhooks.outcomes). Empty = engine default.
  std::optional<std::string> final_status;   // delivered | delivery_failed | sending_failed | ...
  std::vector<int> final_errors;             // 40xxx codes for a failed outcome
  // Timeout: called (on the loop thread) when the client closes the parked connection, i.e.
  // gives up waiting; retry verdicts measure a retry's backoff from then, not from the park.
  std::function<void()> on_client_gave_up;
};

// Implemented by the scenario engine; called once per request on the API surface (not /_mock/).
class RequestInterceptor {
 public:
  virtual ~RequestInterceptor() = default;
  virtual Decision on_request(const RequestView& req) = 0;
  // After the response was produced (or the fault carried out): for verdicts and journals.
  // message_id is set when a message was created.
  virtual void on_completed(const RequestView& req, const Decision& d, int status,
                            const std::optional<std::string>& message_id) {
    (void)req; (void)d; (void)status; (void)message_id;
  }
};

}  // namespace harness::mock
