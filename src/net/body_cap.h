// Request-body caps for a cpp-httplib server, chunked bodies included. cpp-httplib 0.11 checks
// payload_max_length against Content-Length only: a body sent with Transfer-Encoding: chunked is
// buffered whole, however large (50 MB of chunks cost a server about 100 MB). cap_bodies() sets
// the Content-Length cap and installs a pre-routing handler that refuses chunked bodies on every
// route but the POST routes registered through post_capped(), which read chunks through a
// content reader and stop at the cap. Refusals are 413 (or 411 where a chunked body is not read
// at all) and close the connection, since the rest of the body is never read.
#pragma once
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <set>
#include <string>

namespace harness::net {

struct BodyCap {
  size_t max_bytes = 1 << 20;
  std::set<std::string> chunked_ok;   // exact paths registered with post_capped()
  // Answers a refusal; the default writes a small JSON error.
  std::function<void(httplib::Response&, int status, const std::string& detail)> refuse =
      [](httplib::Response& res, int status, const std::string& detail) {
        res.status = status;
        res.set_content("{\"error\":\"" + detail + "\"}", "application/json");
      };
};

inline bool is_chunked(const httplib::Request& req) {
  std::string te = req.get_header_value("Transfer-Encoding");
  std::transform(te.begin(), te.end(), te.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return te.find("chunked") != std::string::npos;
}

inline std::shared_ptr<BodyCap> cap_bodies(httplib::Server& svr, size_t max_bytes,
                                           std::shared_ptr<BodyCap> cap = std::make_shared<BodyCap>()) {
  cap->max_bytes = max_bytes;
  svr.set_payload_max_length(max_bytes);
  svr.set_pre_routing_handler([cap](const httplib::Request& req, httplib::Response& res) {
    if (!is_chunked(req) || (req.method == "POST" && cap->chunked_ok.count(req.path)))
      return httplib::Server::HandlerResponse::Unhandled;
    cap->refuse(res, 411, "a chunked request body is not accepted here; send Content-Length");
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  return cap;
}

// A POST route whose body, chunked or not, is read up to the cap; `handler` sees it in req.body.
inline void post_capped(httplib::Server& svr, const std::shared_ptr<BodyCap>& cap, const std::string& path,
                        std::function<void(const httplib::Request&, httplib::Response&)> handler) {
  cap->chunked_ok.insert(path);
  svr.Post(path, [cap, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                                     const httplib::ContentReader& read) {
    std::string body;
    bool over = false;
    const bool complete = read([&](const char* data, size_t n) {
      if (body.size() + n > cap->max_bytes) {
        over = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    // cpp-httplib answers a Content-Length over the cap by failing the read with status 413.
    if (over || !complete) {
      if (over || res.status == 413)
        cap->refuse(res, 413, "request body exceeds " + std::to_string(cap->max_bytes) + " bytes");
      else
        cap->refuse(res, 400, "the request body could not be read");
      res.set_header("Connection", "close");
      return;
    }
    httplib::Request with_body = req;
    with_body.body = std::move(body);
    handler(with_body, res);
  });
}

}  // namespace harness::net
