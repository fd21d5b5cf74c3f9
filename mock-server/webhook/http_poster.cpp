#include "webhook/http_poster.h"

#include <httplib.h>

namespace harness::mock {

HttpPoster::HttpPoster(size_t max_idle_per_destination, std::string ca_cert_file)
    : max_idle_(max_idle_per_destination), ca_cert_file_(std::move(ca_cert_file)) {}

HttpPoster::~HttpPoster() = default;

std::unique_ptr<httplib::Client> HttpPoster::checkout(const SplitUrl& url,
                                                      std::chrono::nanoseconds deadline) {
  std::unique_ptr<httplib::Client> c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(url.origin);
    if (it != idle_.end() && !it->second.empty()) {
      c = std::move(it->second.back());
      it->second.pop_back();
    }
  }
  if (!c) {
    c = std::make_unique<httplib::Client>(url.origin);
    c->set_tcp_nodelay(true);
    c->set_keep_alive(true);
    if (url.tls) {
      if (ca_cert_file_.empty()) {
        c->enable_server_certificate_verification(false);
      } else {
        c->set_ca_cert_path(ca_cert_file_.c_str());
        c->enable_server_certificate_verification(true);
      }
    }
  }
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(deadline);
  const auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(deadline - secs);
  c->set_connection_timeout(static_cast<time_t>(secs.count()), static_cast<time_t>(usecs.count()));
  c->set_read_timeout(static_cast<time_t>(secs.count()), static_cast<time_t>(usecs.count()));
  c->set_write_timeout(static_cast<time_t>(secs.count()), static_cast<time_t>(usecs.count()));
  return c;
}

void HttpPoster::checkin(const std::string& origin, std::unique_ptr<httplib::Client> c) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& pool = idle_[origin];
  if (pool.size() < max_idle_) pool.push_back(std::move(c));
  // else: destroyed here, closing its connection; the pool stays bounded.
}

PostResult HttpPoster::post(const SplitUrl& url, const HeaderList& headers,
                            const std::string& body, std::chrono::nanoseconds deadline) {
  auto client = checkout(url, deadline);
  httplib::Headers h;
  std::string content_type = "application/json";
  for (const auto& [k, v] : headers) {
    // httplib sends Content-Type from its own argument; keep one copy.
    if (k == "Content-Type") content_type = v; else h.emplace(k, v);
  }
  const auto start = std::chrono::steady_clock::now();
  auto res = client->Post(url.path.c_str(), h, body, content_type.c_str());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  PostResult out;
  out.latency_ms = std::chrono::duration<double, std::milli>(elapsed).count();
  if (res) {
    out.http_status = res->status;
    if (!is_delivery_success(res->status)) out.error = "status " + std::to_string(res->status);
  } else {
    switch (res.error()) {
      case httplib::Error::ConnectionTimeout: out.error = "timeout"; break;
      case httplib::Error::Read:
        // cpp-httplib 0.11 reports a read timeout as a Read error: tell them apart by time.
        out.error = elapsed >= deadline * 9 / 10 ? "timeout" : "read";
        break;
      case httplib::Error::Connection: out.error = "connection"; break;
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification: out.error = "tls"; break;
      case httplib::Error::Write: out.error = "write"; break;
      default: out.error = httplib::to_string(res.error()); break;
    }
  }
  if (res) {
    checkin(url.origin, std::move(client));
  } else {
    // After a transport error the connection state is unknown: do not keep it.
    client.reset();
  }
  return out;
}

size_t HttpPoster::idle_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [k, v] : idle_) n += v.size();
  return n;
}

void HttpPoster::close_idle() {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.clear();
}

}  // namespace harness::mock
