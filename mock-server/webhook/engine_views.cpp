// The webhook engine's views: GET /_mock/webhooks (the attempt records with the queue's
// figures), GET /_mock/keys, the Prometheus lines and the shutdown line. They read the attempt
// log and the scheduler's counters; nothing here schedules or delivers.
#include <sstream>
#include "webhook/engine.h"

namespace harness::mock {

std::string ShutdownReport::summary() const {
  std::ostringstream os;
  os << "webhooks: " << stats.events_delivered << " delivered, " << stats.events_failed
     << " failed after all attempts, " << stats.events_dropped << " dropped by chaos, "
     << stats.queue_overflow << " refused (queue full), " << stats.events_gone
     << " lost with their message (evicted), " << stats.events_abandoned
     << " not delivered at shutdown (" << abandoned_tasks << " pending tasks, "
     << abandoned_attempts << " attempts cut in flight)";
  return os.str();
}

core::json WebhookEngine::webhooks_json(const AttemptFilter& f) const {
  core::json data = core::json::array();
  for (const auto& r : log_.query(f)) data.push_back(r);
  core::json stats = log_.stats();
  stats["queue_pending"] = scheduler_.pending();
  stats["queue_capacity"] = scheduler_.capacity();
  stats["in_flight"] = in_flight_.load();
  core::json meta = {{"returned", data.size()},
                     {"stored", log_.size()},
                     {"capacity", log_.capacity()}};
  return core::json{{"data", std::move(data)}, {"meta", std::move(meta)}, {"stats", std::move(stats)}};
}

core::json WebhookEngine::keys_json() const {
  return core::json{{"data",
                     {{"record_type", "webhook_public_key"},
                      {"algorithm", "ed25519"},
                      {"public_key", key_.public_key_base64()},
                      {"public_key_pem", core::public_key_pem(key_)}}}};
}

std::string WebhookEngine::metrics_text() const {
  const WebhookStats s = log_.stats();
  std::ostringstream os;
  os << "# HELP telnyx_mock_webhook_events_total Webhook event copies by final outcome.\n"
     << "# TYPE telnyx_mock_webhook_events_total counter\n";
  const std::pair<const char*, uint64_t> events[] = {
      {"scheduled", s.events_scheduled}, {"delivered", s.events_delivered},
      {"failed", s.events_failed},       {"dropped", s.events_dropped},
      {"abandoned", s.events_abandoned}, {"gone", s.events_gone},
      {"no_url", s.events_no_url},
      {"overflow", s.queue_overflow}};
  for (const auto& [name, v] : events) {
    os << "telnyx_mock_webhook_events_total{outcome=\"" << name << "\"} " << v << "\n";
  }
  os << "# HELP telnyx_mock_webhook_attempts_total Webhook HTTP attempts.\n"
     << "# TYPE telnyx_mock_webhook_attempts_total counter\n"
     << "telnyx_mock_webhook_attempts_total{result=\"ok\"} " << (s.attempts - s.attempts_failed)
     << "\n"
     << "telnyx_mock_webhook_attempts_total{result=\"failed\"} " << s.attempts_failed << "\n"
     << "# HELP telnyx_mock_webhook_queue_overflow_total Events refused because the queue was full.\n"
     << "# TYPE telnyx_mock_webhook_queue_overflow_total counter\n"
     << "telnyx_mock_webhook_queue_overflow_total " << s.queue_overflow << "\n"
     << "# HELP telnyx_mock_webhook_chaos_total Chaos injected, by kind.\n"
     << "# TYPE telnyx_mock_webhook_chaos_total counter\n";
  for (int k = 0; k < kChaosKinds; ++k) {
    os << "telnyx_mock_webhook_chaos_total{kind=\"" << chaos_name(static_cast<ChaosKind>(k))
       << "\"} " << s.chaos[static_cast<size_t>(k)] << "\n";
  }
  os << "# HELP telnyx_mock_webhook_queue_pending Scheduled webhook tasks not yet run.\n"
     << "# TYPE telnyx_mock_webhook_queue_pending gauge\n"
     << "telnyx_mock_webhook_queue_pending " << scheduler_.pending() << "\n";
  return os.str();
}

}  // namespace harness::mock
