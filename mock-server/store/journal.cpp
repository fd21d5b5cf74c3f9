#include "store/journal.h"

#include <algorithm>
#include <iterator>

namespace harness::mock {

core::json to_json(const JournalEntry& e) {
  core::json j = {{"seq", e.seq},         {"time", core::format_rfc3339(e.at)},   {"request_id", e.request_id},
                  {"method", e.method},   {"path", e.path},   {"query", e.query},
                  {"route", e.route},     {"status", e.status}, {"api_key", e.api_key},
                  {"tenant", e.tenant},   {"rule", e.rule}};
  j["error_code"] = e.error_code ? core::json(std::to_string(*e.error_code)) : core::json(nullptr);
  j["message_id"] = e.message_id ? core::json(*e.message_id) : core::json(nullptr);
  if (e.message_id) {
    core::json headers = core::json::object();
    for (const auto& [k, v] : e.request_headers) headers[k] = v;
    j["request"] = {{"headers", std::move(headers)}, {"body", e.request_body}, {"body_truncated", e.request_truncated}};
    j["response"] = {{"body", e.response_body}, {"body_truncated", e.response_truncated}};
  }
  return j;
}

void Journal::append(JournalEntry e) {
  JournalEntry evicted;   // freed after the lock (every request takes it)
  std::lock_guard<std::mutex> lk(mu_);
  e.seq = next_seq_++;
  entries_.push_back(std::move(e));
  while (entries_.size() > cap_) {
    evicted = std::move(entries_.front());
    entries_.pop_front();
  }
}

std::vector<JournalEntry> Journal::query(const JournalFilter& f) const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<JournalEntry> out;
  // Entries are in seq order: the cursor is found by binary search.
  auto end = std::lower_bound(entries_.begin(), entries_.end(), f.before,
                              [](const JournalEntry& e, uint64_t b) { return e.seq < b; });
  for (auto it = std::make_reverse_iterator(end); it != entries_.rend() && out.size() < f.limit; ++it) {
    if (f.path) {
      const std::string& p = *f.path;
      if (!p.empty() && p.back() == '*') {
        if (it->path.compare(0, p.size() - 1, p, 0, p.size() - 1) != 0) continue;
      } else if (it->path != p) {
        continue;
      }
    }
    if (f.status && it->status != *f.status) continue;
    if (f.api_key && it->api_key != *f.api_key) continue;
    if (f.method && it->method != *f.method) continue;
    if (f.message_id && (!it->message_id || *it->message_id != *f.message_id)) continue;
    out.push_back(*it);
  }
  return out;
}

size_t Journal::size() const {
  std::lock_guard<std::mutex> lk(mu_);
  return entries_.size();
}

uint64_t Journal::total() const {
  std::lock_guard<std::mutex> lk(mu_);
  return next_seq_ - 1;
}

void Journal::clear() {
  std::lock_guard<std::mutex> lk(mu_);
  entries_.clear();
}

}  // namespace harness::mock
