// libFuzzer target: every YAML entry point under its caps (yaml/bounded_yaml.h) on untrusted
// text: the scenario loader, YAML-as-JSON (POST /_mock/verify bodies) and the mock's
// configuration. Seeds are alias-heavy: an input that expands past the node cap must be refused
// from the event count, never expanded (libFuzzer's RSS limit catches an expansion).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "scenario/loader.h"
#include "yaml/bounded_yaml.h"

using namespace harness;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)yaml::expanded_nodes(text, 200000);
  } catch (const YAML::Exception&) {
  }
  std::string err;
  if (auto j = mock::scenario::parse_yaml_as_json(text, err)) (void)j->dump(-1, ' ', false, core::json::error_handler_t::replace);
  auto sc = mock::scenario::parse_scenario(text, "<fuzz>");
  if (!sc.ok()) (void)sc.error().to_string();
  auto cfg = mock::parse_config(text, "<fuzz>");
  if (!cfg.ok()) (void)cfg.error().to_string();
  return 0;
}
