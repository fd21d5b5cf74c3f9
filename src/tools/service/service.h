// The reference integration service: a dealership's customer-texting backend.
//   POST /telnyx/send-sms               enqueue into the outbox (202; a double submit with the
//                                       same unique key returns the first row, duplicate=true)
//   POST /telnyx/webhook                verify signature, dedup by event id, update status,
//                                       reply once per inbound message from its dealership
//   GET  /telnyx/message-status/{id}    outbox id, unique key or Telnyx message id
//   GET  /telnyx/health                 liveness + outbox counts
//   GET  /telnyx/webhook-test           self-test of the verification pipeline and config
// Workers drain the outbox with decide_job (snooze on 429, discard validation/auth, backoff on
// network/5xx, reconcile ambiguous sends). HTTP, threads and wiring live here; the state machine
// lives in outbox.cpp.
#pragma once
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client/client.h"
#include "core/clock.h"
#include "tools/service/outbox.h"
#include "tools/service/service_config.h"

namespace harness::tools::service {

// Counters since start (not persisted), also served under "stats" by GET /telnyx/health.
struct ServiceStats {
  int64_t send_requests = 0;   // sends handed to the client (one request each; retries included)
  int64_t ambiguous = 0;       // sends whose outcome was unknown (written, no usable answer)
  int64_t reconciled = 0;      // ambiguous sends settled as sent by their webhook
  int64_t webhooks_rejected = 0;   // bad signature, stale timestamp or unreadable body
  int64_t webhook_duplicates = 0;  // event ids seen before (nothing done)
};

class Service {
 public:
  Service(ServiceConfig cfg, std::unique_ptr<Outbox> outbox, const core::Clock& clock);
  ~Service();
  // Binds and starts the HTTP server and workers; returns the port, or -1 when binding failed.
  int start();
  void stop();
  Outbox& outbox() { return *outbox_; }
  // POST /telnyx/webhook without the transport (body already read and capped); for fuzzing.
  void handle_webhook(const httplib::Request& req, httplib::Response& res);
  ServiceStats stats() const;

 private:
  void routes();
  void worker_loop(int index);
  void process(client::Client& c, core::Rng& rng, const OutboxRow& row);
  int64_t now_ms() const;
  // The first whole millisecond at or after now + delay. Truncating instead let a retry leave up
  // to 1 ms before the Retry-After the server measured (the mock reported it as a violation).
  int64_t due_ms(std::chrono::milliseconds delay) const;
  std::optional<ReplySpec> reply_for(const core::Message& inbound) const;

  ServiceConfig cfg_;
  std::unique_ptr<Outbox> outbox_;
  const core::Clock& clock_;
  httplib::Server http_;
  std::thread http_thread_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> send_requests_{0}, ambiguous_{0}, reconciled_{0}, webhooks_rejected_{0},
      webhook_duplicates_{0};
  std::mutex wake_mu_;
  std::condition_variable wake_;
};

}  // namespace harness::tools::service
