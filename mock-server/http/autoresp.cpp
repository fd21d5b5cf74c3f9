// Autoresponse configs: /v2/messaging_profiles/{profile_id}/autoresp_configs (list, create) and
// /{id} (retrieve, replace with PUT, delete; Telnyx answers a delete with the JSON string "OK"),
// and what they do: an inbound text matching a config's keyword, from a number of its country,
// applies its op (stop records an opt-out of the sender from the profile, start removes it, info
// changes nothing) and sends its resp_text back from the receiving number as an ordinary outbound
// message (stored, with its webhooks). Inbound texts no config matches keep the built-in STOP /
// START keywords, which send nothing.
#include <atomic>
#include "core/e164.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "core/rng.h"
#include "http/api.h"
#include "http/listing.h"

namespace harness::mock {
namespace {

constexpr size_t kMaxKeywords = 100;
constexpr size_t kMaxKeywordBytes = 100;
constexpr size_t kMaxRespText = 1600;

std::string new_config_id() {
  static std::atomic<uint64_t> streams{0};
  thread_local core::Rng rng(core::stable_hash("autoresp-config") + streams.fetch_add(1));
  return core::uuid_v4(rng);
}

core::json config_json(const AutorespConfig& c) {
  core::json j = {{"id", c.id},
                  {"op", c.op},
                  {"keywords", c.keywords},
                  {"country_code", c.country_code},
                  {"created_at", c.created_at},
                  {"updated_at", c.updated_at}};
  if (c.resp_text) j["resp_text"] = *c.resp_text;
  return j;
}

class FrontResponder final : public InboundResponder {
 public:
  explicit FrontResponder(std::function<bool(const std::string&, const core::Message&, core::TimePoint)> f)
      : f_(std::move(f)) {}
  bool respond(const std::string& tenant, const core::Message& inbound, core::TimePoint at) override {
    return f_(tenant, inbound, at);
  }

 private:
  std::function<bool(const std::string&, const core::Message&, core::TimePoint)> f_;
};

}  // namespace

void HttpFront::init_autoresp() {
  autoresp_ = std::make_shared<AutorespConfigs>();
  control_.on_reset([weak = std::weak_ptr<AutorespConfigs>(autoresp_)] {
    if (auto a = weak.lock()) a->clear();
  });
  responder_ = std::make_shared<FrontResponder>(
      [this](const std::string& tenant, const core::Message& m, core::TimePoint at) { return autorespond(tenant, m, at); });
}

// Reads op, keywords, country_code and resp_text; false after sending the error.
bool HttpFront::read_autoresp(ApiContext& ctx, AutorespConfig& c) {
  if (!require_object(ctx)) return false;
  const core::json& b = *ctx.body;
  auto invalid = [&](const std::string& pointer, const std::string& detail) {
    error(ctx, 10015, detail, pointer, std::nullopt, 422);
    return false;
  };
  for (const char* f : {"op", "keywords", "country_code"}) {
    if (!b.contains(f) || b[f].is_null()) {
      error(ctx, 10004, std::string("The '") + f + "' parameter is required.", std::string("/") + f);
      return false;
    }
  }
  if (!b["op"].is_string()) return invalid("/op", "'op' must be one of start, stop, info.");
  c.op = b["op"].get<std::string>();
  if (c.op != "start" && c.op != "stop" && c.op != "info") return invalid("/op", "'op' must be one of start, stop, info.");
  const core::json& kw = b["keywords"];
  if (!kw.is_array() || kw.empty() || kw.size() > kMaxKeywords) {
    return invalid("/keywords", "'keywords' must be a list of 1 to " + std::to_string(kMaxKeywords) + " words.");
  }
  c.keywords.clear();
  for (size_t i = 0; i < kw.size(); ++i) {
    const std::string where = "/keywords/" + std::to_string(i);
    if (!kw[i].is_string()) return invalid(where, "Every keyword must be a string.");
    const std::string k = kw[i].get<std::string>();
    const std::string norm = AutorespConfigs::normalize(k);
    if (norm.empty() || k.size() > kMaxKeywordBytes) {
      return invalid(where, "A keyword must have 1 to " + std::to_string(kMaxKeywordBytes) + " characters besides spaces.");
    }
    for (const auto& prev : c.keywords) {
      if (AutorespConfigs::normalize(prev) == norm) return invalid(where, "The keyword '" + k + "' is listed twice.");
    }
    c.keywords.push_back(k);
  }
  const core::json& cc = b["country_code"];
  const auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
  if (!cc.is_string() || cc.get<std::string>().size() != 2 || !upper(cc.get<std::string>()[0]) ||
      !upper(cc.get<std::string>()[1])) {
    return invalid("/country_code", "'country_code' must be an ISO 3166-1 alpha-2 code such as US.");
  }
  c.country_code = cc.get<std::string>();
  c.resp_text.reset();
  if (b.contains("resp_text") && !b["resp_text"].is_null()) {
    if (!b["resp_text"].is_string()) return invalid("/resp_text", "'resp_text' must be a string.");
    const std::string text = b["resp_text"].get<std::string>();
    if (text.size() > kMaxRespText || !core::segment(text).ok()) {
      return invalid("/resp_text", "'resp_text' must be valid UTF-8 text of at most " + std::to_string(kMaxRespText) + " bytes.");
    }
    c.resp_text = text;
  }
  return true;
}

bool HttpFront::autoresp_profile(ApiContext& ctx) {
  const std::string id = ctx.m[1];
  if (store_.get_profile(ctx.tenant, id)) return true;
  not_found(ctx, "Messaging profile " + id);
  return false;
}

void HttpFront::list_autoresp(ApiContext& ctx) {
  if (!autoresp_profile(ctx)) return;
  core::PageRequest pr;
  if (!page(ctx, pr)) return;
  // Filters: country_code, created_at[gte|lte], updated_at[gte|lte] (RFC 3339).
  std::vector<std::pair<std::string, core::TimePoint>> bounds;
  for (const char* p : {"created_at[gte]", "created_at[lte]", "updated_at[gte]", "updated_at[lte]"}) {
    auto v = param(ctx, p);
    if (!v) continue;
    auto t = core::parse_rfc3339(*v);
    if (!t) return error(ctx, 10015, std::string(p) + " must be an ISO 8601 date-time.", std::nullopt, std::string(p), 400);
    bounds.emplace_back(p, *t);
  }
  const auto country = param(ctx, "country_code");
  auto all = autoresp_->list(ctx.tenant, ctx.m[1]);
  all.erase(std::remove_if(all.begin(), all.end(), [&](const AutorespConfig& c) {
              if (country && c.country_code != *country) return true;
              for (const auto& [name, t] : bounds) {
                const core::TimePoint at = name[0] == 'c' ? c.created : c.updated;
                if (name.find("gte") != std::string::npos ? at < t : at > t) return true;
              }
              return false;
            }),
            all.end());
  send_page(ctx, pr, all, config_json);
}

void HttpFront::create_autoresp(ApiContext& ctx) {
  if (!autoresp_profile(ctx)) return;
  AutorespConfig c;
  if (!read_autoresp(ctx, c)) return;
  if (auto clash = autoresp_->conflict(ctx.tenant, ctx.m[1], c.keywords, c.country_code, "")) {
    return error(ctx, 10012, "The keyword '" + clash->second + "' already belongs to autoresponse config " +
                 clash->first.id + " for " + c.country_code + ".", "/keywords");
  }
  c.id = new_config_id();
  c.created = c.updated = clock_.now();
  c.created_at = c.updated_at = core::format_rfc3339(c.created);
  if (!autoresp_->add(ctx.tenant, ctx.m[1], c)) {
    return error(ctx, 10015, "A messaging profile holds at most " + std::to_string(AutorespConfigs::kMaxPerProfile) +
                 " autoresponse configs.", std::nullopt, std::nullopt, 422);
  }
  send_data(ctx, config_json(c));
}

void HttpFront::get_autoresp(ApiContext& ctx) {
  if (!autoresp_profile(ctx)) return;
  if (auto c = autoresp_->get(ctx.tenant, ctx.m[1], ctx.m[2])) return send_data(ctx, config_json(*c));
  not_found(ctx, "Autoresponse config " + ctx.m[2].str());
}

void HttpFront::update_autoresp(ApiContext& ctx) {
  if (!autoresp_profile(ctx)) return;
  const std::string id = ctx.m[2];
  if (!autoresp_->get(ctx.tenant, ctx.m[1], id)) return not_found(ctx, "Autoresponse config " + id);
  AutorespConfig c;
  if (!read_autoresp(ctx, c)) return;
  if (auto clash = autoresp_->conflict(ctx.tenant, ctx.m[1], c.keywords, c.country_code, id)) {
    return error(ctx, 10012, "The keyword '" + clash->second + "' already belongs to autoresponse config " +
                 clash->first.id + " for " + c.country_code + ".", "/keywords");
  }
  c.id = id;
  c.updated = clock_.now();
  c.updated_at = core::format_rfc3339(c.updated);
  if (auto done = autoresp_->replace(ctx.tenant, ctx.m[1], c)) return send_data(ctx, config_json(*done));
  not_found(ctx, "Autoresponse config " + id);
}

void HttpFront::delete_autoresp(ApiContext& ctx) {
  if (!autoresp_profile(ctx)) return;
  if (!autoresp_->remove(ctx.tenant, ctx.m[1], ctx.m[2])) {
    return not_found(ctx, "Autoresponse config " + ctx.m[2].str());
  }
  ctx.res.status = 200;
  set_json(ctx.res, "\"OK\"");
}

bool HttpFront::autorespond(const std::string& tenant, const core::Message& inbound, core::TimePoint at) {
  if (!inbound.messaging_profile_id || inbound.to.empty() || !inbound.text) return false;
  const std::string& profile_id = *inbound.messaging_profile_id;
  const std::string& sender = inbound.from.phone_number;
  const std::string& own = inbound.to.front().phone_number;
  auto hit = autoresp_->match(tenant, profile_id, *inbound.text, core::region_of(sender));
  if (!hit) return false;
  const AutorespConfig& c = hit->first;
  if (c.op == "stop") store_.record_keyword(tenant, sender, own, profile_id, Store::Keyword::Stop, hit->second, at);
  if (c.op == "start") store_.record_keyword(tenant, sender, own, profile_id, Store::Keyword::Start, hit->second, at);
  if (!c.resp_text || c.resp_text->empty()) return true;
  auto profile = store_.sender_profile(tenant, profile_id);
  if (!profile) return true;
  core::SendRequest r;
  r.to = sender;
  r.from = own;
  r.text = c.resp_text;
  auto seg = core::segment(*c.resp_text);
  if (!seg.ok()) return true;   // checked when the config was written
  start_outbound(tenant, build_outbound(*profile, own, r, "SMS", seg.value()), routing_for(profile->webhook, r), std::nullopt, {});
  return true;
}

}  // namespace harness::mock
