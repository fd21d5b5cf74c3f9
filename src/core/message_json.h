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
// Appends `d` in the layout of nlohmann's dump() ("1.0" for integral values, an exponent below
// 1e-4 and from 1e15 up, null when not finite) with the shortest digits that read back as `d`
// (std::to_chars). The same text as dump() for short decimals such as seconds, ratios and
// prices; for a few other values dump()'s Grisu2 digits run longer (0.9736900000000001).
void append_json_number(std::string& out, double d);
// Appends the message object.
void append_message_json(std::string& out, const Message& m);
// {"data":<message>}
std::string message_envelope(const Message& m);

}  // namespace harness::core
