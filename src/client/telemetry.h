// Telemetry hook: one start event per attempt, then either stop (an HTTP answer that is a
// success) or exception (an error of any kind), carrying duration, status, message id, error
// type and code, attempt number and tenant - the shape of the Elixir client's
// [:telnyx, :request, :start | :stop | :exception] events. The hook is called on the calling
// thread; implementations must be thread-safe if one hook serves several clients.
#pragma once
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/error.h"

namespace harness::client {

enum class TelemetryPhase { Start, Stop, Exception };
std::string_view to_string(TelemetryPhase p);

struct TelemetryEvent {
  TelemetryPhase phase = TelemetryPhase::Start;
  std::string operation;                 // "messages.send", "phone_numbers.list", ...
  std::string tenant;
  int attempt = 1;
  std::chrono::nanoseconds duration{0};  // 0 for Start
  int http_status = 0;
  std::string message_id;                // Stop of messages.send / retrieve
  std::optional<ErrorKind> error_type;   // Exception only
  std::string error_code;
};

class TelemetryHook {
 public:
  virtual ~TelemetryHook() = default;
  virtual void on_event(const TelemetryEvent& e) = 0;
};

// Keeps every event; for tests and the CLI's --verbose output.
class RecordingTelemetry final : public TelemetryHook {
 public:
  void on_event(const TelemetryEvent& e) override {
    std::lock_guard<std::mutex> lk(mu_);
    events_.push_back(e);
  }
  std::vector<TelemetryEvent> events() const {
    std::lock_guard<std::mutex> lk(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<TelemetryEvent> events_;
};

}  // namespace harness::client
