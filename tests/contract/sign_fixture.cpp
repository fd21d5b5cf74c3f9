// Prints one JSON line of Ed25519-signed webhook material produced by src/core, for the contract
// test that checks it with the official Telnyx SDK (signing.test.mjs).
//
//   contract_sign_fixture [--key FILE | --generate] [--now UNIX_SECONDS]
//
// --key loads a PKCS#8 PEM or base64 seed (the fixed test key); --generate (the default) makes a
// fresh key pair. The body is a message.finalized event built with core's models; its text holds
// non-ASCII characters so byte-exact UTF-8 handling is part of what gets checked.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "core/clock.h"
#include "core/ids.h"
#include "core/signing.h"
#include "core/webhook_event.h"

using namespace harness::core;

namespace {

int usage(const char* why) {
  std::fprintf(stderr, "contract_sign_fixture: %s\nusage: contract_sign_fixture [--key FILE | --generate] [--now UNIX]\n",
               why);
  return 2;
}

std::string sample_body(int64_t now, Rng& rng) {
  const TimePoint t{std::chrono::seconds(now)};
  WebhookEvent e;
  e.event_type = "message.finalized";
  e.id = uuid_v4(rng);
  e.occurred_at = format_rfc3339(t);
  e.payload.id = uuid_v4(rng);
  e.payload.messaging_profile_id = uuid_v4(rng);
  e.payload.from.phone_number = "+13125550147";
  e.payload.from.carrier = "Telnyx";
  e.payload.from.line_type = "Wireless";
  MessageAddress to;
  to.phone_number = "+17735550188";
  to.status = "delivered";
  e.payload.to.push_back(to);
  e.payload.text = "Caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80 {ok}";
  e.payload.encoding = "UCS-2";
  e.payload.received_at = format_rfc3339(t - std::chrono::seconds(3));
  e.payload.completed_at = format_rfc3339(t);
  e.meta = WebhookMeta{1, "https://hooks.example.test/telnyx"};
  return json(e).dump();
}

}  // namespace

int main(int argc, char** argv) {
  std::string key_file;
  int64_t now = unix_seconds(SystemClock().now());
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--key" && i + 1 < argc) {
      key_file = argv[++i];
    } else if (a == "--generate") {
      key_file.clear();
    } else if (a == "--now" && i + 1 < argc) {
      char* end = nullptr;
      now = std::strtoll(argv[++i], &end, 10);
      if (!end || *end) return usage("--now needs integer seconds");
    } else {
      return usage(("unknown argument: " + a).c_str());
    }
  }

  Ed25519KeyPair kp;
  if (!key_file.empty()) {
    auto loaded = load_ed25519_private_file(key_file);
    if (!loaded) return usage(loaded.error().c_str());
    kp = loaded.value();
  } else {
    kp = generate_ed25519();
  }
  const Ed25519KeyPair other = generate_ed25519();

  Rng rng(static_cast<uint64_t>(now));
  const std::string body = sample_body(now, rng);
  const std::string ts = std::to_string(now);
  std::string tampered = body;
  tampered.replace(tampered.find("delivered"), 9, "delivery_failed");
  const std::string stale_ts = std::to_string(now - 301);
  // Time only moves forward between here and the SDK's check: 301 s old stays stale, but a
  // timestamp 301 s ahead could drift back inside the window, so the future case uses 330 s.
  const std::string future_ts = std::to_string(now + 330);
  // 290 s rather than exactly 300 s: the SDK reads its own clock a moment later.
  const std::string near_edge_ts = std::to_string(now - 290);

  const json out = {
      {"public_key", kp.public_key_base64()},
      {"timestamp", ts},
      {"body", body},
      {"signature", sign_ed25519(kp, ts, body)},
      {"tampered_body", tampered},
      {"stale_timestamp", stale_ts},
      {"stale_signature", sign_ed25519(kp, stale_ts, body)},
      {"future_timestamp", future_ts},
      {"future_signature", sign_ed25519(kp, future_ts, body)},
      {"near_edge_timestamp", near_edge_ts},
      {"near_edge_signature", sign_ed25519(kp, near_edge_ts, body)},
      {"wrong_public_key", other.public_key_base64()},
      {"wrong_key_signature", sign_ed25519(other, ts, body)},
      // Self-check with core's own verifier, so a failure points at the right side.
      {"core_verify", std::string(to_string(verify_ed25519(kp.public_key_base64(), sign_ed25519(kp, ts, body), ts,
                                                           body, now)))},
  };
  std::cout << out.dump() << "\n";
  return 0;
}
