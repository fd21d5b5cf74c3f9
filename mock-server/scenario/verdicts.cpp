#include "scenario/verdicts.h"

#include <algorithm>

#include "core/json_limits.h"
#include "core/rng.h"
#include "scenario/decide.h"

namespace harness::mock::scenario {
namespace {

const std::string* header(const Headers& h, std::string_view lower_name) {
  // ASCII only (header names are): std::tolower goes through the locale for every character.
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; };
  for (const auto& [k, v] : h) {
    if (k.size() != lower_name.size()) continue;
    if (std::equal(k.begin(), k.end(), lower_name.begin(), [&](char a, char b) { return lower(a) == b; })) return &v;
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

}  // namespace

uint64_t request_fingerprint(const RequestView& req) {
  return core::stable_hash_of({req.api_key, "\n", req.method, " ", req.path, "\n", req.raw_body});
}

namespace {

// What a request means to the customer, worked out before any lock is taken. The HTTP layer
// may hand over only the raw body after the handler ran: it is parsed here then. The strings are
// views into the request (or into `parsed` and the buffers below), so a Logical is filled in
// place and never copied.
struct Logical {
  Logical() = default;
  Logical(const Logical&) = delete;
  Logical& operator=(const Logical&) = delete;
  bool ran = false;          // logical_of filled it
  uint64_t fingerprint = 0;
  uint64_t retry = 0;       // sends: api key, sender, recipient, text, media; else the fingerprint
  bool send = false;
  std::string_view tenant, to, text;
  uint64_t content = 0;     // sends: tenant, recipient, text, media
  core::json parsed;        // the body, when the view came without its parsed form
  std::string to_buf, text_buf;   // `to` / `text` that are not JSON strings: their JSON text
};

// A body field as body_field() gives it ("" when absent), without copying a string value.
std::string_view field_text(const core::json& body, const RequestView& view, std::string_view key, std::string& buf) {
  // A string_view key: the object's ordered look-up compares without measuring the key each time.
  const auto it = body.find(key);
  if (it == body.end()) return {};   // as body_field's nullopt (the keys here are not dotted)
  if (it->is_string()) return it->get_ref<const std::string&>();
  buf = body_field(view, key).value_or("");
  return buf;
}

// `fingerprint`: whether a send needs it too (other requests always do: it is their retry key);
// when not computed it stays 0.
void logical_of(const RequestView& req, Logical& l, bool fingerprint = true) {
  l.ran = true;
  l.tenant = req.tenant.empty() ? req.api_key : req.tenant;
  const bool send = is_send(req);
  if (fingerprint || !send) l.fingerprint = request_fingerprint(req);
  l.retry = l.fingerprint;
  if (!send) return;
  // Only the body is looked at below: a view of it alone, not a copy of the request.
  RequestView view;
  view.body = req.body;
  if (!view.body && !req.raw_body.empty()) {
    if (core::parse_json_bounded(req.raw_body, l.parsed) == core::JsonParse::Ok) view.body = &l.parsed;
  }
  if (!view.body || !view.body->is_object()) {   // judged as a plain request: by its fingerprint
    if (!l.fingerprint) l.fingerprint = request_fingerprint(req);
    l.retry = l.fingerprint;
    return;
  }
  const core::json& body = *view.body;
  l.send = true;
  l.to = field_text(body, view, "to", l.to_buf);
  l.text = field_text(body, view, "text", l.text_buf);
  std::string media;
  if (auto it = body.find("media_urls"); it != body.end() && !it->is_null()) media = it->dump();
  // Hashed piece by piece (the same values as of the joined strings, without building them).
  const std::string_view sep("\x1f", 1);
  l.content = core::stable_hash_of({l.tenant, sep, l.to, sep, l.text, sep, media});
  std::string from_buf, profile_buf;
  const std::string_view from = field_text(body, view, "from", from_buf);
  const std::string_view profile = field_text(body, view, "messaging_profile_id", profile_buf);
  l.retry = core::stable_hash_of({"send", sep, req.api_key, sep, from, sep, profile, sep, l.to, sep, l.text, sep, media});
}

uint64_t retry_of(const RequestView& req) {
  Logical l;
  logical_of(req, l);
  return l.retry;
}

std::string failure_name(const Decision& d, int status) {
  if (d.kind == Decision::Kind::Fault) {
    switch (d.fault) {
      case FaultKind::Timeout: return "timeout";
      case FaultKind::ConnectionReset: return "connection_reset";
      case FaultKind::EmptyResponse: return "empty_response";
      case FaultKind::MalformedResponse: return "malformed_response";
      case FaultKind::AcceptThenDrop: return "accept_then_drop";
      case FaultKind::None: break;
    }
  }
  return "status " + std::to_string(status);
}

}  // namespace

void VerdictRecorder::Verdict::add(core::json item) {
  ++count;
  if (items.size() < kMaxItems) items.push_back(std::move(item));
}

uint64_t VerdictRecorder::retry_key(const RequestView& req) { return retry_of(req); }

void VerdictRecorder::client_gave_up(uint64_t retry, core::TimePoint now) {
  std::lock_guard<std::mutex> lk(mu_);
  if (auto it = failed_.find(retry); it != failed_.end() && it->second.what == "timeout") it->second.at = now;
}

void VerdictRecorder::set_settings(const VerdictSettings& s) {
  std::lock_guard<std::mutex> lk(mu_);
  settings_ = s;
}

void VerdictRecorder::sync_remembered() {
  remembered_.store(retry_not_before_.size() + failed_.size() + permanent_answers_.size(), std::memory_order_release);
}

void VerdictRecorder::on_request(const RequestView& req, core::TimePoint now) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  const std::string* key = header(req.headers, "idempotency-key");
  // A retry is judged against answers remembered before it arrived: a client retries after it
  // got (or gave up on) the answer, which was remembered before it was sent.
  if (!key && remembered_.load(std::memory_order_acquire) == 0) return;
  Logical l;
  logical_of(req, l);
  std::lock_guard<std::mutex> lk(mu_);
  // The HTTP layer hands on_completed a view without headers: remember the key until then.
  if (key) {
    bound(idempotency_by_request_);
    // A retry may arrive before the previous attempt completed (a dropped answer): count them.
    InFlightKey& k = idempotency_by_request_[l.fingerprint];
    k.key = *key;
    ++k.in_flight;
  }
  auto item = [&] {
    core::json j{{"api_key", req.api_key}, {"method", req.method}, {"path", req.path}, {"at", core::format_rfc3339(now)}};
    if (l.send) j["to"] = std::string(l.to);
    return j;
  };
  bool had_hint = false;
  if (auto it = retry_not_before_.find(l.retry); it != retry_not_before_.end()) {
    had_hint = true;
    if (now < it->second) {
      core::json j = item();
      j["early_by_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(it->second - now).count();
      retry_after_.add(std::move(j));
    }
    retry_not_before_.erase(it);
  }
  if (auto it = failed_.find(l.retry); it != failed_.end()) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.at);
    // With a Retry-After the client had a hint to follow: retry_after_violations judges that.
    if (!had_hint && waited < settings_.min_retry_backoff) {
      core::json j = item();
      j["previous"] = it->second.what;
      j["waited_ms"] = waited.count();
      j["min_backoff_ms"] = settings_.min_retry_backoff.count();
      no_backoff_.add(std::move(j));
    }
    failed_.erase(it);
  }
  if (auto it = permanent_answers_.find(l.retry); it != permanent_answers_.end()) {
    core::json j = item();
    j["previous_status"] = it->second.status;
    if (it->second.code) j["previous_error"] = std::to_string(*it->second.code);
    permanent_.add(std::move(j));
  }
  sync_remembered();
}

void VerdictRecorder::remember_answer(uint64_t retry, const Decision& d, int status, core::TimePoint now) {
  if (auto s = retry_after_seconds(d)) {
    bound(retry_not_before_);
    retry_not_before_[retry] = now + std::chrono::seconds(*s);
  }
  if (status >= 500 || d.kind == Decision::Kind::Fault) {
    bound(failed_);
    failed_[retry] = Failure{now, failure_name(d, status)};
  }
  if (is_permanent(status)) {
    bound(permanent_answers_);
    permanent_answers_[retry] = Permanent{status, d.error_code};
  } else if (status >= 200 && status < 300) {
    permanent_answers_.erase(retry);
  }
  sync_remembered();
}

void VerdictRecorder::on_decided(const RequestView& req, const Decision& d, core::TimePoint now) {
  if (d.kind == Decision::Kind::Pass) return;
  const uint64_t retry = retry_of(req);
  std::lock_guard<std::mutex> lk(mu_);
  remember_answer(retry, d, d.kind == Decision::Kind::Respond ? d.status : -1, now);
}

void VerdictRecorder::on_inbound(const std::string& tenant, const std::string& from, core::TimePoint now) {
  std::lock_guard<std::mutex> lk(mu_);
  bound(conversations_);
  Conversation& c = conversations_[tenant + '\x1f' + from];
  if (c.unanswered > 0 && now - c.last_inbound > settings_.duplicate_window) c.unanswered = 0;
  if (c.unanswered < 1000) ++c.unanswered;
  c.last_inbound = now;
  c.answered = false;
}

void VerdictRecorder::on_completed(const RequestView& req, const Decision& d, int status,
                                   const std::optional<std::string>& message_id, core::TimePoint now) {
  // Everything that needs no shared state is done before the lock.
  Logical l;
  // A send's fingerprint only matters when an Idempotency-Key is in flight (looked up below).
  if (message_id || d.kind == Decision::Kind::Fault || status >= 400) logical_of(req, l, false);
  const uint64_t retry = l.ran ? l.retry : request_fingerprint(req);
  std::lock_guard<std::mutex> lk(mu_);
  if (!d.rule.empty()) ++by_rule_[d.rule];
  remember_answer(retry, d, status, now);
  std::string idem;
  if (auto it = idempotency_by_request_.empty() ? idempotency_by_request_.end()
                : idempotency_by_request_.find(l.fingerprint ? l.fingerprint : request_fingerprint(req));
      it != idempotency_by_request_.end()) {
    idem = it->second.key;
    if (--it->second.in_flight == 0) idempotency_by_request_.erase(it);
  }
  if (const std::string* key = header(req.headers, "idempotency-key")) idem = *key;
  if (!message_id || !l.send) return;

  // A reply to an inbound text from this recipient consumes it; one more reply is a double reply.
  bool answers_inbound = false;
  if (auto it = conversations_.empty() ? conversations_.end() : conversations_.find(std::string(l.tenant) + '\x1f' + std::string(l.to));
      it != conversations_.end()) {
    Conversation& c = it->second;
    const bool recent = now - c.last_inbound <= settings_.duplicate_window;
    if (recent && c.unanswered > 0) {
      --c.unanswered;
      answers_inbound = true;
      c.answered = true;
      c.last_reply = *message_id;
    } else if (recent && c.answered) {
      double_replies_.add({{"tenant", std::string(l.tenant)}, {"to", std::string(l.to)}, {"text", std::string(l.text)},
                           {"message_ids", {c.last_reply, *message_id}}, {"at", core::format_rfc3339(now)},
                           {"detail", "one inbound text from this recipient was answered twice"}});
      c.last_reply = *message_id;
    }
  }

  // Forget what left the window, then the oldest beyond the cap. An entry refreshed by a later
  // send of the same content is further back in the order than its old place: it stays.
  auto forget_front = [this] {
    const Created c = sent_order_.front();
    sent_order_.pop_front();
    if (auto it = sent_.find(c.content); it != sent_.end() && it->second.seq == c.seq) sent_.erase(it);
  };
  while (!sent_order_.empty() && now - sent_order_.front().at > settings_.duplicate_window) forget_front();
  while (sent_order_.size() >= kMaxTracked) forget_front();
  auto [last, first_time] = sent_.try_emplace(l.content);
  bool duplicate = false;
  if (!first_time && !answers_inbound && now - last->second.at <= settings_.duplicate_window) {
    duplicate = true;
    // Build the example only while the list has room: a load test that repeats one body makes
    // every request a duplicate, and this runs under the lock.
    if (duplicates_.items.size() < kMaxItems) {
      core::json item{{"by", "content"}, {"api_key", req.api_key}, {"tenant", std::string(l.tenant)},
                      {"to", std::string(l.to)}, {"text", std::string(l.text)},
                      {"message_ids", {last->second.message_id, *message_id}}, {"at", core::format_rfc3339(now)}};
      if (!idem.empty() && idem == last->second.idempotency_key) {
        item["idempotency_key"] = idem;
        item["detail"] = "both sends carried Idempotency-Key '" + idem +
                         "': Telnyx's messaging API does not honour the header, so the recipient got the text twice";
      }
      duplicates_.items.push_back(std::move(item));
    }
  }
  const uint64_t seq = sent_seq_++;
  // Assigned field by field: the strings reuse their buffers.
  last->second.at = now;
  last->second.seq = seq;
  last->second.message_id = *message_id;
  last->second.idempotency_key = idem;
  sent_order_.push_back(Created{now, l.content, seq});
  if (settings_.idempotency_key && !idem.empty()) {
    bound(idempotency_);
    auto [it, inserted] = idempotency_.try_emplace(req.api_key + '\x1f' + idem, *message_id);
    if (!inserted && !duplicate) {
      duplicate = true;
      if (duplicates_.items.size() < kMaxItems)
        duplicates_.items.push_back({{"by", "idempotency_key"}, {"api_key", req.api_key}, {"idempotency_key", idem},
                                     {"message_ids", {it->second, *message_id}}, {"at", core::format_rfc3339(now)}});
    }
  }
  if (duplicate) ++duplicates_.count;
}

void VerdictRecorder::reset() {
  std::lock_guard<std::mutex> lk(mu_);
  requests_.store(0);
  duplicates_ = double_replies_ = retry_after_ = permanent_ = no_backoff_ = Verdict{};
  retry_not_before_.clear();
  permanent_answers_.clear();
  failed_.clear();
  sent_.clear();
  sent_order_.clear();
  sent_seq_ = 0;
  conversations_.clear();
  idempotency_.clear();
  idempotency_by_request_.clear();
  by_rule_.clear();
  sync_remembered();
}

size_t VerdictRecorder::tracked_contents() const { std::lock_guard<std::mutex> lk(mu_); return sent_.size(); }
uint64_t VerdictRecorder::requests() const { return requests_.load(); }
uint64_t VerdictRecorder::duplicates() const { std::lock_guard<std::mutex> lk(mu_); return duplicates_.count; }
uint64_t VerdictRecorder::retry_after_violations() const { std::lock_guard<std::mutex> lk(mu_); return retry_after_.count; }
uint64_t VerdictRecorder::permanent_error_retries() const { std::lock_guard<std::mutex> lk(mu_); return permanent_.count; }
uint64_t VerdictRecorder::retries_without_backoff() const { std::lock_guard<std::mutex> lk(mu_); return no_backoff_.count; }
uint64_t VerdictRecorder::double_replies() const { std::lock_guard<std::mutex> lk(mu_); return double_replies_.count; }

std::map<std::string, uint64_t> VerdictRecorder::decided_by_rule() const {
  std::lock_guard<std::mutex> lk(mu_);
  return by_rule_;
}

core::json VerdictRecorder::to_json() const {
  std::lock_guard<std::mutex> lk(mu_);
  return {{"requests", requests_.load()},
          {"duplicates", duplicates_.to_json()},
          {"double_replies", double_replies_.to_json()},
          {"retry_after_violations", retry_after_.to_json()},
          {"retries_without_backoff", no_backoff_.to_json()},
          {"permanent_error_retries", permanent_.to_json()},
          {"duplicate_window_ms", settings_.duplicate_window.count()},
          {"min_retry_backoff_ms", settings_.min_retry_backoff.count()}};
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
    } else if (auto it = report.at("verdicts").find(key);
               it != report.at("verdicts").end() && it->is_object() && it->contains("count")) {
      check(key, want, it->at("count").get<uint64_t>());
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
      std::string known = "requests";
      for (const auto& [name, v] : report.at("verdicts").items())
        if (v.is_object() && v.contains("count")) known += ", " + name;
      r.bad_request = "unknown expectation '" + key + "'; expected one of: " + known + ", rules";
    }
    if (r.bad_request) break;
  }
  r.ok = !r.bad_request && r.failures.empty();
  return r;
}

}  // namespace harness::mock::scenario
