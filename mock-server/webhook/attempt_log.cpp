#include "webhook/attempt_log.h"

namespace harness::mock {

std::string_view outcome_name(AttemptOutcome o) {
  switch (o) {
    case AttemptOutcome::Delivered: return "delivered";
    case AttemptOutcome::Failed: return "failed";
    case AttemptOutcome::Dropped: return "dropped";
    case AttemptOutcome::Overflow: return "overflow";
    case AttemptOutcome::Abandoned: return "abandoned";
    case AttemptOutcome::Gone: return "gone";
  }
  return "unknown";
}

void to_json(core::json& j, const AttemptRecord& r) {
  j = core::json{{"seq", r.seq},
                 {"event_id", r.event_id},
                 {"event_type", r.event_type},
                 {"message_id", r.message_id},
                 {"tenant_id", r.tenant_id},
                 {"url", r.url},
                 {"attempt", r.attempt},
                 {"status", r.http_status == 0 ? core::json(nullptr) : core::json(r.http_status)},
                 {"latency_ms", r.latency_ms},
                 {"error", r.error.empty() ? core::json(nullptr) : core::json(r.error)},
                 {"signature", r.signature},
                 {"chaos", r.chaos},
                 {"corrupted", r.corrupted},
                 {"outcome", std::string(outcome_name(r.outcome))},
                 {"final", r.final},
                 {"redelivery", r.redelivery},
                 {"at", r.at}};
}

void to_json(core::json& j, const WebhookStats& s) {
  core::json chaos = core::json::object();
  for (int k = 0; k < kChaosKinds; ++k) {
    chaos[std::string(chaos_name(static_cast<ChaosKind>(k)))] = s.chaos[static_cast<size_t>(k)];
  }
  j = core::json{{"events_scheduled", s.events_scheduled},
                 {"events_delivered", s.events_delivered},
                 {"events_failed", s.events_failed},
                 {"events_dropped", s.events_dropped},
                 {"events_abandoned", s.events_abandoned},
                 {"events_gone", s.events_gone},
                 {"events_no_url", s.events_no_url},
                 {"queue_overflow", s.queue_overflow},
                 {"attempts", s.attempts},
                 {"attempts_failed", s.attempts_failed},
                 {"chaos", chaos},
                 {"records_evicted", s.records_evicted}};
}

core::json receiver_verdicts_json(const ReceiverVerdicts& v) {
  auto one = [](const ReceiverVerdicts::Verdict& x) { return core::json{{"count", x.count}, {"items", x.items}}; };
  return {{"forged_webhooks_accepted", one(v.forged_accepted)},
          {"valid_webhooks_rejected", one(v.valid_rejected)},
          {"webhook_receiver_errors", one(v.receiver_errors)},
          {"webhook_acks_late", one(v.acks_late)}};
}

namespace {
void judge(ReceiverVerdicts& v, const AttemptRecord& r) {
  if (r.attempt == 0) return;   // no HTTP attempt was made
  auto add = [&r](ReceiverVerdicts::Verdict& x) {
    ++x.count;
    if (x.items.size() >= ReceiverVerdicts::kMaxItems) return;
    core::json item{{"tenant_id", r.tenant_id}, {"event_id", r.event_id}, {"event_type", r.event_type},
                    {"message_id", r.message_id}, {"url", r.url}, {"attempt", r.attempt},
                    {"status", r.http_status == 0 ? core::json(nullptr) : core::json(r.http_status)},
                    {"latency_ms", r.latency_ms}, {"at", r.at}};
    if (!r.corrupted.empty()) item["corrupted"] = r.corrupted;
    x.items.push_back(std::move(item));
  };
  const bool ok = r.http_status >= 200 && r.http_status < 300;
  if (ok && !r.corrupted.empty()) add(v.forged_accepted);
  if (r.http_status >= 400 && r.http_status < 500 && r.corrupted.empty()) add(v.valid_rejected);
  if (r.http_status >= 500) add(v.receiver_errors);
  if (r.error == "timeout") add(v.acks_late);
}
}  // namespace

void AttemptLog::set_on_record(std::function<void()> f) {
  auto p = f ? std::make_shared<const std::function<void()>>(std::move(f)) : nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  on_record_ = std::move(p);
}

ReceiverVerdicts AttemptLog::verdicts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return verdicts_;
}

void AttemptLog::set_observer(Observer fn) {
  auto p = fn ? std::make_shared<const Observer>(std::move(fn)) : nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(p);
}

void AttemptLog::record(AttemptRecord r) {
  std::shared_ptr<const std::function<void()>> notify;
  std::shared_ptr<const Observer> observer;
  std::optional<AttemptRecord> copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    notify = on_record_;
    observer = observer_;
    judge(verdicts_, r);
    switch (r.outcome) {
      case AttemptOutcome::Delivered:
        ++stats_.attempts;
        ++stats_.events_delivered;
        break;
      case AttemptOutcome::Failed:
        ++stats_.attempts;
        ++stats_.attempts_failed;
        if (r.final) ++stats_.events_failed;
        break;
      case AttemptOutcome::Dropped: ++stats_.events_dropped; break;
      case AttemptOutcome::Overflow: ++stats_.queue_overflow; break;
      case AttemptOutcome::Abandoned: ++stats_.events_abandoned; break;
      case AttemptOutcome::Gone: ++stats_.events_gone; break;
    }
    r.seq = next_seq_++;
    if (records_.size() >= capacity_) {
      records_.pop_front();
      ++stats_.records_evicted;
    }
    if (observer) copy = r;
    records_.push_back(std::move(r));
  }
  if (observer) (*observer)(*copy);
  if (notify) (*notify)();
}

void AttemptLog::count_scheduled(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.events_scheduled += n;
}

void AttemptLog::count_no_url() {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.events_no_url;
}

void AttemptLog::count_chaos(ChaosKind k) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.chaos[static_cast<size_t>(k)];
}

std::vector<AttemptRecord> AttemptLog::query(const AttemptFilter& f) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AttemptRecord> out;
  for (auto it = records_.rbegin(); it != records_.rend() && out.size() < f.limit; ++it) {
    if (f.tenant_id && it->tenant_id != *f.tenant_id) continue;
    if (f.message_id && it->message_id != *f.message_id) continue;
    if (f.event_type && it->event_type != *f.event_type) continue;
    if (f.event_id && it->event_id != *f.event_id) continue;
    out.push_back(*it);
  }
  return out;
}

WebhookStats AttemptLog::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

size_t AttemptLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_.size();
}

void AttemptLog::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  records_.clear();
  stats_ = WebhookStats{};
  verdicts_ = ReceiverVerdicts{};
}

}  // namespace harness::mock
