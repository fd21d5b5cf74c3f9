// POST /_mock/inbound (contract §7.3): the body decoded into what arrives from the carrier. The
// addresses are checked as the carrier would hand them over ('to' an E.164 number, 'from' a
// number, short code or sender ID), and the content rules are the send path's
// (core::content_problem), with the same codes and statuses. Pure: no engine, no store.
#pragma once
#include <string_view>
#include "core/expected.h"
#include "core/send_request.h"
#include "store/hooks.h"

namespace harness::mock {

// 400/10015 for a body that is not a JSON object (or too deep); 422 for missing or invalid fields.
core::Expected<InboundRequest, core::RequestProblem> decode_inbound_post(std::string_view body);

}  // namespace harness::mock
