// Inbound mode's request bytes and seeded choices. Every delivery is written by WebhookWriter
// (Telnyx's envelope, meta.attempt / meta.delivered_to, Ed25519 signature or a forger's, a stale
// timestamp on purpose). Beyond message.received: message.sent and message.finalized for the
// messages the integration sent back (read from the mock's store after the received phase), in
// two waves, so that a reordered message's finalized event has been acknowledged (or given up)
// before its sent event goes; and replays: genuine first attempts captured as they go and sent
// again later byte for byte (same timestamp, same signature). inbound_mode.cpp runs the waves.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/signing.h"
#include "loadgen/run/engine.h"
#include "loadgen/run/modes.h"

namespace harness::loadgen {

// Draw kinds for chaos_draw's `what` (a wave's number is added, 0 = message.received).
constexpr uint64_t kDrawKind = 0;       // ChaosPlan: normal / duplicate / forged / stale
constexpr uint64_t kDrawDelay = 16;     // held back or not
constexpr uint64_t kDrawDelayBy = 32;   // how long
constexpr uint64_t kDrawReplay = 48;    // captured for a replay or not
constexpr uint64_t kDrawReorder = 64;   // per message: finalized first
constexpr uint64_t kDrawOutcome = 80;   // per message: failed outcome, and which
constexpr uint64_t kDrawStatusKind = 96;

// A UUID stable for (run id, key, what): the same on every attempt and copy of an event.
std::string event_uuid(uint64_t run_id, const std::string& key, const char* what);

// How long delivery `index` of wave `wave` is held back: 0 unless drawn (--delay-rate).
Nanos chaos_delay(const InboundChaos& c, uint64_t seed, uint64_t wave, uint64_t index);

// Genuine first attempts picked for a replay, as sent (worker threads add, so it locks).
class ReplayStore {
 public:
  struct Entry {
    std::string wire;
    int64_t unix_ts = 0;   // its telnyx-timestamp
  };
  void add(std::string wire, int64_t unix_ts);
  std::vector<Entry> take();

 private:
  std::mutex mu_;
  std::vector<Entry> entries_;
};

// Writes signed webhook requests for attempt k of an event: attempts past the primary URL's
// go to the failover URL (meta.delivered_to names it).
class WebhookWriter {
 public:
  WebhookWriter(const InboundOptions& o, const core::Ed25519KeyPair& key, const core::Ed25519KeyPair& forger);
  int failover_after() const { return fail_after_; }
  // The event's time: now, or stale_age ago for a stale event.
  std::chrono::system_clock::time_point when(EventKind kind) const;
  // Appends the request: `data` is the envelope's "data" object; signed at `at` with the
  // integration's key, or with the forger's when kind is Forged. Returns the timestamp.
  int64_t write(std::string& out, const std::string& data, int attempt, EventKind kind,
                std::chrono::system_clock::time_point at) const;

 private:
  const InboundOptions& o_;
  core::Ed25519Signer signer_, forger_;
  int fail_after_;
  std::string failover_path_;
};

// A status event about one message the integration sent.
struct StatusEvent {
  bool finalized = false;    // message.finalized, else message.sent
  std::string event_id;
  std::string payload;       // the message object (JSON text) as of this event
};

struct WaveSlot {
  EventKind kind = EventKind::Normal;
  uint32_t event = 0;        // index into Wave::events
};

struct Wave {
  std::vector<StatusEvent> events;
  std::vector<WaveSlot> slots;   // per delivery: each event, then maybe a chaos copy of it
};

// The two status waves for the stored message objects `messages` (one per message the
// integration sent): wave 1 carries each message's first event (message.sent, or
// message.finalized when reordered), wave 2 the other. Counts reordered messages and failed
// outcomes into `in`.
std::vector<Wave> status_waves(const std::vector<core::json>& messages, const InboundChaos& c, uint64_t seed,
                               uint64_t run_id, InboundStats& in);

// Delivers one status wave (`wave` >= 1); captures the picked genuine first attempts in `replays`.
class WaveFactory final : public RequestFactory {
 public:
  WaveFactory(const Wave& w, uint64_t wave, const WebhookWriter& writer, const InboundChaos& c, uint64_t seed,
              ReplayStore& replays)
      : w_(w), wave_(wave), writer_(writer), c_(c), seed_(seed), replays_(replays) {}
  void build(uint64_t seq, core::Rng& rng, std::string& out) const override { build_attempt(seq, 0, rng, out); }
  void build_attempt(uint64_t seq, int attempt, core::Rng& rng, std::string& out) const override;

 private:
  const Wave& w_;
  uint64_t wave_;
  const WebhookWriter& writer_;
  const InboundChaos& c_;
  uint64_t seed_;
  ReplayStore& replays_;
};

// Sends captured requests again, byte for byte.
class ReplayFactory final : public RequestFactory {
 public:
  explicit ReplayFactory(const std::vector<ReplayStore::Entry>& e) : e_(e) {}
  void build(uint64_t seq, core::Rng&, std::string& out) const override { out += e_[seq].wire; }

 private:
  const std::vector<ReplayStore::Entry>& e_;
};

}  // namespace harness::loadgen
