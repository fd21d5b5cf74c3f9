// The carrier's side of the rules (POST /_mock/inbound, contract §7.3), beside plan_send: 'to' must
// be one E.164 number and 'from' a number, short code or sender ID (10002), and the content rules
// are the send path's own (content_refusal), so a code answers with the same status and detail
// from both routes (refusal_reply). Pure: no engine, no store.
#pragma once
#include <optional>

#include "rules/send_rules.h"
#include "store/hooks.h"

namespace harness::mock {

// nullopt when the carrier may hand the message over.
std::optional<SendRefusal> inbound_refusal(const InboundRequest& req);

}  // namespace harness::mock
