// Counters behind GET /metrics (Prometheus text exposition format 0.0.4): requests by route
// template and status; message and journal gauges are read from the store at scrape time.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace harness::mock {

class Store;
class Journal;

class Metrics {
 public:
  void count_request(const std::string& route, const std::string& method, int status);
  std::string render(const Store& store, const Journal& journal) const;
  void clear();
  // More exposition text appended at scrape time (e.g. the webhook engine's counters).
  void add_source(std::function<std::string()> source);

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;   // ("POST /v2/messages", 200)
  std::vector<std::function<std::string()>> sources_;
};

}  // namespace harness::mock
