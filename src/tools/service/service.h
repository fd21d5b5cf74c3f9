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

class Service {
 public:
  Service(ServiceConfig cfg, std::unique_ptr<Outbox> outbox, const core::Clock& clock);
  ~Service();
  // Binds and starts the HTTP server and workers; returns the port, or -1 when binding failed.
  int start();
  void stop();
  Outbox& outbox() { return *outbox_; }

 private:
  void routes();
  void worker_loop(int index);
  void process(client::Client& c, core::Rng& rng, const OutboxRow& row);
  int64_t now_ms() const;
  std::optional<ReplySpec> reply_for(const core::Message& inbound) const;

  ServiceConfig cfg_;
  std::unique_ptr<Outbox> outbox_;
  const core::Clock& clock_;
  httplib::Server http_;
  std::thread http_thread_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;
};

}  // namespace harness::tools::service
