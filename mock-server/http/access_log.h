// The access log: one line per API request and per webhook attempt, written as they happen (the
// way Stripe CLI prints events), so a developer sees what the app sent and what the mock did
// without opening the control API. telnyx-mock writes it to stderr unless --quiet.
//
//   telnyx-mock: 10:01:02.123 POST /v2/messages 200 key=KEY0123A… 1.4ms
//   telnyx-mock: 10:01:02.140 POST /v2/messages 422 key=KEY0123A… 0.3ms code=40310
//   telnyx-mock: 10:01:02.151 --> message.sent msg=4031… POST http://127.0.0.1:8080/hooks [200] 2.0ms
//   telnyx-mock: 10:01:03.004 --> message.finalized msg=4031… POST http://... [503] 1.1ms error=status 503 (attempt 1)
//
// Thread-safe: lines from different loop and webhook threads never interleave.
#pragma once
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include "core/clock.h"

namespace harness::mock {

struct AttemptRecord;   // webhook/attempt_log.h

class AccessLog {
 public:
  // `sink` gets each line without its newline, one call at a time.
  using Sink = std::function<void(const std::string& line)>;
  AccessLog(Sink sink, const core::Clock& clock) : sink_(std::move(sink)), clock_(clock) {}

  // One API request. `api_key` is shortened to its first 8 characters.
  void request(std::string_view method, std::string_view path, int status, std::string_view api_key,
               double latency_ms, std::optional<int> error_code);
  // One webhook attempt (or an event that never got one: dropped, overflow, no URL...).
  void webhook(const AttemptRecord& r);

  // "KEY0123A…" (or "-" when there is no key).
  static std::string key_prefix(std::string_view api_key);

 private:
  void write(const std::string& line);
  std::string stamp() const;   // "10:01:02.123" (UTC, from the injected clock)

  std::mutex mu_;
  Sink sink_;
  const core::Clock& clock_;
};

}  // namespace harness::mock
