// The embedded webhook receiver: an HTTP server (cpp-httplib) on which the mock delivers the
// events of the messages this run sends. Owns acknowledging (configurable status, delay and
// failure rate, to exercise the sender's retries and failover, contract §7.6), verifying the
// Ed25519 signature (§7.4) and handing each verified event to the Matcher. Bad signatures are
// answered 401 and not matched; deliberately failed acks are answered `fail_status` and not
// matched either (the sender will deliver them again, which must not look like a duplicate).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include "loadgen/receiver/matcher.h"

namespace harness::loadgen {

struct ReceiverConfig {
  std::string host = "127.0.0.1";
  int port = 0;                          // 0: an ephemeral port
  std::string path = "/webhooks";
  std::string public_key_base64;         // empty: signatures are not checked
  int64_t tolerance_seconds = 300;
  int ack_status = 200;
  std::chrono::milliseconds ack_delay{0};
  double ack_fail_rate = 0;              // probability of answering fail_status instead
  int fail_status = 500;
  uint64_t seed = 1;
  int threads = 96;                      // handler threads: one per keep-alive connection
                                         // (telnyx-mock opens up to 64 per receiver)
};

class Receiver {
 public:
  Receiver(ReceiverConfig cfg, Matcher& matcher);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  // Binds and starts serving; error text on failure (empty on success).
  std::string start();
  void stop();
  int port() const;
  // The URL to put in webhook_url: http://host:port/path.
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Fetches the webhook public key from a mock's GET <base>/_mock/keys. Error text on failure.
struct KeyOrError {
  std::string key;
  std::string error;
};
KeyOrError fetch_public_key(const std::string& base_url);

}  // namespace harness::loadgen
