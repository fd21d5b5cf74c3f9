// Client: the Telnyx Messaging API v2 for one tenant (Config) - messages (send, retrieve),
// messaging profiles and phone numbers - with validation before sending, the RetryPolicy, an
// optional CircuitBreaker and telemetry on every attempt. Every call returns Result<T>; see
// client/error.h for what each error kind means and whether to retry.
// One Client per thread: calls on one instance must not overlap (the keep-alive connection and
// the jitter Rng are per instance). Clock, Sleeper, Transport and seeds are injectable.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/circuit_breaker.h"
#include "client/config.h"
#include "client/error.h"
#include "client/retry_policy.h"
#include "client/sleeper.h"
#include "client/telemetry.h"
#include "client/transport.h"
#include "client/validation.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/message.h"
#include "core/numbers.h"
#include "core/pagination.h"
#include "core/profile.h"
#include "core/rng.h"

namespace harness::client {

struct ClientDeps {
  std::shared_ptr<Transport> transport;    // null: HttplibTransport built from the Config
  const core::Clock* clock = nullptr;      // null: system clock
  Sleeper* sleeper = nullptr;              // null: real sleeping
  TelemetryHook* telemetry = nullptr;      // null: no events
  CircuitBreaker* breaker = nullptr;       // null: no breaker (may be shared between clients)
  RetrySettings retry{};
  std::optional<uint64_t> rng_seed;        // jitter seed; null: from std::random_device
};

template <class T>
struct Page {
  std::vector<T> data;
  core::PageMeta meta;
};

struct ProfileParams {
  std::string name;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_failover_url;
  // The current spec requires whitelisted_destinations on create (contract §8.2).
  std::vector<std::string> whitelisted_destinations{"US"};
  std::optional<bool> enabled;
};

struct NumberSearch {
  std::string country_code = "US";
  int limit = 10;
  std::vector<std::string> features;       // e.g. {"sms"}; empty: no filter
};

class Client {
 public:
  explicit Client(Config cfg, ClientDeps deps = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Config& config() const { return cfg_; }

  // ---- messages -------------------------------------------------------------------------
  // Validates locally first (no request on failure), then POST /messages.
  Result<core::Message> send(const SendParams& p);
  Result<core::Message> retrieve(const std::string& message_id);

  // ---- messaging profiles ---------------------------------------------------------------
  Result<core::MessagingProfile> create_profile(const ProfileParams& p);
  // Exact (case-sensitive) name match; nullopt when there is none.
  Result<std::optional<core::MessagingProfile>> find_profile_by_name(const std::string& name);
  // Finds by name and PATCHes the webhook fields, or creates it.
  Result<core::MessagingProfile> create_or_update_profile(const ProfileParams& p);
  Result<Page<core::MessagingProfile>> list_profiles(core::PageRequest page = {});

  // ---- phone numbers --------------------------------------------------------------------
  Result<std::vector<core::AvailableNumber>> search_by_area_code(const std::string& area_code,
                                                                 const NumberSearch& s = {});
  Result<core::NumberOrder> buy(const std::vector<std::string>& numbers,
                                const std::optional<std::string>& messaging_profile_id = {});
  // Searches the area code and orders the first result; Api error "no_numbers_available" if none.
  Result<core::NumberOrder> search_and_buy_first(
      const std::string& area_code, const std::optional<std::string>& messaging_profile_id = {},
      const NumberSearch& s = {});
  // PATCH /phone_numbers/{id}/messaging; `phone_number_id` is the numeric id of the number.
  Result<core::MessagingSettings> assign_to_messaging_profile(const std::string& phone_number_id,
                                                              const std::string& profile_id);
  Result<std::optional<core::PhoneNumber>> find_by_number(const std::string& e164);
  Result<Page<core::PhoneNumber>> list_numbers(core::PageRequest page = {});

  // One logical call with retries; returns the parsed JSON body of the 2xx answer.
  // `idempotent` allows resending after an ambiguous failure (GET, or an idempotency key).
  Result<core::json> execute(const std::string& operation, const HttpRequest& req,
                             bool idempotent);

 private:
  void emit(TelemetryEvent e);

  Config cfg_;
  ClientDeps deps_;
  RetryPolicy policy_;
  core::Rng rng_;
  std::unique_ptr<core::SystemClock> own_clock_;
  std::unique_ptr<RealSleeper> own_sleeper_;
};

}  // namespace harness::client
