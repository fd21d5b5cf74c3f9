// Test support: the one outbound SMS the webhook tests send, +13125550147 to +17735550188,
// "Your code is 4821", with the id and recipient status a test needs.
#pragma once
#include <string>

#include "core/message.h"

namespace harness::testing {

inline core::Message sample_sms(const std::string& id, const std::string& status) {
  core::Message m;
  m.id = id;
  m.from.phone_number = "+13125550147";
  core::MessageAddress to;
  to.phone_number = "+17735550188";
  to.status = status;
  m.to.push_back(to);
  m.text = "Your code is 4821";
  return m;
}

}  // namespace harness::testing
