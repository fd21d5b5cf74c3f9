// The two traffic modes, wired from validated options: `send` (POST /v2/messages with the
// embedded webhook receiver) and `inbound` (signed message.received events into an
// integration, replies matched through the mock's control API). Owns turning options into an
// EngineConfig, a RequestFactory and a Report; main.cpp only parses flags and prints.
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include "loadgen/http/request.h"
#include "loadgen/plan/plan.h"
#include "loadgen/plan/template.h"
#include "loadgen/receiver/receiver.h"
#include "loadgen/report/report.h"
#include "loadgen/run/engine.h"

namespace harness::loadgen {

struct LoadOptions {           // common to both modes; validated by main before a thread starts
  http::Url target;            // where requests go
  std::string path;            // request path (send: <base>/v2/messages)
  Plan plan;                   // whole-run plan; sharded by shard_index/shard_count here
  double rate = 0;             // the constant rate when no stages were given (for the report)
  bool closed_loop = false;
  uint32_t threads = 2;
  uint32_t connections = 0;    // 0: 1000 open loop, 50 closed loop
  Nanos duration{0};
  uint64_t count = UINT64_MAX;
  Nanos timeout = std::chrono::seconds(5);
  Nanos warmup{0};
  RetryConfig retry;
  uint32_t shard_index = 0, shard_count = 1;
  uint64_t seed = 1;
  Nanos grace = std::chrono::seconds(5);    // wait for late webhooks / replies
  core::json config_echo = core::json::object();
};

struct SendOptions {
  LoadOptions load;
  std::string api_key;
  Template from, to, text;
  std::string messaging_profile_id;   // optional
  bool webhooks = false;              // run the receiver and put webhook_url in each send
  ReceiverConfig receiver;
  std::string keys_from;              // mock base URL for GET /_mock/keys when no key given
};

// Inbound chaos: fractions of the planned deliveries, drawn per send from --seed (the same seed
// picks the same sends). Their sum is at most 1.
struct InboundChaos {
  double duplicate = 0;   // re-deliver the event just before (same data.id, signed afresh)
  double forged = 0;      // signed with a key that is not the integration's: must be refused
  double stale = 0;       // correctly signed, timestamp `stale_age` old: must be refused
  Nanos stale_age = std::chrono::minutes(10);   // past the 300 s tolerance (contract §7.4)
  // The rest are drawn apart from the kinds above (any delivery may also be delayed or replayed).
  double failed = 0;      // message.finalized outcomes: delivery_failed / sending_failed, half each
  double reorder = 0;     // messages whose message.finalized is delivered before message.sent
  double delay = 0;       // deliveries held back by up to delay_max (uniform), on purpose
  Nanos delay_max{0};
  double replay = 0;      // genuine first attempts sent again later, byte for byte
  Nanos replay_after{0};  // replays wait until their timestamp is at least this old
  Nanos tolerance = std::chrono::seconds(300);  // the integration's timestamp tolerance (§7.4)
};

// A seeded draw in [0, 1) for (what, index): the same seed gives the same draws in every run.
double chaos_draw(uint64_t seed, uint64_t what, uint64_t index);

enum class EventKind { Normal, Duplicate, Forged, Stale };
std::string_view kind_name(EventKind k);

// Which event each send carries: a pure function of (chaos, seed, send index).
class ChaosPlan {
 public:
  struct Slot {
    EventKind kind = EventKind::Normal;
    uint64_t event = 0;   // the send index whose event this is (a duplicate: an earlier one)
  };
  ChaosPlan(const InboundChaos& c, uint64_t seed);
  Slot slot(uint64_t seq) const;

 private:
  EventKind base(uint64_t seq) const;
  InboundChaos c_;
  uint64_t seed_;
};

struct InboundOptions {
  LoadOptions load;
  std::string signing_key;            // base64 seed or PEM file path (private key)
  Template from, to, text;
  std::string messaging_profile_id;
  std::string mock_url;               // base URL of the mock, for matching replies; empty: none
  // Telnyx's failover URL (contract §7.6): once the attempts on the primary URL are spent
  // (load.retry.max_retries + 1), as many again go here, the first at once. host empty: none.
  http::Url failover;
  InboundChaos chaos;
  // Event and message ids derive from (run_id, event): the same on every attempt and duplicate
  // of an event, new in every run unless --seed fixes it.
  uint64_t run_id = 1;
};

struct RunHooks {
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const LiveSnapshot&, Nanos)> on_progress;
  Nanos progress_interval = std::chrono::seconds(1);
  std::function<void(const std::string&)> log;   // one-line notes (receiver URL, grace wait)
};

// Run errors (cannot bind, cannot resolve, no key) come back as the error text.
core::Expected<Report, std::string> run_send(const SendOptions& o, const RunHooks& hooks);
core::Expected<Report, std::string> run_inbound(const InboundOptions& o, const RunHooks& hooks);

// Shared plumbing: the engine config for a shard of `o`.
EngineConfig engine_config(const LoadOptions& o, const RequestFactory& f, const RunHooks& hooks);
Report base_report(const LoadOptions& o, const std::string& mode, const EngineResult& r, int64_t started_unix_ms);

}  // namespace harness::loadgen
