// The I/O of one webhook attempt: an HTTP(S) POST through a bounded pool of keep-alive
// cpp-httplib clients per destination (scheme://host:port). A client is checked out for one
// request; a destination never has more than `max_per_destination` connections, and at most
// kMaxOpening of them are being opened at once, so a burst does not overflow a small listen
// backlog (cpp-httplib's own server listens with a backlog of 5) and turn into connect timeouts.
// Connection and read timeouts equal the delivery deadline: a receiver slower than that is a
// failed attempt (contract §7.6).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "webhook/plan.h"

namespace httplib {
class Client;
}

namespace harness::mock {

struct PostResult {
  int http_status = 0;          // 0 when no response arrived
  std::string error;            // "" on a 2xx; "timeout", "connection", "status 302", ...
  double latency_ms = 0;
  bool ok() const { return error.empty(); }
};

class HttpPoster {
 public:
  static constexpr size_t kMaxOpening = 2;

  explicit HttpPoster(size_t max_per_destination = 8, std::string ca_cert_file = {});
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  PostResult post(const SplitUrl& url, const HeaderList& headers, const std::string& body,
                  std::chrono::nanoseconds deadline);

  size_t idle_connections() const;
  void close_idle();

 private:
  struct Destination {
    std::vector<std::unique_ptr<httplib::Client>> idle;
    size_t live = 0;      // idle + checked out
    size_t opening = 0;   // checked out, first request not finished yet
  };
  struct Lease {
    std::unique_ptr<httplib::Client> client;
    bool fresh = false;
  };
  Lease checkout(const SplitUrl& url);
  void checkin(const std::string& origin, Lease lease, bool keep);

  size_t max_per_destination_;
  std::string ca_cert_file_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Destination> destinations_;
};

}  // namespace harness::mock
