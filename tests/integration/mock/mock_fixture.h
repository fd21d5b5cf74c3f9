// Shared fixture for telnyx-mock integration tests: a MockServer on 127.0.0.1 and an ephemeral
// port, a keep-alive client, and small JSON helpers.
#pragma once
#include <gtest/gtest.h>
#include <httplib.h>
#include <memory>
#include <string>
#include "core/clock.h"
#include "core/json.h"
#include "mock_server.h"

namespace harness::mock::testing {

using core::json;

struct Reply {
  int status = 0;
  json body;                 // discarded json when not JSON
  httplib::Headers headers;
  std::string raw;
  std::string code() const {  // first error code, "" when none
    if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() || body["errors"].empty()) return "";
    return body["errors"][0].value("code", "");
  }
  std::string pointer() const {
    if (code().empty() || !body["errors"][0].contains("source")) return "";
    return body["errors"][0]["source"].value("pointer", "");
  }
};

// Configuration: one tenant with one profile that owns +13125550147 and sends its webhooks to
// `webhook_url` (a port nothing listens on makes every attempt fail at once).
inline std::string one_profile_tenant(const std::string& name, const std::string& key,
                                      const std::string& webhook_url) {
  return "tenants:\n  - name: " + name + "\n    api_keys: [" + key +
         "]\n    profiles:\n      - name: main\n        webhook_url: " + webhook_url +
         "\n        numbers: [\"+13125550147\"]\n";
}

class MockFixture : public ::testing::Test {
 protected:
  // Subclasses may adjust opts_ in their constructor before SetUp.
  void SetUp() override {
    opts_.clock = &clock_;
    server_ = std::make_unique<MockServer>(opts_);
    auto err = server_->start();
    ASSERT_FALSE(err) << *err;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_keep_alive(true);
    client_->set_tcp_nodelay(true);   // headers and body are two writes: no 40 ms wait between them
    client_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    client_.reset();
    if (server_) server_->stop();
  }

  static Reply wrap(const httplib::Result& r) {
    Reply out;
    if (!r) {
      out.status = -1;
      return out;
    }
    out.status = r->status;
    out.raw = r->body;
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }
  httplib::Headers auth(const std::string& key = "KEYtest") const {
    return {{"Authorization", "Bearer " + key}};
  }
  Reply get(const std::string& path, const std::string& key = "KEYtest") {
    return wrap(client_->Get(path.c_str(), auth(key)));
  }
  Reply post(const std::string& path, const std::string& body, const std::string& key = "KEYtest") {
    return wrap(client_->Post(path.c_str(), auth(key), body, "application/json"));
  }
  Reply patch(const std::string& path, const std::string& body, const std::string& key = "KEYtest") {
    return wrap(client_->Patch(path.c_str(), auth(key), body, "application/json"));
  }
  Reply del(const std::string& path, const std::string& key = "KEYtest") {
    return wrap(client_->Delete(path.c_str(), auth(key)));
  }
  // A number owned by `key`'s tenant (open mode gives every tenant a few on its default profile).
  std::string own_number(const std::string& key = "KEYtest") {
    auto r = get("/v2/phone_numbers", key);
    EXPECT_EQ(r.status, 200);
    return r.body["data"][0]["phone_number"].get<std::string>();
  }
  std::string default_profile(const std::string& key = "KEYtest") {
    auto r = get("/v2/messaging_profiles", key);
    EXPECT_EQ(r.status, 200);
    return r.body["data"][0]["id"].get<std::string>();
  }
  Reply send(const json& body, const std::string& key = "KEYtest") { return post("/v2/messages", body.dump(), key); }

  core::ManualClock clock_;
  MockServerOptions opts_;
  std::unique_ptr<MockServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace harness::mock::testing
