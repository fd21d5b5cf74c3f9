// The management flow against a small stateful fake: create_or_update a profile, search an
// area code, buy, find the number, assign it, then send from it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <mutex>

#include "client/client.h"
#include "fake_telnyx.h"
#include "support/scoped_server.h"

namespace harness::client {
namespace {

using core::json;
using harness::testing::ScopedServer;

class FakeManagement {
 public:
  explicit FakeManagement(httplib::Server& svr) {
    svr.Get("/v2/messaging_profiles", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      json data = json::array();
      std::string name = req.get_param_value("filter[name]");
      for (auto& [id, p] : profiles_)
        if (name.empty() || p["name"] == name) data.push_back(p);
      json meta = {{"page_number", 1}, {"page_size", 20}, {"total_pages", 1},
                   {"total_results", data.size()}};
      res.set_content(json{{"data", data}, {"meta", meta}}.dump(), "application/json");
    });
    svr.Post("/v2/messaging_profiles", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      json b = json::parse(req.body);
      if (!b.contains("whitelisted_destinations")) {
        res.status = 422;
        res.set_content(R"({"errors":[{"code":"10004","title":"Missing required parameter","source":{"pointer":"/whitelisted_destinations"}}]})", "application/json");
        return;
      }
      ++creates;
      std::string id = "400176aa-1b2c-4d3e-9f00-00000000000" + std::to_string(profiles_.size());
      json p = profile(id, b);
      profiles_[id] = p;
      res.set_content(json{{"data", p}}.dump(), "application/json");
    });
    svr.Patch(R"(/v2/messaging_profiles/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      auto it = profiles_.find(req.matches[1]);
      if (it == profiles_.end()) { res.status = 404; return; }
      ++updates;
      json b = json::parse(req.body);
      for (auto& [k, v] : b.items()) it->second[k] = v;
      res.set_content(json{{"data", it->second}}.dump(), "application/json");
    });
    svr.Get("/v2/available_phone_numbers", [this](const httplib::Request& req, httplib::Response& res) {
      last_search_ndc = req.get_param_value("filter[national_destination_code]");
      json data = json::array();
      for (const char* n : {"+13125550101", "+13125550102"})
        data.push_back({{"record_type", "available_phone_number"}, {"phone_number", n},
                        {"best_effort", false}, {"quickship", true}, {"reservable", true},
                        {"region_information", json::array()},
                        {"cost_information", {{"upfront_cost", "1.00"}, {"monthly_cost", "1.00"}, {"currency", "USD"}}},
                        {"features", json::array({{{"name", "sms"}}})}});
      res.set_content(json{{"data", data}, {"meta", {{"total_results", 2}, {"best_effort_results", 0}}}}.dump(),
                      "application/json");
    });
    svr.Post("/v2/number_orders", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      json b = json::parse(req.body);
      json pns = json::array();
      for (auto& pn : b["phone_numbers"]) {
        std::string number = pn["phone_number"];
        std::string id = std::to_string(1000 + numbers_.size());
        numbers_[id] = {{"record_type", "phone_number"}, {"id", id}, {"phone_number", number},
                        {"status", "active"}, {"messaging_profile_id", nullptr},
                        {"phone_number_type", "local"}, {"tags", json::array()},
                        {"country_iso_alpha2", "US"}, {"created_at", "2025-03-01T12:00:00.000+00:00"},
                        {"updated_at", "2025-03-01T12:00:00.000+00:00"}};
        pns.push_back({{"record_type", "number_order_phone_number"}, {"id", "o" + id},
                       {"phone_number", number}, {"phone_number_type", "local"}, {"status", "success"},
                       {"requirements_met", true}, {"requirements_status", "approved"},
                       {"country_code", "US"}});
      }
      json order = {{"record_type", "number_order"}, {"id", "ord-1"}, {"status", "success"},
                    {"phone_numbers_count", pns.size()}, {"phone_numbers", pns},
                    {"requirements_met", true}, {"sub_number_orders_ids", json::array()},
                    {"created_at", "2025-03-01T12:00:00.000+00:00"}, {"updated_at", "2025-03-01T12:00:00.000+00:00"}};
      res.set_content(json{{"data", order}}.dump(), "application/json");
    });
    svr.Get("/v2/phone_numbers", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      std::string filter = req.get_param_value("filter[phone_number]");
      json data = json::array();
      for (auto& [id, n] : numbers_)
        if (filter.empty() || n["phone_number"] == filter) data.push_back(n);
      json meta = {{"page_number", 1}, {"page_size", 20}, {"total_pages", 1},
                   {"total_results", data.size()}};
      res.set_content(json{{"data", data}, {"meta", meta}}.dump(), "application/json");
    });
    svr.Patch(R"(/v2/phone_numbers/([^/]+)/messaging)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      auto it = numbers_.find(req.matches[1]);
      if (it == numbers_.end()) {
        res.status = 404;
        res.set_content(R"({"errors":[{"code":"10005","title":"Resource not found"}]})", "application/json");
        return;
      }
      json b = json::parse(req.body);
      it->second["messaging_profile_id"] = b["messaging_profile_id"];
      json s = {{"record_type", "messaging_settings"}, {"id", it->first},
                {"phone_number", it->second["phone_number"]},
                {"messaging_profile_id", b["messaging_profile_id"]}, {"messaging_product", "P2P"},
                {"eligible_messaging_products", {"A2P", "P2P"}}, {"traffic_type", "P2P"},
                {"type", "long-code"}, {"country_code", "US"},
                {"features", {{"sms", nullptr}, {"mms", nullptr}}}, {"tags", json::array()},
                {"created_at", "2025-03-01T12:00:00.000+00:00"}, {"updated_at", "2025-03-01T12:00:00.000+00:00"}};
      res.set_content(json{{"data", s}}.dump(), "application/json");
    });
    svr.Post("/v2/messages", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lk(mu_);
      json b = json::parse(req.body);
      bool owned = false;
      for (auto& [id, n] : numbers_)
        if (n["phone_number"] == b.value("from", "") && !n["messaging_profile_id"].is_null()) owned = true;
      if (!owned) {
        res.status = 400;
        res.set_content(R"({"errors":[{"code":"40305","title":"Invalid 'from' address"}]})", "application/json");
        return;
      }
      res.set_content(harness::testing::message_json("m-mgmt", b["to"]), "application/json");
    });
  }
  int creates = 0, updates = 0;
  std::string last_search_ndc;

 private:
  static json profile(const std::string& id, const json& b) {
    return {{"record_type", "messaging_profile"}, {"id", id}, {"name", b["name"]},
            {"enabled", true}, {"webhook_url", b.value("webhook_url", json(nullptr))},
            {"webhook_failover_url", nullptr}, {"webhook_api_version", "2"},
            {"whitelisted_destinations", b["whitelisted_destinations"]},
            {"number_pool_settings", nullptr}, {"alpha_sender", nullptr},
            {"v1_secret", "s3cr3t"}, {"created_at", "2025-02-20T09:00:00.000+00:00"},
            {"updated_at", "2025-02-20T09:00:00.000+00:00"}};
  }
  std::mutex mu_;
  std::map<std::string, json> profiles_, numbers_;
};

struct Fixture {
  core::ManualClock clock;
  ManualSleeper sleeper{clock};
  ClientDeps deps() {
    ClientDeps d;
    d.clock = &clock;
    d.sleeper = &sleeper;
    d.rng_seed = 3;
    return d;
  }
};

// The client against FakeManagement on 127.0.0.1:0, with a ManualClock and sleeper.
class ManagementFlow : public ::testing::Test {
 protected:
  Config config() const {
    Config cfg;
    cfg.api_key = "KEYmgmt";
    cfg.base_url = s.url() + "/v2";
    return cfg;
  }

  httplib::Server svr;
  FakeManagement fake{svr};
  ScopedServer s{svr};
  Fixture f;
};

TEST_F(ManagementFlow, SearchBuyAssignSend) {
  Client c(config(), f.deps());

  ProfileParams pp;
  pp.name = "dealership-north";
  pp.webhook_url = "https://hooks.example.test/a";
  auto prof = c.create_or_update_profile(pp);
  ASSERT_TRUE(prof.ok()) << prof.error().summary();
  EXPECT_EQ(fake.creates, 1);
  pp.webhook_url = "https://hooks.example.test/b";
  auto again = c.create_or_update_profile(pp);
  ASSERT_TRUE(again.ok()) << again.error().summary();
  EXPECT_EQ(again->id, prof->id);
  EXPECT_EQ(again->webhook.url, "https://hooks.example.test/b");
  EXPECT_EQ(fake.creates, 1);
  EXPECT_EQ(fake.updates, 1);

  auto order = c.search_and_buy_first("312", prof->id);
  ASSERT_TRUE(order.ok()) << order.error().summary();
  EXPECT_EQ(fake.last_search_ndc, "312");
  ASSERT_EQ(order->phone_numbers.size(), 1u);
  const std::string number = order->phone_numbers[0].phone_number;
  EXPECT_EQ(number, "+13125550101");

  auto found = c.find_by_number(number);
  ASSERT_TRUE(found.ok()) << found.error().summary();
  ASSERT_TRUE(found->has_value());
  auto assigned = c.assign_to_messaging_profile((*found)->id, prof->id);
  ASSERT_TRUE(assigned.ok()) << assigned.error().summary();
  EXPECT_EQ(assigned->messaging_profile_id, prof->id);

  SendParams p;
  p.from = number;
  p.to = "+17735550188";
  p.text = "Your car is ready";
  auto sent = c.send(p);
  ASSERT_TRUE(sent.ok()) << sent.error().summary();
  EXPECT_EQ(sent->id, "m-mgmt");

  auto list = c.list_numbers();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->data.size(), 1u);
  auto profiles = c.list_profiles();
  ASSERT_TRUE(profiles.ok());
  EXPECT_EQ(profiles->data.size(), 1u);
  EXPECT_EQ(profiles->meta.total_results, 1);
}

TEST_F(ManagementFlow, FindersReturnNothingForUnknownNames) {
  Client c(config(), f.deps());
  auto p = c.find_profile_by_name("nobody");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  auto n = c.find_by_number("+19995550000");
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->has_value());
  auto a = c.assign_to_messaging_profile("424242", "x");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().http_status, 404);
  auto b = c.buy({});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().type, ErrorKind::Validation);
}

}  // namespace
}  // namespace harness::client
