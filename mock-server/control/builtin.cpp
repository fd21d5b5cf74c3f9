#include "control/builtin.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
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

// A control listing's page: `limit` (default `fallback`) served up to kMaxControlPage, and the
// `before` cursor (meta.next_before of the previous page); false after answering 400.
struct Page {
  size_t limit = 100;
  bool clamped = false;
  uint64_t before = UINT64_MAX;
};
bool page_params(const httplib::Request& req, httplib::Response& res, size_t fallback, Page& out) {
  std::optional<long> limit, before;
  if (!uint_param(req, res, "limit", 100000, limit) ||
      !uint_param(req, res, "before", std::numeric_limits<long>::max(), before))
    return false;
  out.limit = limit ? static_cast<size_t>(*limit) : fallback;
  out.clamped = out.limit > kMaxControlPage;
  out.limit = std::min(out.limit, kMaxControlPage);
  if (before) out.before = static_cast<uint64_t>(*before);
  return true;
}

// The page's meta: the limit served, the cap, and where the next page starts (null: no more).
void page_meta(std::string& out, const Page& p, std::optional<uint64_t> next_before) {
  out += "\"limit\":" + std::to_string(p.limit) + ",\"limit_max\":" + std::to_string(kMaxControlPage) +
         ",\"limit_clamped\":" + (p.clamped ? "true" : "false") + ",\"next_before\":" +
         (next_before ? std::to_string(*next_before) : std::string("null"));
}
core::json page_meta(const Page& p, std::optional<uint64_t> next_before) {
  return {{"limit", p.limit}, {"limit_max", kMaxControlPage}, {"limit_clamped", p.clamped},
          {"next_before", next_before ? core::json(*next_before) : core::json(nullptr)}};
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
    std::optional<long> status;
    Page page;
    if (!uint_param(req, res, "status", 999, status) || !page_params(req, res, 100, page)) return;
    if (status) f.status = static_cast<int>(*status);
    f.limit = page.limit;
    f.before = page.before;
    const auto entries = journal.query(f);
    core::json items = core::json::array();
    for (const auto& e : entries) items.push_back(to_json(e));
    core::json meta = page_meta(page, entries.size() == page.limit && page.limit > 0 ? std::optional<uint64_t>(entries.back().seq)
                                                                                     : std::nullopt);
    meta["journal_size"] = journal.size();
    meta["total"] = journal.total();
    reply(res, {{"data", std::move(items)}, {"meta", std::move(meta)}});
  });
  api.add("GET", "/_mock/messages", [&store = d.store](const httplib::Request& req, httplib::Response& res, const std::smatch&) {
    Page page;
    if (!page_params(req, res, 100, page)) return;
    std::string tenant;
    if (req.has_param("api_key")) {
      auto t = store.authenticate(req.get_param_value("api_key"));
      if (!t) return reply(res, {{"data", core::json::array()}, {"meta", page_meta(page, std::nullopt)}});
      tenant = *t;
    }
    // A page is at most kMaxControlPage messages (the loop thread that writes it serves other
    // connections too), written directly rather than through a JSON tree.
    const auto messages = store.recent_messages(tenant, page.limit, page.before);
    std::optional<uint64_t> next;
    if (messages.size() == page.limit && page.limit > 0) next = messages.back().seq;
    std::string out = "{\"data\":[";
    for (size_t i = 0; i < messages.size(); ++i) {
      out += i ? ",{\"message\":" : "{\"message\":";
      core::append_message_json(out, messages[i].message);
      out += ",\"tenant\":";
      core::append_json_string(out, messages[i].tenant);
      out += '}';
    }
    out += "],\"meta\":{";
    page_meta(out, page, next);
    out += "}}";
    if (core::first_invalid_utf8(out)) {   // never expected (bodies are checked): the slow, replacing way
      core::json items = core::json::array();
      for (const auto& m : messages) items.push_back({{"tenant", m.tenant}, {"message", core::json(m.message)}});
      return reply(res, {{"data", std::move(items)}, {"meta", page_meta(page, next)}});
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
