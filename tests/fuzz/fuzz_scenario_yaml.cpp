// libFuzzer target: the scenario loader on untrusted YAML (PUT /_mock/scenario takes any body),
// then, for whatever loads, a few decisions on fixed requests. A rejected document must come
// back as a ParseError, never a crash, a hang or an escaped exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include "core/clock.h"
#include "scenario/decide.h"
#include "scenario/loader.h"

using namespace harness;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  std::string err;
  (void)mock::scenario::parse_yaml_as_json(yaml, err);
  auto sc = mock::scenario::parse_scenario(yaml, "<fuzz>");
  if (!sc.ok()) {
    (void)sc.error().to_string();
    return 0;
  }
  mock::scenario::ScenarioState state(sc.value());
  core::json body = {{"to", "+15550000300"}, {"from", "+13125550147"}, {"text", "hi"}};
  std::string raw = body.dump();
  mock::RequestView req;
  req.method = "POST";
  req.path = "/v2/messages";
  req.api_key = "KEYfuzz";
  req.headers = {{"authorization", "Bearer KEYfuzz"}, {"content-type", "application/json"}};
  req.body = &body;
  req.raw_body = raw;
  core::TimePoint now(std::chrono::seconds(1740830400));
  for (int i = 0; i < 4; ++i) {
    (void)mock::scenario::decide(sc.value(), req, state, now + std::chrono::milliseconds(250 * i));
  }
  return 0;
}
