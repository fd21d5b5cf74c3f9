// Messages: ids, storage with per-tenant and store-wide caps, the lazily applied lifecycle and
// the webhook engine's updates, each under its tenant's message lock (Shard::msg_mu).
#include "store/store.h"

#include <algorithm>
#include <cstdio>
#include "core/ids.h"

namespace harness::mock {
namespace {

std::string money_for_parts(int parts) {
  // Contract §12: cost filled once final; a flat 0.0040 USD per part.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", 0.004 * parts);
  return buf;
}

}  // namespace

// ---- messages ----

std::string Store::new_message_id() {
  // splitmix64 of (seed, n): distinct, well mixed and reproducible without a lock.
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const uint64_t n = message_seq_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t base = mix(id_seed_.load(std::memory_order_relaxed) ^ 0x6d657373616765ULL);   // "message"
  return core::uuid_v4(mix(base + 2 * n), mix(base + 2 * n + 1));
}

std::vector<TimedStatus> Store::default_timeline(core::TimePoint at,
                                                 const std::optional<std::string>& final_status,
                                                 const std::vector<int>& final_errors) {
  using std::chrono::milliseconds;
  const std::string fin = final_status.value_or("delivered");
  std::vector<TimedStatus> steps;
  steps.push_back({at + milliseconds(100), "sending", {}});
  if (fin != "sending_failed") steps.push_back({at + milliseconds(500), "sent", {}});
  TimedStatus last{at + milliseconds(1000), fin, {}};
  for (int code : final_errors) last.errors.push_back(core::make_error_object(code));
  steps.push_back(std::move(last));
  return steps;
}

void Store::put_message(const std::string& tenant, core::Message m,
                        std::optional<std::string> final_status, std::vector<int> final_errors) {
  const auto now = clock_.now();
  std::vector<TimedStatus> timeline;
  if (auto_lifecycle_ && m.direction == "outbound") timeline = default_timeline(now, final_status, final_errors);
  put_message(tenant, std::move(m), std::move(timeline));
}

void Store::put_message(const std::string& tenant, core::Message m, std::vector<TimedStatus> timeline) {
  auto observer = std::atomic_load(&observer_);
  std::optional<core::Message> seen;
  if (observer && observer->wants()) seen = m;
  put_stored(tenant, std::move(m), std::move(timeline));
  if (seen) observer->on_message(tenant, *seen);
}

void Store::put_stored(const std::string& tenant, core::Message&& m, std::vector<TimedStatus>&& timeline) {
  const auto now = clock_.now();
  // Every send takes its tenant's lock: the message is moved in under it (into the storage of
  // the one it evicts when the tenant is full), and other evicted ones are freed after it.
  std::vector<std::unique_ptr<StoredMessage>> evicted;
  std::shared_ptr<Shard> mine;
  for (;;) {
    mine = shard_for(tenant);
    std::lock_guard<std::mutex> lk(mine->msg_mu);
    if (mine->retired) continue;   // a reset replaced it just now
    if (StoredMessage* same = mine->messages.find(m.id)) {
      same->message = std::move(m);   // a replaced message keeps its place
      same->created = now;
      same->timeline = std::move(timeline);
      same->applied = 0;
      return;
    }
    // Numbered under the lock, so a tenant's order is ascending (recent_messages pages by it).
    const uint64_t seq = put_seq_.fetch_add(1, std::memory_order_relaxed);
    const size_t cap = config_.settings.max_messages_per_tenant;
    // A full tenant evicts its own oldest: counted together with the insert, so the shared count
    // (and its lock) is not touched when the tenant's count does not change.
    if (!mine->messages.empty() && mine->messages.size() >= cap) {
      mine->messages.replace_oldest(std::move(m), now, std::move(timeline), seq);
    } else {
      mine->messages.emplace_back(std::move(m), now, std::move(timeline), seq);
      const size_t before = mine->messages.size() - 1;
      if (mine->messages.size() > cap) pop_oldest_locked(*mine, evicted);
      recount_locked(*mine, before, mine->messages.size());
    }
    while (total_messages_.load() > config_.settings.max_messages && heaviest_is(*mine))
      evict_oldest_locked(*mine, evicted);
    break;
  }
  // Over the store cap because another tenant holds the most: evict that tenant's oldest, unless
  // its messages are locked by a long read (never wait for another tenant; a later send evicts).
  while (total_messages_.load() > config_.settings.max_messages) {
    auto heavy = heaviest();
    if (!heavy || heavy == mine) break;
    std::unique_lock<std::mutex> lk(heavy->msg_mu, std::try_to_lock);
    if (!lk.owns_lock() || heavy->retired || heavy->messages.empty()) break;
    evict_oldest_locked(*heavy, evicted);
  }
}

void Store::recount_locked(Shard& s, size_t before, size_t after) {
  if (before == after) return;
  std::lock_guard<std::mutex> lk(count_mu_);
  if (before > 0 && after > 0) {   // re-key the node: no allocation on the send path
    auto node = tenants_by_count_.extract({before, s.id, &s});
    if (node) {
      std::get<0>(node.value()) = after;
      tenants_by_count_.insert(std::move(node));
    }
  } else if (before > 0) {
    tenants_by_count_.erase({before, s.id, &s});
  } else {
    tenants_by_count_.insert({after, s.id, &s});
  }
  total_messages_.fetch_add(after - before);   // wraps correctly when after < before
}

bool Store::heaviest_is(const Shard& s) const {
  std::lock_guard<std::mutex> lk(count_mu_);
  return !tenants_by_count_.empty() && std::get<2>(*tenants_by_count_.rbegin()) == &s;
}

std::shared_ptr<Store::Shard> Store::heaviest() const {
  std::lock_guard<std::mutex> lk(count_mu_);
  if (tenants_by_count_.empty()) return nullptr;
  // Listed shards are alive: reset() unlists a shard before letting it go.
  return std::get<2>(*tenants_by_count_.rbegin())->shared_from_this();
}

void Store::pop_oldest_locked(Shard& s, std::vector<std::unique_ptr<StoredMessage>>& out) {
  if (s.messages.empty()) return;
  out.push_back(s.messages.pop_front());
}

void Store::evict_oldest_locked(Shard& s, std::vector<std::unique_ptr<StoredMessage>>& out) {
  const size_t before = s.messages.size();
  pop_oldest_locked(s, out);
  recount_locked(s, before, s.messages.size());
}

void Store::apply_status(core::Message& m, const std::string& status,
                         const std::vector<core::ErrorObject>& errors, core::TimePoint at) const {
  for (auto& r : m.to) r.status = status;
  for (auto& r : m.cc) r.status = status;
  const auto ts = core::format_rfc3339(at);
  if (status == "sent" && !m.sent_at) m.sent_at = ts;
  if (core::is_terminal_status(status)) {
    if (!m.sent_at && status != "sending_failed") m.sent_at = ts;
    m.completed_at = ts;
    m.cost = core::Money{money_for_parts(m.parts), "USD"};
    // All of it is the rate: the mock charges no carrier fees.
    m.cost_breakdown = core::CostBreakdown{*m.cost, core::Money{"0.0000", "USD"}};
    m.errors = errors;
    m.valid_until.reset();
  }
}

void Store::catch_up(StoredMessage& sm) const {
  if (sm.applied >= sm.timeline.size()) return;
  const auto now = clock_.now();
  while (sm.applied < sm.timeline.size() && sm.timeline[sm.applied].at <= now) {
    const TimedStatus& st = sm.timeline[sm.applied++];
    apply_status(sm.message, st.status, st.errors, st.at);
  }
  if (sm.applied == sm.timeline.size()) {
    sm.timeline.clear();   // done: give the memory back
    sm.timeline.shrink_to_fit();
    sm.applied = 0;
  }
}

std::optional<core::Message> Store::get_message(const std::string& tenant, const std::string& id) const {
  auto s = find_shard(tenant);
  if (!s) return std::nullopt;
  std::lock_guard<std::mutex> lk(s->msg_mu);
  held(tenant, "get_message");
  StoredMessage* sm = s->messages.find(id);
  if (!sm) return std::nullopt;
  if (clock_.now() - sm->created > std::chrono::seconds(config_.settings.retention_seconds)) {
    return std::nullopt;   // contract §3.5: only the last 10 days (configurable) can be read
  }
  catch_up(*sm);
  return sm->message;
}

std::vector<Store::ListedMessage> Store::recent_messages(const std::string& tenant, size_t limit,
                                                         uint64_t before) const {
  std::vector<std::shared_ptr<Shard>> shards;
  if (!tenant.empty()) {
    if (auto s = find_shard(tenant)) shards.push_back(std::move(s));
  } else {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);
    for (const auto& [id, s] : shards_) shards.push_back(s);
  }
  // Each tenant's newest `limit` before the cursor, one tenant's lock at a time, then merged
  // newest first. The cursor is found by binary search: a page costs its size, not its depth.
  std::vector<ListedMessage> all;
  for (const auto& s : shards) {
    std::lock_guard<std::mutex> lk(s->msg_mu);
    held(s->id, "recent_messages");
    MessageRing& ring = s->messages;
    // The first message numbered `before` or later, by binary search over the ring.
    size_t lo = 0, hi = ring.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (ring[mid].seq < before) lo = mid + 1; else hi = mid;
    }
    for (size_t i = lo, taken = 0; i > 0 && taken < limit; --i, ++taken) {
      StoredMessage& sm = ring[i - 1];
      catch_up(sm);
      all.push_back({s->id, sm.message, sm.seq});
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.seq > b.seq; });
  if (all.size() > limit) all.resize(limit);
  return all;
}

size_t Store::message_count() const { return total_messages_.load(); }

std::map<std::string, uint64_t> Store::messages_by_status() const {
  std::vector<std::shared_ptr<Shard>> shards;
  {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);
    for (const auto& [id, s] : shards_) shards.push_back(s);
  }
  std::map<std::string, uint64_t> out;
  for (const auto& s : shards) {
    std::lock_guard<std::mutex> lk(s->msg_mu);
    for (size_t i = 0; i < s->messages.size(); ++i) {
      StoredMessage& sm = s->messages[i];
      catch_up(sm);
      ++out[sm.message.status()];
    }
  }
  return out;
}

std::optional<core::Message> Store::advance(const std::string& tenant_id, const std::string& message_id,
                                            const std::string& status,
                                            const std::vector<core::ErrorObject>& errors,
                                            core::TimePoint at) {
  std::optional<core::Message> out = advance_stored(tenant_id, message_id, status, errors, at);
  if (out) {
    auto observer = std::atomic_load(&observer_);
    if (observer && observer->wants()) observer->on_message(tenant_id, *out);
  }
  return out;
}

std::optional<core::Message> Store::advance_stored(const std::string& tenant_id, const std::string& message_id,
                                                   const std::string& status,
                                                   const std::vector<core::ErrorObject>& errors,
                                                   core::TimePoint at) {
  auto s = find_shard(tenant_id);
  if (!s) return std::nullopt;
  std::lock_guard<std::mutex> lk(s->msg_mu);
  StoredMessage* found = s->messages.find(message_id);
  if (!found) return std::nullopt;
  StoredMessage& sm = *found;
  // Timeline steps come earlier in the lifecycle than any event the engine applies: finish them
  // first, whatever the clock says, so a status never goes backwards.
  for (; sm.applied < sm.timeline.size(); ++sm.applied) {
    const TimedStatus& st = sm.timeline[sm.applied];
    apply_status(sm.message, st.status, st.errors, st.at);
  }
  sm.timeline.clear();
  sm.applied = 0;
  apply_status(sm.message, status, errors, at);
  return sm.message;
}

bool Store::follow_timeline(const std::string& tenant_id, const std::string& message_id,
                            std::vector<TimedStatus> steps) {
  auto s = find_shard(tenant_id);
  if (!s) return false;
  std::lock_guard<std::mutex> lk(s->msg_mu);
  StoredMessage* sm = s->messages.find(message_id);
  if (!sm) return false;
  sm->timeline = std::move(steps);
  sm->applied = 0;
  catch_up(*sm);
  return true;
}

}  // namespace harness::mock
