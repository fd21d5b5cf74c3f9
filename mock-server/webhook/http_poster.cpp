#include "webhook/http_poster.h"

#include <httplib.h>

namespace harness::mock {

HttpPoster::HttpPoster(size_t max_per_destination, std::string ca_cert_file)
    : max_per_destination_(max_per_destination == 0 ? 1 : max_per_destination),
      ca_cert_file_(std::move(ca_cert_file)) {}

HttpPoster::~HttpPoster() = default;

HttpPoster::Lease HttpPoster::checkout(const SplitUrl& url) {
  Lease lease;
  {
    std::unique_lock<std::mutex> lock(mu_);
    Destination& d = destinations_[url.origin];
    // Reuse an idle connection; else open one if both bounds allow; else wait for a check-in.
    cv_.wait(lock, [&] {
      return !d.idle.empty() || (d.live < max_per_destination_ && d.opening < kMaxOpening);
    });
    if (!d.idle.empty()) {
      lease.client = std::move(d.idle.back());
      d.idle.pop_back();
      return lease;
    }
    ++d.live;
    ++d.opening;
    lease.fresh = true;
  }
  lease.client = std::make_unique<httplib::Client>(url.origin);
  lease.client->set_tcp_nodelay(true);
  lease.client->set_keep_alive(true);
  if (url.tls) {
    if (ca_cert_file_.empty()) {
      lease.client->enable_server_certificate_verification(false);
    } else {
      lease.client->set_ca_cert_path(ca_cert_file_.c_str());
      lease.client->enable_server_certificate_verification(true);
    }
  }
  return lease;
}

void HttpPoster::checkin(const std::string& origin, Lease lease, bool keep) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Destination& d = destinations_[origin];
    if (lease.fresh) --d.opening;
    if (keep) {
      d.idle.push_back(std::move(lease.client));
    } else {
      --d.live;
    }
  }
  cv_.notify_all();
  // A dropped client closes its connection here, outside the lock.
}

PostResult HttpPoster::post(const SplitUrl& url, const HeaderList& headers,
                            const std::string& body, std::chrono::nanoseconds deadline) {
  Lease lease = checkout(url);
  httplib::Client& client = *lease.client;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(deadline);
  const auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(deadline - secs);
  client.set_connection_timeout(static_cast<time_t>(secs.count()), static_cast<time_t>(usecs.count()));
  client.set_read_timeout(static_cast<time_t>(secs.count()), static_cast<time_t>(usecs.count()));
  client.set_write_timeout(static_cast<time_t>(secs.count()), static_cast<time_t>(usecs.count()));
  httplib::Headers h;
  std::string content_type = "application/json";
  for (const auto& [k, v] : headers) {
    // httplib sends Content-Type from its own argument; keep one copy.
    if (k == "Content-Type") content_type = v; else h.emplace(k, v);
  }
  const auto start = std::chrono::steady_clock::now();
  auto res = client.Post(url.path.c_str(), h, body, content_type.c_str());
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
  // After a transport error the connection state is unknown: do not keep it.
  const bool keep = static_cast<bool>(res);
  const std::string origin = url.origin;
  checkin(origin, std::move(lease), keep);
  return out;
}

size_t HttpPoster::idle_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [k, d] : destinations_) n += d.idle.size();
  return n;
}

void HttpPoster::close_idle() {
  std::vector<std::unique_ptr<httplib::Client>> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [k, d] : destinations_) {
      d.live -= d.idle.size();
      for (auto& c : d.idle) closing.push_back(std::move(c));
      d.idle.clear();
    }
  }
  cv_.notify_all();
}

}  // namespace harness::mock
