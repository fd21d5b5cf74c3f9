// Identifiers: RFC 4122 version-4 UUIDs drawn from a seeded Rng (reproducible), and checks.
#pragma once
#include <string>
#include <string_view>
#include "core/rng.h"

namespace harness::core {

std::string uuid_v4(Rng& rng);                // lower-case, 36 chars, version 4, variant 10xx
bool is_uuid(std::string_view s);             // any version, canonical 8-4-4-4-12 hex form
// Numeric-string ids as Telnyx uses for phone numbers ("2837465019283746501").
std::string numeric_id(Rng& rng, int digits = 19);

}  // namespace harness::core
