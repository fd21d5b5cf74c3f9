// Builds RequestViews for decide() tests without sockets.
#pragma once
#include <memory>
#include <string>
#include "core/json.h"
#include "scenario/decision.h"
#include "scenario/loader.h"

namespace harness::mock::scenario::testing {

// Owns the JSON body a RequestView points at.
struct Req {
  core::json body;
  std::string raw;
  RequestView view;
  Req(std::string method, std::string path, core::json b = nullptr, std::string key = "KEY_test") : body(std::move(b)) {
    view.method = std::move(method);
    view.path = std::move(path);
    view.api_key = std::move(key);
    if (!body.is_null()) {
      raw = body.dump();
      view.body = &body;
      view.raw_body = raw;
    }
  }
  Req(const Req& o) : body(o.body), raw(o.raw), view(o.view) { view.body = body.is_null() ? nullptr : &body; view.raw_body = raw; }
  Req& header(std::string k, std::string v) { view.headers.emplace_back(std::move(k), std::move(v)); return *this; }
  Req& query(std::string k, std::string v) { view.query.emplace_back(std::move(k), std::move(v)); return *this; }
  operator const RequestView&() const { return view; }
};

inline Req send(const std::string& to, const std::string& key = "KEY_test", const std::string& text = "hi") {
  return Req("POST", "/v2/messages", core::json{{"from", "+13125550147"}, {"to", to}, {"text", text}}, key);
}

inline Scenario parse_ok(const std::string& yaml) {
  auto r = parse_scenario(yaml, "test.yaml");
  if (!r) throw std::runtime_error(r.error().to_string());
  return std::move(r).value();
}

}  // namespace harness::mock::scenario::testing
