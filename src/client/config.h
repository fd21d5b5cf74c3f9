// Per-tenant client configuration: global defaults, one Config per tenant, per-call overrides.
// Reads TELNYX_API_KEY and TELNYX_BASE_URL from the environment. Owns no I/O beyond getenv.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace harness::client {

inline constexpr const char* kDefaultBaseUrl = "https://api.telnyx.com/v2";
inline constexpr const char* kMockBaseUrl = "http://127.0.0.1:12111/v2";

struct Config {
  std::string tenant = "default";           // label for telemetry and logs
  std::string api_key;
  std::string base_url = kDefaultBaseUrl;   // scheme://host[:port]/v2
  std::string messaging_profile_id;         // "" = none
  std::string default_from;                 // "" = none (number pool needs a profile)
  std::string webhook_url;                  // per-message webhook, "" = profile's
  std::string webhook_failover_url;
  // Telnyx's guidance is 500 ms to 5 s depending on the operation (contract §5.3).
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{5000};
};

// Fields a caller may override for one tenant or one call; nullopt keeps the base value.
struct ConfigOverrides {
  std::optional<std::string> api_key, base_url, messaging_profile_id, default_from, webhook_url,
      webhook_failover_url;
  std::optional<std::chrono::milliseconds> connect_timeout, read_timeout, write_timeout;
};

Config apply(Config base, const ConfigOverrides& o);

// `defaults` with api_key / base_url replaced by TELNYX_API_KEY / TELNYX_BASE_URL when set.
Config config_from_env(Config defaults = {});

// Global defaults plus per-tenant overrides (e.g. one messaging profile per dealership).
class TenantConfigs {
 public:
  explicit TenantConfigs(Config defaults = {}) : defaults_(std::move(defaults)) {}
  void set(const std::string& tenant, ConfigOverrides o) { tenants_[tenant] = std::move(o); }
  bool has(const std::string& tenant) const { return tenants_.count(tenant) != 0; }
  // The defaults with the tenant's overrides applied; unknown tenants get the defaults.
  Config for_tenant(const std::string& tenant) const;
  const Config& defaults() const { return defaults_; }

 private:
  Config defaults_;
  std::map<std::string, ConfigOverrides> tenants_;
};

}  // namespace harness::client
