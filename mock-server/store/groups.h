// Group MMS (POST /v2/messages/group_mms): one outbound message per recipient, all under one
// group message id, which GET /v2/messages/group/{id} lists and GET /v2/messages/{id} shows as the
// whole group. This index remembers which messages form each group, per tenant; the messages
// themselves live in the store (and may be evicted from it like any other). Bounded: beyond
// kMaxGroups the oldest group is forgotten.
#pragma once
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harness::mock {

class GroupIndex {
 public:
  static constexpr size_t kMaxGroups = 100000;

  void add(const std::string& tenant, const std::string& group_id, std::vector<std::string> message_ids);
  // The group's message ids in recipient order; nullopt when unknown (or another tenant's).
  std::optional<std::vector<std::string>> members(const std::string& tenant, const std::string& group_id) const;
  void clear();
  size_t size() const;

 private:
  using Key = std::pair<std::string, std::string>;   // tenant, group id
  mutable std::mutex mu_;
  std::map<Key, std::vector<std::string>> groups_;
  std::deque<Key> order_;   // oldest first
};

}  // namespace harness::mock
