// YAML -> MockConfig. Unknown keys are errors (a typo must not silently fall back to a default);
// each error carries the node's line and column (yaml-cpp marks are 0-based).
#include "config/config.h"
#include "core/ids.h"

#include <fstream>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>
#include "yaml/bounded_yaml.h"

namespace harness::mock {
namespace {

struct Fail {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& n, std::string msg) { throw Fail{n.Mark(), std::move(msg)}; }

void check_keys(const YAML::Node& map, const std::set<std::string>& allowed, const char* where) {
  if (!map.IsMap()) fail(map, std::string(where) + " must be a mapping");
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (!allowed.count(key)) fail(kv.first, "unknown key '" + key + "' in " + where);
  }
}

std::string str(const YAML::Node& n, const char* what) {
  if (!n.IsScalar()) fail(n, std::string(what) + " must be a string");
  return n.as<std::string>();
}

std::optional<std::string> opt_str(const YAML::Node& n, const char* what) {
  if (n.IsNull()) return std::nullopt;
  return str(n, what);
}

bool boolean(const YAML::Node& n, const char* what) {
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) fail(n, std::string(what) + " must be true or false");
  return v;
}

int64_t integer(const YAML::Node& n, const char* what, int64_t min, int64_t max) {
  long long v = 0;
  if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v) || v < min || v > max) {
    fail(n, std::string(what) + " must be an integer from " + std::to_string(min) + " to " +
                std::to_string(max));
  }
  return v;
}

std::vector<std::string> str_list(const YAML::Node& n, const char* what) {
  if (!n.IsSequence()) fail(n, std::string(what) + " must be a list of strings");
  std::vector<std::string> out;
  for (const auto& e : n) out.push_back(str(e, what));
  return out;
}

// An owned number: E.164, or a short code (3 to 8 digits, listed by /v2/short_codes).
std::string e164(const YAML::Node& n) {
  auto s = str(n, "number");
  bool short_code = s.size() >= 3 && s.size() <= 8;
  for (size_t i = 0; short_code && i < s.size(); ++i) short_code = s[i] >= '0' && s[i] <= '9';
  if (short_code) return s;
  bool ok = s.size() >= 9 && s.size() <= 16 && s[0] == '+' && s[1] != '0';
  for (size_t i = 1; ok && i < s.size(); ++i) ok = s[i] >= '0' && s[i] <= '9';
  if (!ok) fail(n, "number '" + s + "' is not E.164 (+ and 8 to 15 digits) nor a short code (3 to 8 digits)");
  return s;
}

ProfileConfig parse_profile(const YAML::Node& n) {
  check_keys(n, {"id", "name", "enabled", "webhook_url", "webhook_failover_url",
                 "webhook_api_version", "v1_secret", "whitelisted_destinations", "alpha_sender",
                 "numbers"},
             "profile");
  ProfileConfig p;
  if (!n["name"]) fail(n, "profile needs a name");
  p.name = str(n["name"], "name");
  if (n["id"]) {
    p.id = str(n["id"], "id");
    // The API routes /v2/messaging_profiles/{id} by UUID only.
    if (!core::is_uuid(*p.id)) fail(n["id"], "profile id '" + *p.id + "' is not a UUID (8-4-4-4-12 hex)");
  }
  if (n["enabled"]) p.enabled = boolean(n["enabled"], "enabled");
  if (n["webhook_url"]) p.webhook_url = opt_str(n["webhook_url"], "webhook_url");
  if (n["webhook_failover_url"]) p.webhook_failover_url = opt_str(n["webhook_failover_url"], "webhook_failover_url");
  if (n["webhook_api_version"]) {
    p.webhook_api_version = str(n["webhook_api_version"], "webhook_api_version");
    if (p.webhook_api_version != "1" && p.webhook_api_version != "2" &&
        p.webhook_api_version != "2010-04-01") {
      fail(n["webhook_api_version"], "webhook_api_version must be \"1\", \"2\" or \"2010-04-01\"");
    }
  }
  if (n["v1_secret"]) p.v1_secret = opt_str(n["v1_secret"], "v1_secret");
  if (n["whitelisted_destinations"]) p.whitelisted_destinations = str_list(n["whitelisted_destinations"], "whitelisted_destinations");
  if (n["alpha_sender"]) p.alpha_sender = opt_str(n["alpha_sender"], "alpha_sender");
  if (n["numbers"]) {
    if (!n["numbers"].IsSequence()) fail(n["numbers"], "numbers must be a list");
    for (const auto& e : n["numbers"]) p.numbers.push_back(e164(e));
  }
  return p;
}

TenantConfig parse_tenant(const YAML::Node& n) {
  check_keys(n, {"name", "api_keys", "profiles", "numbers"}, "tenant");
  TenantConfig t;
  if (!n["name"]) fail(n, "tenant needs a name");
  t.name = str(n["name"], "name");
  if (!n["api_keys"]) fail(n, "tenant '" + t.name + "' needs api_keys");
  t.api_keys = str_list(n["api_keys"], "api_keys");
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
  check_keys(n, {"retention_days", "retention_seconds", "max_messages", "max_journal",
                 "payload_max_bytes", "retry_after", "open_mode_numbers",
                 "profile_requires_whitelist", "error_status", "webhook_signing_key",
                 "max_header_bytes", "max_headers", "max_request_line_bytes", "request_timeout_ms",
                 "idle_timeout_ms", "max_connections", "json_max_depth", "max_messages_per_tenant",
                 "max_open_tenants", "max_event_streams", "event_stream_buffer_bytes", "event_heartbeat_ms"},
             "settings");
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
  if (n["webhook_signing_key"]) s.webhook_signing_key = str(n["webhook_signing_key"], "webhook_signing_key");
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
  check_keys(root, {"settings", "tenants"}, "the top level");
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
  try {
    return parse_root(yaml::load_bounded(yaml));
  } catch (const Fail& f) {
    return core::unexpected(ConfigError{std::string(file), f.mark.line + 1, f.mark.column + 1, f.message});
  } catch (const YAML::Exception& e) {
    return core::unexpected(ConfigError{std::string(file), e.mark.line + 1, e.mark.column + 1, e.msg});
  }
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
