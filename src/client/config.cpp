#include "client/config.h"

#include <cstdlib>

namespace harness::client {

Config apply(Config c, const ConfigOverrides& o) {
  if (o.api_key) c.api_key = *o.api_key;
  if (o.base_url) c.base_url = *o.base_url;
  if (o.messaging_profile_id) c.messaging_profile_id = *o.messaging_profile_id;
  if (o.default_from) c.default_from = *o.default_from;
  if (o.webhook_url) c.webhook_url = *o.webhook_url;
  if (o.webhook_failover_url) c.webhook_failover_url = *o.webhook_failover_url;
  if (o.connect_timeout) c.connect_timeout = *o.connect_timeout;
  if (o.read_timeout) c.read_timeout = *o.read_timeout;
  if (o.write_timeout) c.write_timeout = *o.write_timeout;
  return c;
}

Config config_from_env(Config c) {
  if (const char* k = std::getenv("TELNYX_API_KEY"); k && *k) c.api_key = k;
  if (const char* u = std::getenv("TELNYX_BASE_URL"); u && *u) c.base_url = u;
  return c;
}

Config TenantConfigs::for_tenant(const std::string& tenant) const {
  Config c = defaults_;
  auto it = tenants_.find(tenant);
  if (it != tenants_.end()) c = apply(std::move(c), it->second);
  c.tenant = tenant;
  return c;
}

}  // namespace harness::client
