// Matches webhook events to the sends that caused them (contract §7.2, §7.7). Owns the
// accounting only: which message ids were sent and when, which event ids were seen, and the
// send->message.sent / send->message.finalized latencies. Thread-safe (one mutex): the engine
// registers sends from its workers, the receiver reports events from its handler threads, and
// either may come first for the same message, since the mock can deliver message.sent before
// the POST response has been read.
#pragma once
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include "loadgen/report/stats.h"

namespace harness::loadgen {

class Matcher {
 public:
  // A send whose response carried message id `message_id`; `send_ns` on mono_now_ns()'s clock.
  void on_send(std::string_view message_id, int64_t send_ns);
  // A verified event. event_type: message.sent | message.finalized | anything else (counted).
  void on_event(std::string_view event_id, std::string_view event_type, std::string_view message_id,
                int64_t arrival_ns);
  void on_bad_signature();
  void on_malformed();
  void on_ack_failed();

  // True when every registered message has both its message.sent and message.finalized.
  bool settled() const;
  // mono_now_ns() of the last event or bad signature seen; 0 before the first.
  int64_t last_event_ns() const;
  // Final accounting: missing (registered, never seen), orphans (seen, never registered).
  WebhookStats finish() const;

 private:
  struct Key {
    uint64_t a, b;
    bool operator==(const Key& o) const { return a == o.a && b == o.b; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return static_cast<size_t>(k.a ^ (k.b * 0x9E3779B97F4A7C15ull)); }
  };
  // Two independent 64-bit hashes of an id: 16 bytes per id instead of a string, and a
  // collision chance far below anything a run can reach.
  static Key key_of(std::string_view id);

  struct Record {
    int64_t send_ns = -1;        // -1: not registered (yet)
    int64_t sent_ns = -1;        // first message.sent arrival
    int64_t finalized_ns = -1;   // first message.finalized arrival
    uint32_t events = 0;         // distinct events seen for this message
  };
  void latencies(Record& r);

  mutable std::mutex mu_;
  std::unordered_map<Key, Record, KeyHash> messages_;
  std::unordered_set<Key, KeyHash> event_ids_;
  uint64_t unsettled_ = 0;
  int64_t last_event_ns_ = 0;       // registered messages still missing an event
  WebhookStats stats_;
};

}  // namespace harness::loadgen
