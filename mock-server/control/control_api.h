// The control surface under /_mock/ (WireMock's AdminRoutes idea): ONE table of
// (method, path regex) -> handler. The built-in entries (health, reset, requests, messages, keys)
// are registered by MockServer; the scenario and webhook engines add theirs (scenario, report,
// verify, webhooks, inbound) with add(). Paths are matched in full against the decoded path.
// Handlers run on HTTP worker threads and must be thread-safe.
#pragma once
#include <chrono>
#include <functional>
#include <mutex>
#include <regex>
#include <string>
#include <vector>
#include <httplib.h>

namespace harness::mock {

// `m` holds the captures of the path regex (m[1] ... ).
using ControlHandler =
    std::function<void(const httplib::Request& req, httplib::Response& res, const std::smatch& m)>;

class ControlApi {
 public:
  // method: "GET", "POST", "PUT", "PATCH", "DELETE". path_regex e.g. R"(/_mock/scenario)".
  // A later entry for the same (method, path) replaces the earlier one.
  void add(const std::string& method, const std::string& path_regex, ControlHandler handler);
  // Called by POST /_mock/reset after the store was reset, in registration order.
  void on_reset(std::function<void()> hook);

  // A handler that cannot answer yet (a long poll such as POST /_mock/verify?wait=10s) calls
  // defer(): `poll` is run again every `every` until it returns true, having filled `res`.
  // It must answer by its own deadline. Over the event-loop transport the re-runs are timers
  // on the connection's loop, so a waiting client holds no thread.
  using ControlPoll = std::function<bool(httplib::Response& res)>;
  struct Deferred {
    std::chrono::milliseconds every{0};
    ControlPoll poll;   // empty: the handler answered
  };
  static void defer(std::chrono::milliseconds every, ControlPoll poll);

  enum class Match { Found, WrongMethod, NoRoute };
  // Runs the matching handler. WrongMethod / NoRoute leave `res` untouched. A deferred answer
  // is handed to `deferred` when given; without it, dispatch polls in place (blocking).
  Match dispatch(const httplib::Request& req, httplib::Response& res, Deferred* deferred = nullptr) const;
  void run_reset_hooks() const;
  // "GET /_mock/health" ... for the index served at GET /_mock/.
  std::vector<std::string> describe() const;

 private:
  struct Entry {
    std::string method;
    std::string pattern;
    std::regex re;
    ControlHandler handler;
  };
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  std::vector<std::function<void()>> reset_hooks_;
};

}  // namespace harness::mock
