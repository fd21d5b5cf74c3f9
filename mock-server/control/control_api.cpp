#include "control/control_api.h"

namespace harness::mock {

void ControlApi::add(const std::string& method, const std::string& path_regex, ControlHandler handler) {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto& e : entries_) {
    if (e.method == method && e.pattern == path_regex) {
      e.handler = std::move(handler);
      return;
    }
  }
  entries_.push_back(Entry{method, path_regex, std::regex(path_regex), std::move(handler)});
}

void ControlApi::on_reset(std::function<void()> hook) {
  std::lock_guard<std::mutex> lk(mu_);
  reset_hooks_.push_back(std::move(hook));
}

ControlApi::Match ControlApi::dispatch(const httplib::Request& req, httplib::Response& res) const {
  ControlHandler handler;
  std::smatch m;
  bool path_known = false;
  {
    // Copy the handler out so a handler may itself call add() without deadlocking.
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto& e : entries_) {
      std::smatch cur;
      if (!std::regex_match(req.path, cur, e.re)) continue;
      path_known = true;
      const bool same = e.method == req.method || (req.method == "HEAD" && e.method == "GET");
      if (same) {
        handler = e.handler;
        m = cur;
        break;
      }
    }
  }
  if (handler) {
    handler(req, res, m);
    return Match::Found;
  }
  return path_known ? Match::WrongMethod : Match::NoRoute;
}

void ControlApi::run_reset_hooks() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lk(mu_);
    hooks = reset_hooks_;
  }
  for (const auto& h : hooks) h();
}

std::vector<std::string> ControlApi::describe() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.method + " " + e.pattern);
  return out;
}

}  // namespace harness::mock
