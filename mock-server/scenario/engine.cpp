#include "scenario/engine.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/json_limits.h"

namespace harness::mock::scenario {

ScenarioEngine::ScenarioEngine(core::Clock& clock)
    : clock_(clock), faults_(std::make_shared<SocketFaultExecutor>()) {
  load(Scenario{});
}

ScenarioEngine::~ScenarioEngine() {
  {
    std::lock_guard<std::mutex> lk(watch_mu_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void ScenarioEngine::load(Scenario sc) {
  auto shared = std::make_shared<const Scenario>(std::move(sc));
  std::lock_guard<std::mutex> lk(load_mu_);
  verdicts_.set_settings(shared->verdicts);
  faults_->set_timeout_cap(shared->faults.timeout_cap);
  std::atomic_store(&active_, std::make_shared<Active>(shared));
  for (const auto& [id, f] : listeners_) f(shared);
  reloads_.fetch_add(1);
}

uint64_t ScenarioEngine::add_load_listener(LoadListener f) {
  std::lock_guard<std::mutex> lk(load_mu_);
  f(active()->sc);
  listeners_.emplace_back(next_listener_, std::move(f));
  return next_listener_++;
}

void ScenarioEngine::remove_load_listener(uint64_t id) {
  std::lock_guard<std::mutex> lk(load_mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(), [id](const auto& l) { return l.first == id; }),
                   listeners_.end());
}

std::optional<ParseError> ScenarioEngine::load_yaml(std::string_view yaml, const std::string& source) {
  auto parsed = parse_scenario(yaml, source);
  if (!parsed) return parsed.error();
  load(std::move(parsed).value());
  return std::nullopt;
}

std::optional<ParseError> ScenarioEngine::load_file(const std::string& path) {
  auto parsed = load_scenario_file(path);
  if (!parsed) return parsed.error();
  load(std::move(parsed).value());
  return std::nullopt;
}

std::shared_ptr<const Scenario> ScenarioEngine::current() const { return active()->sc; }

Decision ScenarioEngine::on_request(const RequestView& req) {
  const core::TimePoint now = clock_.now();
  verdicts_.on_request(req, now);
  auto a = active();   // keeps this scenario alive for the whole decision
  const Prepared p = prepare(*a->sc, req);   // the request's share of the work, unlocked
  Decision d;
  {
    // Only the stripes of the state this request's keys reach (none without rules or limits
    // that match it), in ascending order: decisions that share no key never wait for each other.
    const std::vector<size_t> stripes = a->state.stripes_for(*a->sc, p);
    std::vector<std::unique_lock<std::mutex>> held;
    held.reserve(stripes.size());
    for (size_t s : stripes) held.emplace_back(a->state.lock_of(s));
    d = decide(*a->sc, p, a->state, now);
  }
  verdicts_.on_decided(req, d, now);
  if (d.kind == Decision::Kind::Fault && d.fault == FaultKind::Timeout) {
    // A hung request fails for the client when it gives up, not when the mock parks it.
    std::weak_ptr<ScenarioEngine> self = weak_from_this();
    if (!self.expired()) {
      d.on_client_gave_up = [self, key = verdicts_.retry_key(req)] {
        if (auto e = self.lock()) e->verdicts_.client_gave_up(key, e->clock_.now());
      };
    }
  }
  notify_change();   // retry verdicts are judged at arrival
  return d;
}

void ScenarioEngine::on_completed(const RequestView& req, const Decision& d, int status,
                                  const std::optional<std::string>& message_id) {
  verdicts_.on_completed(req, d, status, message_id, clock_.now());
  notify_change();
}

void ScenarioEngine::on_inbound(const std::string& tenant, const std::string& from) {
  verdicts_.on_inbound(tenant, from, clock_.now());
}

void ScenarioEngine::set_peer(std::shared_ptr<const Peer> peer) {
  std::atomic_store(&peer_, std::move(peer));
  notify_change();
}

void ScenarioEngine::notify_change() const { changes_.fetch_add(1, std::memory_order_relaxed); }

bool ScenarioEngine::webhooks_idle() const {
  auto p = std::atomic_load(&peer_);
  return !p || !p->idle || p->idle();
}

void ScenarioEngine::reset() {
  auto a = active();
  {
    auto held = a->lock_all();
    a->state.reset(*a->sc);
  }
  verdicts_.reset();
  notify_change();
}

core::json ScenarioEngine::report() const {
  auto a = active();
  core::json rules = core::json::array();
  {
    auto held = a->lock_all();
    for (size_t i = 0; i < a->sc->rules.size(); ++i) {
      const RuleCounters t = a->state.total(i);
      rules.push_back({{"name", a->sc->rules[i].name}, {"matched", t.matched}, {"fired", t.fired}});
    }
  }
  // Built-in deciders (magic numbers, rate limits) have no matcher: matched == fired.
  for (const auto& [name, n] : verdicts_.decided_by_rule())
    if (name.rfind("magic:", 0) == 0 || name.rfind("rate_limit:", 0) == 0)
      rules.push_back({{"name", name}, {"matched", n}, {"fired", n}});
  const auto& f = faults_->stats();
  core::json verdicts = verdicts_.to_json();
  if (auto p = std::atomic_load(&peer_); p && p->verdicts) {
    core::json more = p->verdicts();
    for (auto& [name, v] : more.items()) verdicts[name] = std::move(v);
  }
  return {{"scenario", {{"name", a->sc->name}, {"source", a->sc->source}}},
          {"verdicts", std::move(verdicts)},
          {"rules", rules},
          {"faults", {{"parked_now", faults_->parked()},
                      {"timeouts", f.timeouts.load()},
                      {"connection_resets", f.resets.load()},
                      {"empty_responses", f.empty.load()},
                      {"malformed_responses", f.malformed.load()},
                      {"dropped_after_accept", f.dropped.load()},
                      {"overflow", f.overflow.load()}}}};
}

VerifyResult ScenarioEngine::verify(const core::json& expect) const { return verify_expectations(expect, report()); }

namespace {
// Modification time (ns) and size: a change in either means the file was rewritten.
std::pair<int64_t, int64_t> file_stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {-1, -1};
  return {static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, static_cast<int64_t>(st.st_size)};
}
}  // namespace

void ScenarioEngine::watch(const std::string& path, std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lk(watch_mu_);
  if (watcher_.joinable()) return;  // one watched file per engine
  // The baseline is taken now, not when the thread first runs, so an edit made right after
  // watch() returns is never mistaken for the baseline.
  const auto baseline = file_stamp(path);
  watcher_ = std::thread([this, path, interval, baseline] { watch_loop(path, interval, baseline); });
}

void ScenarioEngine::watch_loop(std::string path, std::chrono::milliseconds interval,
                                std::pair<int64_t, int64_t> last) {
  auto stamp = [&path] { return file_stamp(path); };
  auto pending = last;
  std::unique_lock<std::mutex> lk(watch_mu_);
  while (!stopping_) {
    // A condition-variable wait (not a sleep) so the destructor stops the watcher at once.
    watch_cv_.wait_for(lk, interval, [this] { return stopping_; });
    if (stopping_) break;
    const auto now = stamp();
    if (now == last || now.first < 0) {
      pending = last;
      continue;
    }
    // An editor's save is a truncate and then writes: load a change only once two polls in a
    // row see the same stamp, so a half-written file is never loaded.
    if (now != pending) {
      pending = now;
      continue;
    }
    last = now;
    lk.unlock();
    auto err = load_file(path);
    lk.lock();
    if (err) {
      last_watch_error_ = err->to_string();
      std::fprintf(stderr, "telnyx-mock: scenario not reloaded, the previous one stays: %s\n", last_watch_error_.c_str());
    } else {
      last_watch_error_.clear();
    }
  }
}

namespace {
core::json error_json(const ParseError& e) {
  return {{"error", e.to_string()}, {"source", e.source}, {"line", e.line}, {"column", e.column}, {"message", e.message}};
}
}  // namespace

ControlReply ScenarioEngine::get_scenario() const {
  auto sc = current();
  core::json rules = core::json::array();
  for (const auto& r : sc->rules) rules.push_back(r.name);
  core::json j{{"name", sc->name}, {"description", sc->description}, {"source", sc->source}, {"seed", sc->seed},
               {"magic_numbers", sc->magic_numbers}, {"rules", rules}, {"yaml", sc->text}};
  std::lock_guard<std::mutex> lk(watch_mu_);
  if (!last_watch_error_.empty()) j["watch_error"] = last_watch_error_;
  return {200, core::dump_json(j)};
}

ControlReply ScenarioEngine::put_scenario(std::string_view yaml) {
  if (auto err = load_yaml(yaml, "<request>")) return {400, error_json(*err).dump()};
  auto sc = current();
  return {200, core::json{{"loaded", sc->name}, {"rules", sc->rules.size()}}.dump()};
}

ControlReply ScenarioEngine::delete_scenario() {
  load(Scenario{});
  return {200, R"({"loaded":"default","rules":0})"};
}

ControlReply ScenarioEngine::get_report() const { return {200, core::dump_json(report(), 2)}; }

ControlReply ScenarioEngine::post_verify(std::string_view body) const {
  std::string error;
  auto expect = parse_expectations(body, error);
  if (!expect) return {400, core::json{{"error", error}}.dump()};
  return check_verify(*expect, WaitFor{}, Steady::now(), true).reply;
}

ScenarioEngine::Check ScenarioEngine::check_verify(const core::json& expect, const WaitFor& wait,
                                                   Steady::time_point started, bool last) const {
  const VerifyResult r = verify(expect);
  if (r.bad_request) return {true, {400, core::json{{"error", *r.bad_request}}.dump()}};
  const bool idle = !wait.webhooks_idle || webhooks_idle();
  const bool ok = r.ok && idle;
  if (!ok && !last) return {false, {}};
  core::json j{{"ok", ok}, {"failures", r.failures}};
  if (wait.limit.count() > 0 || wait.webhooks_idle) {
    j["waited_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started).count();
    if (wait.webhooks_idle) j["webhooks_idle"] = idle;
  }
  return {true, {ok ? 200 : 409, core::dump_json(j, 2)}};
}

ScenarioEngine::Check ScenarioEngine::check_idle(Steady::time_point started, bool last) const {
  const bool idle = webhooks_idle();
  if (!idle && !last) return {false, {}};
  auto p = std::atomic_load(&peer_);
  core::json j{{"ok", idle}, {"webhooks_idle", idle},
               {"webhooks_pending", p && p->pending ? p->pending() : 0},
               {"waited_ms", std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started).count()}};
  return {true, {idle ? 200 : 409, core::dump_json(j, 2)}};
}

std::optional<std::chrono::milliseconds> parse_wait(std::string_view text) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i < 9) n = n * 10 + static_cast<uint64_t>(text[i++] - '0');
  if (i == 0) return std::nullopt;
  const std::string_view unit = text.substr(i);
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "m") return std::chrono::milliseconds(n * 60000);
  return std::nullopt;
}

std::optional<core::json> parse_expectations(std::string_view body, std::string& error) {
  core::json j;
  switch (core::parse_json_bounded(body, j)) {
    case core::JsonParse::Ok: return j;
    case core::JsonParse::TooDeep: error = core::json_too_deep_detail(core::kDefaultJsonMaxDepth); return std::nullopt;
    case core::JsonParse::Invalid: break;
  }
  auto y = parse_yaml_as_json(body, error);
  if (!y) error = "expectations are neither JSON nor YAML: " + error;
  return y;
}

}  // namespace harness::mock::scenario
