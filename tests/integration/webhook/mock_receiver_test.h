// A telnyx-mock (real clock) and a recording webhook receiver on 127.0.0.1 (ephemeral ports),
// with an API client holding one key. The mock stops first at teardown, so its webhook
// connections to the receiver are closed before the receiver stops.
#pragma once
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "mock_server.h"
#include "support/scoped_server.h"
#include "webhook_test_support.h"

namespace harness::mock::testing {

class MockReceiverTest : public ::testing::Test {
 protected:
  void start_mock(const MockServerOptions& o, const std::string& key) {
    rx.install(http);
    receiver = std::make_unique<harness::testing::ScopedServer>(http);
    mock = std::make_unique<MockServer>(o);
    ASSERT_FALSE(mock->start());
    api = std::make_unique<httplib::Client>(mock->base_url());
    api->set_bearer_token_auth(key);
  }
  void TearDown() override {
    mock.reset();
    receiver.reset();
  }

  httplib::Server http;
  Receiver rx;
  std::unique_ptr<harness::testing::ScopedServer> receiver;
  std::unique_ptr<MockServer> mock;
  std::unique_ptr<httplib::Client> api;
};

}  // namespace harness::mock::testing
