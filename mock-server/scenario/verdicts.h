// Client verdicts behind GET /_mock/report and POST /_mock/verify: what the client under test did
// wrong, judged from the requests it sent and the answers it got. Owns the bookkeeping (bounded
// maps keyed by request fingerprints and message contents) and the expectation checker; does not
// own matching or decisions. Thread-safe. Judgements:
//  - duplicates: two created messages with the same api key (the tenant), from, to and text within
//    the window; with `idempotency_key` on, also two created messages sharing an Idempotency-Key.
//    The contents of the last kMaxTracked created messages are remembered (oldest forgotten
//    first, and anything older than the window), so memory is flat under any load.
//  - retry_after_violations: the same request (api key + method + path + body) sent again before
//    the Retry-After of its previous answer had passed; reports by how much.
//  - permanent_error_retries: the same request sent again after an answer that cannot change by
//    retrying (4xx other than 408, 409 and 429: e.g. 401 10009, 400 40305).
#pragma once
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
  // After the answer (or fault): remembers what a retry must respect, and created messages.
  void on_completed(const RequestView& req, const Decision& d, int status,
                    const std::optional<std::string>& message_id, core::TimePoint now);
  void reset();

  uint64_t requests() const;
  uint64_t duplicates() const;
  uint64_t retry_after_violations() const;
  uint64_t permanent_error_retries() const;
  // The verdict part of the report.
  core::json to_json() const;
  size_t tracked_contents() const;   // created-message contents remembered now
  // Decisions per rule name, including "magic:<number>" and "rate_limit:<n>".
  std::map<std::string, uint64_t> decided_by_rule() const;

 private:
  // The latest created message of one content (api key, from, to, text), keyed by its hash.
  struct LastSent {
    core::TimePoint at;
    uint64_t seq;              // its place in sent_order_
    std::string message_id;
  };
  struct Created {
    core::TimePoint at;
    uint64_t content;
    uint64_t seq;
  };
  struct Permanent { int status; std::optional<int> code; };

  mutable std::mutex mu_;
  VerdictSettings settings_;
  uint64_t requests_ = 0, duplicates_ = 0, retry_after_violations_ = 0, permanent_retries_ = 0;
  std::unordered_map<uint64_t, core::TimePoint> retry_not_before_;   // fingerprint -> deadline
  std::unordered_map<uint64_t, Permanent> permanent_;                 // fingerprint -> answer
  std::unordered_map<uint64_t, LastSent> sent_;                       // content hash -> latest
  std::deque<Created> sent_order_;                                    // creation order, to forget
  uint64_t sent_seq_ = 0;
  std::unordered_map<std::string, std::string> idempotency_;          // key|idem -> message id
  std::unordered_map<uint64_t, std::string> idempotency_by_request_;  // fingerprint -> idem key
  std::map<std::string, uint64_t> by_rule_;
  std::vector<core::json> duplicate_items_, retry_after_items_, permanent_items_;
};

// The request fingerprint used to recognise a retry: api key, method, path and raw body.
uint64_t request_fingerprint(const RequestView& req);

// POST /_mock/verify: `expect` maps a metric to an exact integer or {min, max}. Metrics:
// requests, duplicates, retry_after_violations, permanent_error_retries, and rules: {name: ...}
// (times the rule decided). Returns failures (empty = all met) or an error for unknown keys.
struct VerifyResult {
  bool ok = true;
  std::optional<std::string> bad_request;   // malformed expectations
  core::json failures = core::json::array();
};
VerifyResult verify_expectations(const core::json& expect, const core::json& report);

}  // namespace harness::mock::scenario
