// The Telnyx API surface of telnyx-mock over real sockets: every endpoint and its errors.
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

class ApiTest : public MockFixture {};

TEST_F(ApiTest, SendReturnsTelnyxShapedMessage) {
  const auto from = own_number();
  auto r = send({{"from", from}, {"to", "+17735550188"}, {"text", "Your code is 4821"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  const auto& d = r.body["data"];
  EXPECT_EQ(d["record_type"], "message");
  EXPECT_EQ(d["direction"], "outbound");
  EXPECT_EQ(d["type"], "SMS");
  EXPECT_EQ(d["from"]["phone_number"], from);
  EXPECT_EQ(d["to"][0]["phone_number"], "+17735550188");
  EXPECT_EQ(d["to"][0]["status"], "queued");
  EXPECT_EQ(d["encoding"], "GSM-7");
  EXPECT_EQ(d["parts"], 1);
  EXPECT_EQ(d["num_chars"], 17);
  EXPECT_TRUE(d["cost"].is_null());
  EXPECT_TRUE(d["sent_at"].is_null());
  EXPECT_TRUE(d["errors"].empty());
  EXPECT_EQ(d["received_at"], core::format_rfc3339(clock_.now()));
  EXPECT_FALSE(r.headers.find("x-request-id") == r.headers.end());
}

TEST_F(ApiTest, SendWithoutFromUsesDefaultProfilePoolInOpenMode) {
  auto r = send({{"to", "+17735550188"}, {"text", "hi"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["messaging_profile_id"], default_profile());
}

TEST_F(ApiTest, RetrieveShowsDefaultLifecycleWhenNoEngineIsAttached) {
  server_->set_webhook_sink(nullptr);   // detach the built-in webhook engine
  auto sent = send({{"from", own_number()}, {"to", "+17735550188"}, {"text", "hi"}});
  const std::string id = sent.body["data"]["id"];
  auto r = get("/v2/messages/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["data"]["to"][0]["status"], "queued");
  clock_.advance(std::chrono::milliseconds(600));
  r = get("/v2/messages/" + id);
  EXPECT_EQ(r.body["data"]["to"][0]["status"], "sent");
  EXPECT_FALSE(r.body["data"]["sent_at"].is_null());
  clock_.advance(std::chrono::seconds(1));
  r = get("/v2/messages/" + id);
  EXPECT_EQ(r.body["data"]["to"][0]["status"], "delivered");
  EXPECT_EQ(r.body["data"]["cost"]["amount"], "0.0040");
  EXPECT_FALSE(r.body["data"]["completed_at"].is_null());
}

TEST_F(ApiTest, UnknownMessageAndRetentionGive404) {
  EXPECT_EQ(get("/v2/messages/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f").code(), "10005");
  auto sent = send({{"from", own_number()}, {"to", "+17735550188"}, {"text", "hi"}});
  const std::string id = sent.body["data"]["id"];
  clock_.advance(std::chrono::hours(24 * 10 - 1));
  EXPECT_EQ(get("/v2/messages/" + id).status, 200);
  clock_.advance(std::chrono::hours(2));
  auto r = get("/v2/messages/" + id);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "10005");
}

TEST_F(ApiTest, SegmentationFieldsForUcs2AndMultipart) {
  const auto from = own_number();
  auto r = send({{"from", from}, {"to", "+17735550188"}, {"text", "Caf\xC3\xA7 \xE2\x82\xAC"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["encoding"], "UCS-2");
  r = send({{"from", from}, {"to", "+17735550188"}, {"text", std::string(161, 'a')}});
  EXPECT_EQ(r.body["data"]["parts"], 2);
  EXPECT_EQ(r.body["data"]["num_chars"], 161);
}

TEST_F(ApiTest, SendErrorsCarryTelnyxCodes) {
  const auto from = own_number();
  EXPECT_EQ(send({{"from", from}, {"to", "not-a-number"}, {"text", "x"}}).code(), "40310");
  EXPECT_EQ(send({{"from", from}, {"to", "+12"}, {"text", "x"}}).pointer(), "/to");
  EXPECT_EQ(send({{"from", "+13125550147"}, {"to", "+17735550188"}, {"text", "x"}}).code(), "40305");
  EXPECT_EQ(send({{"from", from}, {"to", "+17735550188"}}).code(), "40316");
  EXPECT_EQ(send({{"from", from}, {"to", "+17735550188"}, {"text", std::string(1531, 'a')}}).code(), "40302");
  auto gsm = send({{"from", from}, {"to", "+17735550188"}, {"text", "\xE2\x82\xAC"}, {"encoding", "gsm7"}});
  EXPECT_EQ(gsm.status, 400);
  EXPECT_EQ(gsm.code(), "10015");
  auto missing = post("/v2/messages", R"({"from":"+13125550147","text":"x"})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.code(), "10004");
  EXPECT_EQ(missing.pointer(), "/to");
  auto r = send({{"from", from}, {"to", "not-a-number"}, {"text", "x"}});
  EXPECT_EQ(r.status, 400);   // contract §12 default for 403xx
}

TEST_F(ApiTest, DisabledProfileAndWhitelist) {
  const auto from = own_number();
  const auto pid = default_profile();
  ASSERT_EQ(patch("/v2/messaging_profiles/" + pid, R"({"whitelisted_destinations":["CA"]})").status, 200);
  auto r = send({{"from", from}, {"to", "+17735550188"}, {"text", "x"}});
  EXPECT_EQ(r.code(), "40309");
  ASSERT_EQ(patch("/v2/messaging_profiles/" + pid, R"({"whitelisted_destinations":["US"],"enabled":false})").status, 200);
  EXPECT_EQ(send({{"from", from}, {"to", "+17735550188"}, {"text", "x"}}).code(), "40312");
}

TEST_F(ApiTest, TypedSendEndpoints) {
  const auto from = own_number();
  const auto pid = default_profile();
  EXPECT_EQ(post("/v2/messages/long_code", json({{"from", from}, {"to", "+17735550188"}, {"text", "x"}}).dump()).status, 200);
  EXPECT_EQ(post("/v2/messages/long_code", json({{"to", "+17735550188"}, {"text", "x"}}).dump()).pointer(), "/from");
  EXPECT_EQ(post("/v2/messages/short_code", json({{"from", from}, {"to", "+17735550188"}, {"text", "x"}}).dump()).code(), "40305");
  auto pool = post("/v2/messages/number_pool", json({{"messaging_profile_id", pid}, {"to", "+17735550188"}, {"text", "x"}}).dump());
  ASSERT_EQ(pool.status, 200) << pool.raw;
  EXPECT_EQ(pool.body["data"]["messaging_profile_id"], pid);
  EXPECT_EQ(post("/v2/messages/number_pool", json({{"to", "+17735550188"}, {"text", "x"}}).dump()).pointer(), "/messaging_profile_id");
  auto alpha = json({{"from", "ACME"}, {"to", "+17735550188"}, {"text", "x"}, {"messaging_profile_id", pid}});
  EXPECT_EQ(post("/v2/messages/alphanumeric_sender_id", alpha.dump()).code(), "40306");
  ASSERT_EQ(patch("/v2/messaging_profiles/" + pid, R"({"alpha_sender":"ACME"})").status, 200);
  auto ok = post("/v2/messages/alphanumeric_sender_id", alpha.dump());
  EXPECT_EQ(ok.status, 200) << ok.raw;
  alpha["from"] = "Bad_Sender!";
  EXPECT_EQ(post("/v2/messages/alphanumeric_sender_id", alpha.dump()).code(), "40325");
}

TEST_F(ApiTest, ProfilesCrudFilterAndPaging) {
  for (const char* name : {"alpha-one", "alpha-two", "beta"}) {
    auto r = post("/v2/messaging_profiles", json({{"name", name}, {"whitelisted_destinations", {"US"}}}).dump());
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["data"]["record_type"], "messaging_profile");
  }
  EXPECT_EQ(get("/v2/messaging_profiles").body["meta"]["total_results"], 4);
  EXPECT_EQ(get("/v2/messaging_profiles?filter%5Bname%5D%5Bcontains%5D=alpha").body["data"].size(), 2u);
  EXPECT_EQ(get("/v2/messaging_profiles?filter[name][eq]=beta").body["data"].size(), 1u);
  EXPECT_EQ(get("/v2/messaging_profiles?filter[name]=beta").body["data"].size(), 1u);
  auto page = get("/v2/messaging_profiles?page[number]=2&page[size]=3");
  EXPECT_EQ(page.body["data"].size(), 1u);
  EXPECT_EQ(page.body["meta"], json({{"page_number", 2}, {"page_size", 3}, {"total_pages", 2}, {"total_results", 4}}));
  auto bad = get("/v2/messaging_profiles?page[size]=0");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["errors"][0]["source"]["parameter"], "page[size]");

  const std::string id = get("/v2/messaging_profiles?filter[name]=beta").body["data"][0]["id"];
  auto up = patch("/v2/messaging_profiles/" + id, R"({"name":"gamma","webhook_url":"http://127.0.0.1:1/h"})");
  EXPECT_EQ(up.body["data"]["name"], "gamma");
  EXPECT_EQ(up.body["data"]["webhook_url"], "http://127.0.0.1:1/h");
  EXPECT_EQ(get("/v2/messaging_profiles/" + id).body["data"]["name"], "gamma");
  EXPECT_EQ(patch("/v2/messaging_profiles/" + id, R"({"enabled":"yes"})").pointer(), "/enabled");
  EXPECT_EQ(del("/v2/messaging_profiles/" + id).status, 200);
  EXPECT_EQ(get("/v2/messaging_profiles/" + id).code(), "10005");
  EXPECT_EQ(del("/v2/messaging_profiles/" + id).status, 404);
  EXPECT_EQ(post("/v2/messaging_profiles", R"({"whitelisted_destinations":["US"]})").pointer(), "/name");
  EXPECT_EQ(post("/v2/messaging_profiles", R"({"name":"x"})").pointer(), "/whitelisted_destinations");
}

TEST_F(ApiTest, AvailableNumbersOrderAssignAndSend) {
  auto avail = get("/v2/available_phone_numbers?filter[national_destination_code]=312&filter[limit]=3&filter[features]=sms,mms");
  ASSERT_EQ(avail.status, 200) << avail.raw;
  ASSERT_EQ(avail.body["data"].size(), 3u);
  EXPECT_EQ(avail.body["meta"]["total_results"], 3);
  const std::string num = avail.body["data"][0]["phone_number"];
  EXPECT_EQ(num.substr(0, 5), "+1312");
  auto starts = get("/v2/available_phone_numbers?filter[phone_number][starts_with]=" + num.substr(2, 6) + "&filter[national_destination_code]=312");
  EXPECT_EQ(starts.body["data"][0]["phone_number"], num);
  // Same seed, same inventory.
  EXPECT_EQ(get("/v2/available_phone_numbers?filter[national_destination_code]=312&filter[limit]=3").body["data"][0]["phone_number"], num);

  auto prof = post("/v2/messaging_profiles", R"({"name":"ordered","whitelisted_destinations":["US"]})");
  const std::string pid = prof.body["data"]["id"];
  auto order = post("/v2/number_orders", json({{"phone_numbers", {{{"phone_number", num}}}}}).dump());
  ASSERT_EQ(order.status, 200) << order.raw;
  EXPECT_EQ(order.body["data"]["status"], "success");
  EXPECT_EQ(order.body["data"]["phone_numbers_count"], 1);
  const std::string oid = order.body["data"]["id"];
  EXPECT_EQ(get("/v2/number_orders/" + oid).body["data"]["phone_numbers"][0]["phone_number"], num);
  EXPECT_EQ(post("/v2/number_orders", json({{"phone_numbers", {{{"phone_number", num}}}}}).dump()).code(), "10012");
  // Ordered numbers leave the inventory.
  auto again = get("/v2/available_phone_numbers?filter[national_destination_code]=312&filter[limit]=3");
  EXPECT_NE(again.body["data"][0]["phone_number"], num);

  auto listed = get("/v2/phone_numbers?filter[phone_number]=" + num.substr(1));
  ASSERT_EQ(listed.body["data"].size(), 1u);
  const std::string nid = listed.body["data"][0]["id"];
  EXPECT_TRUE(listed.body["data"][0]["messaging_profile_id"].is_null());
  EXPECT_EQ(send({{"from", num}, {"to", "+17735550188"}, {"text", "x"}}).code(), "40305");

  auto assigned = patch("/v2/phone_numbers/" + nid + "/messaging", json({{"messaging_profile_id", pid}}).dump());
  ASSERT_EQ(assigned.status, 200) << assigned.raw;
  EXPECT_EQ(assigned.body["data"]["messaging_profile_id"], pid);
  EXPECT_EQ(get("/v2/phone_numbers/" + nid + "/messaging").body["data"]["messaging_profile_id"], pid);
  EXPECT_EQ(get("/v2/messaging_profiles/" + pid + "/phone_numbers").body["data"][0]["phone_number"], num);
  auto sent = send({{"from", num}, {"to", "+17735550188"}, {"text", "x"}});
  EXPECT_EQ(sent.status, 200) << sent.raw;
  EXPECT_EQ(sent.body["data"]["messaging_profile_id"], pid);

  EXPECT_EQ(patch("/v2/phone_numbers/" + nid + "/messaging", R"({"messaging_profile_id":null})").body["data"]["messaging_profile_id"], pid);
  EXPECT_TRUE(patch("/v2/phone_numbers/" + nid + "/messaging", R"({"messaging_profile_id":""})").body["data"]["messaging_profile_id"].is_null());
  EXPECT_EQ(patch("/v2/phone_numbers/" + nid + "/messaging", R"({"messaging_profile_id":"nope"})").code(), "10017");
  EXPECT_EQ(get("/v2/phone_numbers/999/messaging").code(), "10005");
}

TEST_F(ApiTest, ProfileStoresEveryPublishedField) {
  auto r = post("/v2/messaging_profiles", R"({"name":"full","whitelisted_destinations":["US"],
    "url_shortener_settings":{"domain":"acct.fyi","prefix":"cmpny","send_webhooks":false},
    "ai_assistant_id":"assistant-1","health_webhook_url":"https://example.test/health","resource_group_id":"rg-1",
    "redaction_enabled":true,"redaction_level":1,"daily_spend_limit":"25.00"})");
  ASSERT_EQ(r.status, 200) << r.raw;
  const auto& d = r.body["data"];
  EXPECT_EQ(d["url_shortener_settings"], json::parse(R"({"domain":"acct.fyi","prefix":"cmpny","send_webhooks":false})"));
  EXPECT_EQ(d["ai_assistant_id"], "assistant-1");
  EXPECT_EQ(d["health_webhook_url"], "https://example.test/health");
  EXPECT_EQ(d["resource_group_id"], "rg-1");
  EXPECT_EQ(d["redaction_enabled"], true);
  EXPECT_EQ(d["redaction_level"], 1);
  EXPECT_EQ(d["daily_spend_limit"], "25.00");
  // v1_secret is a string in the spec: generated when not given, never null.
  ASSERT_TRUE(d["v1_secret"].is_string());
  EXPECT_EQ(d["v1_secret"].get<std::string>().size(), 32u);
  const std::string id = d["id"];
  EXPECT_EQ(get("/v2/messaging_profiles/" + id).body["data"]["resource_group_id"], "rg-1");

  auto up = patch("/v2/messaging_profiles/" + id, R"({"url_shortener_settings":null,"ai_assistant_id":null,"daily_spend_limit":null})");
  ASSERT_EQ(up.status, 200) << up.raw;
  EXPECT_TRUE(up.body["data"]["url_shortener_settings"].is_null());
  EXPECT_TRUE(up.body["data"]["ai_assistant_id"].is_null());
  EXPECT_FALSE(up.body["data"].contains("daily_spend_limit"));   // a string when set, absent when not

  EXPECT_EQ(patch("/v2/messaging_profiles/" + id, R"({"url_shortener_settings":{"prefix":"x"}})").pointer(),
            "/url_shortener_settings");
  EXPECT_EQ(patch("/v2/messaging_profiles/" + id, R"({"redaction_level":3})").pointer(), "/redaction_level");
  EXPECT_EQ(patch("/v2/messaging_profiles/" + id, R"({"daily_spend_limit":12})").pointer(), "/daily_spend_limit");
  EXPECT_EQ(patch("/v2/messaging_profiles/" + id, R"({"daily_spend_limit":"1.2.3"})").pointer(), "/daily_spend_limit");
  EXPECT_EQ(patch("/v2/messaging_profiles/" + id, R"({"v1_secret":5})").pointer(), "/v1_secret");
}

TEST_F(ApiTest, NumberRecordsCarryThePublishedFields) {
  const std::string num = get("/v2/available_phone_numbers?filter[national_destination_code]=415&filter[limit]=1")
                              .body["data"][0]["phone_number"];
  auto order = post("/v2/number_orders", json({{"phone_numbers", {{{"phone_number", num}}}}, {"customer_reference", "ref-9"}}).dump());
  ASSERT_EQ(order.status, 200) << order.raw;
  const auto& o = order.body["data"];
  // Spec strings are absent while unset, never null.
  for (const char* k : {"billing_group_id", "connection_id", "messaging_profile_id"}) EXPECT_FALSE(o.contains(k)) << k;
  EXPECT_EQ(o["customer_reference"], "ref-9");
  EXPECT_EQ(o["phone_numbers"][0]["country_iso_alpha2"], "US");
  EXPECT_FALSE(o["phone_numbers"][0].contains("bundle_id"));
  // List items carry the numbers as {id, phone_number} only.
  const auto listed = get("/v2/number_orders").body["data"][0]["phone_numbers"][0];
  EXPECT_EQ(listed, json({{"id", o["phone_numbers"][0]["id"]}, {"phone_number", num}}));

  const auto n = get("/v2/phone_numbers?filter[phone_number]=" + num.substr(1)).body["data"][0];
  EXPECT_TRUE(n["external_pin"].is_null());
  EXPECT_EQ(n["deletion_lock_enabled"], false);
  EXPECT_EQ(n["source_type"], "number_order");
  EXPECT_EQ(n["customer_reference"], "ref-9");
  EXPECT_EQ(n["activated_at"], n["purchased_at"]);
  EXPECT_EQ(n["emergency_status"], "disabled");
  EXPECT_EQ(n["inbound_call_screening"], "disabled");
  EXPECT_EQ(get("/v2/phone_numbers/" + n["id"].get<std::string>()).body["data"], n);
  // The open tenant's own numbers were not ordered.
  const auto own = get("/v2/phone_numbers?filter[phone_number]=" + own_number().substr(1)).body["data"][0];
  EXPECT_TRUE(own["source_type"].is_null());

  // Messaging settings carry the organization the tenant's messages carry.
  auto sent = send({{"from", own_number()}, {"to", "+17735550188"}, {"text", "org"}});
  ASSERT_EQ(sent.status, 200) << sent.raw;
  const std::string org = sent.body["data"]["organization_id"];
  EXPECT_EQ(get("/v2/phone_numbers/" + own["id"].get<std::string>() + "/messaging").body["data"]["organization_id"], org);
  const std::string pid = own["messaging_profile_id"];
  EXPECT_EQ(get("/v2/messaging_profiles/" + pid + "/phone_numbers").body["data"][0]["organization_id"], org);
  // Available numbers have no vanity format: absent, not null.
  EXPECT_FALSE(get("/v2/available_phone_numbers?filter[limit]=1").body["data"][0].contains("vanity_format"));
}

TEST_F(ApiTest, StopKeywordOptsOutUntilStart) {
  const auto own = own_number();
  const std::string consumer = "+17735550188";
  auto inbound = [&](const std::string& text) {
    auto r = post("/_mock/inbound", json({{"from", consumer}, {"to", own}, {"text", text}}).dump());
    ASSERT_EQ(r.status, 200) << r.raw;
  };
  inbound("hello");   // not a keyword
  EXPECT_EQ(get("/v2/messaging_optouts").body["data"].size(), 0u);
  inbound(" unsubscribe\n");
  auto list = get("/v2/messaging_optouts");
  ASSERT_EQ(list.body["data"].size(), 1u) << list.raw;
  const auto& o = list.body["data"][0];
  EXPECT_EQ(o["from"], consumer);
  EXPECT_EQ(o["to"], own);
  EXPECT_EQ(o["keyword"], "unsubscribe");
  EXPECT_EQ(o["messaging_profile_id"], default_profile());
  EXPECT_EQ(o["created_at"], core::format_rfc3339(clock_.now()));
  EXPECT_EQ(get("/v2/messaging_optouts?filter[from]=%2B10000000000").body["data"].size(), 0u);
  EXPECT_EQ(get("/v2/messaging_optouts?filter[messaging_profile_id]=" + default_profile()).body["data"].size(), 1u);
  // Every number of the profile is blocked for that recipient; other recipients and tenants are not.
  EXPECT_EQ(send({{"from", own}, {"to", consumer}, {"text", "x"}}).code(), "40300");
  EXPECT_EQ(send({{"to", consumer}, {"text", "pool"}}).code(), "40300");
  EXPECT_EQ(send({{"from", own}, {"to", "+17735550199"}, {"text", "x"}}).status, 200);
  EXPECT_EQ(send({{"from", own_number("KEYother")}, {"to", consumer}, {"text", "x"}}, "KEYother").status, 200);
  EXPECT_EQ(get("/v2/messaging_optouts", "KEYother").body["data"].size(), 0u);
  inbound("STOP");    // again: still one record
  EXPECT_EQ(get("/v2/messaging_optouts").body["data"].size(), 1u);
  inbound("HELP");    // changes nothing
  EXPECT_EQ(send({{"from", own}, {"to", consumer}, {"text", "x"}}).code(), "40300");
  inbound("Start");
  EXPECT_EQ(get("/v2/messaging_optouts").body["data"].size(), 0u);
  EXPECT_EQ(send({{"from", own}, {"to", consumer}, {"text", "x"}}).status, 200);
}

TEST_F(ApiTest, PhoneNumberUpdateDeleteSlimAndMessagingList) {
  const auto numbers = get("/v2/phone_numbers").body["data"];
  ASSERT_GE(numbers.size(), 2u);
  const std::string id = numbers[0]["id"];
  auto up = patch("/v2/phone_numbers/" + id,
                  R"({"tags":["a","b"],"customer_reference":"ref","external_pin":"4321","hd_voice_enabled":true,"connection_id":"c1"})");
  ASSERT_EQ(up.status, 200) << up.raw;
  EXPECT_EQ(up.body["data"]["tags"], json::parse(R"(["a","b"])"));
  EXPECT_EQ(up.body["data"]["external_pin"], "4321");
  EXPECT_EQ(up.body["data"]["hd_voice_enabled"], true);
  EXPECT_EQ(up.body["data"]["messaging_profile_id"], numbers[0]["messaging_profile_id"]);
  EXPECT_EQ(get("/v2/phone_numbers/" + id).body["data"]["customer_reference"], "ref");
  EXPECT_TRUE(patch("/v2/phone_numbers/" + id, R"({"customer_reference":null})").body["data"]["customer_reference"].is_null());
  EXPECT_EQ(patch("/v2/phone_numbers/" + id, R"({"tags":[1]})").pointer(), "/tags");
  EXPECT_EQ(patch("/v2/phone_numbers/" + id, R"({"hd_voice_enabled":"yes"})").pointer(), "/hd_voice_enabled");
  EXPECT_EQ(patch("/v2/phone_numbers/" + id, R"({"external_pin":5})").pointer(), "/external_pin");
  EXPECT_EQ(get("/v2/phone_numbers/" + id).body["data"]["hd_voice_enabled"], true);   // bad patches changed nothing
  EXPECT_EQ(patch("/v2/phone_numbers/999", "{}").code(), "10005");

  // Slim: no profile, tags or nullable strings; a set string is there.
  const auto slim = get("/v2/phone_numbers/slim").body["data"][0];
  EXPECT_FALSE(slim.contains("messaging_profile_id"));
  EXPECT_FALSE(slim.contains("tags"));
  EXPECT_FALSE(slim.contains("customer_reference"));
  EXPECT_EQ(slim["connection_id"], "c1");
  EXPECT_EQ(get("/v2/phone_numbers/messaging").body["meta"]["total_results"], numbers.size());
  EXPECT_EQ(get("/v2/phone_numbers/messaging?filter[phone_number]=" + numbers[1]["phone_number"].get<std::string>())
                .body["data"][0]["id"], numbers[1]["id"]);

  const std::string gone_id = numbers[1]["id"];
  const std::string gone_number = numbers[1]["phone_number"];
  auto gone = del("/v2/phone_numbers/" + gone_id);
  ASSERT_EQ(gone.status, 200) << gone.raw;
  EXPECT_EQ(gone.body["data"]["status"], "deleted");
  EXPECT_EQ(gone.body["data"]["phone_number"], gone_number);
  EXPECT_FALSE(gone.body["data"].contains("source_type"));
  EXPECT_EQ(del("/v2/phone_numbers/" + gone_id).status, 404);
  EXPECT_EQ(get("/v2/phone_numbers").body["data"].size(), numbers.size() - 1);
  EXPECT_EQ(send({{"from", gone_number}, {"to", "+17735550188"}, {"text", "x"}}).code(), "40305");
  // Back for sale: another tenant can order it.
  auto order = post("/v2/number_orders", json({{"phone_numbers", {{{"phone_number", gone_number}}}}}).dump(), "KEYother");
  EXPECT_EQ(order.status, 200) << order.raw;
}

TEST_F(ApiTest, OrderUpdateRegenerateSecretAndCancel) {
  const std::string num = get("/v2/available_phone_numbers?filter[national_destination_code]=646&filter[limit]=1")
                              .body["data"][0]["phone_number"];
  const std::string oid = post("/v2/number_orders", json({{"phone_numbers", {{{"phone_number", num}}}}}).dump()).body["data"]["id"];
  auto up = patch("/v2/number_orders/" + oid, R"({"customer_reference":"new-ref","regulatory_requirements":[]})");
  ASSERT_EQ(up.status, 200) << up.raw;
  EXPECT_EQ(up.body["data"]["customer_reference"], "new-ref");
  EXPECT_EQ(get("/v2/number_orders/" + oid).body["data"]["customer_reference"], "new-ref");
  EXPECT_EQ(patch("/v2/number_orders/" + oid, R"({"customer_reference":1})").pointer(), "/customer_reference");
  EXPECT_EQ(patch("/v2/number_orders/" + oid, R"({"regulatory_requirements":{}})").pointer(), "/regulatory_requirements");
  EXPECT_EQ(patch("/v2/number_orders/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f", "{}").status, 404);

  const auto pid = default_profile();
  const std::string before = get("/v2/messaging_profiles/" + pid).body["data"]["v1_secret"];
  auto regen = post("/v2/messaging_profiles/" + pid + "/actions/regenerate_secret", "");
  ASSERT_EQ(regen.status, 200) << regen.raw;
  EXPECT_NE(regen.body["data"]["v1_secret"], before);
  EXPECT_EQ(get("/v2/messaging_profiles/" + pid).body["data"]["v1_secret"], regen.body["data"]["v1_secret"]);
  EXPECT_EQ(post("/v2/messaging_profiles/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f/actions/regenerate_secret", "").status, 404);

  EXPECT_EQ(get("/v2/messaging_profiles/" + pid + "/alphanumeric_sender_ids").body["data"].size(), 0u);
  patch("/v2/messaging_profiles/" + pid, R"({"alpha_sender":"Acme"})");
  const auto ids = get("/v2/messaging_profiles/" + pid + "/alphanumeric_sender_ids").body["data"];
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0]["alphanumeric_sender_id"], "Acme");
  EXPECT_EQ(ids[0]["messaging_profile_id"], pid);

  // A message sent at once was never scheduled: it cannot be cancelled (403); an unknown one is 404
  // (scheduling itself: scheduled_test.cpp).
  const std::string mid = send({{"from", own_number()}, {"to", "+17735550188"}, {"text", "x"}}).body["data"]["id"];
  auto cancel = del("/v2/messages/" + mid);
  EXPECT_EQ(cancel.status, 403);
  EXPECT_EQ(cancel.code(), "10010");
  EXPECT_EQ(del("/v2/messages/4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f").code(), "10005");
  // Sub-paths the mock does not implement are unknown routes.
  EXPECT_EQ(get("/v2/messaging_profiles/" + pid + "/campaigns").code(), "10005");
}

class ShortCodeTest : public MockFixture {
 protected:
  ShortCodeTest() {
    opts_.config_yaml = R"(
tenants:
  - name: acme
    api_keys: [KEYacme]
    profiles:
      - name: main
        id: 400176aa-1b2c-4d3e-9f00-11aa22bb33cc
        whitelisted_destinations: [US]
        numbers: ["+13125550147", "24273"]
      - name: other
        id: 500176aa-1b2c-4d3e-9f00-11aa22bb33cc
        whitelisted_destinations: [US]
)";
  }
};

TEST_F(ShortCodeTest, ListedRetrievedMovedAndSentFrom) {
  const std::string key = "KEYacme";
  auto list = get("/v2/short_codes", key);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["data"].size(), 1u);
  const auto& sc = list.body["data"][0];
  EXPECT_EQ(sc["record_type"], "short_code");
  EXPECT_EQ(sc["short_code"], "24273");
  EXPECT_EQ(sc["messaging_profile_id"], "400176aa-1b2c-4d3e-9f00-11aa22bb33cc");
  const std::string id = sc["id"];
  EXPECT_EQ(get("/v2/short_codes/" + id, key).body["data"]["short_code"], "24273");
  EXPECT_EQ(get("/v2/phone_numbers", key).body["data"].size(), 1u);   // short codes are not phone numbers
  EXPECT_EQ(get("/v2/phone_numbers/" + id, key).status, 404);
  EXPECT_EQ(get("/v2/messaging_profiles/400176aa-1b2c-4d3e-9f00-11aa22bb33cc/short_codes", key).body["data"].size(), 1u);

  auto sent = post("/v2/messages/short_code", R"({"from":"24273","to":"+17735550188","text":"code 1"})", key);
  ASSERT_EQ(sent.status, 200) << sent.raw;
  EXPECT_EQ(sent.body["data"]["from"]["phone_number"], "24273");

  auto moved = patch("/v2/short_codes/" + id, R"({"messaging_profile_id":"500176aa-1b2c-4d3e-9f00-11aa22bb33cc","tags":["t"]})", key);
  ASSERT_EQ(moved.status, 200) << moved.raw;
  EXPECT_EQ(moved.body["data"]["tags"], json::parse(R"(["t"])"));
  EXPECT_EQ(get("/v2/short_codes?filter[messaging_profile_id]=500176aa-1b2c-4d3e-9f00-11aa22bb33cc", key).body["data"].size(), 1u);
  EXPECT_EQ(patch("/v2/short_codes/" + id, "{}", key).pointer(), "/messaging_profile_id");
  EXPECT_EQ(patch("/v2/short_codes/" + id, R"({"messaging_profile_id":"nope"})", key).code(), "10017");
  EXPECT_EQ(patch("/v2/short_codes/" + id, R"({"messaging_profile_id":"","tags":"t"})", key).pointer(), "/tags");
  EXPECT_TRUE(patch("/v2/short_codes/" + id, R"({"messaging_profile_id":""})", key).body["data"]["messaging_profile_id"].is_null());
  EXPECT_EQ(get("/v2/short_codes/123", key).code(), "10005");
}

TEST_F(ApiTest, NumberOrderValidation) {
  EXPECT_EQ(post("/v2/number_orders", "{}").pointer(), "/phone_numbers");
  EXPECT_EQ(post("/v2/number_orders", R"({"phone_numbers":[{"phone_number":"555"}]})").code(), "10016");
  EXPECT_EQ(post("/v2/number_orders", R"({"phone_numbers":[{"phone_number":"+13125550100"}],"messaging_profile_id":"x"})").code(), "10017");
  EXPECT_EQ(get("/v2/number_orders/nope").status, 404);
}

}  // namespace
}  // namespace harness::mock::testing
