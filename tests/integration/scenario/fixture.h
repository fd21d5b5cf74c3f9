// A MockServer with the ScenarioEngine plugged in (interceptor, fault executor, control routes),
// on 127.0.0.1 and an ephemeral port, a ManualClock for everything that must not sleep, and a raw
// socket client for faults that an HTTP client would hide.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <cerrno>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "mock_server.h"
#include "scenario/engine.h"
#include "support/raw_http.h"

namespace harness::mock::scenario::testing {

using core::json;

struct Reply {
  int status = -1;             // -1: transport error
  httplib::Error error = httplib::Error::Success;
  json body;
  httplib::Headers headers;
  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
  std::string code() const {
    if (!body.is_object() || !body.contains("errors")) return "";
    return body["errors"][0].value("code", "");
  }
};

// What a raw TCP client saw: the bytes before the end, and how it ended.
struct RawResult {
  std::string bytes;
  bool reset = false;   // ECONNRESET
  bool eof = false;     // orderly close
};

using harness::testing::connect_to;   // bounded: a test never waits forever

inline std::string http_post(const std::string& path, const std::string& body, const std::string& key = "KEYscenario") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline RawResult raw_exchange(int port, const std::string& request) {
  RawResult r;
  const int fd = connect_to(port);
  if (fd < 0) return r;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) { r.bytes.append(buf, static_cast<size_t>(n)); continue; }
    if (n == 0) r.eof = true;
    else r.reset = errno == ECONNRESET;
    break;
  }
  ::close(fd);
  return r;
}

class ScenarioServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_.clock = &clock_;
    opts_.threads = 16;
    opts_.scenarios = true;
    server_ = std::make_unique<MockServer>(opts_);
    auto err = server_->start();
    ASSERT_FALSE(err) << *err;
    engine_ = server_->scenario_engine();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  std::unique_ptr<httplib::Client> client(int read_timeout_s = 10) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_read_timeout(read_timeout_s, 0);
    c->set_connection_timeout(5, 0);
    return c;
  }
  static Reply wrap(const httplib::Result& r) {
    Reply out;
    if (!r) {
      out.error = r.error();
      return out;
    }
    out.status = r->status;
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }
  httplib::Headers auth(const std::string& key = "KEYscenario") const { return {{"Authorization", "Bearer " + key}}; }
  Reply get(const std::string& path, const std::string& key = "KEYscenario", httplib::Headers extra = {}) {
    auto h = auth(key);
    h.insert(extra.begin(), extra.end());
    return wrap(client()->Get(path.c_str(), h));
  }
  Reply post(const std::string& path, const std::string& body, const std::string& key = "KEYscenario") {
    return wrap(client()->Post(path.c_str(), auth(key), body, "application/json"));
  }
  Reply control(const std::string& method, const std::string& path, const std::string& body = "") {
    auto c = client();
    if (method == "PUT") return wrap(c->Put(path.c_str(), body, "application/yaml"));
    if (method == "POST") return wrap(c->Post(path.c_str(), body, "application/json"));
    if (method == "DELETE") return wrap(c->Delete(path.c_str()));
    return wrap(c->Get(path.c_str()));
  }
  // Loads a scenario through PUT /_mock/scenario.
  void load(const std::string& yaml) {
    auto r = control("PUT", "/_mock/scenario", yaml);
    ASSERT_EQ(r.status, 200) << r.body.dump();
  }
  std::string own_number(const std::string& key = "KEYscenario") {
    auto r = get("/v2/phone_numbers", key);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.body["data"][0]["phone_number"].get<std::string>();
  }
  json message(const std::string& to, const std::string& text = "Your code is 4821", const std::string& key = "KEYscenario") {
    return {{"from", own_number(key)}, {"to", to}, {"text", text}};
  }
  Reply send(const json& body, const std::string& key = "KEYscenario") { return post("/v2/messages", body.dump(), key); }

  core::ManualClock clock_;
  MockServerOptions opts_;
  std::unique_ptr<MockServer> server_;
  std::shared_ptr<ScenarioEngine> engine_;
};

}  // namespace harness::mock::scenario::testing
