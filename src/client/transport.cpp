#include "client/transport.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace harness::client {

namespace {

struct SplitUrl {
  std::string origin;   // scheme://host[:port]
  std::string path;     // "/v2" or ""
};

SplitUrl split_url(const std::string& url) {
  auto scheme_end = url.find("://");
  size_t host_begin = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  auto slash = url.find('/', host_begin);
  if (slash == std::string::npos) return {url, ""};
  std::string path = url.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return {url.substr(0, slash), path};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

HttplibTransport::HttplibTransport(const Config& cfg) : api_key_(cfg.api_key) {
  SplitUrl u = split_url(cfg.base_url);
  base_path_ = u.path;
  cli_ = std::make_unique<httplib::Client>(u.origin);
  cli_->set_tcp_nodelay(true);
  cli_->set_keep_alive(true);
  auto to_tv = [](std::chrono::milliseconds ms) {
    return std::pair<time_t, time_t>(ms.count() / 1000, (ms.count() % 1000) * 1000);
  };
  auto c = to_tv(cfg.connect_timeout), r = to_tv(cfg.read_timeout), w = to_tv(cfg.write_timeout);
  cli_->set_connection_timeout(c.first, c.second);
  cli_->set_read_timeout(r.first, r.second);
  cli_->set_write_timeout(w.first, w.second);
}

HttplibTransport::~HttplibTransport() = default;

HttpOutcome HttplibTransport::send(const HttpRequest& req) {
  std::string path = base_path_ + req.path;
  if (!req.query.empty()) {
    path += '?';
    for (size_t i = 0; i < req.query.size(); ++i) {
      if (i) path += '&';
      path += url_encode(req.query[i].first) + "=" + url_encode(req.query[i].second);
    }
  }
  httplib::Headers headers{{"Authorization", "Bearer " + api_key_},
                           {"Accept", "application/json"},
                           {"User-Agent", "telnyx-harness-client/0.1"}};
  for (const auto& h : req.extra_headers) headers.emplace(h.first, h.second);

  httplib::Result res = [&] {
    if (req.method == "GET") return cli_->Get(path, headers);
    if (req.method == "DELETE") return cli_->Delete(path, headers);
    if (req.method == "PATCH") return cli_->Patch(path, headers, req.body, "application/json");
    return cli_->Post(path, headers, req.body, "application/json");
  }();

  HttpOutcome out;
  if (!res) {
    httplib::Error err = res.error();
    out.failure_detail = httplib::to_string(err);
    out.failure = (err == httplib::Error::Connection || err == httplib::Error::ConnectionTimeout ||
                   err == httplib::Error::BindIPAddress || err == httplib::Error::SSLConnection ||
                   err == httplib::Error::SSLServerVerification ||
                   err == httplib::Error::SSLLoadingCerts)
                      ? TransportFailure::ConnectFailed
                      : TransportFailure::Ambiguous;
    return out;
  }
  out.status = res->status;
  out.body = std::move(res->body);
  for (const auto& [k, v] : res->headers) out.headers.emplace(lower(k), v);
  return out;
}

}  // namespace harness::client
