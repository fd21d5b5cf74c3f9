#include "http/api.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include "core/errors.h"
#include "core/ids.h"
#include "core/json_limits.h"
#include "core/signing.h"
#include "http/request_headers.h"

namespace harness::mock {
namespace {

constexpr auto kMaxDelay = std::chrono::seconds(30);   // a scenario delay never holds a request longer
constexpr const char* kJson = "application/json";
const std::string kUnmatched = "unmatched";

std::string new_request_id() {
  static std::atomic<uint64_t> streams{0};
  thread_local core::Rng rng(core::stable_hash("request-id") + streams.fetch_add(1));
  return core::uuid_v4(rng);
}

std::string raw_query(const httplib::Request& req) {
  std::string q;
  for (const auto& [k, v] : req.params) {
    if (!q.empty()) q += '&';
    q.append(k).append("=").append(v);
  }
  return q;
}

int default_code_for_status(int status) {
  switch (status) {
    case 401: return 10009;
    case 403: return 10010;
    case 404: return 10005;
    case 415: return 10014;
    case 429: return 10011;
    default: return status >= 500 ? 10007 : 10015;
  }
}

}  // namespace

HttpFront::HttpFront(const MockConfig& config, Store& store, Journal& journal, ControlApi& control,
                     Metrics& metrics, const core::Clock& clock, const Inventory& inventory,
                     std::string admin_token)
    : config_(config), store_(store), journal_(journal), control_(control), metrics_(metrics),
      clock_(clock), inventory_(inventory), admin_token_(admin_token) {
  init_scheduled();
  init_groups();
  init_alpha_senders();
  init_autoresp();
  // Placeholders are typed ({uuid}: 8-4-4-4-12 hex, {number_id}: digits), so an unknown
  // sub-path such as /v2/messages/whatsapp or /v2/phone_numbers/slim is no route at all (404 /
  // 10005), never an id. Out-of-scope families (10DLC, toll-free verification, hosted numbers,
  // RCS, WhatsApp) have no routes and answer the same way.
  add_route("/v2/messages", "POST", &HttpFront::send_generic);
  add_route("/v2/messages/long_code", "POST", &HttpFront::send_long_code);
  add_route("/v2/messages/short_code", "POST", &HttpFront::send_short_code);
  add_route("/v2/messages/number_pool", "POST", &HttpFront::send_number_pool);
  add_route("/v2/messages/alphanumeric_sender_id", "POST", &HttpFront::send_alphanumeric);
  add_route("/v2/messages/schedule", "POST", &HttpFront::send_schedule);
  add_route("/v2/messages/group_mms", "POST", &HttpFront::send_group_mms);
  add_route("/v2/messages/group/{uuid}", "GET", &HttpFront::get_group);
  add_route("/v2/messages/{uuid}", "GET", &HttpFront::get_message);
  add_route("/v2/messages/{uuid}", "DELETE", &HttpFront::cancel_message);
  add_route("/v2/messaging_profiles", "GET", &HttpFront::list_profiles);
  add_route("/v2/messaging_profiles", "POST", &HttpFront::create_profile);
  add_route("/v2/messaging_profiles/{uuid}", "GET", &HttpFront::get_profile);
  add_route("/v2/messaging_profiles/{uuid}", "PATCH", &HttpFront::update_profile);
  add_route("/v2/messaging_profiles/{uuid}", "DELETE", &HttpFront::delete_profile);
  add_route("/v2/messaging_profiles/{uuid}/phone_numbers", "GET", &HttpFront::profile_numbers);
  add_route("/v2/messaging_profiles/{uuid}/short_codes", "GET", &HttpFront::profile_short_codes);
  add_route("/v2/messaging_profiles/{uuid}/alphanumeric_sender_ids", "GET", &HttpFront::profile_alphanumeric_ids);
  add_route("/v2/messaging_profiles/{uuid}/actions/regenerate_secret", "POST", &HttpFront::regenerate_secret);
  add_route("/v2/messaging_profiles/{uuid}/metrics", "GET", &HttpFront::profile_metrics);
  add_route("/v2/messaging_profiles/{uuid}/autoresp_configs", "GET", &HttpFront::list_autoresp);
  add_route("/v2/messaging_profiles/{uuid}/autoresp_configs", "POST", &HttpFront::create_autoresp);
  add_route("/v2/messaging_profiles/{uuid}/autoresp_configs/{uuid}", "GET", &HttpFront::get_autoresp);
  add_route("/v2/messaging_profiles/{uuid}/autoresp_configs/{uuid}", "PUT", &HttpFront::update_autoresp);
  add_route("/v2/messaging_profiles/{uuid}/autoresp_configs/{uuid}", "DELETE", &HttpFront::delete_autoresp);
  add_route("/v2/messaging_profile_metrics", "GET", &HttpFront::list_profile_metrics);
  add_route("/v2/messaging_optouts", "GET", &HttpFront::list_optouts);
  add_route("/v2/alphanumeric_sender_ids", "GET", &HttpFront::list_alpha_senders);
  add_route("/v2/alphanumeric_sender_ids", "POST", &HttpFront::create_alpha_sender);
  add_route("/v2/alphanumeric_sender_ids/{uuid}", "GET", &HttpFront::get_alpha_sender);
  add_route("/v2/alphanumeric_sender_ids/{uuid}", "DELETE", &HttpFront::delete_alpha_sender);
  add_route("/v2/available_phone_numbers", "GET", &HttpFront::available_numbers);
  add_route("/v2/number_orders", "POST", &HttpFront::create_order);
  add_route("/v2/number_orders", "GET", &HttpFront::list_orders);
  add_route("/v2/number_orders/{uuid}", "GET", &HttpFront::get_order);
  add_route("/v2/number_orders/{uuid}", "PATCH", &HttpFront::update_order);
  add_route("/v2/phone_numbers", "GET", &HttpFront::list_phone_numbers);
  add_route("/v2/phone_numbers/slim", "GET", &HttpFront::list_phone_numbers_slim);
  add_route("/v2/phone_numbers/messaging", "GET", &HttpFront::list_numbers_messaging);
  add_route("/v2/phone_numbers/{number_id}", "GET", &HttpFront::get_phone_number);
  add_route("/v2/phone_numbers/{number_id}", "PATCH", &HttpFront::update_phone_number);
  add_route("/v2/phone_numbers/{number_id}", "DELETE", &HttpFront::delete_phone_number);
  add_route("/v2/phone_numbers/{number_id}/messaging", "GET", &HttpFront::get_number_messaging);
  add_route("/v2/phone_numbers/{number_id}/messaging", "PATCH", &HttpFront::patch_number_messaging);
  add_route("/v2/short_codes", "GET", &HttpFront::list_short_codes);
  add_route("/v2/short_codes/{number_id}", "GET", &HttpFront::get_short_code);
  add_route("/v2/short_codes/{number_id}", "PATCH", &HttpFront::update_short_code);
}

void HttpFront::add_route(const std::string& typed, const std::string& method, Handler h) {
  // Metrics and the journal label a route with plain {id} whatever the placeholder's type.
  const std::string tmpl = std::regex_replace(typed, std::regex("\\{[a-z_]+\\}"), "{id}");
  for (auto& r : routes_) {
    if (r.tmpl == tmpl) {
      r.methods.emplace_back(method, h);
      return;
    }
  }
  Route r;
  r.tmpl = tmpl;
  r.literal = tmpl.find('{') == std::string::npos;
  if (!r.literal) {
    std::string pattern;
    for (size_t i = 0; i < typed.size(); ++i) {
      if (typed[i] == '{') {
        const size_t close = typed.find('}', i);
        const std::string kind = typed.substr(i + 1, close - i - 1);
        if (kind == "uuid") {
          pattern += "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})";
        } else if (kind == "number_id") {
          pattern += "([0-9]{1,32})";
        } else {
          pattern += "([^/]+)";
        }
        i = close;
      } else {
        pattern += typed[i];
      }
    }
    r.re = std::regex(pattern);
  }
  r.methods.emplace_back(method, h);
  // Literal routes are matched first (the typed placeholders already keep them apart).
  routes_.insert(r.literal ? routes_.begin() : routes_.end(), std::move(r));
}

void HttpFront::refuse(const httplib::Request& req, httplib::Response& res, const std::string& detail) {
  ApiContext ctx{req, res, new_request_id(), {}, {}, {}, {}, nullptr, {}, {}, {}, nullptr, {}};
  const int status = res.status;
  error(ctx, default_code_for_status(status), detail, std::nullopt, std::nullopt, status);
  res.set_header("x-request-id", ctx.request_id);
  JournalEntry e;
  e.at = clock_.now();
  e.request_id = ctx.request_id;
  e.method = req.method;
  e.path = req.path;
  e.status = status;
  e.error_code = ctx.error_code;
  journal_.append(std::move(e));
  metrics_.count_request(kUnmatched, req.method, status);
  if (auto* log = access_log_.get()) log->request(req.method, req.path, status, {}, 0.0, ctx.error_code);
}

void HttpFront::serve(const std::shared_ptr<net::Exchange>& ex) {
  const httplib::Request& req = ex->req;
  httplib::Response& res = ex->res;
  ApiContext ctx{req, res, new_request_id(), bearer_token(req), {}, {}, {}, nullptr, {}, {}, {}, ex.get(), {}};
  const bool control = req.path.compare(0, 6, "/_mock") == 0 &&
                       (req.path.size() == 6 || req.path[6] == '/');
  if (req.path == "/_mock/events") {
    bool streaming = false;
    try {
      streaming = serve_events(*ex, ctx);
    } catch (const std::exception& e) {
      error(ctx, 10007, std::string("Control handler failed: ") + e.what(), std::nullopt, std::nullopt, 500);
    }
    metrics_.count_request("/_mock", req.method, streaming ? 200 : res.status);
    if (streaming) return;
    res.set_header("x-request-id", ctx.request_id);
    ex->reply();
    return;
  }
  if (control || req.path == "/metrics") {
    ControlApi::Deferred deferred;
    try {
      handle_control(ctx, &deferred);
    } catch (const std::exception& e) {
      error(ctx, 10007, std::string("Control handler failed: ") + e.what(), std::nullopt, std::nullopt, 500);
    }
    if (deferred.poll) {
      poll_control(ex, std::make_shared<ControlApi::Deferred>(std::move(deferred)), ctx.request_id);
      return;
    }
    res.set_header("x-request-id", ctx.request_id);
    metrics_.count_request(control ? "/_mock" : "/metrics", req.method, res.status);
    ex->reply();
    return;
  }
  RequestInterceptor* icpt = interceptor_.get();
  try {
    begin_api(ctx, icpt);   // the same interceptor decides and hears the completion
  } catch (const std::exception&) {
    error(ctx, 10007, "Internal error in the mock.", std::nullopt, std::nullopt, 500);
    finish(ctx, icpt);
    ex->reply();
    return;
  }
  if (ctx.decision.delay.count() > 0) {
    // The delay is a timer on the connection; the request resumes on its loop when it fires.
    auto held = std::make_shared<ApiContext>(std::move(ctx));
    if (held->body) held->body = &held->parsed;
    ex->after(std::min<std::chrono::milliseconds>(held->decision.delay, kMaxDelay),
              [this, ex, held, icpt] { complete_api(*ex, *held, icpt); });
    return;
  }
  complete_api(*ex, ctx, icpt);
}

void HttpFront::complete_api(net::Exchange& ex, ApiContext& ctx, RequestInterceptor* icpt) {
  try {
    handle_api(ctx);
  } catch (const std::exception&) {
    error(ctx, 10007, "Internal error in the mock.", std::nullopt, std::nullopt, 500);
  }
  finish(ctx, icpt);
  // The socket action comes last: a client that retries the moment its connection fails finds
  // the failed attempt already in the journal and the verdicts. The executor is the one
  // arm_fault took and asked, so what was recorded is what happens.
  if (ctx.fault && !ctx.fault_executor->execute(*ctx.fault, ex, ctx.decision.on_client_gave_up))
    error(ctx, 10007, "fault not available", std::nullopt, std::nullopt, 500);
  if (!ex.finished()) ex.reply();
}

void HttpFront::begin_api(ApiContext& ctx, RequestInterceptor* icpt) {
  const auto& req = ctx.req;
  // Parse the body once: the interceptor and the handler share it.
  if (!req.body.empty()) {
    const auto parse = core::parse_json_bounded(req.body, ctx.parsed, config_.settings.json_max_depth);
    if (parse == core::JsonParse::TooDeep) {
      // Answered before any interceptor or handler sees the body, as a decision would be.
      const std::string detail = core::json_too_deep_detail(config_.settings.json_max_depth);
      ctx.decision.kind = Decision::Kind::Respond;
      ctx.decision.status = 400;
      ctx.decision.error_code = 10015;
      ctx.decision.body = core::error_body(10015, detail);
      ctx.error_code = 10015;
      return;
    }
    if (parse == core::JsonParse::Ok) ctx.body = &ctx.parsed;
  }

  if (icpt) {
    RequestView v;
    v.method = req.method;
    v.path = req.path;
    v.query.assign(req.params.begin(), req.params.end());
    v.headers.reserve(req.headers.size());
    for (const auto& [k, val] : req.headers) {
      std::string lk = k;
      std::transform(lk.begin(), lk.end(), lk.begin(), net::ascii_lower);   // names are ASCII
      v.headers.emplace_back(std::move(lk), val);
    }
    v.api_key = ctx.api_key;
    v.body = ctx.body;
    v.raw_body = req.body;
    ctx.decision = icpt->on_request(v);
  }
}

void HttpFront::handle_api(ApiContext& ctx) {
  const auto& req = ctx.req;
  // The interceptor's decision (Pass without an interceptor).
  if (ctx.decision.kind == Decision::Kind::Respond) {
    label(ctx);
    for (const auto& [k, val] : ctx.decision.headers) ctx.res.set_header(k, val);
    if (ctx.decision.error_code && ctx.decision.body.empty()) {
      error(ctx, *ctx.decision.error_code, {}, std::nullopt, std::nullopt, ctx.decision.status);
    } else {
      ctx.res.status = ctx.decision.status;
      ctx.res.set_content(ctx.decision.body, kJson);
    }
    return;
  }
  if (ctx.decision.kind == Decision::Kind::Fault && ctx.decision.fault != FaultKind::AcceptThenDrop) {
    label(ctx);
    arm_fault(ctx, ctx.decision.fault);
    return;
  }

  // Route: unknown path -> 404 / 10005; known path, other method -> 405 with the envelope.
  Handler handler = nullptr;
  const Route* found = nullptr;
  for (const auto& r : routes_) {
    if (r.literal ? req.path == r.tmpl : std::regex_match(req.path, ctx.m, r.re)) {
      found = &r;
      break;
    }
  }
  if (!found) {
    error(ctx, 10005, "No resource at " + req.method + " " + req.path + ".");
    return;
  }
  ctx.route = found->tmpl;
  const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
  std::string allow;
  for (const auto& [mth, h] : found->methods) {
    if (mth == method) handler = h;
    allow += allow.empty() ? mth : ", " + mth;
  }
  if (!handler) {
    ctx.res.set_header("Allow", allow);
    error(ctx, 10015, "Method " + req.method + " is not allowed on " + found->tmpl + ".",
          std::nullopt, std::nullopt, 405);
    return;
  }

  // Auth (contract §2, §12): missing, malformed or unknown key -> 401 / 10009.
  auto tenant = store_.authenticate(ctx.api_key);
  if (!tenant && store_.open_tenants_full(ctx.api_key)) {
    error(ctx, 10011, "Open mode already serves " + std::to_string(config_.settings.max_open_tenants) +
          " API keys (settings.max_open_tenants); this new key gets no tenant.", std::nullopt, std::nullopt, 429);
    return;
  }
  if (!tenant) {
    error(ctx, 10009, ctx.api_key.empty() ? "Missing or malformed Authorization header (expected 'Bearer <API key>')."
                                          : "The API key is not valid.");
    return;
  }
  ctx.tenant = std::move(*tenant);
  (this->*handler)(ctx);

  if (ctx.decision.kind == Decision::Kind::Fault) {
    arm_fault(ctx, FaultKind::AcceptThenDrop);
  } else {
    for (const auto& [k, val] : ctx.decision.headers) ctx.res.set_header(k, val);
  }
}

void HttpFront::label(ApiContext& ctx) {
  // The route template and tenant a request answered by the scenario would have had, so the
  // journal and /metrics file it where the handler would have.
  for (const auto& r : routes_) {
    if (r.literal ? ctx.req.path == r.tmpl : std::regex_match(ctx.req.path, ctx.m, r.re)) {
      ctx.route = r.tmpl;
      break;
    }
  }
  if (auto tenant = store_.authenticate(ctx.api_key)) ctx.tenant = std::move(*tenant);
}

void HttpFront::arm_fault(ApiContext& ctx, FaultKind kind) {
  // Read once: complete_api uses this executor even if another is set in between.
  FaultExecutor* executor = faults_.get();
  if (executor && ctx.conn && executor->supports(kind)) {
    ctx.fault = kind;
    ctx.fault_executor = executor;
    return;
  }
  // No executor, or one that cannot do this: say so (before the request is recorded) instead of
  // pretending.
  error(ctx, 10007, "fault not available", std::nullopt, std::nullopt, 500);
}

void HttpFront::finish(ApiContext& ctx, RequestInterceptor* icpt) {
  // A handler that wrote a body without a status answers 200 (the library's default on the
  // wire): journal, metrics and verdicts record that, not the unset -1 that means "no response".
  if (ctx.res.status == -1 && !ctx.res.body.empty()) ctx.res.status = 200;
  ctx.res.headers.emplace("x-request-id", ctx.request_id);   // a generated UUID: no line break to refuse
  metrics_.count_request(ctx.route.empty() ? kUnmatched : ctx.route, ctx.req.method, ctx.res.status);
  if (icpt) {
    RequestView v;
    v.method = ctx.req.method;
    v.path = ctx.req.path;
    v.api_key = ctx.api_key;
    v.tenant = ctx.tenant;
    v.body = ctx.body;   // parsed once, in begin_api
    v.raw_body = ctx.req.body;
    icpt->on_completed(v, ctx.decision, ctx.res.status, ctx.message_id);
  }
  if (auto* log = access_log_.get()) {
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - ctx.started;
    log->request(ctx.req.method, ctx.req.path, ctx.res.status == -1 ? 200 : ctx.res.status, ctx.api_key,
                 took.count(), ctx.error_code);
  }
  // The request is over: its strings move into the journal.
  JournalEntry e;
  e.at = clock_.now();
  e.request_id = std::move(ctx.request_id);
  e.method = ctx.req.method;
  e.path = ctx.req.path;
  if (!ctx.req.params.empty()) e.query = raw_query(ctx.req);
  e.route = std::move(ctx.route);
  e.status = ctx.res.status;
  e.api_key = std::move(ctx.api_key);
  e.tenant = std::move(ctx.tenant);
  e.error_code = ctx.error_code;
  if (ctx.message_id) {
    const auto cut = [](const std::string& s, std::string& out, bool& truncated) {
      truncated = s.size() > JournalEntry::kMaxBody;
      out.assign(s, 0, JournalEntry::kMaxBody);
    };
    // The request itself is done with (answering needs only its method and version): its body
    // and header values move into the entry instead of being copied.
    httplib::Request* done = ctx.conn && &ctx.conn->req == &ctx.req ? &ctx.conn->req : nullptr;
    if (done && done->body.size() <= JournalEntry::kMaxBody) {
      e.request_body = std::move(done->body);
      done->body.clear();
    } else {
      cut(ctx.req.body, e.request_body, e.request_truncated);
    }
    cut(ctx.res.body, e.response_body, e.response_truncated);
    e.request_headers.reserve(ctx.req.headers.size());
    const auto keep = [&e](const std::string& k, auto&& v) {
      if (net::iequals(k, "Authorization")) {
        e.request_headers.emplace_back(k, "Bearer " + AccessLog::key_prefix(e.api_key));
      } else {
        e.request_headers.emplace_back(k, std::forward<decltype(v)>(v));
      }
    };
    if (done) {
      for (auto& [k, v] : done->headers) keep(k, std::move(v));
    } else {
      for (const auto& [k, v] : ctx.req.headers) keep(k, v);
    }
  }
  e.message_id = std::move(ctx.message_id);
  e.rule = std::move(ctx.decision.rule);
  journal_.append(std::move(e));
}

// ---- response helpers ----

void HttpFront::error(ApiContext& ctx, int code, const std::string& detail,
                      std::optional<std::string> pointer, std::optional<std::string> parameter,
                      int status) {
  core::ErrorObject e = core::make_error_object(code, {}, std::move(pointer));
  if (!detail.empty()) e.detail = detail;
  if (parameter) e.source_parameter = std::move(parameter);
  if (status == 0) {
    const core::ErrorInfo* info = core::find_error(code);
    status = config_.settings.status_for(code, info ? info->http_status : 400);
  }
  core::json j;
  to_json(j, core::ErrorEnvelope{{std::move(e)}});
  ctx.error_code = code;
  ctx.res.status = status;
  // Details may echo what the client sent (a path id, a parameter), which need not be UTF-8.
  set_json(ctx.res, j.dump(-1, ' ', false, core::json::error_handler_t::replace));
}

void HttpFront::send_data(ApiContext& ctx, const core::json& data, int status) {
  core::json j = core::json::object();
  j["data"] = data;
  ctx.res.status = status;
  set_json(ctx.res, j.dump());
}

void HttpFront::send_list(ApiContext& ctx, const core::json& items, const core::PageMeta& meta) {
  core::json j = core::json::object();
  j["data"] = items;
  j["meta"] = meta;
  ctx.res.status = 200;
  ctx.res.set_content(j.dump(), kJson);
}

std::optional<std::string> HttpFront::param(const ApiContext& ctx, const char* name) {
  if (!ctx.req.has_param(name)) return std::nullopt;
  return ctx.req.get_param_value(name);
}

bool HttpFront::page(ApiContext& ctx, core::PageRequest& out) {
  const auto num = param(ctx, "page[number]");
  const auto size = param(ctx, "page[size]");
  auto r = core::parse_page(num ? std::optional<std::string_view>(*num) : std::nullopt,
                            size ? std::optional<std::string_view>(*size) : std::nullopt);
  if (!r) {
    error(ctx, 10015, r.error().parameter + " " + r.error().detail, std::nullopt, r.error().parameter, 400);
    return false;
  }
  out = r.value();
  return true;
}

bool HttpFront::require_object(ApiContext& ctx) {
  if (ctx.body && ctx.body->is_object()) return true;
  error(ctx, 10015, ctx.req.body.empty() ? "The request body is empty; a JSON object is expected."
                                         : (ctx.body ? "The request body must be a JSON object."
                                                     : "The request body is not valid JSON."),
        std::nullopt, std::nullopt, 400);
  return false;
}

}  // namespace harness::mock
