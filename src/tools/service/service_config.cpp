#include "tools/service/service_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "core/e164.h"
#include "yaml/bounded_yaml.h"

namespace harness::tools::service {

const Dealership* ServiceConfig::owner_of(const std::string& number) const {
  for (const auto& d : dealerships)
    for (const auto& n : d.numbers)
      if (n == number) return &d;
  return nullptr;
}

const Dealership* ServiceConfig::by_name(const std::string& name) const {
  for (const auto& d : dealerships)
    if (d.name == name) return &d;
  return nullptr;
}

namespace {

struct ConfigError {
  std::string msg;
};

[[noreturn]] void fail(const std::string& path, const YAML::Node& n, const std::string& why) {
  std::string where = path;
  if (n.IsDefined() && n.Mark().line >= 0) where += " (line " + std::to_string(n.Mark().line + 1) + ")";
  throw ConfigError{where + ": " + why};
}

template <class T>
void read(const YAML::Node& parent, const char* key, const std::string& path, T& out) {
  const YAML::Node n = parent[key];
  if (!n.IsDefined() || n.IsNull()) return;
  try {
    out = n.as<T>();
  } catch (const YAML::Exception&) {
    fail(path + key, n, "has the wrong type");
  }
}

void read_ms(const YAML::Node& parent, const char* key, const std::string& path,
             std::chrono::milliseconds& out, long long min_ms) {
  long long v = out.count();
  read(parent, key, path, v);
  if (v < min_ms) fail(path + key, parent[key], "must be at least " + std::to_string(min_ms));
  out = std::chrono::milliseconds(v);
}

}  // namespace

core::Expected<ServiceConfig, std::string> parse_service_config(const std::string& text) {
  ServiceConfig c;
  try {
    const YAML::Node root = yaml::load_bounded(text);
    if (!root.IsMap()) return core::unexpected(std::string("config: must be a YAML mapping"));
    if (const YAML::Node l = root["listen"]; l.IsDefined()) {
      read(l, "host", "listen.", c.host);
      read(l, "port", "listen.", c.port);
      if (c.port < 0 || c.port > 65535) fail("listen.port", l["port"], "must be 0-65535");
      read(l, "threads", "listen.", c.http_threads);
      if (c.http_threads < 4 || c.http_threads > 1024)
        fail("listen.threads", l["threads"], "must be 4-1024");
    }
    read(root, "port_file", "", c.port_file);
    read(root, "database", "", c.database);
    if (c.database.empty()) fail("database", root["database"], "must not be empty");
    if (const YAML::Node t = root["telnyx"]; t.IsDefined()) {
      read(t, "api_key", "telnyx.", c.api_key);
      read(t, "base_url", "telnyx.", c.base_url);
      read_ms(t, "timeout_ms", "telnyx.", c.timeout, 1);
    }
    if (const YAML::Node w = root["webhook"]; w.IsDefined()) {
      read(w, "public_key", "webhook.", c.webhook_public_key);
      read(w, "hmac_secret", "webhook.", c.webhook_hmac_secret);
      read(w, "tolerance_seconds", "webhook.", c.webhook_tolerance_seconds);
      read(w, "require_signature", "webhook.", c.require_signature);
      if (const YAML::Node s = w["retry_schedule_ms"]; s.IsDefined()) {
        std::vector<long long> ms;
        read(w, "retry_schedule_ms", "webhook.", ms);
        c.webhook_retry_schedule.clear();
        for (long long v : ms) {
          if (v < 0 || v > 86400000) fail("webhook.retry_schedule_ms", s, "delays must be 0-86400000 ms");
          c.webhook_retry_schedule.emplace_back(v);
        }
      }
    }
    if (c.require_signature && c.webhook_public_key.empty() && c.webhook_hmac_secret.empty())
      fail("webhook.public_key", root["webhook"],
           "a public key or hmac_secret is required unless require_signature is false");
    read(root, "workers", "", c.workers);
    if (c.workers < 1 || c.workers > 64) fail("workers", root["workers"], "must be 1-64");
    if (const YAML::Node r = root["retry"]; r.IsDefined()) {
      read(r, "max_attempts", "retry.", c.max_attempts);
      if (c.max_attempts < 1) fail("retry.max_attempts", r["max_attempts"], "must be at least 1");
      read_ms(r, "base_delay_ms", "retry.", c.base_delay, 1);
      read_ms(r, "max_delay_ms", "retry.", c.max_delay, 1);
    }
    read_ms(root, "reconcile_window_ms", "", c.reconcile_window, 0);
    read_ms(root, "poll_interval_ms", "", c.poll_interval, 1);
    if (const YAML::Node ds = root["dealerships"]; ds.IsDefined()) {
      if (!ds.IsSequence()) fail("dealerships", ds, "must be a list");
      for (size_t i = 0; i < ds.size(); ++i) {
        const std::string p = "dealerships[" + std::to_string(i) + "].";
        Dealership d;
        read(ds[i], "name", p, d.name);
        if (d.name.empty()) fail(p + "name", ds[i], "is required");
        read(ds[i], "numbers", p, d.numbers);
        if (d.numbers.empty()) fail(p + "numbers", ds[i], "needs at least one number");
        for (const auto& n : d.numbers)
          if (auto why = core::e164_problem(n)) fail(p + "numbers", ds[i]["numbers"], n + " " + *why);
        read(ds[i], "messaging_profile_id", p, d.messaging_profile_id);
        read(ds[i], "reply_text", p, d.reply_text);
        c.dealerships.push_back(std::move(d));
      }
    }
  } catch (const ConfigError& e) {
    return core::unexpected(e.msg);
  } catch (const YAML::Exception& e) {
    return core::unexpected(std::string("config: ") + e.what());
  }
  return c;
}

core::Expected<ServiceConfig, std::string> load_service_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::unexpected("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_service_config(ss.str());
}

std::chrono::milliseconds ServiceConfig::min_reconcile_window() const {
  std::chrono::milliseconds sum{0};
  for (auto d : webhook_retry_schedule) sum += d;
  return sum + kReconcileMargin;
}

}  // namespace harness::tools::service
