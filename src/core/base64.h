// Standard padded base64 (RFC 4648 §4). decode is strict: wrong length, bad characters or
// misplaced padding yield nullopt.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace harness::core {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace harness::core
