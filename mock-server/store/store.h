// The mock's state: tenants (one per API key in open mode), their messaging profiles, owned
// numbers and number orders, and every message. Thread-safe, and tenants do not wait for each
// other: each tenant is a shard with its own locks (a reader-writer lock over its profiles,
// numbers and orders, a mutex over its messages), found through a registry whose lock is held
// only for a map lookup or insert (API keys, tenants, which tenant owns a number). A tenant's
// long operation (a big list, an order, a page of messages) holds its own shard only. Locks are
// taken in one order: a shard's lock, then the registry, then the id generator or the message
// counts; the registry lock is never held while waiting for a shard. Critical sections copy or
// update small structs, never serialise JSON or do I/O. Implements MessageLifecycle so the
// webhook engine moves messages through queued -> sending -> sent -> final, and
// GET /v2/messages/{id} shows the same state the webhooks carry (contract §3.3).
//
// Code: tenancy and the registry in store.cpp, profiles / numbers / orders / opt-outs in
// store_accounts.cpp, messages in store_messages.cpp (scanning them in store_scan.cpp).
//
// Not owned here: HTTP parsing and validation (http/), webhook delivery (webhook/), journal of
// requests (store/journal.h).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>
#include "config/config.h"
#include "core/clock.h"
#include "core/message.h"
#include "core/numbers.h"
#include "core/profile.h"
#include "core/rng.h"
#include "store/hooks.h"
#include "store/message_ring.h"

namespace harness::mock {

struct ProfileFilter {
  std::optional<std::string> name_eq;        // filter[name] / filter[name][eq]
  std::optional<std::string> name_contains;  // filter[name][contains]
};

// What the send path needs to know about a `from` number.
struct NumberView {
  core::PhoneNumber number;
  std::optional<core::MessagingProfile> profile;   // the profile it is assigned to
};

// What the send path needs from the sending messaging profile: read on every send, so it leaves
// out what sending does not use (name, timestamps, settings) and copies little.
struct SenderProfile {
  std::string id;
  std::optional<std::string> organization_id;
  bool enabled = true;
  bool all_destinations = false;           // whitelisted_destinations holds "*"
  std::vector<std::string> destinations;   // the whitelist, when not all_destinations
  std::optional<std::string> alpha_sender;
  core::WebhookTarget webhook;             // moved into the message's WebhookRouting once planned
};

// One opted-out recipient (GET /v2/messaging_optouts): `from` texted a STOP keyword to the
// tenant's number `to`; sends from that number's profile (or from the number itself when it is
// on no profile) to `from` then fail with 40300 until `from` texts a START keyword.
struct OptOut {
  std::string from;
  std::string to;
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> keyword;
  std::string created_at;
};

enum class OrderProblem { None, AlreadyOwned, UnknownProfile };
struct OrderResult {
  OrderProblem problem = OrderProblem::None;
  size_t index = 0;                 // which phone_numbers[] entry failed
  core::NumberOrder order;
};

// Told of every message stored or advanced by the webhook engine (the inbox's live updates), with
// a copy made only when wants() says someone listens, outside the store's locks.
class MessageObserver {
 public:
  virtual ~MessageObserver() = default;
  virtual bool wants() const = 0;
  virtual void on_message(const std::string& tenant, const core::Message& m) = 0;
};

// GET /_mock/tenants: who the mock knows, with the numbers the inbox can text.
struct TenantSummary {
  struct Number {
    std::string phone_number;
    std::optional<std::string> profile_id, profile_name, webhook_url;
  };
  std::string id;
  std::vector<std::string> api_keys;   // sorted
  std::vector<Number> numbers;
};

class Store final : public MessageLifecycle {
 public:
  Store(const MockConfig& config, uint64_t seed, const core::Clock& clock);

  // Back to the configured state: configured tenants only, no messages, no orders. Message ids
  // continue their sequence, so an app's dedup table never meets an id twice, unless
  // `rewind_ids` (POST /_mock/reset {"ids": true}).
  void reset(bool rewind_ids = false);
  // Message ids are a function of this seed and a counter (default: the store's seed).
  void set_id_seed(uint64_t seed) { id_seed_.store(seed); }
  uint64_t id_seed() const { return id_seed_.load(); }
  // Without a webhook engine nobody advances messages; then reads apply a time-based default
  // lifecycle (sending +100 ms, sent +500 ms, final +1 s) so GET still shows progress.
  void set_auto_lifecycle(bool on);
  // The default lifecycle of an outbound message accepted at `at` (used when auto lifecycle is on).
  static std::vector<TimedStatus> default_timeline(core::TimePoint at,
                                                   const std::optional<std::string>& final_status,
                                                   const std::vector<int>& final_errors);

  // API key -> tenant id. Open mode: any key starting with "KEY" gets its own tenant on first
  // use, up to settings.max_open_tenants. nullopt -> 401 / 10009, or 429 / 10011 when
  // open_tenants_full() says the key was refused only for the cap.
  std::optional<std::string> authenticate(std::string_view api_key);
  bool open_tenants_full(std::string_view api_key) const;
  std::optional<std::string> organization_id(const std::string& tenant) const;
  // Every tenant (configured, and open-mode ones created so far), by id.
  std::vector<TenantSummary> tenant_summaries() const;

  // ---- messaging profiles (contract §8.2); creation order ----
  std::vector<core::MessagingProfile> list_profiles(const std::string& tenant,
                                                    const ProfileFilter& f) const;
  std::optional<core::MessagingProfile> get_profile(const std::string& tenant,
                                                    const std::string& id) const;
  // Fills id, organization_id, created_at, updated_at.
  core::MessagingProfile create_profile(const std::string& tenant, core::MessagingProfile p);
  std::optional<core::MessagingProfile> update_profile(
      const std::string& tenant, const std::string& id,
      const std::function<void(core::MessagingProfile&)>& edit);
  // A new generated v1_secret (the HMAC key of the profile's v1 webhooks from the next send on).
  std::optional<core::MessagingProfile> regenerate_secret(const std::string& tenant, const std::string& id);
  // Unassigns its numbers. Returns the deleted profile.
  std::optional<core::MessagingProfile> delete_profile(const std::string& tenant,
                                                       const std::string& id);

  // ---- owned numbers (contract §8.3) ----
  std::vector<core::PhoneNumber> list_numbers(const std::string& tenant) const;
  std::vector<core::PhoneNumber> numbers_on_profile(const std::string& tenant,
                                                    const std::string& profile_id) const;
  std::optional<core::PhoneNumber> get_number(const std::string& tenant, const std::string& id) const;
  std::optional<NumberView> find_number(const std::string& tenant, std::string_view e164) const;
  // profile_id: nullopt = unassign. nullopt result: unknown number. Caller checks the profile.
  std::optional<core::PhoneNumber> set_number_profile(const std::string& tenant,
                                                      const std::string& number_id,
                                                      const std::optional<std::string>& profile_id);
  // Edits a number in place (updated_at set). nullopt: unknown number.
  std::optional<core::PhoneNumber> update_number(const std::string& tenant, const std::string& id,
                                                 const std::function<void(core::PhoneNumber&)>& edit);
  // Releases a number: gone from the tenant, back in the inventory. Returns it with status
  // "deleted"; nullopt: unknown number.
  std::optional<core::PhoneNumber> delete_number(const std::string& tenant, const std::string& id);
  // Number-pool sender: the (pick % n)-th number on the profile, without copying the list.
  std::optional<std::string> pool_number(const std::string& tenant, const std::string& profile_id,
                                         uint64_t pick) const;
  // The send path's view of a profile, and of the profile a number is assigned to (nullopt when
  // the tenant does not own the number or it is on no profile).
  std::optional<SenderProfile> sender_profile(const std::string& tenant,
                                              const std::string& profile_id) const;
  std::optional<SenderProfile> number_sender(const std::string& tenant, std::string_view e164) const;
  // The tenant's first profile (open mode's "Default"), if any.
  std::optional<std::string> first_profile_id(const std::string& tenant) const;
  bool is_owned(std::string_view e164) const;   // by any tenant (inventory excludes these)
  // The tenant owning a number (inbound messages, POST /_mock/inbound); nullopt when unowned.
  std::optional<std::string> owner_of(std::string_view e164) const;

  // ---- number orders ----
  OrderResult create_order(const std::string& tenant, const std::vector<std::string>& numbers,
                           const std::optional<std::string>& profile_id,
                           const std::optional<std::string>& customer_reference);
  std::optional<core::NumberOrder> get_order(const std::string& tenant, const std::string& id) const;
  std::vector<core::NumberOrder> list_orders(const std::string& tenant) const;
  std::optional<core::NumberOrder> update_order(const std::string& tenant, const std::string& id,
                                                const std::function<void(core::NumberOrder&)>& edit);

  // ---- opt-outs (STOP / START keywords of inbound messages) ----
  // The keyword class of an inbound text: Stop (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT),
  // Start (START, UNSTOP, YES), Help (HELP, INFO) or None; the whole text, any case, trimmed.
  enum class Keyword { None, Stop, Start, Help };
  static Keyword classify_keyword(std::string_view text);
  // Records (Stop) or removes (Start) the opt-out of `from` for the tenant's number `to`.
  void apply_keyword(const std::string& tenant, const std::string& from, const std::string& to,
                     const std::optional<std::string>& profile_id, const std::string& text, core::TimePoint at);
  // The same for a keyword already classified (an autoresponse config's op): Stop records the
  // opt-out under `word` (lower case), Start removes it, anything else changes nothing.
  void record_keyword(const std::string& tenant, const std::string& from, const std::string& to,
                      const std::optional<std::string>& profile_id, Keyword k, const std::string& word,
                      core::TimePoint at);
  std::vector<OptOut> list_optouts(const std::string& tenant) const;
  // Whether a send from `sender` (on profile `profile_id`) to `to` is blocked by an opt-out.
  bool opted_out(const std::string& tenant, const std::string& profile_id, std::string_view sender,
                 std::string_view to) const;

  // ---- messages ----
  // Lock-free: the n-th id after start (or a rewinding reset) is a function of the id seed and n.
  std::string new_message_id();
  // Stores an accepted outbound (or inbound) message. Beyond max_messages_per_tenant the
  // tenant's own oldest message is evicted; beyond max_messages, the oldest message of the tenant
  // holding the most (so one tenant's burst only ever evicts its own messages). When that tenant
  // is busy (its messages locked by a long read), the store stays over the cap until a later send
  // finds it free rather than waiting for it.
  // final_status / final_errors drive the auto lifecycle only.
  void put_message(const std::string& tenant, core::Message m,
                   std::optional<std::string> final_status = std::nullopt,
                   std::vector<int> final_errors = {});
  // With the status changes to apply on read, at their times (from the webhook engine's plan).
  void put_message(const std::string& tenant, core::Message m, std::vector<TimedStatus> timeline);
  // nullopt when unknown, of another tenant, or older than the retention.
  std::optional<core::Message> get_message(const std::string& tenant, const std::string& id) const;
  // Newest first; tenant "" = all tenants; only messages stored before the one numbered
  // `before` (ListedMessage::seq of the last one of the previous page), so a caller pages with a
  // bounded `limit` however many messages there are.
  struct ListedMessage {
    std::string tenant;
    core::Message message;
    uint64_t seq = 0;   // store-wide insertion order
  };
  std::vector<ListedMessage> recent_messages(const std::string& tenant, size_t limit,
                                             uint64_t before = UINT64_MAX) const;
  // Visits every message the tenant holds (in no particular order) with the time it was stored,
  // statuses as a read would show them now, under the tenant's message lock: `visit` must be quick.
  using MessageVisitor = std::function<void(const core::Message&, core::TimePoint stored)>;
  void scan_messages(const std::string& tenant, const MessageVisitor& visit) const;
  size_t message_count() const;
  // nullptr removes it. Statuses the store applies on read (a timeline) are not reported.
  void set_message_observer(std::shared_ptr<MessageObserver> o) { std::atomic_store(&observer_, std::move(o)); }   // every tenant's; may briefly exceed max_messages (see put_message)
  std::map<std::string, uint64_t> messages_by_status() const;

  // MessageLifecycle: sets every recipient's status; sent_at on "sent"; completed_at, cost and
  // errors on a terminal status.
  std::optional<core::Message> advance(const std::string& tenant_id, const std::string& message_id,
                                       const std::string& status,
                                       const std::vector<core::ErrorObject>& errors,
                                       core::TimePoint at) override;
  // MessageLifecycle: the steps are applied when the message is read, each once its time has
  // come, exactly as advance() would have applied them then.
  bool follow_timeline(const std::string& tenant_id, const std::string& message_id,
                       std::vector<TimedStatus> steps) override;

 // Test seam: called with the tenant and the operation's name while that operation holds the
  // tenant's lock (profile, number and order writes; reading one message; listing messages), so
  // a test can hold one tenant's lock for as long as it likes and show the others are served.
  using HoldHook = std::function<void(const std::string& tenant, std::string_view op)>;
  void set_hold_hook(HoldHook hook);

 private:
  // put_message / advance without telling the observer (they do, once the locks are released).
  void put_stored(const std::string& tenant, core::Message&& m, std::vector<TimedStatus>&& timeline);
  std::optional<core::Message> advance_stored(const std::string& tenant_id, const std::string& message_id,
                                              const std::string& status,
                                              const std::vector<core::ErrorObject>& errors, core::TimePoint at);
  std::shared_ptr<MessageObserver> observer_;   // atomic access
  struct Tenant {
    std::string id;
    std::string organization_id;
    std::vector<core::MessagingProfile> profiles;
    std::vector<core::PhoneNumber> numbers;
    std::vector<core::NumberOrder> orders;
    std::vector<OptOut> optouts;
  };
  // One tenant: its account and its messages, each under its own lock.
  struct Shard : std::enable_shared_from_this<Shard> {
    std::string id;
    mutable std::shared_mutex mu;             // account, has_account
    bool has_account = false;                 // false: only messages were stored for this id
    Tenant account;
    mutable std::mutex msg_mu;                // everything below
    mutable MessageRing messages;             // oldest first, indexed by id
    bool retired = false;                     // reset() replaced this shard: look it up again
  };
  // A tenant's account under its shard's lock (shared for reads); false when unknown.
  struct AccountRead {
    std::shared_ptr<const Shard> shard;
    std::shared_lock<std::shared_mutex> lock;
    const Tenant* t = nullptr;
    explicit operator bool() const { return t != nullptr; }
  };
  struct AccountWrite {
    std::shared_ptr<Shard> shard;
    std::unique_lock<std::shared_mutex> lock;
    Tenant* t = nullptr;
  };
  AccountRead read_account(const std::string& tenant) const;
  AccountWrite write_account(const std::string& tenant, std::string_view op);   // creates it if unknown
  std::shared_ptr<Shard> find_shard(const std::string& tenant) const;
  std::shared_ptr<Shard> shard_for(const std::string& tenant);                 // creates it if unknown
  std::shared_ptr<Shard> new_shard_locked(const std::string& tenant);          // under reg_mu_ (unique)
  // What this thread last found in the registry (an API key's tenant, a tenant's shard), kept
  // so that a send's several look-ups take no registry lock: the two loop threads would
  // otherwise both write the lock's cache line several times per request. Valid while
  // registry_gen_ is unchanged; only reset() takes entries away, and it bumps the generation.
  struct Memo;
  static Memo& memo();
  void build_configured_locked();
  std::string create_open_tenant_locked(const std::string& key);
  static std::string new_v1_secret(core::Rng& rng);   // a generated profile v1_secret
  core::PhoneNumber make_number(const Tenant& t, const std::string& e164,
                                const std::optional<std::string>& profile_id);   // takes rng_mu_
  std::string now_str() const;
  void apply_status(core::Message& m, const std::string& status,
                    const std::vector<core::ErrorObject>& errors, core::TimePoint at) const;
  void catch_up(StoredMessage& sm) const;   // under the shard's msg_mu
  void held(const std::string& tenant, std::string_view op) const;
  // Under the shard's msg_mu: drop its oldest message into `out` (freed after the lock); the
  // pop_ variant leaves the message counts to the caller.
  void evict_oldest_locked(Shard& s, std::vector<std::unique_ptr<StoredMessage>>& out);
  void pop_oldest_locked(Shard& s, std::vector<std::unique_ptr<StoredMessage>>& out);
  // Under the shard's msg_mu: its message count went from `before` to `after`.
  void recount_locked(Shard& s, size_t before, size_t after);
  bool heaviest_is(const Shard& s) const;
  std::shared_ptr<Shard> heaviest() const;

  const MockConfig& config_;
  const uint64_t seed_;
  const core::Clock& clock_;
  // Registry: API keys, tenants' shards, owned numbers, the open-tenant count.
  mutable std::shared_mutex reg_mu_;
  std::atomic<uint64_t> registry_gen_{0};   // bumped (under reg_mu_) when entries go away
  const uint64_t instance_;                 // unique per Store: a thread's memo is for one store
  std::unordered_map<std::string, std::string> key_to_tenant_;
  std::unordered_map<std::string, std::shared_ptr<Shard>> shards_;
  std::unordered_map<std::string, std::string> owned_;   // e164 -> tenant id
  size_t open_tenants_ = 0;                              // tenants created in open mode
  // Ids of profiles, numbers and orders.
  std::mutex rng_mu_;
  core::Rng rng_;
  // Tenants by how many messages they hold, so the per-tenant cap and the store cap both evict
  // from the tenant that fills the store, never from a tenant with fewer messages.
  mutable std::mutex count_mu_;
  std::set<std::tuple<size_t, std::string, Shard*>> tenants_by_count_;
  std::atomic<size_t> total_messages_{0};
  std::atomic<uint64_t> put_seq_{0};
  std::atomic<bool> auto_lifecycle_{true};
  std::atomic<uint64_t> message_seq_{0};
  std::atomic<uint64_t> id_seed_;
  std::atomic<bool> has_hook_{false};
  std::shared_ptr<const HoldHook> hook_;   // atomic access
  std::atomic<size_t> optouts_{0};         // all tenants' opt-outs: sends skip the lookup at 0
};

}  // namespace harness::mock
