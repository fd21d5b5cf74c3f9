// A direct writer for the message object (contract §3.2), used on the hot paths (telnyx-mock's
// send and retrieve answers, every webhook event's payload) instead of building an nlohmann tree
// and dumping it: same fields and values as core::to_json(Message) (a unit test parses both and
// compares), a fraction of the allocations.
#pragma once
#include <string>
#include <string_view>
#include "core/message.h"

namespace harness::core {

// Appends `s` as a JSON string literal (quotes included), escaping as nlohmann's dump does.
void append_json_string(std::string& out, std::string_view s);
// Appends the message object.
void append_message_json(std::string& out, const Message& m);
// {"data":<message>}
std::string message_envelope(const Message& m);

}  // namespace harness::core
