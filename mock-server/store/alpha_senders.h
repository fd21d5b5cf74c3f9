// What the mock keeps about alphanumeric sender IDs beyond the profile's own `alpha_sender`
// (POST /v2/alphanumeric_sender_ids): each one's optional `us_long_code_fallback`, per tenant and
// sender ID record (whose id names the profile and the sender). The sender ID itself is the profile's `alpha_sender` (one per profile, as sends check it).
// Cleared by POST /_mock/reset.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace harness::mock {

class AlphaSenderExtras {
 public:
  void set_fallback(const std::string& tenant, const std::string& record_id, std::optional<std::string> number) {
    std::lock_guard<std::mutex> lk(mu_);
    if (number) {
      fallback_[{tenant, record_id}] = std::move(*number);
    } else {
      fallback_.erase({tenant, record_id});
    }
  }
  std::optional<std::string> fallback(const std::string& tenant, const std::string& record_id) const {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = fallback_.find({tenant, record_id});
    if (it == fallback_.end()) return std::nullopt;
    return it->second;
  }
  void clear() {
    std::lock_guard<std::mutex> lk(mu_);
    fallback_.clear();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> fallback_;   // (tenant, record id) -> E.164
};

}  // namespace harness::mock
