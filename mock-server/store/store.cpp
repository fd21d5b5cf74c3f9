#include "store/store.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include "core/e164.h"
#include "core/ids.h"
#include "store/fast_uuid.h"

namespace harness::mock {
namespace {

// Area codes open-mode tenants draw their numbers from (deterministic from seed + key).
constexpr const char* kOpenAreaCodes[] = {"312", "773", "415", "646", "617", "206"};

std::string money_for_parts(int parts) {
  // Contract §12: cost filled once final; a flat 0.0040 USD per part.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", 0.004 * parts);
  return buf;
}

// A profile's v1 secret when none was given: 32 hex characters from the store's generator.
std::string new_v1_secret(core::Rng& rng) {
  std::string s = core::uuid_v4(rng) + core::uuid_v4(rng);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s.substr(0, 32);
}

}  // namespace

Store::Store(const MockConfig& config, uint64_t seed, const core::Clock& clock)
    : config_(config), seed_(seed), clock_(clock), rng_(core::Rng(seed).fork("store")), id_seed_(seed) {
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
    MessageMap gone;   // freed after the lock
    std::lock_guard<std::mutex> lk(s->msg_mu);
    s->retired = true;
    recount_locked(*s, s->order.size(), 0);
    gone.swap(s->messages);
    s->order.clear();
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
  std::shared_lock<std::shared_mutex> lk(reg_mu_);
  auto it = shards_.find(tenant);
  return it == shards_.end() ? nullptr : it->second;
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
      p.webhook_url = pc.webhook_url;
      p.webhook_failover_url = pc.webhook_failover_url;
      p.webhook_api_version = pc.webhook_api_version;
      p.v1_secret = pc.v1_secret;
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
    p.v1_secret = new_v1_secret(srng);
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
  const std::string key(api_key);
  {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);   // every request: a known key, read-only
    auto it = key_to_tenant_.find(key);
    if (it != key_to_tenant_.end()) return it->second;
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

// ---- profiles ----

std::vector<core::MessagingProfile> Store::list_profiles(const std::string& tenant,
                                                         const ProfileFilter& f) const {
  std::vector<core::MessagingProfile> out;
  auto a = read_account(tenant);
  if (!a) return out;
  for (const auto& p : a.t->profiles) {
    if (f.name_eq && p.name != *f.name_eq) continue;
    if (f.name_contains && p.name.find(*f.name_contains) == std::string::npos) continue;
    out.push_back(p);
  }
  return out;
}

std::optional<core::MessagingProfile> Store::get_profile(const std::string& tenant,
                                                         const std::string& id) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& p : a.t->profiles) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

core::MessagingProfile Store::create_profile(const std::string& tenant, core::MessagingProfile p) {
  auto w = write_account(tenant, "create_profile");
  {
    std::lock_guard<std::mutex> lk(rng_mu_);
    p.id = core::uuid_v4(rng_);
    if (!p.v1_secret) p.v1_secret = new_v1_secret(rng_);
  }
  p.organization_id = w.t->organization_id;
  p.created_at = p.updated_at = now_str();
  w.t->profiles.push_back(p);
  return p;
}

std::optional<core::MessagingProfile> Store::update_profile(
    const std::string& tenant, const std::string& id,
    const std::function<void(core::MessagingProfile&)>& edit) {
  auto w = write_account(tenant, "update_profile");
  Tenant& t = *w.t;
  for (auto& p : t.profiles) {
    if (p.id != id) continue;
    edit(p);
    p.id = id;   // the edit may not move a profile
    p.updated_at = now_str();
    for (auto& n : t.numbers) {
      if (n.messaging_profile_id == id) n.messaging_profile_name = p.name;
    }
    return p;
  }
  return std::nullopt;
}

std::optional<core::MessagingProfile> Store::regenerate_secret(const std::string& tenant,
                                                               const std::string& id) {
  auto w = write_account(tenant, "regenerate_secret");
  for (auto& p : w.t->profiles) {
    if (p.id != id) continue;
    {
      std::lock_guard<std::mutex> lk(rng_mu_);
      p.v1_secret = new_v1_secret(rng_);
    }
    p.updated_at = now_str();
    return p;
  }
  return std::nullopt;
}

std::optional<core::MessagingProfile> Store::delete_profile(const std::string& tenant,
                                                            const std::string& id) {
  auto w = write_account(tenant, "delete_profile");
  Tenant& t = *w.t;
  auto it = std::find_if(t.profiles.begin(), t.profiles.end(),
                         [&](const core::MessagingProfile& p) { return p.id == id; });
  if (it == t.profiles.end()) return std::nullopt;
  core::MessagingProfile gone = *it;
  t.profiles.erase(it);
  const auto now = now_str();
  for (auto& n : t.numbers) {
    if (n.messaging_profile_id == id) {
      n.messaging_profile_id.reset();
      n.messaging_profile_name.reset();
      n.updated_at = now;
    }
  }
  return gone;
}

// ---- numbers ----

std::vector<core::PhoneNumber> Store::list_numbers(const std::string& tenant) const {
  auto a = read_account(tenant);
  return a ? a.t->numbers : std::vector<core::PhoneNumber>{};
}

std::vector<core::PhoneNumber> Store::numbers_on_profile(const std::string& tenant,
                                                         const std::string& profile_id) const {
  std::vector<core::PhoneNumber> out;
  auto a = read_account(tenant);
  if (!a) return out;
  for (const auto& n : a.t->numbers) {
    if (n.messaging_profile_id == profile_id) out.push_back(n);
  }
  return out;
}

std::optional<core::PhoneNumber> Store::get_number(const std::string& tenant,
                                                   const std::string& id) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& n : a.t->numbers) {
    if (n.id == id) return n;
  }
  return std::nullopt;
}

std::optional<NumberView> Store::find_number(const std::string& tenant, std::string_view e164) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& n : a.t->numbers) {
    if (n.phone_number != e164) continue;
    NumberView v{n, std::nullopt};
    if (n.messaging_profile_id) {
      for (const auto& p : a.t->profiles) {
        if (p.id == *n.messaging_profile_id) v.profile = p;
      }
    }
    return v;
  }
  return std::nullopt;
}

std::optional<core::PhoneNumber> Store::set_number_profile(
    const std::string& tenant, const std::string& number_id,
    const std::optional<std::string>& profile_id) {
  auto w = write_account(tenant, "set_number_profile");
  Tenant& t = *w.t;
  for (auto& n : t.numbers) {
    if (n.id != number_id) continue;
    n.messaging_profile_id = profile_id;
    n.messaging_profile_name.reset();
    if (profile_id) {
      for (const auto& p : t.profiles) {
        if (p.id == *profile_id) n.messaging_profile_name = p.name;
      }
    }
    n.updated_at = now_str();
    return n;
  }
  return std::nullopt;
}

std::optional<core::PhoneNumber> Store::update_number(const std::string& tenant, const std::string& id,
                                                      const std::function<void(core::PhoneNumber&)>& edit) {
  auto w = write_account(tenant, "update_number");
  for (auto& n : w.t->numbers) {
    if (n.id != id) continue;
    const std::string e164 = n.phone_number;
    edit(n);
    n.id = id;               // an edit may not move or renumber a number
    n.phone_number = e164;
    n.updated_at = now_str();
    return n;
  }
  return std::nullopt;
}

std::optional<core::PhoneNumber> Store::delete_number(const std::string& tenant, const std::string& id) {
  core::PhoneNumber gone;
  {
    auto w = write_account(tenant, "delete_number");
    Tenant& t = *w.t;
    auto it = std::find_if(t.numbers.begin(), t.numbers.end(), [&](const core::PhoneNumber& n) { return n.id == id; });
    if (it == t.numbers.end()) return std::nullopt;
    gone = *it;
    t.numbers.erase(it);
  }
  {  // for sale again (the account lock is released first: the two are never held together)
    std::unique_lock<std::shared_mutex> lk(reg_mu_);
    auto o = owned_.find(gone.phone_number);
    if (o != owned_.end() && o->second == tenant) owned_.erase(o);
  }
  gone.status = "deleted";
  gone.updated_at = now_str();
  return gone;
}

std::optional<std::string> Store::pool_number(const std::string& tenant, const std::string& profile_id,
                                              uint64_t pick) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  size_t count = 0;
  for (const auto& n : a.t->numbers) count += n.messaging_profile_id == profile_id;
  if (count == 0) return std::nullopt;
  size_t want = pick % count;
  for (const auto& n : a.t->numbers) {
    if (n.messaging_profile_id != profile_id) continue;
    if (want-- == 0) return n.phone_number;
  }
  return std::nullopt;
}

namespace {

SenderProfile sender_view(const core::MessagingProfile& p) {
  SenderProfile v;
  v.id = p.id;
  v.organization_id = p.organization_id;
  v.enabled = p.enabled;
  const auto& wl = p.whitelisted_destinations;
  v.all_destinations = std::find(wl.begin(), wl.end(), "*") != wl.end();
  if (!v.all_destinations) v.destinations = wl;
  v.alpha_sender = p.alpha_sender;
  v.webhook_url = p.webhook_url;
  v.webhook_failover_url = p.webhook_failover_url;
  v.webhook_api_version = p.webhook_api_version;
  v.v1_secret = p.v1_secret;
  return v;
}

}  // namespace

std::optional<SenderProfile> Store::sender_profile(const std::string& tenant,
                                                   const std::string& profile_id) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& p : a.t->profiles) {
    if (p.id == profile_id) return sender_view(p);
  }
  return std::nullopt;
}

std::optional<SenderProfile> Store::number_sender(const std::string& tenant,
                                                  std::string_view e164) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& n : a.t->numbers) {
    if (n.phone_number != e164) continue;
    if (!n.messaging_profile_id) return std::nullopt;
    for (const auto& p : a.t->profiles) {
      if (p.id == *n.messaging_profile_id) return sender_view(p);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Store::first_profile_id(const std::string& tenant) const {
  auto a = read_account(tenant);
  if (!a || a.t->profiles.empty()) return std::nullopt;
  return a.t->profiles.front().id;
}

bool Store::is_owned(std::string_view e164) const {
  std::shared_lock<std::shared_mutex> lk(reg_mu_);
  return owned_.count(std::string(e164)) != 0;
}

std::optional<std::string> Store::owner_of(std::string_view e164) const {
  std::shared_lock<std::shared_mutex> lk(reg_mu_);
  auto it = owned_.find(std::string(e164));
  if (it == owned_.end()) return std::nullopt;
  return it->second;
}

// ---- orders ----

OrderResult Store::create_order(const std::string& tenant, const std::vector<std::string>& numbers,
                                const std::optional<std::string>& profile_id,
                                const std::optional<std::string>& customer_reference) {
  OrderResult r;
  auto w = write_account(tenant, "create_order");
  Tenant& t = *w.t;
  if (profile_id) {
    bool found = false;
    for (const auto& p : t.profiles) found = found || p.id == *profile_id;
    if (!found) {
      r.problem = OrderProblem::UnknownProfile;
      return r;
    }
  }
  {
    // Claimed in one step, so two tenants ordering the same number cannot both get it.
    std::unique_lock<std::shared_mutex> lk(reg_mu_);
    for (size_t i = 0; i < numbers.size(); ++i) {
      bool dup = owned_.count(numbers[i]) != 0;
      for (size_t j = 0; j < i && !dup; ++j) dup = numbers[j] == numbers[i];
      if (dup) {
        r.problem = OrderProblem::AlreadyOwned;
        r.index = i;
        return r;
      }
    }
    for (const auto& num : numbers) owned_[num] = tenant;
  }
  core::NumberOrder& o = r.order;
  {
    std::lock_guard<std::mutex> lk(rng_mu_);
    o.id = core::uuid_v4(rng_);
  }
  o.messaging_profile_id = profile_id;
  o.customer_reference = customer_reference;
  o.created_at = o.updated_at = now_str();
  for (const auto& num : numbers) {
    auto n = make_number(t, num, profile_id);
    n.source_type = "number_order";
    n.customer_reference = customer_reference;
    core::NumberOrderPhoneNumber on;
    {
      std::lock_guard<std::mutex> lk(rng_mu_);
      on.id = core::uuid_v4(rng_);
    }
    on.phone_number = num;
    on.country_code = on.country_iso_alpha2 = n.country_iso_alpha2;
    o.phone_numbers.push_back(on);
    t.numbers.push_back(std::move(n));
  }
  o.phone_numbers_count = static_cast<int>(o.phone_numbers.size());
  t.orders.push_back(o);
  return r;
}

std::optional<core::NumberOrder> Store::get_order(const std::string& tenant,
                                                  const std::string& id) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& o : a.t->orders) {
    if (o.id == id) return o;
  }
  return std::nullopt;
}

std::vector<core::NumberOrder> Store::list_orders(const std::string& tenant) const {
  auto a = read_account(tenant);
  return a ? a.t->orders : std::vector<core::NumberOrder>{};
}

std::optional<core::NumberOrder> Store::update_order(const std::string& tenant, const std::string& id,
                                                     const std::function<void(core::NumberOrder&)>& edit) {
  auto w = write_account(tenant, "update_order");
  for (auto& o : w.t->orders) {
    if (o.id != id) continue;
    edit(o);
    o.id = id;
    o.updated_at = now_str();
    return o;
  }
  return std::nullopt;
}

// ---- opt-outs ----

Store::Keyword Store::classify_keyword(std::string_view text) {
  const size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return Keyword::None;
  const size_t e = text.find_last_not_of(" \t\r\n");
  std::string word(text.substr(b, e - b + 1));
  if (word.size() > 12) return Keyword::None;
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const char* k : {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
    if (word == k) return Keyword::Stop;
  for (const char* k : {"START", "UNSTOP", "YES"})
    if (word == k) return Keyword::Start;
  for (const char* k : {"HELP", "INFO"})
    if (word == k) return Keyword::Help;
  return Keyword::None;
}

void Store::apply_keyword(const std::string& tenant, const std::string& from, const std::string& to,
                          const std::optional<std::string>& profile_id, const std::string& text,
                          core::TimePoint at) {
  const Keyword k = classify_keyword(text);
  if (k != Keyword::Stop && k != Keyword::Start) return;
  auto w = write_account(tenant, "apply_keyword");
  Tenant& t = *w.t;
  // The opt-out covers the profile (every number on it), or the number when it is on none.
  auto same = [&](const OptOut& o) {
    return o.from == from && (profile_id ? o.messaging_profile_id == profile_id : (!o.messaging_profile_id && o.to == to));
  };
  const size_t before = t.optouts.size();
  t.optouts.erase(std::remove_if(t.optouts.begin(), t.optouts.end(), same), t.optouts.end());
  if (k == Keyword::Stop) {
    std::string word = text;
    word.erase(0, word.find_first_not_of(" \t\r\n"));
    word.erase(word.find_last_not_of(" \t\r\n") + 1);
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    t.optouts.push_back(OptOut{from, to, profile_id, word, core::format_rfc3339(at)});
  }
  optouts_ += t.optouts.size();
  optouts_ -= before;
}

std::vector<OptOut> Store::list_optouts(const std::string& tenant) const {
  auto a = read_account(tenant);
  return a ? a.t->optouts : std::vector<OptOut>{};
}

bool Store::opted_out(const std::string& tenant, const std::string& profile_id, std::string_view sender,
                      std::string_view to) const {
  if (optouts_.load(std::memory_order_relaxed) == 0) return false;   // the hot path: nobody opted out
  auto a = read_account(tenant);
  if (!a) return false;
  for (const auto& o : a.t->optouts) {
    if (o.from != to) continue;
    if (o.messaging_profile_id ? *o.messaging_profile_id == profile_id : o.to == sender) return true;
  }
  return false;
}

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
  return fast_uuid_v4(mix(base + 2 * n), mix(base + 2 * n + 1));
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
        num.webhook_url = p.webhook_url;
      }
      s.numbers.push_back(std::move(num));
    }
    std::sort(s.api_keys.begin(), s.api_keys.end());
    out.push_back(std::move(s));
  }
  return out;
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

void Store::put_stored(const std::string& tenant, core::Message m, std::vector<TimedStatus> timeline) {
  const auto now = clock_.now();
  // Every send takes its tenant's lock, and a message is some thirty strings: its node is
  // allocated before the lock and the evicted ones are freed after it.
  MessageMap staging;
  std::string id = m.id;
  auto node = staging.extract(
      staging.emplace(id, StoredMessage{std::move(m), now, std::move(timeline), 0,
                                        put_seq_.fetch_add(1, std::memory_order_relaxed)})
          .first);
  std::vector<MessageMap::node_type> evicted;
  evicted.reserve(2);
  std::shared_ptr<Shard> mine;
  for (;;) {
    mine = shard_for(tenant);
    std::lock_guard<std::mutex> lk(mine->msg_mu);
    if (mine->retired) continue;   // a reset replaced it just now
    auto r = mine->messages.insert(std::move(node));
    if (!r.inserted) {
      const uint64_t seq = r.position->second.seq;   // a replaced message keeps its place
      r.position->second = std::move(r.node.mapped());
      r.position->second.seq = seq;
      return;
    }
    mine->order.push_back(std::move(id));
    recount_locked(*mine, mine->order.size() - 1, mine->order.size());
    if (mine->order.size() > config_.settings.max_messages_per_tenant) evict_oldest_locked(*mine, evicted);
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
    if (!lk.owns_lock() || heavy->retired || heavy->order.empty()) break;
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

void Store::evict_oldest_locked(Shard& s, std::vector<MessageMap::node_type>& out) {
  if (s.order.empty()) return;
  const size_t before = s.order.size();
  out.push_back(s.messages.extract(s.order.front()));
  s.order.pop_front();
  recount_locked(s, before, s.order.size());
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
  auto it = s->messages.find(id);
  if (it == s->messages.end()) return std::nullopt;
  if (clock_.now() - it->second.created > std::chrono::seconds(config_.settings.retention_seconds)) {
    return std::nullopt;   // contract §3.5: only the last 10 days (configurable) can be read
  }
  catch_up(it->second);
  return it->second.message;
}

std::vector<std::pair<std::string, core::Message>> Store::recent_messages(const std::string& tenant,
                                                                          size_t limit) const {
  std::vector<std::shared_ptr<Shard>> shards;
  if (!tenant.empty()) {
    if (auto s = find_shard(tenant)) shards.push_back(std::move(s));
  } else {
    std::shared_lock<std::shared_mutex> lk(reg_mu_);
    for (const auto& [id, s] : shards_) shards.push_back(s);
  }
  // Each tenant's newest `limit`, one tenant's lock at a time, then merged newest first.
  std::vector<std::pair<uint64_t, std::pair<std::string, core::Message>>> all;
  for (const auto& s : shards) {
    std::lock_guard<std::mutex> lk(s->msg_mu);
    held(s->id, "recent_messages");
    size_t taken = 0;
    for (auto it = s->order.rbegin(); it != s->order.rend() && taken < limit; ++it) {
      auto m = s->messages.find(*it);
      if (m == s->messages.end()) continue;
      catch_up(m->second);
      all.push_back({m->second.seq, {s->id, m->second.message}});
      ++taken;
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (all.size() > limit) all.resize(limit);
  std::vector<std::pair<std::string, core::Message>> out;
  out.reserve(all.size());
  for (auto& e : all) out.push_back(std::move(e.second));
  return out;
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
    for (auto& [id, sm] : s->messages) {
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
  auto it = s->messages.find(message_id);
  if (it == s->messages.end()) return std::nullopt;
  StoredMessage& sm = it->second;
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
  auto it = s->messages.find(message_id);
  if (it == s->messages.end()) return false;
  it->second.timeline = std::move(steps);
  it->second.applied = 0;
  catch_up(it->second);
  return true;
}

}  // namespace harness::mock
