// libFuzzer target: webhook verification as a receiver runs it on untrusted headers and body.
// Input layout: four fields separated by '\n' — public key (base64), signature header,
// timestamp header, then the raw body (the rest, newlines included). Both the Ed25519 (v2) and
// HMAC (v1) verifiers, base64 decoding and the event parser must survive anything.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include "core/base64.h"
#include "core/signing.h"
#include "core/webhook_event.h"
#include "decode_json.h"

using namespace harness::core;

namespace {
std::string_view next_field(std::string_view& in) {
  auto pos = in.find('\n');
  std::string_view f = in.substr(0, pos);
  in = pos == std::string_view::npos ? std::string_view{} : in.substr(pos + 1);
  return f;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view key = next_field(in);
  std::string_view sig = next_field(in);
  std::string_view ts = next_field(in);
  std::string_view body = in;
  constexpr int64_t kNow = 1740830404;
  (void)verify_ed25519(key, sig, ts, body, kNow);
  (void)verify_hmac_header(key, sig, body, kNow);
  (void)verify_hmac_header(key, sig, body, kNow, std::nullopt);
  (void)base64_decode(sig);
  if (auto dec = base64_decode(key)) (void)base64_encode(*dec);
  harness::fuzz::decode_if_json<WebhookEvent>(body);
  return 0;
}
