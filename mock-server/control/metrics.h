// Counters behind GET /metrics (Prometheus text exposition format 0.0.4): requests by route
// template and status; message and journal gauges are read from the store at scrape time.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace harness::mock {

class Store;
class Journal;

class Metrics {
 public:
  void count_request(const std::string& route, const std::string& method, int status);
  std::string render(const Store& store, const Journal& journal) const;
  void clear();

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;   // ("POST /v2/messages", 200)
};

}  // namespace harness::mock
