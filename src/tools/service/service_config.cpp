#include "tools/service/service_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "core/e164.h"
#include "yaml/fields.h"

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

constexpr int64_t kMaxMs = int64_t(7) * 86400 * 1000;   // a week

// Calls `read` with parent[key] when the key is present and not null (null keeps the default).
template <class Read>
void if_set(const YAML::Node& parent, const char* key, Read&& read) {
  const YAML::Node n = parent[key];
  if (n.IsDefined() && !n.IsNull()) read(n);
}

std::chrono::milliseconds millis(const YAML::Node& n, const char* what, int64_t min) {
  return std::chrono::milliseconds(yaml::integer(n, what, min, kMaxMs));
}

int small_int(const YAML::Node& n, const char* what, int min, int max) {
  return static_cast<int>(yaml::integer(n, what, min, max));
}

Dealership parse_dealership(const YAML::Node& n, size_t i) {
  const std::string p = "dealerships[" + std::to_string(i) + "]";
  yaml::check_keys(n, p.c_str(), {"name", "numbers", "messaging_profile_id", "reply_text"});
  Dealership d;
  if_set(n, "name", [&](const YAML::Node& v) { d.name = yaml::scalar(v, (p + ".name").c_str()); });
  if (d.name.empty()) yaml::fail(n, p + ".name: is required");
  const std::string numbers = p + ".numbers";
  if_set(n, "numbers", [&](const YAML::Node& v) {
    d.numbers = yaml::scalar_list(v, numbers.c_str());
    for (size_t k = 0; k < d.numbers.size(); ++k) {
      if (auto why = core::e164_problem(d.numbers[k])) yaml::fail(v[k], numbers + ": " + d.numbers[k] + " " + *why);
    }
  });
  if (d.numbers.empty()) yaml::fail(n, numbers + ": needs at least one number");
  if_set(n, "messaging_profile_id",
         [&](const YAML::Node& v) { d.messaging_profile_id = yaml::scalar(v, (p + ".messaging_profile_id").c_str()); });
  if_set(n, "reply_text", [&](const YAML::Node& v) { d.reply_text = yaml::scalar(v, (p + ".reply_text").c_str()); });
  return d;
}

ServiceConfig parse_root(const YAML::Node& root) {
  ServiceConfig c;
  yaml::check_keys(root, "the configuration",
                   {"listen", "port_file", "database", "telnyx", "webhook", "workers", "retry",
                    "reconcile_window_ms", "poll_interval_ms", "dealerships"});
  if_set(root, "listen", [&](const YAML::Node& l) {
    yaml::check_keys(l, "listen", {"host", "port", "threads"});
    if_set(l, "host", [&](const YAML::Node& v) { c.host = yaml::scalar(v, "listen.host"); });
    if_set(l, "port", [&](const YAML::Node& v) { c.port = small_int(v, "listen.port", 0, 65535); });
    if_set(l, "threads", [&](const YAML::Node& v) { c.http_threads = small_int(v, "listen.threads", 4, 1024); });
  });
  if_set(root, "port_file", [&](const YAML::Node& v) { c.port_file = yaml::scalar(v, "port_file"); });
  if_set(root, "database", [&](const YAML::Node& v) {
    c.database = yaml::scalar(v, "database");
    if (c.database.empty()) yaml::fail(v, "database: must not be empty");
  });
  if_set(root, "telnyx", [&](const YAML::Node& t) {
    yaml::check_keys(t, "telnyx", {"api_key", "base_url", "timeout_ms"});
    if_set(t, "api_key", [&](const YAML::Node& v) { c.api_key = yaml::scalar(v, "telnyx.api_key"); });
    if_set(t, "base_url", [&](const YAML::Node& v) { c.base_url = yaml::scalar(v, "telnyx.base_url"); });
    if_set(t, "timeout_ms", [&](const YAML::Node& v) { c.timeout = millis(v, "telnyx.timeout_ms", 1); });
  });
  if_set(root, "webhook", [&](const YAML::Node& w) {
    yaml::check_keys(w, "webhook",
                     {"public_key", "hmac_secret", "tolerance_seconds", "require_signature", "retry_schedule_ms"});
    if_set(w, "public_key", [&](const YAML::Node& v) { c.webhook_public_key = yaml::scalar(v, "webhook.public_key"); });
    if_set(w, "hmac_secret", [&](const YAML::Node& v) { c.webhook_hmac_secret = yaml::scalar(v, "webhook.hmac_secret"); });
    if_set(w, "tolerance_seconds", [&](const YAML::Node& v) {
      c.webhook_tolerance_seconds = yaml::integer(v, "webhook.tolerance_seconds", 0, kMaxMs / 1000);
    });
    if_set(w, "require_signature",
           [&](const YAML::Node& v) { c.require_signature = yaml::boolean(v, "webhook.require_signature"); });
    if_set(w, "retry_schedule_ms", [&](const YAML::Node& v) {
      if (!v.IsSequence()) yaml::fail(v, "webhook.retry_schedule_ms: expected a list of delays in ms");
      c.webhook_retry_schedule.clear();
      for (const auto& e : v) {
        c.webhook_retry_schedule.emplace_back(yaml::integer(e, "webhook.retry_schedule_ms", 0, 86400000));
      }
    });
  });
  if (c.require_signature && c.webhook_public_key.empty() && c.webhook_hmac_secret.empty()) {
    const YAML::Node w = root["webhook"];
    yaml::fail(w.IsDefined() ? w : root,
               "webhook.public_key: a public key or hmac_secret is required unless require_signature is false");
  }
  if_set(root, "workers", [&](const YAML::Node& v) { c.workers = small_int(v, "workers", 1, 64); });
  if_set(root, "retry", [&](const YAML::Node& r) {
    yaml::check_keys(r, "retry", {"max_attempts", "base_delay_ms", "max_delay_ms"});
    if_set(r, "max_attempts", [&](const YAML::Node& v) { c.max_attempts = small_int(v, "retry.max_attempts", 1, 1000); });
    if_set(r, "base_delay_ms", [&](const YAML::Node& v) { c.base_delay = millis(v, "retry.base_delay_ms", 1); });
    if_set(r, "max_delay_ms", [&](const YAML::Node& v) { c.max_delay = millis(v, "retry.max_delay_ms", 1); });
  });
  if_set(root, "reconcile_window_ms",
         [&](const YAML::Node& v) { c.reconcile_window = millis(v, "reconcile_window_ms", 0); });
  if_set(root, "poll_interval_ms", [&](const YAML::Node& v) { c.poll_interval = millis(v, "poll_interval_ms", 1); });
  if_set(root, "dealerships", [&](const YAML::Node& ds) {
    if (!ds.IsSequence()) yaml::fail(ds, "dealerships: expected a list");
    for (size_t i = 0; i < ds.size(); ++i) c.dealerships.push_back(parse_dealership(ds[i], i));
  });
  return c;
}

}  // namespace

core::Expected<ServiceConfig, std::string> parse_service_config(const std::string& text, const std::string& file) {
  auto c = yaml::read_document<ServiceConfig>(text, parse_root);
  if (!c) return core::unexpected(c.error().to_string(file));
  return std::move(c.value());
}

core::Expected<ServiceConfig, std::string> load_service_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::unexpected("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_service_config(ss.str(), path);
}

std::chrono::milliseconds ServiceConfig::min_reconcile_window() const {
  std::chrono::milliseconds sum{0};
  for (auto d : webhook_retry_schedule) sum += d;
  return sum + kReconcileMargin;
}

}  // namespace harness::tools::service
