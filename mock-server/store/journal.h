// The request journal behind GET /_mock/requests: one entry per request on the API surface and
// the control API, bounded (max_journal, oldest evicted first). Thread-safe.
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include "core/clock.h"
#include "core/json.h"

namespace harness::mock {

struct JournalEntry {
  uint64_t seq = 0;
  core::TimePoint at{};           // formatted (RFC 3339) only when read
  std::string request_id;
  std::string method;
  std::string path;
  std::string query;             // raw, decoded "a=b&c=d" as received
  std::string route;             // route template, e.g. "/v2/messages/{id}"; "" when unmatched
  int status = 0;
  std::string api_key;
  std::string tenant;
  std::optional<int> error_code;
  std::optional<std::string> message_id;
  std::string rule;              // scenario rule that decided ("" = none)
  // Kept only for requests that created a message (the inbox's per-message detail), each body
  // cut at kMaxBody; the Authorization header is shortened to the key's first characters.
  static constexpr size_t kMaxBody = 16 * 1024;
  std::vector<std::pair<std::string, std::string>> request_headers;
  std::string request_body, response_body;
  bool request_truncated = false, response_truncated = false;
};
core::json to_json(const JournalEntry& e);

struct JournalFilter {
  std::optional<std::string> path;      // exact path, or prefix when it ends with '*'
  std::optional<int> status;
  std::optional<std::string> api_key;
  std::optional<std::string> method;
  std::optional<std::string> message_id;   // the request that created this message
  size_t limit = 100;                   // newest first
  uint64_t before = UINT64_MAX;         // only entries with a smaller seq (the next page's cursor)
};

class Journal {
 public:
  explicit Journal(size_t cap) : cap_(cap) {}
  void append(JournalEntry e);
  std::vector<JournalEntry> query(const JournalFilter& f) const;
  size_t size() const;
  uint64_t total() const;               // ever appended (including evicted)
  void clear();

 private:
  size_t cap_;
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;
  uint64_t next_seq_ = 1;
};

}  // namespace harness::mock
