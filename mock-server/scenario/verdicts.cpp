#include "scenario/verdicts.h"

#include <algorithm>

#include "core/json_limits.h"
#include "core/rng.h"
#include "scenario/decide.h"

namespace harness::mock::scenario {
namespace {

const std::string* header(const Headers& h, std::string_view lower_name) {
  for (const auto& [k, v] : h) {
    if (k.size() != lower_name.size()) continue;
    if (std::equal(k.begin(), k.end(), lower_name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return &v;
  }
  return nullptr;
}

// 4xx answers that a retry of the same request cannot change (408/409/429 are transient).
bool is_permanent(int status) { return status >= 400 && status < 500 && status != 408 && status != 409 && status != 429; }

std::optional<int64_t> retry_after_seconds(const Decision& d) {
  const std::string* v = header(d.headers, "retry-after");
  if (!v || v->empty() || !std::all_of(v->begin(), v->end(), ::isdigit) || v->size() > 9) return std::nullopt;
  return std::stoll(*v);
}

template <class Map>
void bound(Map& m) {
  if (m.size() >= VerdictRecorder::kMaxTracked) m.clear();  // forget history rather than grow
}

void push_item(std::vector<core::json>& v, core::json item) {
  if (v.size() < VerdictRecorder::kMaxItems) v.push_back(std::move(item));
}

}  // namespace

uint64_t request_fingerprint(const RequestView& req) {
  std::string s;
  s.reserve(req.api_key.size() + req.method.size() + req.path.size() + req.raw_body.size() + 3);
  s.append(req.api_key).push_back('\n');
  s.append(req.method).push_back(' ');
  s.append(req.path).push_back('\n');
  s.append(req.raw_body);
  return core::stable_hash(s);
}

void VerdictRecorder::set_settings(const VerdictSettings& s) {
  std::lock_guard<std::mutex> lk(mu_);
  settings_ = s;
}

void VerdictRecorder::on_request(const RequestView& req, core::TimePoint now) {
  const uint64_t fp = request_fingerprint(req);
  std::lock_guard<std::mutex> lk(mu_);
  ++requests_;
  // The HTTP layer may hand on_completed a view without headers: remember the key by request.
  if (settings_.idempotency_key)
    if (const std::string* key = header(req.headers, "idempotency-key")) {
      bound(idempotency_by_request_);
      idempotency_by_request_[fp] = *key;
    }
  if (auto it = retry_not_before_.find(fp); it != retry_not_before_.end()) {
    if (now < it->second) {
      ++retry_after_violations_;
      const auto early = std::chrono::duration_cast<std::chrono::milliseconds>(it->second - now);
      push_item(retry_after_items_, {{"api_key", req.api_key}, {"method", req.method}, {"path", req.path},
                                     {"early_by_ms", early.count()}, {"at", core::format_rfc3339(now)}});
    }
    retry_not_before_.erase(it);
  }
  if (auto it = permanent_.find(fp); it != permanent_.end()) {
    ++permanent_retries_;
    core::json item{{"api_key", req.api_key}, {"method", req.method}, {"path", req.path},
                    {"previous_status", it->second.status}, {"at", core::format_rfc3339(now)}};
    if (it->second.code) item["previous_error"] = std::to_string(*it->second.code);
    push_item(permanent_items_, std::move(item));
  }
}

void VerdictRecorder::on_completed(const RequestView& req, const Decision& d, int status,
                                   const std::optional<std::string>& message_id, core::TimePoint now) {
  const uint64_t fp = request_fingerprint(req);
  // Everything that needs no shared state is done before the lock: parsing the body (the HTTP
  // layer may hand over only the raw body after the handler ran) and building the content key.
  std::string from, to, text;
  uint64_t content_key = 0;
  if (message_id) {
    core::json parsed;
    RequestView view = req;
    if (!view.body && !view.raw_body.empty()) {
      if (core::parse_json_bounded(view.raw_body, parsed) == core::JsonParse::Ok) view.body = &parsed;
    }
    from = body_field(view, "from").value_or("");
    to = body_field(view, "to").value_or("");
    text = body_field(view, "text").value_or("");
    content_key = core::stable_hash(req.api_key + '\x1f' + from + '\x1f' + to + '\x1f' + text);
  }
  std::lock_guard<std::mutex> lk(mu_);
  if (!d.rule.empty()) ++by_rule_[d.rule];
  if (auto s = retry_after_seconds(d)) {
    bound(retry_not_before_);
    retry_not_before_[fp] = now + std::chrono::seconds(*s);
  }
  if (is_permanent(status)) {
    bound(permanent_);
    permanent_[fp] = Permanent{status, d.error_code};
  } else if (status >= 200 && status < 300) {
    permanent_.erase(fp);
  }
  if (!message_id) return;
  // Forget what left the window, then the oldest beyond the cap. An entry refreshed by a later
  // send of the same content is further back in the order than its old place: it stays.
  auto forget_front = [this] {
    const Created c = sent_order_.front();
    sent_order_.pop_front();
    if (auto it = sent_.find(c.content); it != sent_.end() && it->second.seq == c.seq) sent_.erase(it);
  };
  while (!sent_order_.empty() && now - sent_order_.front().at > settings_.duplicate_window) forget_front();
  while (sent_order_.size() >= kMaxTracked) forget_front();
  auto [last, first_time] = sent_.try_emplace(content_key);
  bool duplicate = false;
  if (!first_time && now - last->second.at <= settings_.duplicate_window) {
    duplicate = true;
    // Build the example only while the list has room: a load test that repeats one body makes
    // every request a duplicate, and this runs under the lock.
    if (duplicate_items_.size() < kMaxItems) {
      push_item(duplicate_items_, {{"by", "content"}, {"api_key", req.api_key}, {"from", from}, {"to", to},
                                   {"text", text}, {"message_ids", {last->second.message_id, *message_id}},
                                   {"at", core::format_rfc3339(now)}});
    }
  }
  const uint64_t seq = sent_seq_++;
  last->second = LastSent{now, seq, *message_id};
  sent_order_.push_back(Created{now, content_key, seq});
  if (settings_.idempotency_key) {
    const std::string* key = header(req.headers, "idempotency-key");
    if (!key)
      if (auto it = idempotency_by_request_.find(fp); it != idempotency_by_request_.end()) key = &it->second;
    if (key) {
      bound(idempotency_);
      auto [it, inserted] = idempotency_.try_emplace(req.api_key + '\x1f' + *key, *message_id);
      if (!inserted && !duplicate) {
        duplicate = true;
        push_item(duplicate_items_, {{"by", "idempotency_key"}, {"api_key", req.api_key}, {"idempotency_key", *key},
                                     {"message_ids", {it->second, *message_id}}, {"at", core::format_rfc3339(now)}});
      }
    }
  }
  if (duplicate) ++duplicates_;
}

void VerdictRecorder::reset() {
  std::lock_guard<std::mutex> lk(mu_);
  requests_ = duplicates_ = retry_after_violations_ = permanent_retries_ = 0;
  retry_not_before_.clear();
  permanent_.clear();
  sent_.clear();
  sent_order_.clear();
  sent_seq_ = 0;
  idempotency_.clear();
  idempotency_by_request_.clear();
  by_rule_.clear();
  duplicate_items_.clear();
  retry_after_items_.clear();
  permanent_items_.clear();
}

size_t VerdictRecorder::tracked_contents() const { std::lock_guard<std::mutex> lk(mu_); return sent_.size(); }
uint64_t VerdictRecorder::requests() const { std::lock_guard<std::mutex> lk(mu_); return requests_; }
uint64_t VerdictRecorder::duplicates() const { std::lock_guard<std::mutex> lk(mu_); return duplicates_; }
uint64_t VerdictRecorder::retry_after_violations() const { std::lock_guard<std::mutex> lk(mu_); return retry_after_violations_; }
uint64_t VerdictRecorder::permanent_error_retries() const { std::lock_guard<std::mutex> lk(mu_); return permanent_retries_; }

std::map<std::string, uint64_t> VerdictRecorder::decided_by_rule() const {
  std::lock_guard<std::mutex> lk(mu_);
  return by_rule_;
}

core::json VerdictRecorder::to_json() const {
  std::lock_guard<std::mutex> lk(mu_);
  return {{"requests", requests_},
          {"duplicates", {{"count", duplicates_}, {"items", duplicate_items_}}},
          {"retry_after_violations", {{"count", retry_after_violations_}, {"items", retry_after_items_}}},
          {"permanent_error_retries", {{"count", permanent_retries_}, {"items", permanent_items_}}},
          {"duplicate_window_ms", settings_.duplicate_window.count()}};
}

VerifyResult verify_expectations(const core::json& expect, const core::json& report) {
  VerifyResult r;
  if (!expect.is_object()) {
    r.ok = false;
    r.bad_request = "expected an object such as {\"duplicates\": 0, \"retry_after_violations\": 0}";
    return r;
  }
  // Checks one expectation (integer = exact, {min, max} = range) against an actual value.
  auto check = [&](const std::string& what, const core::json& want, uint64_t actual) {
    std::optional<uint64_t> min, max;
    if (want.is_number_unsigned() || (want.is_number_integer() && want.get<int64_t>() >= 0)) {
      min = max = want.get<uint64_t>();
    } else if (want.is_object()) {
      for (const auto& [k, v] : want.items()) {
        if ((k != "min" && k != "max") || !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
          r.bad_request = what + ": expected a non-negative integer or {min, max}";
          return;
        }
        (k == "min" ? min : max) = v.get<uint64_t>();
      }
    } else {
      r.bad_request = what + ": expected a non-negative integer or {min, max}";
      return;
    }
    if ((min && actual < *min) || (max && actual > *max)) {
      core::json f{{"expectation", what}, {"actual", actual}};
      if (min == max) f["expected"] = *min;
      else {
        if (min) f["min"] = *min;
        if (max) f["max"] = *max;
      }
      r.failures.push_back(std::move(f));
    }
  };
  for (const auto& [key, want] : expect.items()) {
    if (key == "requests") {
      check(key, want, report.at("verdicts").at("requests").get<uint64_t>());
    } else if (key == "duplicates" || key == "retry_after_violations" || key == "permanent_error_retries") {
      check(key, want, report.at("verdicts").at(key).at("count").get<uint64_t>());
    } else if (key == "rules") {
      if (!want.is_object()) {
        r.bad_request = "rules: expected {\"rule-name\": count}";
        break;
      }
      for (const auto& [name, w] : want.items()) {
        uint64_t fired = 0;
        for (const auto& rule : report.at("rules"))
          if (rule.at("name") == name) fired = rule.at("fired").get<uint64_t>();
        check("rules." + name, w, fired);
      }
    } else {
      r.bad_request = "unknown expectation '" + key +
                      "'; expected one of: requests, duplicates, retry_after_violations, permanent_error_retries, rules";
    }
    if (r.bad_request) break;
  }
  r.ok = !r.bad_request && r.failures.empty();
  return r;
}

}  // namespace harness::mock::scenario
