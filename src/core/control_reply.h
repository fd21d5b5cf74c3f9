// An answer to a control-API request (/_mock/...), independent of any HTTP library: status, body
// and content type. The scenario engine and the webhook engine answer with it; the composition
// root's routes copy it into the HTTP response.
#pragma once
#include <string>

namespace harness::core {

struct ControlReply {
  int status = 200;
  std::string body;   // JSON unless content_type says otherwise (a Telnyx envelope on errors)
  std::string content_type = "application/json";
};

}  // namespace harness::core
