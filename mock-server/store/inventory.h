// The numbers GET /v2/available_phone_numbers offers: a deterministic inventory generated from
// the seed (same seed, same numbers, on every platform), per national destination code. Numbers
// already owned by a tenant are left out at search time (contract §8.3).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include "core/numbers.h"

namespace harness::mock {

struct InventoryQuery {
  std::string country_code = "US";               // filter[country_code]
  std::optional<std::string> ndc;                // filter[national_destination_code]
  std::optional<std::string> locality;           // filter[locality]
  std::optional<std::string> administrative_area;// filter[administrative_area]
  std::optional<std::string> phone_number_type;  // filter[phone_number_type]
  std::optional<std::string> starts_with;        // filter[phone_number][starts_with]
  std::optional<std::string> ends_with;
  std::optional<std::string> contains;
  std::vector<std::string> features;             // every one must be offered
  size_t limit = 20;                             // filter[limit]
};

class Inventory {
 public:
  explicit Inventory(uint64_t seed);
  std::vector<core::AvailableNumber> search(const InventoryQuery& q,
                                            const std::function<bool(const std::string&)>& owned) const;
  static constexpr size_t kPerAreaCode = 200;

 private:
  struct Area {
    std::string country, ndc, locality, state;
    std::vector<std::string> numbers;   // E.164
  };
  std::vector<Area> areas_;
};

}  // namespace harness::mock
