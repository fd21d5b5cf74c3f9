// An incremental HTTP/1.1 response parser: feed it bytes as they arrive, in any split, and it
// reports when one response is complete. Owns framing only (status line, headers, Content-Length
// or chunked body, keep-alive); the body is kept so callers can read the message id. One parser
// per connection, reset() between responses. Bytes past the end of a response stay unconsumed,
// as a pipelining server could send them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace harness::loadgen::http {

class ResponseParser {
 public:
  enum class State { NeedMore, Done, Error };

  // Consumes up to data.size() bytes; `consumed` says how many. Once Done or Error, further
  // calls consume nothing until reset().
  State feed(std::string_view data, size_t& consumed);
  // A response without Content-Length or chunked framing ends when the peer closes: call this on
  // EOF. Returns Done when that completes the response, Error otherwise.
  State on_eof();
  void reset();

  State state() const { return state_; }
  int status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  const std::string& body() const { return body_; }
  // Retry-After in seconds (delta-seconds form only); -1 when absent or not a number.
  int64_t retry_after_seconds() const { return retry_after_; }
  const std::string& error() const { return error_; }

 private:
  enum class Phase { StatusLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilEof, Finished };
  bool take_line(std::string_view data, size_t& i, std::string& line);
  State fail(std::string why);
  bool on_status_line(const std::string& line);
  bool on_header(const std::string& line);
  void headers_done();

  State state_ = State::NeedMore;
  Phase phase_ = Phase::StatusLine;
  std::string line_;          // a partial line carried between feeds
  std::string body_;
  std::string error_;
  int status_ = 0;
  bool http10_ = false;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool has_length_ = false;
  uint64_t remaining_ = 0;    // body or chunk bytes still expected
  int64_t retry_after_ = -1;
  size_t header_bytes_ = 0;
};

}  // namespace harness::loadgen::http
