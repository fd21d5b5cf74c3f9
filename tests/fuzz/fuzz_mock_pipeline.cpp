// libFuzzer target: telnyx-mock's whole request pipeline in process (HttpFront::serve), with a
// scenario loaded whose rules match on body fields, rate limits per sender and magic numbers on.
// The input is one request: "METHOD TARGET\n", header lines "Name: value\n", a blank line, then
// the body. No sockets: a fake net::Exchange takes the answer; delays run at once. Every input
// must be answered (or end in a socket fault) without a crash, a leak or an escaped exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "control/builtin.h"
#include "control/control_api.h"
#include "control/metrics.h"
#include "core/clock.h"
#include "http/api.h"
#include "net/exchange.h"
#include "scenario_routes.h"
#include "scenario/engine.h"
#include "store/inventory.h"
#include "store/journal.h"
#include "store/store.h"

using namespace harness;

namespace {

constexpr const char* kScenario = R"(name: fuzz
magic_numbers: true
rules:
  - name: by-text
    match: {method: POST, path: "/v2/messages*", body: {text: "*STOP*", meta.tier: "gold?"}}
    per: body.to
    after: 1
    respond: {status: 422, error: 40300}
  - name: by-header
    match: {headers: {x-tenant: "acme-*"}, query: {"page[size]": "2?"}}
    sequence:
      - {respond: {status: 500, body: {errors: [{code: "10007"}]}}}
      - {pass: {}, delay: 5ms}
  - name: by-array
    match: {body: {to: '*"+1555*'}}
    when_state: Started
    set_state: seen
    respond: {status: 429, error: 10011}
rate_limits:
  - {per: from, rate: 5/s, burst: 3, match: {path: "/v2/messages*"}}
webhooks:
  outcomes:
    - {match: {to: "+1777*"}, status: delivery_failed}
)";

class FakeExchange final : public net::Exchange {
 public:
  void reply() override { finished_ = true; }
  void after(std::chrono::milliseconds, std::function<void()> fn) override { fn(); }
  void reset() override { finished_ = true; }
  void close_silently() override { finished_ = true; }
  void send_raw_and_close(std::string_view) override { finished_ = true; }
  void park(std::chrono::milliseconds, std::function<void(net::ParkEnd)> on_end) override {
    finished_ = true;
    on_end(net::ParkEnd::PeerClosed);
  }
  std::shared_ptr<net::StreamHandle> stream(net::StreamOptions, std::function<void(net::StreamEnd)>) override {
    finished_ = true;   // no socket to stream on: as if the exchange had already ended
    return nullptr;
  }
  bool finished() const override { return finished_; }
  ~FakeExchange() override = default;

 private:
  bool finished_ = false;
};

struct Mock {
  core::ManualClock clock;
  mock::MockConfig config = mock::default_config();
  mock::Store store{config, 1, clock};
  mock::Journal journal{1000};
  mock::ControlApi control;
  mock::Metrics metrics;
  mock::Inventory inventory{1};
  mock::HttpFront front{config, store, journal, control, metrics, clock, inventory, ""};
  std::shared_ptr<mock::scenario::ScenarioEngine> engine = std::make_shared<mock::scenario::ScenarioEngine>(clock);
  Mock() {
    if (auto err = engine->load_yaml(kScenario, "<fuzz>")) {
      std::fprintf(stderr, "fuzz scenario: %s\n", err->to_string().c_str());
      __builtin_trap();
    }
    front.set_interceptor(engine);
    mock::register_builtin_control({store, journal, metrics, control, [] { return std::string("key"); }});
    mock::scenario::register_control_routes(control, engine);
  }
};

std::string_view next_line(std::string_view& in) {
  const size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Mock* m = new Mock();   // one mock for the run, like a long-lived server
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto ex = std::shared_ptr<FakeExchange>(new FakeExchange());
  httplib::Request& req = ex->req;
  const std::string_view first = next_line(in);
  const size_t sp = first.find(' ');
  req.method = std::string(first.substr(0, sp));
  std::string target(sp == std::string_view::npos ? "/" : first.substr(sp + 1));
  req.target = target;
  const size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string_view qs = std::string_view(target).substr(q + 1);
    while (!qs.empty()) {
      const size_t amp = qs.find('&');
      std::string_view kv = qs.substr(0, amp);
      const size_t eq = kv.find('=');
      req.params.emplace(std::string(kv.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1)));
      qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
    }
  }
  while (!in.empty()) {
    const std::string_view h = next_line(in);
    if (h.empty()) break;
    const size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view v = h.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    req.headers.emplace(std::string(h.substr(0, colon)), std::string(v));
  }
  req.body = std::string(in);
  m->front.serve(ex);
  m->clock.advance(std::chrono::milliseconds(50));
  return 0;
}
