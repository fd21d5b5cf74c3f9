// A messaging profile's webhook settings (contract §7.6, §8.2): where its events go and how they
// are signed. Every layer that carries them holds this one struct as a member (the profile's
// config, core::MessagingProfile, the mock's sender view and a message's WebhookRouting), so a new
// setting is added here once and travels by one assignment or move.
#pragma once
#include <optional>
#include <string>

namespace harness::core {

struct WebhookTarget {
  std::optional<std::string> url;             // webhook_url
  std::optional<std::string> failover_url;    // webhook_failover_url
  std::string api_version = "2";              // webhook_api_version: "1" | "2" | "2010-04-01"
  std::optional<std::string> v1_secret;       // "1": events carry the v1 HMAC signature with it

  bool operator==(const WebhookTarget& o) const {
    return url == o.url && failover_url == o.failover_url && api_version == o.api_version &&
           v1_secret == o.v1_secret;
  }
  bool operator!=(const WebhookTarget& o) const { return !(*this == o); }
};

}  // namespace harness::core
