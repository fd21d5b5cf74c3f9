// The I/O of one webhook attempt: an HTTP(S) POST through a bounded pool of keep-alive
// cpp-httplib clients per destination (scheme://host:port). A client is checked out for one
// request, so a destination never has more connections than there are dispatcher workers, and at
// most `max_idle_per_destination` are kept open between requests. Connection and read timeouts
// equal the delivery deadline: a receiver slower than that is a failed attempt (contract §7.6).
#pragma once
#include <chrono>
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
  explicit HttpPoster(size_t max_idle_per_destination = 16, std::string ca_cert_file = {});
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  PostResult post(const SplitUrl& url, const HeaderList& headers, const std::string& body,
                  std::chrono::nanoseconds deadline);

  size_t idle_connections() const;
  void close_idle();

 private:
  std::unique_ptr<httplib::Client> checkout(const SplitUrl& url, std::chrono::nanoseconds deadline);
  void checkin(const std::string& origin, std::unique_ptr<httplib::Client> c);

  size_t max_idle_;
  std::string ca_cert_file_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle_;
};

}  // namespace harness::mock
