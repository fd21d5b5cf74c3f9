// Telnyx-shaped JSON bodies for the small fake servers of the client tests (contract §3.2, §4).
#pragma once
#include <string>

namespace harness::testing {

inline std::string message_json(const std::string& id, const std::string& to = "+17735550188",
                                 const std::string& status = "queued") {
  return R"({"data":{"record_type":"message","id":")" + id +
         R"(","direction":"outbound","type":"SMS","messaging_profile_id":"400176aa-1b2c-4d3e-9f00-11aa22bb33cc",)"
         R"("from":{"phone_number":"+13125550147","carrier":"Telnyx","line_type":"Wireless"},)"
         R"("to":[{"phone_number":")" + to + R"(","status":")" + status +
         R"(","carrier":"Example Mobile","line_type":"Wireless"}],"cc":[],"text":"hi","subject":null,)"
         R"("media":[],"encoding":"GSM-7","parts":1,"cost":null,"received_at":"2025-03-01T12:00:00.412+00:00",)"
         R"("sent_at":null,"completed_at":null,"valid_until":null,"errors":[],"tags":[]}})";
}

inline const char* kRateLimitBody =
    R"({"errors":[{"code":"10011","title":"Too many requests","detail":"Request limit exceeded."}]})";
inline const char* kAuthBody =
    R"({"errors":[{"code":"10009","title":"Authentication failed","detail":"API key missing or not valid."}]})";
inline const char* kServerErrorBody =
    R"({"errors":[{"code":"10007","title":"Unexpected error","detail":"An unexpected error occurred."}]})";
inline const char* kInvalidToBody =
    R"({"errors":[{"code":"40310","title":"Invalid 'to' address","detail":"Destination must be one valid phone number.","source":{"pointer":"/to"}}]})";

}  // namespace harness::testing
