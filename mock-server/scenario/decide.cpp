#include "scenario/decide.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/json_limits.h"
#include "scenario/glob.h"
#include "scenario/magic_numbers.h"

namespace harness::mock::scenario {
namespace {

const std::string* find_pair(const std::vector<std::pair<std::string, std::string>>& v, std::string_view name) {
  for (const auto& [k, val] : v)
    if (k == name) return &val;
  return nullptr;
}

bool field_globs_match(const std::vector<FieldGlob>& globs, const RequestView& req) {
  for (const auto& g : globs) {
    auto v = select_key(g.field, req);
    if (!v || !glob_match(g.glob, *v)) return false;
  }
  return true;
}

}  // namespace

void respond_with_error(Decision& d, int status, int code) {
  d.kind = Decision::Kind::Respond;
  d.status = status;
  d.error_code = code;
  d.body = core::error_body(code);
}

void respond_rate_limited(Decision& d, int64_t limit, int64_t reset_s, bool retry_after) {
  respond_with_error(d, 429, 10011);
  d.headers.emplace_back("x-ratelimit-limit", std::to_string(limit));
  d.headers.emplace_back("x-ratelimit-remaining", "0");
  d.headers.emplace_back("x-ratelimit-reset", std::to_string(reset_s));
  if (retry_after) d.headers.emplace_back("Retry-After", std::to_string(reset_s));
}

namespace {

void apply_action(const Action& a, Decision& d) {
  d.delay = a.delay;
  switch (a.kind) {
    case Action::Kind::Pass:
      d.kind = Decision::Kind::Pass;
      break;
    case Action::Kind::Respond:
      d.kind = Decision::Kind::Respond;
      d.status = a.status;
      d.error_code = a.error;
      if (a.body) d.body = *a.body;
      else if (a.error) d.body = core::error_body(*a.error, a.detail.value_or(""));
      d.headers.insert(d.headers.end(), a.headers.begin(), a.headers.end());
      break;
    case Action::Kind::Fault:
      d.kind = Decision::Kind::Fault;
      d.fault = a.fault;
      break;
  }
}

std::string bucket_key(const RateLimit& rl, const RequestView& req) {
  switch (rl.per) {
    case RateLimit::Per::ApiKey:
      return req.api_key;
    case RateLimit::Per::Profile:
      // The profile is known before routing only when the body names it; otherwise the sender
      // number stands in for it (one profile owns each number).
      if (auto p = body_field(req, "messaging_profile_id")) return "profile:" + *p;
      return req.api_key + "|from:" + body_field(req, "from").value_or("");
    case RateLimit::Per::From:
      return req.api_key + "|" + body_field(req, "from").value_or("");
  }
  return {};
}

int64_t ceil_seconds(double s) { return std::max<int64_t>(0, static_cast<int64_t>(std::ceil(s - 1e-9))); }

// Token buckets (contract §5.1, §12). All matching limits must have a token; the 429 reports the
// first empty one, a pass reports the tightest one.
void apply_rate_limits(const Scenario& sc, const Prepared& p, ScenarioState& st, core::TimePoint now,
                       Decision& d) {
  struct Hit { size_t index; Bucket* b; };
  std::vector<Hit> hits;
  for (size_t i = 0; i < sc.rate_limits.size(); ++i) {
    const RateLimit& rl = sc.rate_limits[i];
    if (!p.bucket_keys[i]) continue;
    auto& map = st.stripes[ScenarioState::stripe_of(*p.bucket_keys[i])].buckets[i];
    auto [it, inserted] = map.try_emplace(*p.bucket_keys[i]);
    Bucket& b = it->second;
    if (inserted) {
      b.tokens = rl.burst;
    } else if (now > b.last) {
      const double dt = std::chrono::duration<double>(now - b.last).count();
      b.tokens = std::min(rl.burst, b.tokens + dt * rl.rate_per_second);
    }
    b.last = std::max(b.last, now);
    hits.push_back({i, &b});
  }
  for (const auto& h : hits) {
    if (h.b->tokens >= 1.0) continue;
    const RateLimit& rl = sc.rate_limits[h.index];
    const int64_t wait = std::max<int64_t>(1, ceil_seconds((1.0 - h.b->tokens) / rl.rate_per_second));
    respond_rate_limited(d, static_cast<int64_t>(rl.burst), wait, rl.retry_after);
    d.rule = "rate_limit:" + std::to_string(h.index + 1);
    return;
  }
  const Hit* tightest = nullptr;
  for (auto& h : hits) {
    h.b->tokens -= 1.0;
    if (!tightest || h.b->tokens < tightest->b->tokens) tightest = &h;
  }
  if (tightest) {
    const RateLimit& rl = sc.rate_limits[tightest->index];
    const double t = tightest->b->tokens;
    d.headers.emplace_back("x-ratelimit-limit", std::to_string(static_cast<int64_t>(rl.burst)));
    d.headers.emplace_back("x-ratelimit-remaining", std::to_string(static_cast<int64_t>(std::floor(t))));
    d.headers.emplace_back("x-ratelimit-reset", std::to_string(ceil_seconds((rl.burst - t) / rl.rate_per_second)));
  }
}

const OutcomeRule* find_outcome(const Scenario& sc, const RequestView& req) {
  auto field_ok = [&](const std::optional<std::string>& glob, std::string_view field) {
    if (!glob) return true;
    auto v = body_field(req, field);
    return v && glob_match(*glob, *v);
  };
  for (const auto& o : sc.outcomes)
    if (field_ok(o.to, "to") && field_ok(o.from, "from") && field_ok(o.text, "text")) return &o;
  return nullptr;
}

// An array or object body field matches as its compact JSON only while it is small: serialising
// is recursive, and a request body is attacker data. Walks with an explicit stack and gives up at
// the first value past either bound, so the check itself costs at most kMaxFieldValues steps.
bool small_and_shallow(const core::json& root) {
  std::vector<std::pair<const core::json*, size_t>> stack{{&root, 1}};
  size_t seen = 0;
  while (!stack.empty()) {
    auto [j, depth] = stack.back();
    stack.pop_back();
    if (++seen > kMaxFieldValues || depth > kMaxFieldDepth) return false;
    if (!j->is_structured()) continue;
    if (seen + stack.size() + j->size() > kMaxFieldValues) return false;
    for (const auto& child : *j) stack.emplace_back(&child, depth + 1);
  }
  return true;
}

}  // namespace

void ScenarioState::reset(const Scenario& sc) {
  const core::Rng root(sc.seed);
  rngs.clear();
  rng_stripes.clear();
  for (const auto& r : sc.rules) {
    rngs.push_back(root.fork(r.name));
    rng_stripes.push_back(stripe_of("\x1frng:" + r.name));
  }
  stripes.assign(kStripes, StateStripe{});
  for (auto& s : stripes) {
    s.totals.assign(sc.rules.size(), {});
    s.per_key.assign(sc.rules.size(), {});
    s.buckets.assign(sc.rate_limits.size(), {});
  }
}

size_t ScenarioState::stripe_of(std::string_view key) { return std::hash<std::string_view>{}(key) % kStripes; }

namespace {
std::string machine_key(const Rule& r, const std::string& key) { return r.machine + "|" + key; }
}  // namespace

std::vector<size_t> ScenarioState::stripes_for(const Scenario& sc, const Prepared& p) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < sc.rules.size() && i < p.rule_keys.size(); ++i) {
    if (!p.rule_keys[i]) continue;
    const Rule& r = sc.rules[i];
    out.push_back(stripe_of(*p.rule_keys[i]));
    if (r.when_state || r.set_state) out.push_back(stripe_of(machine_key(r, *p.rule_keys[i])));
    if (r.probability) out.push_back(rng_stripes[i]);
  }
  for (size_t i = 0; i < sc.rate_limits.size() && i < p.bucket_keys.size(); ++i)
    if (p.bucket_keys[i]) out.push_back(stripe_of(*p.bucket_keys[i]));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RuleCounters ScenarioState::total(size_t rule) const {
  RuleCounters t;
  for (const auto& s : stripes) {
    t.matched += s.totals[rule].matched;
    t.fired += s.totals[rule].fired;
  }
  return t;
}

bool is_send(const RequestView& req) {
  return req.method == "POST" && req.path.compare(0, 12, "/v2/messages") == 0;
}

std::optional<std::string> body_field(const RequestView& req, std::string_view dotted) {
  if (!req.body || !req.body->is_object()) return std::nullopt;
  const core::json* j = req.body;
  while (!dotted.empty()) {
    const size_t dot = dotted.find('.');
    const std::string part(dotted.substr(0, dot));
    if (!j->is_object()) return std::nullopt;
    auto it = j->find(part);
    if (it == j->end()) return std::nullopt;
    j = &*it;
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
  }
  if (j->is_string()) return j->get<std::string>();
  if (j->is_null()) return std::nullopt;
  if (!j->is_structured()) return j->dump();   // a number or boolean: its JSON text
  if (!small_and_shallow(*j)) return std::nullopt;
  return core::dump_json(*j);
}

std::optional<std::string> select_key(const KeySelector& k, const RequestView& req) {
  switch (k.source) {
    case KeySelector::Source::Global: return std::string();
    case KeySelector::Source::ApiKey: return req.api_key;
    case KeySelector::Source::Method: return req.method;
    case KeySelector::Source::Path: return req.path;
    case KeySelector::Source::Body: return body_field(req, k.name);
    case KeySelector::Source::Header:
      if (auto* v = find_pair(req.headers, k.name)) return *v;
      return std::nullopt;
    case KeySelector::Source::Query:
      if (auto* v = find_pair(req.query, k.name)) return *v;
      return std::nullopt;
  }
  return std::nullopt;
}

bool matches(const Match& m, const RequestView& req) {
  if (m.method && *m.method != req.method) return false;
  if (m.path && !glob_match(*m.path, req.path)) return false;
  if (m.api_key && !glob_match(*m.api_key, req.api_key)) return false;
  return field_globs_match(m.query, req) && field_globs_match(m.headers, req) && field_globs_match(m.body, req);
}

Prepared prepare(const Scenario& sc, const RequestView& req) {
  Prepared p;
  p.rule_keys.resize(sc.rules.size());
  for (size_t i = 0; i < sc.rules.size(); ++i) {
    const Rule& r = sc.rules[i];
    // A rule whose per-field is absent cannot keep a counter for it: as if it did not match.
    if (matches(r.match, req)) p.rule_keys[i] = select_key(r.per, req);
  }
  p.bucket_keys.resize(sc.rate_limits.size());
  for (size_t i = 0; i < sc.rate_limits.size(); ++i)
    if (matches(sc.rate_limits[i].match, req)) p.bucket_keys[i] = bucket_key(sc.rate_limits[i], req);
  p.send = is_send(req);
  if (p.send && sc.magic_numbers)
    if (auto to = body_field(req, "to")) p.magic = find_magic_number(*to);
  if (p.send) p.outcome = find_outcome(sc, req);
  return p;
}

// A rule's 429 looks like a real one: x-ratelimit-limit (the burst of the first rate limit that
// matches the request, else 1), -remaining 0 and -reset (the rule's Retry-After, else 1 s). The
// rule's own headers win; Retry-After is sent only when the rule gives one.
static void add_rate_limit_headers(const Scenario& sc, const Prepared& p, Decision& d) {
  auto has = [&d](std::string_view name) {
    for (const auto& [k, v] : d.headers)
      if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
          }))
        return &v;
    return static_cast<const std::string*>(nullptr);
  };
  int64_t limit = 1;
  for (size_t i = 0; i < sc.rate_limits.size() && i < p.bucket_keys.size(); ++i)
    if (p.bucket_keys[i]) {
      limit = static_cast<int64_t>(sc.rate_limits[i].burst);
      break;
    }
  const std::string* retry_after = has("retry-after");
  const std::string reset = retry_after ? *retry_after : "1";
  if (!has("x-ratelimit-limit")) d.headers.emplace_back("x-ratelimit-limit", std::to_string(limit));
  if (!has("x-ratelimit-remaining")) d.headers.emplace_back("x-ratelimit-remaining", "0");
  if (!has("x-ratelimit-reset")) d.headers.emplace_back("x-ratelimit-reset", reset);
}

Decision decide(const Scenario& sc, const RequestView& req, ScenarioState& st, core::TimePoint now) {
  return decide(sc, prepare(sc, req), st, now);
}

Decision decide(const Scenario& sc, const Prepared& p, ScenarioState& st, core::TimePoint now) {
  Decision d;
  for (size_t i = 0; i < sc.rules.size(); ++i) {
    const Rule& r = sc.rules[i];
    const auto& key = p.rule_keys[i];
    if (!key) continue;
    const std::string mkey = r.when_state || r.set_state ? machine_key(r, *key) : std::string();
    auto& machines = st.stripes[ScenarioState::stripe_of(mkey)].machines;
    if (r.when_state) {
      auto it = machines.find(mkey);
      const std::string& cur = it == machines.end() ? std::string(ScenarioState::kInitialState) : it->second;
      if (cur != *r.when_state) continue;
    }
    StateStripe& ks = st.stripes[ScenarioState::stripe_of(*key)];
    auto& per_key = ks.per_key[i];
    if (per_key.size() >= ScenarioState::kMaxKeysPerStripe && !per_key.count(*key)) per_key.clear();
    RuleCounters& kc = per_key[*key];
    ++kc.matched;
    ++ks.totals[i].matched;
    const uint64_t n = kc.matched;
    const uint64_t after = r.after.value_or(0);
    if (n <= after) continue;
    if (r.every && (n - after) % *r.every != 0) continue;
    if (r.times && kc.fired >= *r.times) continue;
    if (r.probability && !st.rngs[i].chance(*r.probability)) continue;
    const Action& a = r.sequence.empty() ? r.action
                                         : r.sequence[std::min<uint64_t>(kc.fired, r.sequence.size() - 1)];
    ++kc.fired;
    ++ks.totals[i].fired;
    if (r.set_state) machines[mkey] = *r.set_state;
    d.rule = r.name;
    apply_action(a, d);
    if (d.kind == Decision::Kind::Respond && d.status == 429) add_rate_limit_headers(sc, p, d);
    break;
  }
  if (d.kind == Decision::Kind::Pass && p.magic) apply_magic_number(*p.magic, d);
  if (d.kind == Decision::Kind::Pass) apply_rate_limits(sc, p, st, now, d);
  if (d.kind == Decision::Kind::Fault && d.fault == FaultKind::Timeout) d.hang_cap = sc.faults.timeout_cap;
  if (p.send && p.outcome && !d.final_status &&
      (d.kind == Decision::Kind::Pass || (d.kind == Decision::Kind::Fault && d.fault == FaultKind::AcceptThenDrop))) {
    d.final_status = p.outcome->status;
    d.final_errors = p.outcome->errors;
  }
  return d;
}

}  // namespace harness::mock::scenario
