// Counters behind GET /metrics (Prometheus text exposition format 0.0.4): requests by route
// template and status; message and journal gauges are read from the store at scrape time.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
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
  struct Key {
    std::string method, route;
    int status;
  };
  struct KeyLess {   // transparent: lookups by string_view allocate nothing
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::tie(a.method, a.route, a.status) < std::tie(b.method, b.route, b.status);
    }
  };
  struct KeyView {
    std::string_view method, route;
    int status;
  };
  std::map<Key, uint64_t, KeyLess> requests_;
  std::vector<std::function<std::string()>> sources_;
};

}  // namespace harness::mock
