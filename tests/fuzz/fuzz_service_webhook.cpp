// libFuzzer target: the reference service's POST /telnyx/webhook handler in process
// (Service::handle_webhook) over an in-memory outbox. The first input byte chooses whether the
// rest is signed with the service's key (so verification passes and the event reaches the
// outbox: dedup, status order, inbound replies) or sent with raw, possibly forged headers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/signing.h"
#include "tools/service/outbox.h"
#include "tools/service/service.h"

using namespace harness;
using namespace harness::tools::service;

namespace {

struct Fixture {
  core::ManualClock clock{core::TimePoint(std::chrono::seconds(1740830400))};
  core::Ed25519KeyPair key = core::generate_ed25519();
  std::unique_ptr<Service> svc;
  Fixture() {
    ServiceConfig c;
    c.database = ":memory:";
    c.api_key = "KEYfuzz";
    c.base_url = "http://127.0.0.1:9/v2";
    c.webhook_public_key = key.public_key_base64();
    c.dealerships = {{"north", {"+13125550147"}, "", "Thanks"}};
    auto ob = Outbox::open(":memory:");
    if (!ob.ok()) __builtin_trap();
    svc = std::make_unique<Service>(c, std::move(ob.value()), clock);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = new Fixture();
  if (size == 0) return 0;
  const bool sign = data[0] & 1;
  httplib::Request req;
  req.method = "POST";
  req.path = "/telnyx/webhook";
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string ts = std::to_string(core::unix_seconds(f->clock.now()) - (data[0] >> 1));
  if (sign) {
    req.headers.emplace("telnyx-timestamp", ts);
    req.headers.emplace("telnyx-signature-ed25519", core::sign_ed25519(f->key, ts, req.body));
  } else {
    req.headers.emplace("telnyx-timestamp", req.body.substr(0, 12));
    req.headers.emplace("telnyx-signature-ed25519", req.body.substr(0, 88));
  }
  httplib::Response res;
  f->svc->handle_webhook(req, res);
  if (res.status < 200 || res.status > 599) __builtin_trap();
  return 0;
}
