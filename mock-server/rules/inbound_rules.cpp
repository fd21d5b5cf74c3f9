#include "rules/inbound_rules.h"

#include <string>

#include "core/e164.h"

namespace harness::mock {

std::optional<SendRefusal> inbound_refusal(const InboundRequest& req) {
  if (auto why = core::e164_problem(req.to)) return SendRefusal{10002, 0, "'to' " + *why, std::string("/to")};
  const auto from_kind = core::classify_address(req.from);
  if (from_kind != core::AddressKind::E164 && from_kind != core::AddressKind::ShortCode &&
      from_kind != core::AddressKind::Alphanumeric) {
    return SendRefusal{10002, 0, "'from' is not a phone number, short code or sender ID.", std::string("/from")};
  }
  return content_refusal(!req.text.empty(), req.media_urls.size());
}

}  // namespace harness::mock
