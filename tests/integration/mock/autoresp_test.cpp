// Autoresponse configs over real sockets: CRUD on /v2/messaging_profiles/{id}/autoresp_configs with
// Telnyx's validation envelope, and what they do when an inbound text (POST /_mock/inbound) matches:
// stop records an opt-out (listed, enforced with 40300), start lifts it, info only answers; each
// answer is an outbound message from the receiving number, stored and sent with its webhooks.
#include <set>
#include "receiver_fixture.h"

namespace harness::mock::testing {
namespace {

const std::string kConsumer = "+17735550188";
const std::string kUnknown = "4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f";

class AutorespTest : public MockWithReceiver {
 protected:
  std::string base(const std::string& profile) { return "/v2/messaging_profiles/" + profile + "/autoresp_configs"; }
  Reply put(const std::string& path, const std::string& body, const std::string& key = "KEYtest") {
    return wrap(client_->Put(path.c_str(), auth(key), body, "application/json"));
  }
  Reply inbound(const std::string& from, const std::string& to, const std::string& text) {
    return wrap(client_->Post("/_mock/inbound", json{{"from", from}, {"to", to}, {"text", text}}.dump(), "application/json"));
  }
  // The tenant's stored messages, newest first.
  json messages() { return wrap(client_->Get("/_mock/messages?api_key=KEYtest")).body["data"]; }
};

TEST_F(AutorespTest, CreateListRetrieveReplaceDelete) {
  const std::string profile = default_profile();
  auto c = post(base(profile), R"({"op":"stop","keywords":["UNSUB","Arret"],"country_code":"US","resp_text":"Bye"})");
  ASSERT_EQ(c.status, 200) << c.raw;
  const json rec = c.body["data"];
  EXPECT_EQ(rec["op"], "stop");
  EXPECT_EQ(rec["keywords"], json({"UNSUB", "Arret"}));
  EXPECT_EQ(rec["country_code"], "US");
  EXPECT_EQ(rec["resp_text"], "Bye");
  EXPECT_EQ(rec["created_at"], core::format_rfc3339(clock_.now()));
  EXPECT_EQ(rec["created_at"], rec["updated_at"]);
  const std::string id = rec["id"];

  EXPECT_EQ(get(base(profile) + "/" + id).body["data"], rec);
  auto list = get(base(profile));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["data"], json::array({rec}));
  EXPECT_EQ(list.body["meta"]["total_results"], 1);
  EXPECT_EQ(get(base(profile) + "?country_code=GB").body["data"].size(), 0u);
  const std::string later = core::format_rfc3339(clock_.now() + std::chrono::seconds(1));
  EXPECT_EQ(get(base(profile) + "?created_at[gte]=" + later).body["data"].size(), 0u);
  EXPECT_EQ(get(base(profile) + "?created_at[lte]=" + later).body["data"].size(), 1u);

  clock_.advance(std::chrono::minutes(5));
  auto u = put(base(profile) + "/" + id, R"({"op":"info","keywords":["AIDE"],"country_code":"CA"})");
  ASSERT_EQ(u.status, 200) << u.raw;
  EXPECT_EQ(u.body["data"]["id"], id);
  EXPECT_EQ(u.body["data"]["op"], "info");
  EXPECT_EQ(u.body["data"]["keywords"], json({"AIDE"}));
  EXPECT_FALSE(u.body["data"].contains("resp_text"));   // replaced, not merged
  EXPECT_EQ(u.body["data"]["created_at"], rec["created_at"]);
  EXPECT_EQ(u.body["data"]["updated_at"], core::format_rfc3339(clock_.now()));
  EXPECT_EQ(get(base(profile) + "?updated_at[gte]=" + later).body["data"].size(), 1u);

  // Another tenant sees none of it.
  EXPECT_EQ(get(base(profile) + "/" + id, "KEYother").code(), "10005");
  EXPECT_EQ(get(base(default_profile("KEYother")), "KEYother").body["data"].size(), 0u);

  auto d = del(base(profile) + "/" + id);
  ASSERT_EQ(d.status, 200) << d.raw;
  EXPECT_EQ(d.raw, "\"OK\"");
  EXPECT_EQ(get(base(profile) + "/" + id).code(), "10005");
  EXPECT_EQ(del(base(profile) + "/" + id).code(), "10005");
  EXPECT_EQ(put(base(profile) + "/" + id, R"({"op":"info","keywords":["X"],"country_code":"US"})").code(), "10005");
  EXPECT_EQ(get(base(profile)).body["data"].size(), 0u);
}

TEST_F(AutorespTest, ValidationErrorsUseTheEnvelope) {
  const std::string profile = default_profile();
  struct Case {
    std::string body;
    int status;
    std::string code, pointer;
  };
  const std::vector<Case> cases = {
      {R"({"keywords":["A"],"country_code":"US"})", 422, "10004", "/op"},
      {R"({"op":"stop","country_code":"US"})", 422, "10004", "/keywords"},
      {R"({"op":"stop","keywords":["A"]})", 422, "10004", "/country_code"},
      {R"({"op":"pause","keywords":["A"],"country_code":"US"})", 422, "10015", "/op"},
      {R"({"op":7,"keywords":["A"],"country_code":"US"})", 422, "10015", "/op"},
      {R"({"op":"stop","keywords":[],"country_code":"US"})", 422, "10015", "/keywords"},
      {R"({"op":"stop","keywords":"STOP","country_code":"US"})", 422, "10015", "/keywords"},
      {R"({"op":"stop","keywords":["A",5],"country_code":"US"})", 422, "10015", "/keywords/1"},
      {R"({"op":"stop","keywords":["  "],"country_code":"US"})", 422, "10015", "/keywords/0"},
      {R"({"op":"stop","keywords":["Quit","quit "],"country_code":"US"})", 422, "10015", "/keywords/1"},
      {R"({"op":"stop","keywords":["A"],"country_code":"usa"})", 422, "10015", "/country_code"},
      {R"({"op":"stop","keywords":["A"],"country_code":"US","resp_text":5})", 422, "10015", "/resp_text"},
      {"[1]", 400, "10015", ""},
      {"{nope", 400, "10015", ""},
  };
  for (const auto& c : cases) {
    auto r = post(base(profile), c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.raw;
    EXPECT_EQ(r.code(), c.code) << c.body;
    EXPECT_EQ(r.pointer(), c.pointer) << c.body;
  }
  EXPECT_EQ(get(base(profile)).body["data"].size(), 0u) << "nothing was created";

  // A keyword answers once per country: a second config with it is 409 10012, in another country fine.
  ASSERT_EQ(post(base(profile), R"({"op":"stop","keywords":["END NOW"],"country_code":"US"})").status, 200);
  auto clash = post(base(profile), R"({"op":"info","keywords":["end now"],"country_code":"US"})");
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(clash.code(), "10012");
  EXPECT_EQ(post(base(profile), R"({"op":"info","keywords":["end now"],"country_code":"GB"})").status, 200);

  EXPECT_EQ(post(base(kUnknown), R"({"op":"stop","keywords":["A"],"country_code":"US"})").code(), "10005");
  EXPECT_EQ(get(base(profile) + "/" + kUnknown).code(), "10005");
  EXPECT_EQ(get(base(profile) + "?created_at[gte]=yesterday").code(), "10015");
  EXPECT_EQ(get(base(profile), "bad").status, 401);
  EXPECT_EQ(patch(base(profile), "{}").status, 405);
}

TEST_F(AutorespTest, MatchingInboundTextsActAndAnswer) {
  const std::string profile = default_profile();
  const std::string own = own_number();
  const std::string hooks = receiver_->url() + "/hooks";
  ASSERT_EQ(patch("/v2/messaging_profiles/" + profile, json{{"webhook_url", hooks}}.dump()).status, 200);
  ASSERT_EQ(post(base(profile), R"({"op":"stop","keywords":["UNSUB"],"country_code":"US","resp_text":"You are unsubscribed."})").status, 200);
  ASSERT_EQ(post(base(profile), R"({"op":"start","keywords":["JOIN"],"country_code":"US","resp_text":"Welcome back."})").status, 200);
  ASSERT_EQ(post(base(profile), R"({"op":"info","keywords":["HELP"],"country_code":"US","resp_text":"Call 555-0100."})").status, 200);
  ASSERT_EQ(post(base(profile), R"({"op":"stop","keywords":["HALT"],"country_code":"GB","resp_text":"Bye."})").status, 200);

  // STOP-like keyword: opted out, answered from the receiving number.
  ASSERT_EQ(inbound(kConsumer, own, " unsub ").status, 200);
  auto outs = get("/v2/messaging_optouts");
  ASSERT_EQ(outs.body["data"].size(), 1u) << outs.raw;
  EXPECT_EQ(outs.body["data"][0]["from"], kConsumer);
  EXPECT_EQ(outs.body["data"][0]["keyword"], "unsub");
  json msgs = messages();
  ASSERT_EQ(msgs.size(), 2u);
  const json reply = msgs[0]["message"];
  EXPECT_EQ(reply["direction"], "outbound");
  EXPECT_EQ(reply["from"]["phone_number"], own);
  EXPECT_EQ(reply["to"][0]["phone_number"], kConsumer);
  EXPECT_EQ(reply["text"], "You are unsubscribed.");
  EXPECT_EQ(reply["messaging_profile_id"], profile);
  EXPECT_EQ(msgs[1]["message"]["direction"], "inbound");
  EXPECT_EQ(get("/v2/messages/" + reply["id"].get<std::string>()).status, 200);
  auto blocked = send({{"from", own}, {"to", kConsumer}, {"text", "promo"}});
  EXPECT_EQ(blocked.code(), "40300");

  // The answer has its own webhooks, to the profile's URL, like any outbound message.
  const std::string reply_id = reply["id"];
  ASSERT_TRUE(eventually([&] {
    int n = 0;
    for (const auto& r : rx_.all())
      if (r.json.is_object() && r.message_id() == reply_id) ++n;
    return n >= 2;
  })) << rx_.all().size();
  std::set<std::string> types;
  for (const auto& r : rx_.all())
    if (r.message_id() == reply_id) types.insert(r.event_type());
  EXPECT_TRUE(types.count("message.sent"));
  EXPECT_TRUE(types.count("message.finalized"));

  // info: answered, nothing changes.
  ASSERT_EQ(inbound(kConsumer, own, "help").status, 200);
  EXPECT_EQ(messages()[0]["message"]["text"], "Call 555-0100.");
  EXPECT_EQ(get("/v2/messaging_optouts").body["data"].size(), 1u);

  // start: the opt-out is lifted, and sends work again.
  ASSERT_EQ(inbound(kConsumer, own, "Join").status, 200);
  EXPECT_EQ(messages()[0]["message"]["text"], "Welcome back.");
  EXPECT_EQ(get("/v2/messaging_optouts").body["data"].size(), 0u);
  EXPECT_EQ(send({{"from", own}, {"to", kConsumer}, {"text", "promo"}}).status, 200);

  // A config of another country does not answer a US sender; neither does a text that is more than
  // the keyword. Built-in STOP without a config opts out and sends nothing.
  const size_t before = messages().size();
  ASSERT_EQ(inbound(kConsumer, own, "HALT").status, 200);
  ASSERT_EQ(inbound(kConsumer, own, "unsub please").status, 200);
  ASSERT_EQ(inbound(kConsumer, own, "STOP").status, 200);
  EXPECT_EQ(messages().size(), before + 3) << "three inbound, no answers";
  EXPECT_EQ(get("/v2/messaging_optouts").body["data"].size(), 1u);

  // The same keyword sent by a UK number gets the GB config.
  ASSERT_EQ(inbound("+447700900123", own, "halt").status, 200);
  EXPECT_EQ(messages()[0]["message"]["text"], "Bye.");
  EXPECT_EQ(messages()[0]["message"]["to"][0]["phone_number"], "+447700900123");
}

TEST_F(AutorespTest, ResetForgetsConfigs) {
  const std::string profile = default_profile();
  ASSERT_EQ(post(base(profile), R"({"op":"info","keywords":["HELP"],"country_code":"US","resp_text":"x"})").status, 200);
  ASSERT_EQ(wrap(client_->Post("/_mock/reset", "", "application/json")).status, 200);
  ASSERT_EQ(default_profile(), profile);
  EXPECT_EQ(get(base(profile)).body["data"].size(), 0u);
  ASSERT_EQ(inbound(kConsumer, own_number(), "HELP").status, 200);
  EXPECT_EQ(messages().size(), 1u) << "no answer after the reset";
}

}  // namespace
}  // namespace harness::mock::testing
