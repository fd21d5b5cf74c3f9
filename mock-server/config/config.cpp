// YAML -> MockConfig. Unknown keys are errors (a typo must not silently fall back to a default);
// each error carries the node's line and column (yaml-cpp marks are 0-based).
#include "config/config.h"
#include "core/ids.h"

#include <fstream>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>
#include "yaml/fields.h"

namespace harness::mock {
namespace {

using yaml::boolean;
using yaml::check_keys;
using yaml::fail;
using yaml::integer;
using yaml::optional_scalar;
using yaml::scalar;
using yaml::scalar_list;

// An owned number: E.164, or a short code (3 to 8 digits, listed by /v2/short_codes).
std::string e164(const YAML::Node& n) {
  auto s = scalar(n, "number");
  bool short_code = s.size() >= 3 && s.size() <= 8;
  for (size_t i = 0; short_code && i < s.size(); ++i) short_code = s[i] >= '0' && s[i] <= '9';
  if (short_code) return s;
  bool ok = s.size() >= 9 && s.size() <= 16 && s[0] == '+' && s[1] != '0';
  for (size_t i = 1; ok && i < s.size(); ++i) ok = s[i] >= '0' && s[i] <= '9';
  if (!ok) fail(n, "number '" + s + "' is not E.164 (+ and 8 to 15 digits) nor a short code (3 to 8 digits)");
  return s;
}

ProfileConfig parse_profile(const YAML::Node& n) {
  check_keys(n, "profile",
             {"id", "name", "enabled", "webhook_url", "webhook_failover_url", "webhook_api_version", "v1_secret",
              "whitelisted_destinations", "alpha_sender", "numbers"});
  ProfileConfig p;
  if (!n["name"]) fail(n, "profile needs a name");
  p.name = scalar(n["name"], "name");
  if (n["id"]) {
    p.id = scalar(n["id"], "id");
    // The API routes /v2/messaging_profiles/{id} by UUID only.
    if (!core::is_uuid(*p.id)) fail(n["id"], "profile id '" + *p.id + "' is not a UUID (8-4-4-4-12 hex)");
  }
  if (n["enabled"]) p.enabled = boolean(n["enabled"], "enabled");
  core::WebhookTarget& w = p.webhook;
  if (n["webhook_url"]) w.url = optional_scalar(n["webhook_url"], "webhook_url");
  if (n["webhook_failover_url"]) w.failover_url = optional_scalar(n["webhook_failover_url"], "webhook_failover_url");
  if (n["webhook_api_version"]) {
    w.api_version = scalar(n["webhook_api_version"], "webhook_api_version");
    if (w.api_version != "1" && w.api_version != "2" && w.api_version != "2010-04-01") {
      fail(n["webhook_api_version"], "webhook_api_version must be \"1\", \"2\" or \"2010-04-01\"");
    }
  }
  if (n["v1_secret"]) w.v1_secret = optional_scalar(n["v1_secret"], "v1_secret");
  if (n["whitelisted_destinations"]) p.whitelisted_destinations = scalar_list(n["whitelisted_destinations"], "whitelisted_destinations");
  if (n["alpha_sender"]) p.alpha_sender = optional_scalar(n["alpha_sender"], "alpha_sender");
  if (n["numbers"]) {
    if (!n["numbers"].IsSequence()) fail(n["numbers"], "numbers must be a list");
    for (const auto& e : n["numbers"]) p.numbers.push_back(e164(e));
  }
  return p;
}

TenantConfig parse_tenant(const YAML::Node& n) {
  check_keys(n, "tenant", {"name", "api_keys", "profiles", "numbers"});
  TenantConfig t;
  if (!n["name"]) fail(n, "tenant needs a name");
  t.name = scalar(n["name"], "name");
  if (!n["api_keys"]) fail(n, "tenant '" + t.name + "' needs api_keys");
  t.api_keys = scalar_list(n["api_keys"], "api_keys");
  if (t.api_keys.empty()) fail(n["api_keys"], "api_keys must not be empty");
  if (n["profiles"]) {
    if (!n["profiles"].IsSequence()) fail(n["profiles"], "profiles must be a list");
    for (const auto& p : n["profiles"]) t.profiles.push_back(parse_profile(p));
  }
  if (n["numbers"]) {
    if (!n["numbers"].IsSequence()) fail(n["numbers"], "numbers must be a list");
    for (const auto& e : n["numbers"]) t.numbers.push_back(e164(e));
  }
  return t;
}

Settings parse_settings(const YAML::Node& n) {
  check_keys(n, "settings",
             {"retention_days", "retention_seconds", "max_messages", "max_journal", "payload_max_bytes",
              "retry_after", "open_mode_numbers", "profile_requires_whitelist", "error_status",
              "webhook_signing_key", "max_header_bytes", "max_headers", "max_request_line_bytes",
              "request_timeout_ms", "idle_timeout_ms", "max_connections", "json_max_depth",
              "max_messages_per_tenant", "max_open_tenants", "max_event_streams", "event_stream_buffer_bytes",
              "event_heartbeat_ms"});
  Settings s;
  if (n["retention_days"]) s.retention_seconds = integer(n["retention_days"], "retention_days", 1, 3650) * 86400;
  if (n["retention_seconds"]) s.retention_seconds = integer(n["retention_seconds"], "retention_seconds", 1, int64_t(3650) * 86400);
  if (n["max_messages"]) s.max_messages = static_cast<size_t>(integer(n["max_messages"], "max_messages", 1, 100000000));
  if (n["max_messages_per_tenant"]) s.max_messages_per_tenant = static_cast<size_t>(integer(n["max_messages_per_tenant"], "max_messages_per_tenant", 1, 100000000));
  if (n["max_open_tenants"]) s.max_open_tenants = static_cast<size_t>(integer(n["max_open_tenants"], "max_open_tenants", 1, 10000000));
  if (n["max_journal"]) s.max_journal = static_cast<size_t>(integer(n["max_journal"], "max_journal", 1, 100000000));
  if (n["payload_max_bytes"]) s.payload_max_bytes = static_cast<size_t>(integer(n["payload_max_bytes"], "payload_max_bytes", 1024, int64_t(1) << 30));
  if (n["max_header_bytes"]) s.max_header_bytes = static_cast<size_t>(integer(n["max_header_bytes"], "max_header_bytes", 1024, 65536));
  if (n["max_headers"]) s.max_headers = static_cast<size_t>(integer(n["max_headers"], "max_headers", 8, 1000));
  if (n["max_request_line_bytes"]) s.max_request_line_bytes = static_cast<size_t>(integer(n["max_request_line_bytes"], "max_request_line_bytes", 256, 65536));
  if (n["request_timeout_ms"]) s.request_timeout_ms = integer(n["request_timeout_ms"], "request_timeout_ms", 100, 600000);
  if (n["idle_timeout_ms"]) s.idle_timeout_ms = integer(n["idle_timeout_ms"], "idle_timeout_ms", 100, 3600000);
  if (n["max_connections"]) s.max_connections = static_cast<size_t>(integer(n["max_connections"], "max_connections", 1, 1000000));
  if (n["json_max_depth"]) s.json_max_depth = static_cast<size_t>(integer(n["json_max_depth"], "json_max_depth", 1, 1000));
  if (n["max_event_streams"]) s.max_event_streams = static_cast<size_t>(integer(n["max_event_streams"], "max_event_streams", 1, 10000));
  if (n["event_stream_buffer_bytes"]) s.event_stream_buffer_bytes = static_cast<size_t>(integer(n["event_stream_buffer_bytes"], "event_stream_buffer_bytes", 4096, int64_t(1) << 30));
  if (n["event_heartbeat_ms"]) s.event_heartbeat_ms = integer(n["event_heartbeat_ms"], "event_heartbeat_ms", 10, 3600000);
  if (n["retry_after"]) s.retry_after = boolean(n["retry_after"], "retry_after");
  if (n["open_mode_numbers"]) s.open_mode_numbers = static_cast<int>(integer(n["open_mode_numbers"], "open_mode_numbers", 0, 100));
  if (n["profile_requires_whitelist"]) s.profile_requires_whitelist = boolean(n["profile_requires_whitelist"], "profile_requires_whitelist");
  if (n["webhook_signing_key"]) s.webhook_signing_key = scalar(n["webhook_signing_key"], "webhook_signing_key");
  if (n["error_status"]) {
    const auto& m = n["error_status"];
    if (!m.IsMap()) fail(m, "error_status must map error codes to HTTP statuses");
    for (const auto& kv : m) {
      int code = static_cast<int>(integer(kv.first, "error code", 10000, 99999));
      s.error_status[code] = static_cast<int>(integer(kv.second, "HTTP status", 400, 599));
    }
  }
  return s;
}

MockConfig parse_root(const YAML::Node& root) {
  MockConfig c;
  if (root.IsNull()) return c;   // empty file = embedded default
  check_keys(root, "the top level", {"settings", "tenants"});
  if (root["settings"]) c.settings = parse_settings(root["settings"]);
  if (root["tenants"]) {
    if (!root["tenants"].IsSequence()) fail(root["tenants"], "tenants must be a list");
    std::set<std::string> keys, numbers, names;
    for (const auto& tn : root["tenants"]) {
      auto t = parse_tenant(tn);
      if (!names.insert(t.name).second) fail(tn["name"], "duplicate tenant name '" + t.name + "'");
      for (size_t i = 0; i < t.api_keys.size(); ++i) {
        if (!keys.insert(t.api_keys[i]).second) fail(tn["api_keys"][i], "API key listed twice");
      }
      auto claim = [&](const std::string& num, const YAML::Node& at) {
        if (!numbers.insert(num).second) fail(at, "number " + num + " is owned twice");
      };
      for (size_t i = 0; i < t.numbers.size(); ++i) claim(t.numbers[i], tn["numbers"][i]);
      for (size_t p = 0; p < t.profiles.size(); ++p) {
        for (size_t i = 0; i < t.profiles[p].numbers.size(); ++i) {
          claim(t.profiles[p].numbers[i], tn["profiles"][p]["numbers"][i]);
        }
      }
      c.tenants.push_back(std::move(t));
    }
  }
  return c;
}

}  // namespace

int Settings::status_for(int code, int catalogue_status) const {
  auto it = error_status.find(code);
  if (it != error_status.end()) return it->second;
  return catalogue_status > 0 ? catalogue_status : 400;
}

std::string ConfigError::to_string() const {
  std::ostringstream os;
  os << file << ':' << line << ':' << column << ": " << message;
  return os.str();
}

core::Expected<MockConfig, ConfigError> parse_config(std::string_view yaml, std::string_view file) {
  auto c = yaml::read_document<MockConfig>(yaml, parse_root);
  if (!c) return core::unexpected(ConfigError{std::string(file), c.error().line, c.error().column, c.error().message});
  return std::move(c.value());
}

core::Expected<MockConfig, ConfigError> load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unexpected(ConfigError{path, 0, 0, "cannot open the file"});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

MockConfig default_config() { return MockConfig{}; }

}  // namespace harness::mock
