#include "store/groups.h"

namespace harness::mock {

void GroupIndex::add(const std::string& tenant, const std::string& group_id, std::vector<std::string> message_ids) {
  std::lock_guard<std::mutex> lk(mu_);
  Key key{tenant, group_id};
  if (groups_.insert_or_assign(key, std::move(message_ids)).second) order_.push_back(std::move(key));
  while (order_.size() > kMaxGroups) {
    groups_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<std::vector<std::string>> GroupIndex::members(const std::string& tenant,
                                                            const std::string& group_id) const {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = groups_.find(Key{tenant, group_id});
  if (it == groups_.end()) return std::nullopt;
  return it->second;
}

void GroupIndex::clear() {
  std::lock_guard<std::mutex> lk(mu_);
  groups_.clear();
  order_.clear();
}

size_t GroupIndex::size() const {
  std::lock_guard<std::mutex> lk(mu_);
  return groups_.size();
}

}  // namespace harness::mock
