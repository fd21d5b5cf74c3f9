#include "http/events.h"

#include <algorithm>

namespace harness::mock {
namespace {

// How long a browser waits before reconnecting a stream that ended (SSE "retry:" field).
constexpr int kRetryMs = 2000;

const char* end_name(size_t i) {
  switch (static_cast<net::StreamEnd>(i)) {
    case net::StreamEnd::PeerClosed: return "peer_closed";
    case net::StreamEnd::Overflow: return "slow_subscriber";
    case net::StreamEnd::WriteTimeout: return "write_timeout";
    case net::StreamEnd::Closed: return "closed";
    case net::StreamEnd::Shutdown: return "shutdown";
  }
  return "other";
}

}  // namespace

std::string sse_event(std::string_view event, const core::json& data) {
  std::string out = "event: ";
  out.append(event);
  out += "\ndata: ";
  // One line: dump() escapes newlines inside strings; bytes that are not UTF-8 become U+FFFD.
  out += data.dump(-1, ' ', false, core::json::error_handler_t::replace);
  out += "\n\n";
  return out;
}

bool EventHub::subscribe(net::Exchange& ex, const std::string& tenant) {
  std::lock_guard<std::mutex> lk(mu_);
  if (closed_ || subs_.size() >= limits_.max_subscribers) {
    refused_.fetch_add(1);
    return false;
  }
  const uint64_t id = ++next_id_;
  net::StreamOptions so;
  so.max_queued_bytes = limits_.max_queued_bytes;
  so.heartbeat = limits_.heartbeat;
  so.heartbeat_bytes = ": heartbeat\n\n";
  std::weak_ptr<EventHub> weak = weak_from_this();
  auto out = ex.stream(std::move(so), [weak, id](net::StreamEnd how) {
    if (auto hub = weak.lock()) hub->ended(id, how);
  });
  if (!out) return true;   // the exchange had already ended: nothing more to answer
  core::json ready = {{"tenant", tenant}, {"subscribers", subs_.size() + 1},
                      {"max_subscribers", limits_.max_subscribers}};
  out->write("retry: " + std::to_string(kRetryMs) + "\n" + sse_event("ready", ready));
  subs_.push_back(Subscriber{id, tenant, std::move(out)});
  open_.store(subs_.size());
  return true;
}

void EventHub::ended(uint64_t id, net::StreamEnd how) {
  ended_[std::min<size_t>(static_cast<size_t>(how), ended_.size() - 1)].fetch_add(1);
  std::lock_guard<std::mutex> lk(mu_);
  subs_.erase(std::remove_if(subs_.begin(), subs_.end(), [id](const Subscriber& s) { return s.id == id; }),
              subs_.end());
  open_.store(subs_.size());
}

void EventHub::publish(const std::string& tenant, std::string_view event, const core::json& data) {
  if (open_.load() == 0) return;
  const std::string bytes = sse_event(event, data);
  std::lock_guard<std::mutex> lk(mu_);
  // Under the lock, so each subscriber gets events in the order they were published. A write
  // that overflows a slow subscriber ends its stream; ended() then removes it.
  for (auto& s : subs_) {
    if (tenant.empty() || s.tenant.empty() || s.tenant == tenant) s.out->write(bytes);
  }
}

void EventHub::on_message(const std::string& tenant, const core::Message& m) {
  core::json j = m;
  publish(tenant, "message", core::json{{"tenant", tenant}, {"message", std::move(j)}});
}

void EventHub::shutdown() {
  std::vector<Subscriber> subs;
  {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    subs.swap(subs_);
    open_.store(0);
  }
  for (auto& s : subs) s.out->close();
}

std::string EventHub::metrics_text() const {
  std::string out =
      "# HELP telnyx_mock_event_streams_open Subscribers of GET /_mock/events now.\n"
      "# TYPE telnyx_mock_event_streams_open gauge\n"
      "telnyx_mock_event_streams_open " + std::to_string(open_.load()) + "\n"
      "# HELP telnyx_mock_event_streams_refused_total Subscriptions refused at settings.max_event_streams.\n"
      "# TYPE telnyx_mock_event_streams_refused_total counter\n"
      "telnyx_mock_event_streams_refused_total " + std::to_string(refused_.load()) + "\n"
      "# HELP telnyx_mock_event_streams_ended_total Event streams ended, by why.\n"
      "# TYPE telnyx_mock_event_streams_ended_total counter\n";
  for (size_t i = 0; i < ended_.size(); ++i) {
    out += "telnyx_mock_event_streams_ended_total{reason=\"" + std::string(end_name(i)) + "\"} " +
           std::to_string(ended_[i].load()) + "\n";
  }
  return out;
}

}  // namespace harness::mock
