// Client verdicts behind GET /_mock/report and POST /_mock/verify: what the client under test did
// wrong, judged from the requests it sent and the answers it got. Owns the bookkeeping (bounded
// maps keyed by logical messages and request fingerprints) and the expectation checker; does not
// own matching or decisions. Thread-safe.
// A logical message is what the customer receives: tenant, recipient, text and media. Whatever
// else differs between two sends (tags, webhook URLs, an attempt counter, the Idempotency-Key)
// does not make them two messages. Judgements:
//  - duplicates: two created messages with the same logical content within the window, unless
//    the later one answers an inbound message from that recipient that arrived since (an
//    auto-reply to a new text). When both sends carried the same Idempotency-Key the item says
//    so: Telnyx's messaging API does not honour the header (contract §6). With `idempotency_key`
//    on, two created messages sharing a key are flagged too, whatever their content.
//  - double_replies: a second message to a recipient after one inbound text from it, whatever its
//    text: one inbound was answered twice (within the window).
//  - retry_after_violations: the same logical request (a send: api key, sender, recipient, text,
//    media; anything else: api key, method, path, body) sent again before the Retry-After of its
//    previous answer had passed; reports by how much.
//  - retries_without_backoff: the same logical request sent again sooner than min_retry_backoff
//    after a 5xx, a reset or another transport failure (without a Retry-After to go by).
//  - permanent_error_retries: the same logical request sent again after an answer that cannot
//    change by retrying (4xx other than 408, 409 and 429: e.g. 401 10009, 400 40305).
// Contents, conversations and fingerprints are remembered up to kMaxTracked each (oldest or all
// forgotten first, and anything older than the window), so memory is flat under any load.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include "core/clock.h"
#include "core/json.h"
#include "scenario/decision.h"
#include "scenario/scenario.h"

namespace harness::mock::scenario {

class VerdictRecorder {
 public:
  static constexpr size_t kMaxItems = 100;        // listed per verdict; counts stay exact
  static constexpr size_t kMaxTracked = 200000;   // fingerprints / contents remembered

  void set_settings(const VerdictSettings& s);
  // At arrival: judges retries against earlier answers.
  void on_request(const RequestView& req, core::TimePoint now);
  // Once decided: an answer the scenario chose (a fault, a 5xx, a Retry-After, a 4xx) is
  // remembered at once, since the client may retry before the exchange is completed.
  void on_decided(const RequestView& req, const Decision& d, core::TimePoint now);
  // After the answer (or fault): remembers what a retry must respect, and created messages.
  void on_completed(const RequestView& req, const Decision& d, int status,
                    const std::optional<std::string>& message_id, core::TimePoint now);
  // An inbound message from `from` to a number of `tenant`: one reply to `from` is now due.
  void on_inbound(const std::string& tenant, const std::string& from, core::TimePoint now);
  // The key a retry of `req` is recognised by (see logical messages above).
  static uint64_t retry_key(const RequestView& req);
  // The client closed a request the mock held (`fault: timeout`): its retry's backoff counts
  // from now.
  void client_gave_up(uint64_t retry, core::TimePoint now);
  void reset();

  uint64_t requests() const;
  uint64_t duplicates() const;
  uint64_t retry_after_violations() const;
  uint64_t permanent_error_retries() const;
  uint64_t retries_without_backoff() const;
  uint64_t double_replies() const;
  // The verdict part of the report.
  core::json to_json() const;
  size_t tracked_contents() const;   // created-message contents remembered now
  // Decisions per rule name, including "magic:<number>" and "rate_limit:<n>".
  std::map<std::string, uint64_t> decided_by_rule() const;

 private:
  struct Verdict {
    uint64_t count = 0;
    std::vector<core::json> items;
    void add(core::json item);
    core::json to_json() const { return {{"count", count}, {"items", items}}; }
  };
  // The latest created message of one logical content, keyed by its hash.
  struct LastSent {
    core::TimePoint at;
    uint64_t seq;              // its place in sent_order_
    std::string message_id;
    std::string idempotency_key;
  };
  struct Created {
    core::TimePoint at;
    uint64_t content;
    uint64_t seq;
  };
  struct Permanent { int status; std::optional<int> code; };
  struct Failure { core::TimePoint at; std::string what; };
  // Inbound texts from one recipient to one tenant, and the replies that answered them.
  struct Conversation {
    core::TimePoint last_inbound;
    uint32_t unanswered = 0;     // inbound texts not yet answered
    bool answered = false;       // a reply answered an inbound since the last one arrived
    std::string last_reply;      // its message id
  };

  // What a retry of `retry` must respect after this answer; under mu_.
  void remember_answer(uint64_t retry, const Decision& d, int status, core::TimePoint now);

  mutable std::mutex mu_;
  VerdictSettings settings_;
  std::atomic<uint64_t> requests_{0};
  // Entries a retry is judged against (retry_not_before_, failed_, permanent_answers_), set
  // under mu_: while it is 0 and a request carries no Idempotency-Key, on_request has nothing
  // to look up or note and takes no lock.
  std::atomic<size_t> remembered_{0};
  void sync_remembered();   // under mu_
  Verdict duplicates_, double_replies_, retry_after_, permanent_, no_backoff_;
  std::unordered_map<uint64_t, core::TimePoint> retry_not_before_;   // retry key -> deadline
  std::unordered_map<uint64_t, Permanent> permanent_answers_;         // retry key -> answer
  std::unordered_map<uint64_t, Failure> failed_;                      // retry key -> last failure
  std::unordered_map<uint64_t, LastSent> sent_;                       // content hash -> latest
  std::deque<Created> sent_order_;                                    // creation order, to forget
  uint64_t sent_seq_ = 0;
  std::unordered_map<std::string, Conversation> conversations_;       // tenant|recipient
  std::unordered_map<std::string, std::string> idempotency_;          // key|idem -> message id
  struct InFlightKey { std::string key; uint32_t in_flight = 0; };
  std::unordered_map<uint64_t, InFlightKey> idempotency_by_request_;  // fingerprint -> idem key
  std::map<std::string, uint64_t> by_rule_;
};

// The request fingerprint used to recognise a retry: api key, method, path and raw body.
uint64_t request_fingerprint(const RequestView& req);

// POST /_mock/verify: `expect` maps a metric to an exact integer or {min, max}. Metrics:
// requests, every verdict of the report (duplicates, double_replies, retry_after_violations,
// retries_without_backoff, permanent_error_retries, and the receiver verdicts the webhook engine
// adds), and rules: {name: ...} (times the rule decided). Returns failures (empty = all met) or
// an error for unknown keys.
struct VerifyResult {
  bool ok = true;
  std::optional<std::string> bad_request;   // malformed expectations
  core::json failures = core::json::array();
};
VerifyResult verify_expectations(const core::json& expect, const core::json& report);

}  // namespace harness::mock::scenario
