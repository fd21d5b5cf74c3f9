// Live updates for the inbox page: GET /_mock/events is a Server-Sent Events stream
// (text/event-stream) per subscriber, carried by the event-loop transport (net::Exchange::stream):
// a subscriber costs a socket, a bounded buffer and a timer, never a thread. Events:
//
//   event: ready     data: {"tenant":"...","subscribers":N,"max_subscribers":M}   once, first
//   event: message   data: {"tenant":"...","message":{...}}   a message stored (sent through the
//                    API, inbound) or advanced by the webhook engine (sent, delivered, failed...)
//   event: webhook   data: {"tenant":"...","attempt":{...}}   an attempt record, as in
//                    GET /_mock/webhooks
//   event: reset     data: {}                                 POST /_mock/reset (to everyone)
//   ":" comment lines are heartbeats, after `heartbeat` of silence.
//
// A subscriber sees one tenant's events or every tenant's. Limits: at most `max_subscribers`
// streams at once (more: the caller answers 429 / 10011); each has `max_queued_bytes` of events
// its peer has not taken, beyond which (or when a write is not taken within the server's write
// timeout) its stream ends: the browser's EventSource reconnects and the page reloads what it
// missed. Thread-safe: events are published from loop and webhook threads.
//
// Not owned here: authentication and the route (api.cpp), what produces events (the store's
// MessageObserver, the webhook attempt log; wired in mock_server.cpp).
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>
#include "core/json.h"
#include "net/exchange.h"
#include "store/store.h"

namespace harness::mock {

struct EventHubLimits {
  size_t max_subscribers = 32;                    // settings.max_event_streams
  size_t max_queued_bytes = 1024 * 1024;          // settings.event_stream_buffer_bytes
  std::chrono::milliseconds heartbeat{15000};     // settings.event_heartbeat_ms
};

class EventHub final : public MessageObserver, public std::enable_shared_from_this<EventHub> {
 public:
  explicit EventHub(EventHubLimits limits) : limits_(limits) {}

  // Starts the stream on `ex` (authenticated by the caller, `ex.res` headers already set) for
  // `tenant` ("" = every tenant) and writes the ready event. False, with nothing sent, when
  // max_subscribers streams are open or the hub was shut down.
  bool subscribe(net::Exchange& ex, const std::string& tenant);
  // To the tenant's subscribers and those of every tenant; tenant "" = to everyone.
  void publish(const std::string& tenant, std::string_view event, const core::json& data);

  // MessageObserver (the store).
  bool wants() const override { return open_.load() > 0; }
  void on_message(const std::string& tenant, const core::Message& m) override;

  size_t subscribers() const { return open_.load(); }
  const EventHubLimits& limits() const { return limits_; }
  // Ends every stream (each writes what it has queued, then closes) and refuses new ones.
  void shutdown();
  // Prometheus lines: streams open, ended by reason, refused at the limit.
  std::string metrics_text() const;

 private:
  struct Subscriber {
    uint64_t id = 0;
    std::string tenant;
    std::shared_ptr<net::StreamHandle> out;
  };
  void ended(uint64_t id, net::StreamEnd how);

  const EventHubLimits limits_;
  mutable std::mutex mu_;
  std::vector<Subscriber> subs_;
  uint64_t next_id_ = 0;
  bool closed_ = false;
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> refused_{0};
  std::array<std::atomic<uint64_t>, 5> ended_{};   // by net::StreamEnd
};

// "event: <name>\ndata: <json>\n\n"
std::string sse_event(std::string_view event, const core::json& data);

}  // namespace harness::mock
