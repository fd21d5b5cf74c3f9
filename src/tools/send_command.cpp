#include "tools/send_command.h"

#include <fstream>
#include <ostream>

#include "tools/exit_codes.h"

namespace harness::tools {

using core::json;

std::optional<core::EncodingPreference> parse_encoding(const std::string& s) {
  if (s == "auto") return core::EncodingPreference::Auto;
  if (s == "gsm7") return core::EncodingPreference::Gsm7;
  if (s == "ucs2") return core::EncodingPreference::Ucs2;
  return std::nullopt;
}

std::string error_json(const client::Error& e) {
  json j = {{"type", std::string(client::to_string(e.type))}, {"http_status", e.http_status},
            {"code", e.code}, {"title", e.title}, {"detail", e.detail},
            {"request_id", e.request_id}, {"ambiguous", e.ambiguous}};
  if (e.retry_after) j["retry_after_ms"] = e.retry_after->count();
  if (!e.pointer.empty()) j["pointer"] = e.pointer;
  return j.dump();
}

namespace {

std::string ok_json(const core::Message& m) {
  json j = {{"ok", true}, {"id", m.id}, {"status", m.status()}, {"parts", m.parts},
            {"encoding", m.encoding}};
  return j.dump();
}

std::string fail_json(const client::Error& e) {
  return R"({"ok":false,"error":)" + error_json(e) + "}";
}

client::Error line_error(const std::string& detail) {
  return client::validation_error("10015", "Bad Request", detail);
}

}  // namespace

int run_send(const SendOptions& o, std::ostream& out, std::ostream& err) {
  client::ClientDeps deps;
  deps.retry = o.retry;
  client::Client c(o.config, deps);

  auto one = [&](const client::SendParams& p) -> int {
    auto r = c.send(p);
    if (r.ok()) {
      out << ok_json(*r) << "\n";
      return kExitOk;
    }
    out << fail_json(r.error()) << "\n";
    return exit_code_for(r.error().type);
  };

  if (o.file.empty()) {
    client::SendParams p;
    p.to = o.to;
    if (!o.from.empty()) p.from = o.from;
    // No --from: the account's first number sends (its profile's pool on the API side).
    if (o.from.empty()) {
      auto numbers = c.list_numbers();
      if (!numbers.ok()) {
        out << fail_json(numbers.error()) << "\n";
        return exit_code_for(numbers.error().type);
      }
      if (numbers->data.empty()) {
        err << "telnyx-send: no --from given and the account has no phone numbers\n";
        return kExitUsage;
      }
      p.from = numbers->data.front().phone_number;
    }
    p.text = o.text;
    p.encoding = parse_encoding(o.encoding).value_or(core::EncodingPreference::Auto);
    if (!o.webhook_url.empty()) p.webhook_url = o.webhook_url;
    if (!o.idempotency_key.empty()) p.idempotency_key = o.idempotency_key;
    return one(p);
  }

  std::ifstream in(o.file);
  if (!in) {
    err << "telnyx-send: cannot read " << o.file << "\n";
    return kExitIo;
  }
  int first_failure = kExitOk;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    int rc;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("to") || !j["to"].is_string()) {
      out << fail_json(line_error("line " + std::to_string(lineno) +
                                  ": expected a JSON object with a string \"to\""))
          << "\n";
      rc = kExitValidation;
    } else {
      client::SendParams p;
      p.to = j["to"];
      auto str = [&](const char* k) -> std::optional<std::string> {
        if (j.contains(k) && j[k].is_string()) return j[k].get<std::string>();
        return std::nullopt;
      };
      p.from = str("from");
      p.text = str("text").value_or("");
      p.webhook_url = str("webhook_url");
      p.idempotency_key = str("idempotency_key");
      auto enc = parse_encoding(str("encoding").value_or("auto"));
      if (!enc) {
        out << fail_json(line_error("line " + std::to_string(lineno) + ": bad encoding")) << "\n";
        rc = kExitValidation;
      } else {
        p.encoding = *enc;
        rc = one(p);
      }
    }
    if (rc != kExitOk && first_failure == kExitOk) first_failure = rc;
  }
  return first_failure;
}

int run_get(const client::Config& cfg, const client::RetrySettings& retry, const std::string& id,
            std::ostream& out) {
  client::ClientDeps deps;
  deps.retry = retry;
  client::Client c(cfg, deps);
  auto r = c.retrieve(id);
  if (!r.ok()) {
    out << fail_json(r.error()) << "\n";
    return exit_code_for(r.error().type);
  }
  out << json{{"ok", true}, {"message", json(*r)}}.dump() << "\n";
  return kExitOk;
}

}  // namespace harness::tools
