#include "control/control_api.h"

#include <thread>

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

namespace {
// Set by defer() during a handler call on this thread; taken by dispatch() right after it.
thread_local ControlApi::Deferred t_deferred;
}  // namespace

void ControlApi::defer(std::chrono::milliseconds every, ControlPoll poll) {
  t_deferred = Deferred{every, std::move(poll)};
}

ControlApi::Match ControlApi::dispatch(const httplib::Request& req, httplib::Response& res, Deferred* deferred) const {
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
    t_deferred = Deferred{};
    handler(req, res, m);
    Deferred d = std::move(t_deferred);
    t_deferred = Deferred{};
    if (d.poll) {
      if (deferred) *deferred = std::move(d);
      else
        while (!d.poll(res)) std::this_thread::sleep_for(d.every);   // no event loop to wait on
    }
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
