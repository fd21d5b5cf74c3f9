// Identifiers: RFC 4122 version-4 UUIDs drawn from a seeded Rng (reproducible), and checks.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include "core/rng.h"

namespace harness::core {

// Version-4 UUID text from two 64-bit draws: lower-case 8-4-4-4-12, the version nibble set to 4
// and the variant to 10xx, everything else the bits of hi then lo. Without printf: ids are minted
// on every request (x-request-id) and every message, so this sits on the mock's send path.
std::string uuid_v4(uint64_t hi, uint64_t lo);
std::string uuid_v4(Rng& rng);                // uuid_v4(next_u64(), next_u64())
bool is_uuid(std::string_view s);             // any version, canonical 8-4-4-4-12 hex form
// Numeric-string ids as Telnyx uses for phone numbers ("2837465019283746501").
std::string numeric_id(Rng& rng, int digits = 19);

}  // namespace harness::core
