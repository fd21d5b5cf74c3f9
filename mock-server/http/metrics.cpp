// Messaging profile metrics: GET /v2/messaging_profiles/{id}/metrics (an overview and a time
// series) and GET /v2/messaging_profile_metrics (an overview per profile). Every figure is counted
// from the messages the store holds for the tenant, over the window `time_frame` ends at the
// mock's clock: outbound recipients accepted (scheduled and cancelled ones are not sent),
// delivered, failed (sending_failed, delivery_failed) and inbound messages received.
#include <array>
#include <map>
#include "http/api.h"
#include "http/listing.h"

namespace harness::mock {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct TimeFrame {
  const char* name;
  core::Duration length;
  core::Duration bucket;   // width of one point of the detailed series
};

constexpr std::array<TimeFrame, 6> kFrames = {{
    {"1h", hours(1), minutes(5)},
    {"3h", hours(3), minutes(15)},
    {"24h", hours(24), hours(1)},
    {"3d", hours(72), hours(6)},
    {"7d", hours(24 * 7), hours(24)},
    {"30d", hours(24 * 30), hours(24)},
}};
constexpr const char* kDefaultFrame = "24h";

struct Counts {
  uint64_t sent = 0, delivered = 0, failed = 0, received = 0;
  void add(const core::Message& m) {
    if (m.direction == "inbound") {
      ++received;
      return;
    }
    for (const auto& to : m.to) {
      const std::string status = to.status.value_or("");
      if (status == "scheduled" || status == "cancelled") continue;
      ++sent;
      if (status == "delivered") ++delivered;
      if (status == "sending_failed" || status == "delivery_failed") ++failed;
    }
  }
  double error_ratio() const { return sent == 0 ? 0.0 : static_cast<double>(failed) / static_cast<double>(sent); }
};

core::json overview(const std::string& profile_id, size_t numbers, const Counts& c) {
  return {{"record_type", "messaging_profile_metrics"},
          {"messaging_profile_id", profile_id},
          {"phone_numbers", numbers},
          {"outbound", {{"sent", c.sent}, {"delivered", c.delivered}, {"error_ratio", c.error_ratio()}}},
          {"inbound", {{"received", c.received}}}};
}

}  // namespace

std::optional<core::Duration> HttpFront::metrics_frame(ApiContext& ctx, core::Duration* bucket) {
  const std::string name = param(ctx, "time_frame").value_or(kDefaultFrame);
  for (const auto& f : kFrames) {
    if (name != f.name) continue;
    if (bucket) *bucket = f.bucket;
    return f.length;
  }
  error(ctx, 10015, "time_frame must be one of 1h, 3h, 24h, 3d, 7d, 30d (got '" + name + "').", std::nullopt,
        std::string("time_frame"), 400);
  return std::nullopt;
}

void HttpFront::list_profile_metrics(ApiContext& ctx) {
  const auto frame = metrics_frame(ctx, nullptr);
  if (!frame) return;
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  const core::TimePoint since = clock_.now() - *frame;
  std::map<std::string, Counts> by_profile;
  store_.scan_messages(ctx.tenant, [&](const core::Message& m, core::TimePoint at) {
    if (at >= since && m.messaging_profile_id) by_profile[*m.messaging_profile_id].add(m);
  });
  const auto profiles = store_.list_profiles(ctx.tenant, ProfileFilter{});
  send_page(ctx, pr, profiles, [&](const core::MessagingProfile& p) {
    return overview(p.id, store_.numbers_on_profile(ctx.tenant, p.id).size(), by_profile[p.id]);
  });
}

void HttpFront::profile_metrics(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (!store_.get_profile(ctx.tenant, id)) return not_found(ctx, "Messaging profile " + id);
  core::Duration width{};
  const auto frame = metrics_frame(ctx, &width);
  if (!frame) return;
  const core::TimePoint now = clock_.now();
  const core::TimePoint since = now - *frame;
  const size_t points = static_cast<size_t>(*frame / width);
  Counts total;
  std::vector<std::array<Counts, 2>> series(points);   // per point: SMS, MMS
  store_.scan_messages(ctx.tenant, [&](const core::Message& m, core::TimePoint at) {
    if (at < since || at > now || m.messaging_profile_id != id) return;
    total.add(m);
    const size_t i = std::min(points - 1, static_cast<size_t>((at - since) / width));
    series[i][m.type == "MMS" ? 1 : 0].add(m);
  });
  core::json detailed = core::json::array();
  for (size_t i = 0; i < points; ++i) {
    core::json metrics = core::json::array();
    for (size_t k = 0; k < 2; ++k) {
      const Counts& c = series[i][k];
      metrics.push_back({{"label", k == 0 ? "SMS" : "MMS"},
                         {"sent", c.sent},
                         {"delivered", c.delivered},
                         {"outbound_error_ratio", c.error_ratio()},
                         {"received", c.received}});
    }
    detailed.push_back({{"timestamp", core::format_rfc3339(since + width * static_cast<int64_t>(i))},
                        {"metrics", std::move(metrics)}});
  }
  send_data(ctx, {{"overview", overview(id, store_.numbers_on_profile(ctx.tenant, id).size(), total)},
                  {"detailed", std::move(detailed)}});
}

}  // namespace harness::mock
