// The control side of HttpFront: /_mock/* (the control API, its long polls and the inbox page),
// /metrics, and the Server-Sent Events stream GET /_mock/events. The API pipeline is in api.cpp.
#include "http/api.h"

#include "core/errors.h"
#include "core/json_limits.h"
#include "ui/inbox.h"

namespace harness::mock {
namespace {

constexpr const char* kJson = "application/json";

// Control bodies are JSON or YAML; a JSON one (or a YAML flow collection) starts with a bracket.
bool looks_like_json(const std::string& body) {
  const size_t i = body.find_first_not_of(" \t\r\n");
  return i != std::string::npos && (body[i] == '{' || body[i] == '[');
}

}  // namespace

void HttpFront::poll_control(const std::shared_ptr<net::Exchange>& ex,
                             const std::shared_ptr<ControlApi::Deferred>& d, const std::string& request_id) {
  // A long poll: re-checked on a timer of this connection's loop; no thread waits meanwhile.
  ex->after(d->every, [this, ex, d, request_id] {
    bool answered = true;
    try {
      answered = d->poll(ex->res);
    } catch (const std::exception& e) {
      ApiContext ctx{ex->req, ex->res, request_id, {}, {}, {}, {}, nullptr, {}, {}, {}, ex.get(), {}};
      error(ctx, 10007, std::string("Control handler failed: ") + e.what(), std::nullopt, std::nullopt, 500);
    }
    if (!answered) return poll_control(ex, d, request_id);
    if (ex->res.get_header_value("Content-Type").empty()) ex->res.set_header("Content-Type", kJson);
    ex->res.set_header("x-request-id", request_id);
    metrics_.count_request("/_mock", ex->req.method, ex->res.status);
    ex->reply();
  });
}

void HttpFront::handle_control(ApiContext& ctx, ControlApi::Deferred* deferred) {
  if (ctx.req.path == "/metrics") {
    if (ctx.req.method != "GET" && ctx.req.method != "HEAD") {
      ctx.res.set_header("Allow", "GET");
      error(ctx, 10015, "Method " + ctx.req.method + " is not allowed on /metrics.", std::nullopt, std::nullopt, 405);
      return;
    }
    ctx.res.set_content(metrics_.render(store_, journal_), "text/plain; version=0.0.4");
    return;
  }
  if (ctx.req.path == "/_mock/ui" || ctx.req.path == "/_mock/ui/") {
    // The page holds no data (it asks for the admin token and sends it on every call it makes).
    if (ctx.req.method != "GET" && ctx.req.method != "HEAD") {
      ctx.res.set_header("Allow", "GET");
      error(ctx, 10015, "Method " + ctx.req.method + " is not allowed on /_mock/ui.", std::nullopt, std::nullopt, 405);
      return;
    }
    const std::string_view page = inbox_html();
    ctx.res.body.assign(page.data(), page.size());
    ctx.res.set_header("Content-Type", "text/html; charset=utf-8");
    ctx.res.set_header("Cache-Control", "no-store");
    ctx.res.set_header("Content-Security-Policy",
                       "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'");
    return;
  }
  if (!admin_token_.empty() && !admin_token_.matches(ctx.api_key)) {
    error(ctx, 10009, "The control API needs the admin token as a Bearer token.");
    return;
  }
  if (looks_like_json(ctx.req.body) && core::json_nesting_exceeds(ctx.req.body, config_.settings.json_max_depth)) {
    error(ctx, 10015, core::json_too_deep_detail(config_.settings.json_max_depth), std::nullopt, std::nullopt, 400);
    return;
  }
  switch (control_.dispatch(ctx.req, ctx.res, deferred)) {
    case ControlApi::Match::Found:
      if (ctx.res.get_header_value("Content-Type").empty()) ctx.res.set_header("Content-Type", kJson);
      break;
    case ControlApi::Match::WrongMethod:
      error(ctx, 10015, "Method " + ctx.req.method + " is not allowed on " + ctx.req.path + ".",
            std::nullopt, std::nullopt, 405);
      break;
    case ControlApi::Match::NoRoute:
      error(ctx, 10005, "No control route " + ctx.req.path + ".");
      break;
  }
}

bool HttpFront::serve_events(net::Exchange& ex, ApiContext& ctx) {
  const auto& req = ctx.req;
  EventHub* hub = events_.get();
  if (!hub) {
    error(ctx, 10005, "No control route " + req.path + ".");
    return false;
  }
  if (req.method != "GET") {
    ctx.res.set_header("Allow", "GET");
    error(ctx, 10015, "Method " + req.method + " is not allowed on /_mock/events.", std::nullopt, std::nullopt, 405);
    return false;
  }
  // A browser's EventSource cannot send headers: the admin token may come as ?access_token=
  // (RFC 6750 §2.3) on this route.
  if (!admin_token_.empty()) {
    const std::string token = req.has_param("access_token") ? req.get_param_value("access_token") : ctx.api_key;
    if (!admin_token_.matches(token)) {
      error(ctx, 10009, "The control API needs the admin token as a Bearer token (or ?access_token= on /_mock/events).");
      return false;
    }
  }
  std::string tenant = req.has_param("tenant") ? req.get_param_value("tenant") : std::string();
  if (req.has_param("api_key")) {
    auto t = store_.authenticate(req.get_param_value("api_key"));
    if (!t) {
      error(ctx, 10015, "api_key is not an API key of any tenant.", std::nullopt, "api_key", 400);
      return false;
    }
    tenant = *t;
  }
  ctx.res.status = 200;
  ctx.res.set_header("Content-Type", "text/event-stream");
  ctx.res.set_header("Cache-Control", "no-store");
  ctx.res.set_header("X-Accel-Buffering", "no");   // a proxy in front (deploy/nginx.conf) passes events on at once
  ctx.res.set_header("x-request-id", ctx.request_id);
  if (hub->subscribe(ex, tenant)) return true;
  ctx.res.headers.clear();
  ctx.res.set_header("Retry-After", "5");
  error(ctx, 10011, "GET /_mock/events already has " + std::to_string(hub->limits().max_subscribers) +
        " subscribers (settings.max_event_streams); close one or raise the limit.", std::nullopt, std::nullopt, 429);
  return false;
}

}  // namespace harness::mock
