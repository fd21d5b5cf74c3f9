// The HTTP seam of the client: one request in, either an answer or a transport failure out.
// A transport failure is classified by whether the request can have reached the server:
//   ConnectFailed  the connection was never established: resending is safe.
//   Ambiguous      the request was (or may have been) written, no answer came back (read
//                  timeout, reset, EOF): the server may have acted on it.
// cpp-httplib 0.11.4 reports connect failures as Error::Connection / ConnectionTimeout and
// everything after the connect as Error::Write / Error::Read, which we treat as Ambiguous.
// A pooled keep-alive connection that the server closed while idle is detected before reuse
// (cpp-httplib checks the socket), so an idle close is not misreported as Ambiguous; a close that
// races with the write still is - the safe side of the trade.
// Not thread-safe per instance: one Transport per worker.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/config.h"
#include "client/error.h"

namespace httplib { class Client; }

namespace harness::client {

struct HttpRequest {
  std::string method;                      // GET | POST | PATCH | DELETE
  std::string path;                        // below the base URL's path, e.g. "/messages"
  std::vector<std::pair<std::string, std::string>> query;   // unencoded
  std::string body;                        // JSON, empty for GET
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

enum class TransportFailure { None, ConnectFailed, Ambiguous };

struct HttpOutcome {
  TransportFailure failure = TransportFailure::None;
  std::string failure_detail;              // e.g. "Read" from httplib::to_string
  int status = 0;
  Headers headers;                         // lower-cased names
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpOutcome send(const HttpRequest& req) = 0;
};

// Keep-alive HTTP(S) transport on cpp-httplib, configured from Config (timeouts, bearer key).
class HttplibTransport final : public Transport {
 public:
  explicit HttplibTransport(const Config& cfg);
  ~HttplibTransport() override;
  HttpOutcome send(const HttpRequest& req) override;

 private:
  std::unique_ptr<httplib::Client> cli_;
  std::string base_path_;                  // "/v2"
  std::string api_key_;
};

// "page[number]" -> "page%5Bnumber%5D"; unreserved characters are kept.
std::string url_encode(const std::string& s);

}  // namespace harness::client
