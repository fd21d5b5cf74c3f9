#include "scenario/magic_numbers.h"

#include <string>

#include "core/errors.h"
#include "scenario/decide.h"

namespace harness::mock::scenario {

const std::vector<MagicNumber>& magic_numbers() {
  using K = MagicNumber::Kind;
  static const std::vector<MagicNumber> kTable{
      {"+15005550001", "accepted and always delivered", K::Delivered},
      {"+15005550002", "accepted, then delivery fails with 40008 (Undeliverable)", K::DeliveryFailed},
      {"+15005550003", "rejected at once: 400, 40300 (Blocked due to STOP)", K::Blocked},
      {"+15005550004", "always 429, 10011 with Retry-After: 1", K::RateLimited},
      {"+15005550005", "accepted and delivered, but the response is always lost (accept_then_drop)", K::LostResponse},
      {"+15005550006", "accepted and delivered, answered after 2 s", K::Slow},
  };
  return kTable;
}

const MagicNumber* find_magic_number(std::string_view to) {
  for (const auto& m : magic_numbers())
    if (m.number == to) return &m;
  return nullptr;
}

void apply_magic_number(const MagicNumber& m, Decision& d) {
  using K = MagicNumber::Kind;
  d.rule = "magic:" + std::string(m.number);
  switch (m.kind) {
    case K::Delivered:
      d.final_status = "delivered";
      break;
    case K::DeliveryFailed:
      d.final_status = "delivery_failed";
      d.final_errors = {40008};
      break;
    case K::Blocked:
      respond_with_error(d, 400, 40300);
      break;
    case K::RateLimited:
      // This number never has quota left.
      respond_rate_limited(d, 0, 1, true);
      break;
    case K::LostResponse:
      d.kind = Decision::Kind::Fault;
      d.fault = FaultKind::AcceptThenDrop;
      d.final_status = "delivered";
      break;
    case K::Slow:
      if (d.delay < std::chrono::seconds(2)) d.delay = std::chrono::seconds(2);
      d.final_status = "delivered";
      break;
  }
}

}  // namespace harness::mock::scenario
