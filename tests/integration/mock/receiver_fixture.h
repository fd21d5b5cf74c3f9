// MockFixture plus a recording webhook receiver on 127.0.0.1 (an ephemeral port), for tests that
// follow a message's webhooks. The mock goes first at teardown, so its webhook connections to the
// receiver are closed before the receiver stops.
#pragma once
#include <memory>
#include "../webhook/webhook_test_support.h"
#include "mock_fixture.h"
#include "support/scoped_server.h"

namespace harness::mock::testing {

class MockWithReceiver : public MockFixture {
 protected:
  void SetUp() override {
    rx_.install(http_);
    receiver_ = std::make_unique<harness::testing::ScopedServer>(http_);
    MockFixture::SetUp();
  }
  void TearDown() override {
    MockFixture::TearDown();
    server_.reset();
    receiver_.reset();
  }

  httplib::Server http_;
  Receiver rx_;
  std::unique_ptr<harness::testing::ScopedServer> receiver_;
};

}  // namespace harness::mock::testing
