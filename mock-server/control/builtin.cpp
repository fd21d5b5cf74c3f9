#include "control/builtin.h"

#include <cstdlib>
#include "core/encoding.h"
#include "core/errors.h"
#include "core/json.h"
#include "core/json_limits.h"
#include "core/message_json.h"

namespace harness::mock {
namespace {

void reply(httplib::Response& res, const core::json& j, int status = 200) {
  res.status = status;
  res.set_content(core::dump_json(j), "application/json");  // paths and keys may not be UTF-8
}

void bad_param(httplib::Response& res, const std::string& name, const std::string& detail) {
  core::json err = {{"code", "10015"}, {"title", "Bad Request"}, {"detail", detail},
                    {"source", {{"parameter", name}}}};
  reply(res, core::json{{"errors", core::json::array({err})}}, 400);
}

// Non-negative integer query parameter; false after answering 400.
bool uint_param(const httplib::Request& req, httplib::Response& res, const char* name, long max,
                std::optional<long>& out) {
  if (!req.has_param(name)) return true;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 0 || n > max) {
    bad_param(res, name, std::string(name) + " must be an integer from 0 to " + std::to_string(max) + ".");
    return false;
  }
  out = n;
  return true;
}

}  // namespace

void register_builtin_control(const BuiltinDeps& d) {
  ControlApi& api = d.control;
  api.add("GET", "/_mock/?", [&api](const httplib::Request&, httplib::Response& res, const std::smatch&) {
    reply(res, {{"data", {{"routes", api.describe()}}}});
  });
  api.add("GET", "/_mock/health", [&store = d.store](const httplib::Request&, httplib::Response& res, const std::smatch&) {
    reply(res, {{"data", {{"status", "ok"}, {"messages", store.message_count()}}}});
  });
  // No body (curl -X POST) resets; {"ids": true} or ?rewind_ids=1 also restarts the id sequence.
  api.add("POST", "/_mock/reset", [d](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
    bool rewind = req.has_param("rewind_ids") && req.get_param_value("rewind_ids") != "0" &&
                  req.get_param_value("rewind_ids") != "false";
    if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
      const auto j = core::json::parse(req.body, nullptr, false);
      bool ok = j.is_object();
      if (ok)
        for (const auto& [k, v] : j.items()) ok = ok && k == "ids" && v.is_boolean();
      if (!ok) {
        res.status = 400;
        res.set_content(core::error_body(10015, "Expected no body or {\"ids\": true}.", std::nullopt), "application/json");
        return;
      }
      rewind = rewind || j.value("ids", false);
    }
    d.store.reset(rewind);
    d.journal.clear();
    d.metrics.clear();
    d.control.run_reset_hooks();
    reply(res, {{"data", {{"reset", true}, {"ids_rewound", rewind}}}});
  });
  api.add("GET", "/_mock/requests", [&journal = d.journal](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
    JournalFilter f;
    if (req.has_param("path")) f.path = req.get_param_value("path");
    if (req.has_param("api_key")) f.api_key = req.get_param_value("api_key");
    if (req.has_param("method")) f.method = req.get_param_value("method");
    if (req.has_param("message_id")) f.message_id = req.get_param_value("message_id");
    std::optional<long> status, limit;
    if (!uint_param(req, res, "status", 999, status) || !uint_param(req, res, "limit", 100000, limit)) return;
    if (status) f.status = static_cast<int>(*status);
    if (limit) f.limit = static_cast<size_t>(*limit);
    core::json items = core::json::array();
    for (const auto& e : journal.query(f)) items.push_back(to_json(e));
    reply(res, {{"data", std::move(items)}, {"meta", {{"journal_size", journal.size()}, {"total", journal.total()}}}});
  });
  api.add("GET", "/_mock/messages", [&store = d.store](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
    std::optional<long> limit;
    if (!uint_param(req, res, "limit", 100000, limit)) return;
    std::string tenant;
    if (req.has_param("api_key")) {
      auto t = store.authenticate(req.get_param_value("api_key"));
      if (!t) return reply(res, {{"data", core::json::array()}});
      tenant = *t;
    }
    // Written directly, not through a JSON tree: a page of 100,000 messages is answered in a
    // fraction of the time and memory, on a loop thread other connections share.
    const auto messages = store.recent_messages(tenant, limit ? static_cast<size_t>(*limit) : 100);
    std::string out = "{\"data\":[";
    for (size_t i = 0; i < messages.size(); ++i) {
      out += i ? ",{\"message\":" : "{\"message\":";
      core::append_message_json(out, messages[i].second);
      out += ",\"tenant\":";
      core::append_json_string(out, messages[i].first);
      out += '}';
    }
    out += "]}";
    if (core::first_invalid_utf8(out)) {   // never expected (bodies are checked): the slow, replacing way
      core::json items = core::json::array();
      for (const auto& [t, m] : messages) items.push_back({{"tenant", t}, {"message", core::json(m)}});
      return reply(res, {{"data", std::move(items)}});
    }
    res.status = 200;
    res.set_content(std::move(out), "application/json");
  });
  api.add("GET", "/_mock/tenants", [&store = d.store](const httplib::Request&, httplib::Response& res, const std::smatch&) {
    core::json items = core::json::array();
    for (const auto& t : store.tenant_summaries()) {
      core::json numbers = core::json::array();
      for (const auto& n : t.numbers) {
        numbers.push_back({{"phone_number", n.phone_number},
                           {"messaging_profile_id", n.profile_id ? core::json(*n.profile_id) : core::json(nullptr)},
                           {"profile_name", n.profile_name ? core::json(*n.profile_name) : core::json(nullptr)},
                           {"webhook_url", n.webhook_url ? core::json(*n.webhook_url) : core::json(nullptr)}});
      }
      items.push_back({{"id", t.id}, {"api_keys", t.api_keys}, {"numbers", std::move(numbers)}});
    }
    reply(res, {{"data", std::move(items)}});
  });
  api.add("GET", "/_mock/keys", [pk = d.public_key_base64](const httplib::Request&, httplib::Response& res, const std::smatch&) {
    reply(res, {{"data", {{"webhook_public_key", pk()}, {"algorithm", "ed25519"}}}});
  });
}

}  // namespace harness::mock
