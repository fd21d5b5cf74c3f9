// The send rules (contract §3, §4) as one pure function: plan_send(request, tenant view) answers
// the error Telnyx would give, or the plan of the message to create. The caller reads what the
// rules need from the store into a TenantView first (sender_lookup says which entries), so the
// rules themselves touch no store, clock or lock and are tested row by row (send_rules_test).
// Order follows what a caller fixes first: required fields, send_at, destination, sender,
// profile state, destination region, opt-out, content, size.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "core/control_reply.h"
#include "core/encoding.h"
#include "core/errors.h"
#include "core/expected.h"
#include "core/send_request.h"
#include "store/store.h"

namespace harness::mock {

enum class SendKind { Generic, LongCode, ShortCode, NumberPool, Alphanumeric };

// The request as the endpoint received it.
struct SendInput {
  const core::SendRequest& request;
  SendKind kind = SendKind::Generic;
  bool schedule_endpoint = false;   // POST /v2/messages/schedule
  bool open_mode = false;           // a send naming no sender may use the tenant's default profile
};

// Which store entry holds the sender: a profile by id (pool and alphanumeric sends) or the
// profile a number is on. `key` points into the request or the view; nullptr for None.
struct SenderLookup {
  enum class By { None, ProfileId, Number };
  By by = By::None;
  const std::string* key = nullptr;
  bool pool = false;                // the sender is picked from the profile's number pool
};

// Everything the rules read about the tenant, filled from the store before plan_send.
struct TenantView {
  std::optional<std::string> default_profile_id;  // open mode, a send with neither from nor profile
  std::optional<SenderProfile> profile;           // found by sender_lookup, or none
  std::optional<std::string> pool_number;         // pool sends: the sticky pick for `to`
  bool opted_out = false;                         // `to` texted STOP to the profile (or number)
  core::TimePoint now{};                          // send_at is judged against it
  std::size_t scheduled_pending = 0;              // messages waiting for their send_at
};

// Whether a TenantView needs default_profile_id (read it before calling sender_lookup).
bool needs_default_profile(const SendInput& in);
SenderLookup sender_lookup(const SendInput& in, const TenantView& view);

// What to create: pointers into the request and the view passed to plan_send.
struct SendPlan {
  const SenderProfile* profile = nullptr;
  const std::string* from = nullptr;
  std::string type;                               // "SMS" or "MMS"
  core::Segmentation seg;
  std::optional<core::TimePoint> send_at;         // scheduled for later
};

// An error answer, from send or inbound (rules/inbound_rules.h). status 0: the catalogue's status
// (or the configured override); see refusal_status.
struct SendRefusal {
  int code = 0;
  int status = 0;
  std::string detail;
  std::optional<std::string> pointer;
};

core::Expected<SendPlan, SendRefusal> plan_send(const SendInput& in, const TenantView& view);

// The profile-state rules shared with group MMS: disabled (40312), no whitelisted destinations
// (40331). nullopt when the profile may send.
std::optional<SendRefusal> profile_refusal(const SenderProfile& p);
// The opt-out rule (40300): `to` texted STOP to the sender's profile (or number). Judged by
// plan_send when a message is sent, and again when a scheduled message fires.
std::optional<SendRefusal> opt_out_refusal(const std::string& to, bool opted_out);
// Whether the profile's whitelist lets it reach `region` ("US", "GB", ...).
bool allows_region(const SenderProfile& p, const std::string& region);
// The content rules shared by send and inbound (contract §4): no text and no media (40316), type
// SMS with media (40304), more than 10 media URLs (40317). Status 0, so both routes answer alike.
std::optional<SendRefusal> content_refusal(bool has_text, std::size_t media_count,
                                           const std::optional<std::string>& type = std::nullopt);

// How a refusal answers, the same from every route: its own status, else the configured
// error_status override, else the catalogue's; the catalogue's title with the refusal's detail.
int refusal_status(const SendRefusal& no, const Settings& settings);
core::ErrorObject refusal_error(const SendRefusal& no);
core::ControlReply refusal_reply(const SendRefusal& no, const Settings& settings);

}  // namespace harness::mock
