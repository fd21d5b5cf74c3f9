// libFuzzer target: the request path of POST /v2/messages as the mock runs it — raw body ->
// JSON -> SendRequest (types, presence) -> address rules -> encoding and segmentation ->
// error envelope. Any crash, sanitizer report or escaped exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include "core/e164.h"
#include "core/encoding.h"
#include "core/errors.h"
#include "core/message.h"
#include "core/send_request.h"
#include "decode_json.h"

using namespace harness::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto req = decode_send_request(raw);
  if (!req.ok()) {
    // The envelope built from the problem must serialise.
    json env = ErrorEnvelope{{req.error().error}};
    (void)env.dump();
    return 0;
  }
  const SendRequest& r = req.value();
  (void)e164_problem(r.to);
  (void)classify_address(r.to);
  (void)region_of(r.to);
  if (r.from) {
    (void)classify_address(*r.from);
    (void)alphanumeric_sender_problem(*r.from);
  }
  if (r.text) {
    EncodingPreference pref = r.encoding == "gsm7"   ? EncodingPreference::Gsm7
                              : r.encoding == "ucs2" ? EncodingPreference::Ucs2
                                                     : EncodingPreference::Auto;
    auto seg = segment(*r.text, pref);
    if (seg.ok() && seg.value().parts > kMaxParts) (void)error_body(40302);
  }
  json echo = r;
  (void)echo.dump(-1, ' ', false, json::error_handler_t::replace);
  harness::fuzz::decode_if_json<Message>(raw);
  return 0;
}
