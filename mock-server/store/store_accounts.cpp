// Accounts: messaging profiles, owned numbers, number orders and opt-outs, each under its
// tenant's account lock (Store::read_account / write_account); the registry's lock only to claim
// or release a number. Messages are in store_messages.cpp, tenancy in store.cpp.
#include "store/store.h"

#include <algorithm>
#include <cctype>
#include "core/ids.h"

namespace harness::mock {
namespace {

// The entry with this id (a profile, number or order) in one of an account's lists, or nullptr.
template <class T>
const T* find_by_id(const std::vector<T>& list, const std::string& id) {
  for (const auto& x : list)
    if (x.id == id) return &x;
  return nullptr;
}

}  // namespace

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
  if (const auto* p = a ? find_by_id(a.t->profiles, id) : nullptr) return *p;
  return std::nullopt;
}

core::MessagingProfile Store::create_profile(const std::string& tenant, core::MessagingProfile p) {
  auto w = write_account(tenant, "create_profile");
  {
    std::lock_guard<std::mutex> lk(rng_mu_);
    p.id = core::uuid_v4(rng_);
    if (!p.webhook.v1_secret) p.webhook.v1_secret = new_v1_secret(rng_);
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
      p.webhook.v1_secret = new_v1_secret(rng_);
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
  if (const auto* n = a ? find_by_id(a.t->numbers, id) : nullptr) return *n;
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
  v.webhook = p.webhook;
  return v;
}

}  // namespace

std::optional<SenderProfile> Store::sender_profile(const std::string& tenant,
                                                   const std::string& profile_id) const {
  auto a = read_account(tenant);
  if (const auto* p = a ? find_by_id(a.t->profiles, profile_id) : nullptr) return sender_view(*p);
  return std::nullopt;
}

std::optional<SenderProfile> Store::number_sender(const std::string& tenant,
                                                  std::string_view e164) const {
  auto a = read_account(tenant);
  if (!a) return std::nullopt;
  for (const auto& n : a.t->numbers) {
    if (n.phone_number != e164) continue;
    if (!n.messaging_profile_id) return std::nullopt;
    if (const auto* p = find_by_id(a.t->profiles, *n.messaging_profile_id)) return sender_view(*p);
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
  if (const auto* o = a ? find_by_id(a.t->orders, id) : nullptr) return *o;
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
  std::string word = text;
  word.erase(0, word.find_first_not_of(" \t\r\n"));
  word.erase(word.find_last_not_of(" \t\r\n") + 1);
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  record_keyword(tenant, from, to, profile_id, k, word, at);
}

void Store::record_keyword(const std::string& tenant, const std::string& from, const std::string& to,
                           const std::optional<std::string>& profile_id, Keyword k, const std::string& word,
                           core::TimePoint at) {
  if (k != Keyword::Stop && k != Keyword::Start) return;
  auto w = write_account(tenant, "apply_keyword");
  Tenant& t = *w.t;
  // The opt-out covers the profile (every number on it), or the number when it is on none.
  auto same = [&](const OptOut& o) {
    return o.from == from && (profile_id ? o.messaging_profile_id == profile_id : (!o.messaging_profile_id && o.to == to));
  };
  const size_t before = t.optouts.size();
  t.optouts.erase(std::remove_if(t.optouts.begin(), t.optouts.end(), same), t.optouts.end());
  if (k == Keyword::Stop) t.optouts.push_back(OptOut{from, to, profile_id, word, core::format_rfc3339(at)});
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

}  // namespace harness::mock
