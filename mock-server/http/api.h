// The request pipeline of telnyx-mock and the Telnyx API handlers. Every request enters
// HttpFront::serve on a loop thread of the event-loop transport (net::HttpServer): control API
// (/_mock/*), /metrics, or the API surface. For the API: the scenario interceptor decides first
// (delay, respond, fault or pass); a delay is a timer on the connection (Exchange::after), after
// which the pipeline resumes: the route table (unknown path -> 404 / 10005, wrong method -> 405),
// then Bearer auth (401 / 10009), then the handler. Nothing in the pipeline blocks. Every
// response gets Content-Type application/json and x-request-id, is journaled and counted.
// Requests the transport refuses (400, 408, 413, 414, 431) are answered by HttpFront::refuse.
//
// The control side (/_mock/*, /metrics, /_mock/events) is in control_front.cpp; handlers live in
// send.cpp (messages), scheduled.cpp (scheduled messages), profiles.cpp, alphanumeric.cpp
// (sender IDs), orders.cpp (available numbers, orders) and numbers.cpp (phone numbers, short
// codes, messaging settings).
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>
#include <httplib.h>
#include "config/config.h"
#include "control/control_api.h"
#include "http/events.h"
#include "http/listing.h"
#include "control/metrics.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/pagination.h"
#include "core/signing.h"
#include "http/access_log.h"
#include "http/published.h"
#include "scenario/fault_executor.h"
#include "net/exchange.h"
#include "scenario/decision.h"
#include "store/inventory.h"
#include "store/journal.h"
#include "store/store.h"
#include "store/hooks.h"
#include "store/groups.h"
#include "store/scheduled.h"
#include "store/alpha_senders.h"
#include "store/autoresp.h"
#include "core/encoding.h"
#include "core/send_request.h"
#include "rules/send_rules.h"

namespace harness::mock {

// Sets a JSON body without copying it (httplib 0.11's set_content takes a const&). The header
// goes in directly: set_header would build both strings twice to check them for line breaks.
inline void set_json(httplib::Response& res, std::string&& body) {
  res.body = std::move(body);
  res.headers.emplace("Content-Type", "application/json");
}

// One API request being served.
struct ApiContext {
  const httplib::Request& req;
  httplib::Response& res;
  std::string request_id;
  std::string api_key;
  std::string tenant;
  std::string route;                        // template, e.g. "/v2/messages/{id}"
  std::smatch m;                            // path captures
  const core::json* body = nullptr;         // parsed body; nullptr when empty or not JSON
  std::optional<std::string> message_id;    // set when a message was created
  std::optional<int> error_code;            // set when an error envelope was sent
  Decision decision;
  net::Exchange* conn = nullptr;            // the connection (socket faults act on it)
  core::json parsed;                        // storage behind `body`
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();   // access log latency
  std::optional<FaultKind> fault = std::nullopt;   // socket fault to carry out once the request is recorded
  FaultExecutor* fault_executor = nullptr;          // who carries it out: taken once, when armed
};

class HttpFront {
 public:
  HttpFront(const MockConfig& config, Store& store, Journal& journal, ControlApi& control,
            Metrics& metrics, const core::Clock& clock, const Inventory& inventory,
            std::string admin_token);
  ~HttpFront();

  // Serves one request (net::RequestHandler): answers it, or arms a timer for a scenario delay
  // and answers when it fires. Runs on the connection's loop thread.
  void serve(const std::shared_ptr<net::Exchange>& ex);
  // Answers a request the transport refused (net::RefusalHandler): res.status is set (413, 431,
  // ...); the Telnyx envelope, x-request-id, journaled and counted as route "unmatched".
  void refuse(const httplib::Request& req, httplib::Response& res, const std::string& detail);

  void set_interceptor(std::shared_ptr<RequestInterceptor> i) { interceptor_.set(std::move(i)); }
  // One line per API request (not /_mock or /metrics); nullptr = none.
  void set_access_log(std::shared_ptr<AccessLog> log) { access_log_.set(std::move(log)); }
  void set_webhook_sink(std::shared_ptr<WebhookSink> s) { sink_.set(std::move(s)); }
  void set_fault_executor(std::shared_ptr<FaultExecutor> f) { faults_.set(std::move(f)); }
  // GET /_mock/events streams from this hub; nullptr = no such route.
  void set_event_hub(std::shared_ptr<EventHub> h) { events_.set(std::move(h)); }
  // Answers inbound texts matching a profile's autoresponse configs (autoresp.cpp).
  std::shared_ptr<InboundResponder> inbound_responder() const { return responder_; }
  // The scheduled messages waiting for their send_at (POST /_mock/clock/advance fires them).
  std::shared_ptr<ScheduledSends> scheduled_sends() const { return scheduled_; }

 private:
  using Handler = void (HttpFront::*)(ApiContext&);
  struct Route {
    std::string tmpl;                       // metrics label and journal route
    bool literal = true;
    std::regex re;
    std::vector<std::pair<std::string, Handler>> methods;
  };

  void add_route(const std::string& tmpl, const std::string& method, Handler h);
  // API requests in two phases: begin_api parses the body and asks the interceptor (its delay
  // is waited for by the transport); handle_api carries the decision out and runs the handler.
  void begin_api(ApiContext& ctx, RequestInterceptor* icpt);
  void handle_api(ApiContext& ctx);
  void complete_api(net::Exchange& ex, ApiContext& ctx, RequestInterceptor* icpt);
  void handle_control(ApiContext& ctx, ControlApi::Deferred* deferred);
  // GET /_mock/events: true once the stream started; otherwise the error is in ctx.res.
  bool serve_events(net::Exchange& ex, ApiContext& ctx);
  void poll_control(const std::shared_ptr<net::Exchange>& ex, const std::shared_ptr<ControlApi::Deferred>& d,
                    const std::string& request_id);
  void finish(ApiContext& ctx, RequestInterceptor* icpt);
  // Arms a socket fault for after finish(), so that journal, metrics and verdicts hold the
  // request before the client can see it fail and retry; without an executor, a 500 instead.
  void arm_fault(ApiContext& ctx, FaultKind kind);
  // Route template and tenant for a request the scenario answered before routing and auth.
  void label(ApiContext& ctx);

 public:
  // ---- response helpers (used by handlers and the control API) ----
  // Telnyx error envelope; status from the catalogue and the 403xx overrides unless given.
  void error(ApiContext& ctx, int code, const std::string& detail = {},
             std::optional<std::string> pointer = std::nullopt,
             std::optional<std::string> parameter = std::nullopt, int status = 0);
  void send_data(ApiContext& ctx, const core::json& data, int status = 200);
  // 404 / 10005 "<what> was not found."
  void not_found(ApiContext& ctx, const std::string& what) { error(ctx, 10005, what + " was not found."); }
  // `found` as {"data": ...}, or not_found(what) when there is none.
  template <class T>
  void send_found(ApiContext& ctx, const std::optional<T>& found, const std::string& what) {
    if (found) return send_data(ctx, *found);
    not_found(ctx, what);
  }
  void send_list(ApiContext& ctx, const core::json& items, const core::PageMeta& meta);
  // One page of `all` (each element through `to_item`) with its meta: every list route ends here.
  template <class T, class F>
  void send_page(ApiContext& ctx, const core::PageRequest& pr, const std::vector<T>& all, F&& to_item) {
    send_list(ctx, page_items(all, pr, std::forward<F>(to_item)), core::page_meta(pr, all.size()));
  }
  // page[number] / page[size]; false after sending the 400 when invalid.
  bool page(ApiContext& ctx, core::PageRequest& out);
  // The error envelope of a request decoding problem.
  void problem(ApiContext& ctx, const core::RequestProblem& p);
  static std::optional<std::string> param(const ApiContext& ctx, const char* name);

 private:
  // ---- handlers ----
  void send_generic(ApiContext& ctx) { send(ctx, SendKind::Generic); }
  void send_long_code(ApiContext& ctx) { send(ctx, SendKind::LongCode); }
  void send_short_code(ApiContext& ctx) { send(ctx, SendKind::ShortCode); }
  void send_number_pool(ApiContext& ctx) { send(ctx, SendKind::NumberPool); }
  void send_alphanumeric(ApiContext& ctx) { send(ctx, SendKind::Alphanumeric); }
  // `schedule_endpoint`: POST /v2/messages/schedule (send_at required).
  void send(ApiContext& ctx, SendKind kind, bool schedule_endpoint = false);
  void get_message(ApiContext& ctx);
  // A new outbound message from `from` to r.to (status queued), as the send endpoints answer it.
  core::Message build_outbound(const SenderProfile& profile, const std::string& from, const core::SendRequest& r,
                               const std::string& type, const core::Segmentation& seg);
  static core::MessageAddress recipient_address(const std::string& e164);   // status queued
  // The message's routing: the request's URLs and the profile's target (moved in where the
  // caller's sender view is its own, so a send copies the profile's webhook settings once).
  static WebhookRouting routing_for(core::WebhookTarget profile, const core::SendRequest& r);
  // Stores an accepted outbound message and starts its lifecycle: the webhook engine's plan, or
  // the store's default timeline without one.
  void start_outbound(const std::string& tenant, core::Message m, WebhookRouting routing,
                      const std::optional<std::string>& final_status, const std::vector<int>& final_errors);

  // ---- scheduled messages (scheduled.cpp) ----
  void send_schedule(ApiContext& ctx);
  void cancel_message(ApiContext& ctx);
  void init_scheduled();
  // Answers and stores an accepted message as `scheduled`, to fire at send_at.
  void schedule_outbound(ApiContext& ctx, core::Message m, const SenderProfile& profile,
                         const core::SendRequest& r, core::TimePoint send_at);
  void fire_scheduled(ScheduledSend&& s);

  // ---- group MMS (group_mms.cpp) ----
  void init_groups();
  void send_group_mms(ApiContext& ctx);
  void get_group(ApiContext& ctx);
  // The stored messages of a group (nullopt: unknown group, or none of them kept).
  std::optional<std::vector<core::Message>> group_members(const std::string& tenant, const std::string& id);
  // The group as one message: the group id, every recipient in `to` with its status.
  static core::Message group_view(const std::string& group_id, const std::vector<core::Message>& members);

  void list_profiles(ApiContext& ctx);
  void create_profile(ApiContext& ctx);
  void get_profile(ApiContext& ctx);
  void update_profile(ApiContext& ctx);
  void delete_profile(ApiContext& ctx);
  void profile_numbers(ApiContext& ctx);
  void profile_short_codes(ApiContext& ctx);
  void profile_alphanumeric_ids(ApiContext& ctx);
  void regenerate_secret(ApiContext& ctx);

  // ---- alphanumeric sender IDs (alphanumeric.cpp) ----
  void init_alpha_senders();
  void list_alpha_senders(ApiContext& ctx);
  void create_alpha_sender(ApiContext& ctx);
  void get_alpha_sender(ApiContext& ctx);
  void delete_alpha_sender(ApiContext& ctx);
  // ---- autoresponse configs (autoresp.cpp) ----
  void init_autoresp();
  void list_autoresp(ApiContext& ctx);
  void create_autoresp(ApiContext& ctx);
  void get_autoresp(ApiContext& ctx);
  void update_autoresp(ApiContext& ctx);
  void delete_autoresp(ApiContext& ctx);
  bool autoresp_profile(ApiContext& ctx);                  // false after the 404
  bool read_autoresp(ApiContext& ctx, AutorespConfig& c);  // false after the error
  // Applies the first config matching an inbound text and sends its answer; false: none matched.
  bool autorespond(const std::string& tenant, const core::Message& inbound, core::TimePoint at);

  // ---- messaging profile metrics (metrics.cpp) ----
  void profile_metrics(ApiContext& ctx);
  void list_profile_metrics(ApiContext& ctx);
  // The window ?time_frame= names (default 24h) and, when `bucket` is given, the width of one point
  // of its detailed series; nullopt after sending the 400.
  std::optional<core::Duration> metrics_frame(ApiContext& ctx, core::Duration* bucket);

  // The tenant's sender ID records (one per profile with an alpha_sender), of one profile if given.
  std::vector<core::json> alpha_sender_records(const std::string& tenant,
                                               const std::optional<std::string>& profile_id) const;
  void list_optouts(ApiContext& ctx);

  void available_numbers(ApiContext& ctx);
  void create_order(ApiContext& ctx);
  void get_order(ApiContext& ctx);
  void list_orders(ApiContext& ctx);
  void update_order(ApiContext& ctx);
  void list_phone_numbers(ApiContext& ctx);
  void list_phone_numbers_slim(ApiContext& ctx);
  void list_numbers_messaging(ApiContext& ctx);
  void get_phone_number(ApiContext& ctx);
  void update_phone_number(ApiContext& ctx);
  void delete_phone_number(ApiContext& ctx);
  void get_number_messaging(ApiContext& ctx);
  void patch_number_messaging(ApiContext& ctx);
  void list_short_codes(ApiContext& ctx);
  void get_short_code(ApiContext& ctx);
  void update_short_code(ApiContext& ctx);

  // The tenant's long codes (short codes are listed by /v2/short_codes), or its short codes.
  std::vector<core::PhoneNumber> tenant_numbers(const std::string& tenant, bool short_codes) const;
  core::json short_code_json(const core::PhoneNumber& n) const;
  // Applies JSON profile fields to `p`; false after sending the error.
  bool apply_profile_fields(ApiContext& ctx, const core::json& body, core::MessagingProfile& p);
  // Requires a JSON object body; false after sending the 400.
  bool require_object(ApiContext& ctx);
  // The messaging settings of a number, with the tenant's organization_id.
  core::json messaging_settings(const std::string& tenant, const core::PhoneNumber& n) const;

  const MockConfig& config_;
  Store& store_;
  Journal& journal_;
  ControlApi& control_;
  Metrics& metrics_;
  const core::Clock& clock_;
  const Inventory& inventory_;
  core::SecretMatcher admin_token_;   // empty: the control API is open
  std::vector<Route> routes_;
  // Read on every request, swapped rarely (published.h): no lock or reference count to read.
  Published<RequestInterceptor> interceptor_;
  Published<AccessLog> access_log_;
  Published<WebhookSink> sink_;
  Published<FaultExecutor> faults_;
  Published<EventHub> events_;
  std::shared_ptr<GroupIndex> groups_;
  std::shared_ptr<AlphaSenderExtras> alpha_extras_;
  std::shared_ptr<AutorespConfigs> autoresp_;
  std::shared_ptr<InboundResponder> responder_;
  std::shared_ptr<ScheduledSends> scheduled_;   // last: stopped first (its ticker calls back here)
};

}  // namespace harness::mock
