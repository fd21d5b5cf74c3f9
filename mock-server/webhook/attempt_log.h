// Every webhook delivery attempt, and the counters behind GET /_mock/webhooks and /metrics.
// Bounded: when full, the oldest record is evicted (and counted). Counters are never evicted, so
// a test or the load generator can count exactly what was delivered, failed, dropped, overflowed
// and which chaos was injected, however long the run. Thread-safe.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include "core/json.h"
#include "webhook/plan.h"

namespace harness::mock {

// What became of one attempt (or of an event that never got one).
enum class AttemptOutcome {
  Delivered,   // 2xx
  Failed,      // non-2xx, timeout or transport error; a retry may follow
  Dropped,     // chaos `drop`: deliberately never sent
  Overflow,    // the dispatcher queue was full: never sent
  Abandoned,   // still pending at shutdown
  Gone,        // the message left the store first (evicted by max_messages, or a reset)
};
std::string_view outcome_name(AttemptOutcome o);

struct AttemptRecord {
  uint64_t seq = 0;                 // assigned by the log, increasing
  std::string tenant_id;
  std::string event_id;
  std::string event_type;
  std::string message_id;
  std::string url;                  // "" when no attempt was made
  int attempt = 0;                  // meta.attempt (1..), 0 when none was made
  int http_status = 0;              // 0: no HTTP response
  double latency_ms = 0;
  std::string error;                // "" on success; "timeout", "connection", "status 503", ...
  std::string signature;            // signature_kind_name
  std::vector<std::string> chaos;   // chaos kinds applied to this event
  // Deliberate corruption this attempt's headers carried ("bad_signature", "stale_timestamp"):
  // a correct receiver must reject exactly these attempts.
  std::vector<std::string> corrupted;
  bool final = false;               // no further attempt of this event copy will follow
  bool redelivery = false;          // sent again by POST /_mock/webhooks/redeliver
  AttemptOutcome outcome = AttemptOutcome::Failed;
  std::string at;                   // RFC 3339, from the injected clock
};
void to_json(core::json& j, const AttemptRecord& r);

struct AttemptFilter {
  std::optional<std::string> tenant_id;
  std::optional<std::string> message_id;
  std::optional<std::string> event_type;
  std::optional<std::string> event_id;
  size_t limit = 1000;              // newest first
};

struct WebhookStats {
  uint64_t events_scheduled = 0;    // event copies handed to the dispatcher (duplicates count)
  uint64_t events_delivered = 0;    // copies that got a 2xx
  uint64_t events_failed = 0;       // copies whose URL chain was exhausted
  uint64_t events_dropped = 0;      // chaos drop
  uint64_t events_abandoned = 0;    // pending at shutdown
  uint64_t events_gone = 0;         // the message left the store before the event was due
  uint64_t events_no_url = 0;       // no URL in the chain: nothing to send (contract §7.6)
  uint64_t queue_overflow = 0;      // admissions refused because the queue was full
  uint64_t attempts = 0;
  uint64_t attempts_failed = 0;
  std::array<uint64_t, kChaosKinds> chaos{};   // indexed by ChaosKind
  uint64_t records_evicted = 0;
};
void to_json(core::json& j, const WebhookStats& s);

// Receiver verdicts judged from the attempts (GET /_mock/report, POST /_mock/verify). Counts are
// exact; at most kMaxItems examples are kept per verdict.
//  - forged_webhooks_accepted: a deliberately corrupted attempt (bad signature, stale timestamp)
//    answered 2xx: the receiver does not verify.
//  - valid_webhooks_rejected: a correctly signed attempt answered 4xx.
//  - webhook_receiver_errors: a 5xx answer.
//  - webhook_acks_late: no answer within the delivery deadline (2 s by default).
struct ReceiverVerdicts {
  static constexpr size_t kMaxItems = 100;
  struct Verdict {
    uint64_t count = 0;
    std::vector<core::json> items;
  };
  Verdict forged_accepted, valid_rejected, receiver_errors, acks_late;
};
core::json receiver_verdicts_json(const ReceiverVerdicts& v);

class AttemptLog {
 public:
  explicit AttemptLog(size_t capacity = 100000) : capacity_(capacity == 0 ? 1 : capacity) {}

  void record(AttemptRecord r);
  // Called with every record as it is made (after the log's lock is released), e.g. the access
  // log. nullptr removes it.
  using Observer = std::function<void(const AttemptRecord&)>;
  void set_observer(Observer fn);
  // Counters that are not attempts.
  void count_scheduled(uint64_t n = 1);
  void count_no_url();
  void count_chaos(ChaosKind k);

  std::vector<AttemptRecord> query(const AttemptFilter& f) const;
  WebhookStats stats() const;
  ReceiverVerdicts verdicts() const;
  // Called after each record, outside the lock (wakes waiters on verdicts and idleness).
  void set_on_record(std::function<void()> f);
  size_t size() const;
  size_t capacity() const { return capacity_; }
  void clear();   // records and counters (POST /_mock/reset)

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  uint64_t next_seq_ = 1;
  std::deque<AttemptRecord> records_;
  WebhookStats stats_;
  ReceiverVerdicts verdicts_;
  std::shared_ptr<const std::function<void()>> on_record_;
  std::shared_ptr<const Observer> observer_;
};

}  // namespace harness::mock
