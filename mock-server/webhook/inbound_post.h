// POST /_mock/inbound (contract §7.3): the body decoded into what arrives from the carrier, then
// checked by the rules (rules/inbound_rules.h). Shape errors read as the send decoder's do: not a
// JSON object (or too deep) 10015, a field of the wrong type 10015, a missing field 10004. Every
// refusal answers through refusal_reply, as the send routes do. Pure: no engine, no store.
#pragma once
#include <string_view>
#include "core/expected.h"
#include "rules/send_rules.h"
#include "store/hooks.h"

namespace harness::mock {

core::Expected<InboundRequest, SendRefusal> decode_inbound_post(std::string_view body);

}  // namespace harness::mock
