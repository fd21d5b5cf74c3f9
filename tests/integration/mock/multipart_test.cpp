// A multipart/form-data body (what a form post or a misconfigured client sends) over a real
// socket: authentication comes before the body is looked at, so a missing or bad key is 401
// 10009 whatever the body; with a good key the JSON endpoints answer 400 10015 with the envelope.
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

class MultipartTest : public MockFixture {
 protected:
  Reply form_post(const std::string& path, const std::string& key) {
    httplib::Headers h;
    if (!key.empty()) h = auth(key);
    httplib::MultipartFormDataItems items = {{"to", "+17735550188", "", ""}, {"text", "hi", "", ""}};
    return wrap(client_->Post(path.c_str(), h, items));
  }
};

TEST_F(MultipartTest, AuthenticationComesFirst) {
  for (const char* path : {"/v2/messages", "/v2/messages/schedule", "/v2/messages/group_mms", "/v2/messaging_profiles"}) {
    auto missing = form_post(path, "");
    EXPECT_EQ(missing.status, 401) << path << " " << missing.raw;
    EXPECT_EQ(missing.code(), "10009") << path;
    auto bad = form_post(path, "not-a-key");
    EXPECT_EQ(bad.status, 401) << path << " " << bad.raw;
    EXPECT_EQ(bad.code(), "10009") << path;
  }
}

TEST_F(MultipartTest, AGoodKeyGetsTheBadRequestEnvelope) {
  for (const char* path : {"/v2/messages", "/v2/messages/schedule", "/v2/messages/group_mms", "/v2/messaging_profiles"}) {
    auto r = form_post(path, "KEYtest");
    EXPECT_EQ(r.status, 400) << path << " " << r.raw;
    EXPECT_EQ(r.code(), "10015") << path << " " << r.raw;
    EXPECT_FALSE(r.headers.find("x-request-id") == r.headers.end()) << path;
  }
}

}  // namespace
}  // namespace harness::mock::testing
