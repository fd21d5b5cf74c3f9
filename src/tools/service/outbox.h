// The durable outbox of the reference service: one SQLite file in WAL mode. It owns the state of
// every outbound SMS and the webhook bookkeeping, and makes each step one transaction, so that a
// kill -9 at any point loses nothing and sends nothing twice:
//   enqueue        INSERT with a UNIQUE key: a double submit returns the existing row.
//   claim_due      pending -> in_flight is committed BEFORE the request is sent.
//   recover        rows found in_flight at start-up may or may not have reached Telnyx: they
//                  become `reconciling`, never `pending`.
//   reconciling    waits for the message.sent / message.finalized webhook of that message
//                  (matched by the outbox tag, else by from/to/text); only after
//                  reconcile_window without one is the row sent again.
//   apply_event    event-id dedup + status update + inbound reply enqueue in one transaction.
// Thread-safe: one connection behind a mutex (the service is I/O-bound on Telnyx, not on SQLite).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/expected.h"
#include "core/webhook_event.h"

struct sqlite3;

namespace harness::tools::service {

struct OutboxRow {
  int64_t id = 0;
  std::string unique_key, tenant, from, to, text;
  std::string state;           // pending | in_flight | reconciling | sent | failed
  int attempts = 0;
  int64_t next_attempt_at_ms = 0;
  std::string message_id;      // Telnyx message id once known
  std::string status;          // latest Telnyx status (order-safe)
  std::string last_error;
  int64_t ambiguous_since_ms = 0;
  int64_t created_at_ms = 0;
};

struct EnqueueRequest {
  std::string unique_key, tenant, from, to, text;
};

struct EnqueueResult {
  OutboxRow row;
  bool duplicate = false;
};

// What an inbound message should trigger; nullopt: no reply.
struct ReplySpec {
  std::string tenant, from, text;
};
using ReplyRule = std::function<std::optional<ReplySpec>(const core::Message& inbound)>;

struct EventResult {
  bool duplicate = false;       // event id seen before: nothing done
  bool status_updated = false;
  bool matched = false;         // an outbound event was tied to an outbox row
  // The row was waiting on an ambiguous send (reconciling, or failed after the attempt budget)
  // and this event settled it as sent.
  bool reconciled = false;
  std::optional<int64_t> reply_id;   // outbox id of the reply enqueued by this event
};

struct OutboxCounts {
  int64_t pending = 0, in_flight = 0, reconciling = 0, sent = 0, failed = 0;
};

// The tag put on every outbound message so that its webhooks can be tied back to the row.
std::string outbox_tag(int64_t id);

class Outbox {
 public:
  static core::Expected<std::unique_ptr<Outbox>, std::string> open(const std::string& path);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // in_flight -> reconciling (ambiguous since now). Returns how many rows.
  int recover_in_flight(int64_t now_ms);
  EnqueueResult enqueue(const EnqueueRequest& r, int64_t now_ms);
  // The oldest due row, moved to in_flight with attempts + 1: a pending row whose
  // next_attempt_at has come, or a reconciling row whose window has passed.
  std::optional<OutboxRow> claim_due(int64_t now_ms, int64_t reconcile_window_ms);
  void mark_sent(int64_t id, const std::string& message_id, const std::string& status);
  void mark_retry(int64_t id, int64_t next_at_ms, const std::string& error, bool counts);
  void mark_failed(int64_t id, const std::string& error);
  void mark_reconciling(int64_t id, int64_t now_ms, const std::string& error);

  std::optional<OutboxRow> get(int64_t id);
  // By Telnyx message id, by unique key, or by numeric outbox id, in that order.
  std::optional<OutboxRow> find(const std::string& any_id);
  OutboxCounts counts();

  EventResult apply_event(const core::WebhookEvent& ev, const ReplyRule& reply, int64_t now_ms);

 private:
  explicit Outbox(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::mutex mu_;
};

}  // namespace harness::tools::service
