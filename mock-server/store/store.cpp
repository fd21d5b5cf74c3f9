#include "store/store.h"

#include <algorithm>
#include <cstdio>
#include "core/e164.h"
#include "core/ids.h"

namespace harness::mock {
namespace {

// Area codes open-mode tenants draw their numbers from (deterministic from seed + key).
constexpr const char* kOpenAreaCodes[] = {"312", "773", "415", "646", "617", "206"};

std::atomic<uint64_t> next_instance{1};

}  // namespace

struct Store::Memo {
  uint64_t instance = 0, gen = 0;
  std::string key, tenant;     // authenticate: the last key that matched, and its tenant
  std::string shard_id;        // find_shard: the last tenant found
  std::weak_ptr<Shard> shard;  // weak: a memo never keeps a forgotten shard (or store) alive
  bool valid_for(const Store& s, uint64_t g) const { return instance == s.instance_ && gen == g; }
  void reset_for(const Store& s, uint64_t g) {
    if (valid_for(s, g)) return;
    instance = s.instance_;
    gen = g;
    key.clear();
    tenant.clear();
    shard_id.clear();
    shard.reset();
  }
};

Store::Memo& Store::memo() {
  thread_local Memo m;
  return m;
}

// A profile's v1 secret when none was given: 32 hex characters from the store's generator.
std::string Store::new_v1_secret(core::Rng& rng) {
  std::string s = core::uuid_v4(rng) + core::uuid_v4(rng);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s.substr(0, 32);
}

Store::Store(const MockConfig& config, uint64_t seed, const core::Clock& clock)
    : config_(config), seed_(seed), clock_(clock), instance_(next_instance.fetch_add(1)),
      rng_(core::Rng(seed).fork("store")), id_seed_(seed) {
  std::unique_lock<std::shared_mutex> lk(reg_mu_);
  build_configured_locked();
}

std::string Store::now_str() const { return core::format_rfc3339(clock_.now()); }

void Store::set_hold_hook(HoldHook hook) {
  std::atomic_store(&hook_, hook ? std::make_shared<const HoldHook>(std::move(hook)) : nullptr);
  has_hook_.store(static_cast<bool>(std::atomic_load(&hook_)));
}

void Store::held(const std::string& tenant, std::string_view op) const {
  if (!has_hook_.load(std::memory_order_relaxed)) return;
  if (auto h = std::atomic_load(&hook_)) (*h)(tenant, op);
}

void Store::reset(bool rewind_ids) {
  std::unordered_map<std::string, std::shared_ptr<Shard>> old;
  {
    std::unique_lock<std::shared_mutex> lk(reg_mu_);
    old.swap(shards_);
    key_to_tenant_.clear();
    registry_gen_.fetch_add(1, std::memory_order_release);   // every thread's memo is stale now
    open_tenants_ = 0;
    owned_.clear();
    {
      std::lock_guard<std::mutex> rl(rng_mu_);
      rng_ = core::Rng(seed_).fork("store");
    }
    build_configured_locked();
  }
  if (rewind_ids) message_seq_ = 0;
  // A send that found an old shard before the swap sees it retired and stores into the new one.
  for (auto& [id, s] : old) {
    MessageRing gone;   // freed after the lock
    std::lock_guard<std::mutex> lk(s->msg_mu);
    s->retired = true;
    recount_locked(*s, s->messages.size(), 0);
    gone.swap(s->messages);
  }
  optouts_ = 0;
}

void Store::set_auto_lifecycle(bool on) { auto_lifecycle_ = on; }

std::shared_ptr<Store::Shard> Store::new_shard_locked(const std::string& tenant) {
  auto& slot = shards_[tenant];
  if (!slot) {
    slot = std::make_shared<Shard>();
    slot->id = tenant;
  }
  return slot;
}

std::shared_ptr<Store::Shard> Store::find_shard(const std::string& tenant) const {
  Memo& m = memo();
  const uint64_t gen = registry_gen_.load(std::memory_order_acquire);
  if (m.valid_for(*this, gen) && m.shard_id == tenant) {
    if (auto s = m.shard.lock()) return s;
  }
  std::shared_ptr<Shard> found;
  {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);
    auto it = shards_.find(tenant);
    if (it == shards_.end()) return nullptr;
    found = it->second;
  }
  m.reset_for(*this, gen);   // the generation read before the look-up: a reset since makes it stale
  m.shard_id = tenant;
  m.shard = found;
  return found;
}

std::shared_ptr<Store::Shard> Store::shard_for(const std::string& tenant) {
  if (auto s = find_shard(tenant)) return s;
  std::unique_lock<std::shared_mutex> lk(reg_mu_);
  return new_shard_locked(tenant);
}

Store::AccountRead Store::read_account(const std::string& tenant) const {
  AccountRead r;
  auto s = find_shard(tenant);
  if (!s) return r;
  r.lock = std::shared_lock<std::shared_mutex>(s->mu);
  if (s->has_account) r.t = &s->account;
  r.shard = std::move(s);
  return r;
}

Store::AccountWrite Store::write_account(const std::string& tenant, std::string_view op) {
  AccountWrite w;
  w.shard = shard_for(tenant);
  w.lock = std::unique_lock<std::shared_mutex>(w.shard->mu);
  if (!w.shard->has_account) {
    w.shard->has_account = true;
    w.shard->account.id = tenant;
  }
  w.t = &w.shard->account;
  held(tenant, op);
  return w;
}

core::PhoneNumber Store::make_number(const Tenant& t, const std::string& e164,
                                     const std::optional<std::string>& profile_id) {
  core::PhoneNumber n;
  {
    std::lock_guard<std::mutex> lk(rng_mu_);
    n.id = core::numeric_id(rng_);
  }
  n.phone_number = e164;
  n.messaging_profile_id = profile_id;
  if (profile_id) {
    for (const auto& p : t.profiles) {
      if (p.id == *profile_id) n.messaging_profile_name = p.name;
    }
  }
  const auto region = core::region_of(e164);
  n.country_iso_alpha2 = region.empty() ? "US" : region;
  n.created_at = n.updated_at = now_str();
  n.purchased_at = n.activated_at = n.created_at;
  return n;
}

void Store::build_configured_locked() {
  for (const auto& tc : config_.tenants) {
    auto shard = new_shard_locked(tc.name);   // not yet visible to anyone: no lock needed
    shard->has_account = true;
    Tenant& t = shard->account;
    t.id = tc.name;
    core::Rng trng = core::Rng(seed_).fork("tenant:" + tc.name);
    t.organization_id = core::uuid_v4(trng);
    for (const auto& key : tc.api_keys) key_to_tenant_[key] = t.id;
    const auto now = now_str();
    for (const auto& pc : tc.profiles) {
      core::MessagingProfile p;
      p.id = pc.id ? *pc.id : core::uuid_v4(trng);
      p.name = pc.name;
      p.enabled = pc.enabled;
      p.webhook = pc.webhook;
      p.whitelisted_destinations = pc.whitelisted_destinations;
      p.alpha_sender = pc.alpha_sender;
      p.organization_id = t.organization_id;
      p.created_at = p.updated_at = now;
      t.profiles.push_back(p);
      for (const auto& num : pc.numbers) {
        t.numbers.push_back(make_number(t, num, p.id));
        owned_[num] = t.id;
      }
    }
    for (const auto& num : tc.numbers) {
      t.numbers.push_back(make_number(t, num, std::nullopt));
      owned_[num] = t.id;
    }
  }
}

std::string Store::create_open_tenant_locked(const std::string& key) {
  const std::string id = "key-" + std::to_string(core::stable_hash(key));
  auto shard = new_shard_locked(id);
  // A new shard is reachable by nobody until the registry lock is released. One that exists
  // already (only a request racing a reset makes one) is locked without waiting, since a
  // shard's lock is taken before the registry's; if busy, the next request with the key retries.
  std::unique_lock<std::shared_mutex> sl(shard->mu, std::try_to_lock);
  if (!sl.owns_lock()) return id;
  ++open_tenants_;
  key_to_tenant_[key] = id;
  if (shard->has_account) return id;
  shard->has_account = true;
  Tenant& t = shard->account;
  t.id = id;
  core::Rng trng = core::Rng(seed_ ^ core::stable_hash(key)).fork("open-tenant");
  t.organization_id = core::uuid_v4(trng);
  core::MessagingProfile p;
  p.id = core::uuid_v4(trng);
  p.name = "Default";
  p.whitelisted_destinations = {"*"};
  {  // its own stream, so the tenant's numbers stay what they were before profiles had secrets
    core::Rng srng = core::Rng(seed_ ^ core::stable_hash(key)).fork("open-tenant-secret");
    p.webhook.v1_secret = new_v1_secret(srng);
  }
  p.organization_id = t.organization_id;
  p.created_at = p.updated_at = now_str();
  t.profiles.push_back(p);
  for (int i = 0; i < config_.settings.open_mode_numbers; ++i) {
    std::string num;
    do {  // redraw on the rare collision with another tenant's number
      char buf[24];
      std::snprintf(buf, sizeof buf, "+1%s%03d%04d",
                    kOpenAreaCodes[trng.uniform(std::size(kOpenAreaCodes))],
                    static_cast<int>(200 + trng.uniform(800)), static_cast<int>(trng.uniform(10000)));
      num = buf;
    } while (owned_.count(num));
    t.numbers.push_back(make_number(t, num, p.id));
    owned_[num] = id;
  }
  return id;
}

std::optional<std::string> Store::authenticate(std::string_view api_key) {
  if (api_key.empty()) return std::nullopt;
  Memo& m = memo();
  const uint64_t gen = registry_gen_.load(std::memory_order_acquire);
  if (m.valid_for(*this, gen) && !m.key.empty() && m.key == api_key) return m.tenant;
  const std::string key(api_key);
  {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);   // every request: a known key, read-only
    auto it = key_to_tenant_.find(key);
    if (it != key_to_tenant_.end()) {
      m.reset_for(*this, gen);
      m.key = key;
      m.tenant = it->second;
      return it->second;
    }
  }
  if (!config_.open_mode() || api_key.substr(0, 3) != "KEY") return std::nullopt;
  std::unique_lock<std::shared_mutex> lk(reg_mu_);
  auto it = key_to_tenant_.find(key);   // another request may have created it meanwhile
  if (it != key_to_tenant_.end()) return it->second;
  if (open_tenants_ >= config_.settings.max_open_tenants) return std::nullopt;
  return create_open_tenant_locked(key);
}

bool Store::open_tenants_full(std::string_view api_key) const {
  if (!config_.open_mode() || api_key.substr(0, 3) != "KEY") return false;
  std::shared_lock<std::shared_mutex> lk(reg_mu_);
  return open_tenants_ >= config_.settings.max_open_tenants && !key_to_tenant_.count(std::string(api_key));
}

std::optional<std::string> Store::organization_id(const std::string& tenant) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  return a.t->organization_id;
}

std::vector<TenantSummary> Store::tenant_summaries() const {
  std::map<std::string, TenantSummary> by_id;
  {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);
    for (const auto& [id, shard] : shards_) by_id[id].id = id;
    for (const auto& [key, id] : key_to_tenant_) {
      by_id[id].id = id;
      by_id[id].api_keys.push_back(key);
    }
  }
  std::vector<TenantSummary> out;
  for (auto& [id, s] : by_id) {
    auto a = read_account(id);   // after the registry lock: never both at once
    if (!a) continue;
    for (const auto& n : a.t->numbers) {
      TenantSummary::Number num;
      num.phone_number = n.phone_number;
      num.profile_id = n.messaging_profile_id;
      for (const auto& p : a.t->profiles) {
        if (!n.messaging_profile_id || p.id != *n.messaging_profile_id) continue;
        num.profile_name = p.name;
        num.webhook_url = p.webhook.url;
      }
      s.numbers.push_back(std::move(num));
    }
    std::sort(s.api_keys.begin(), s.api_keys.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace harness::mock
