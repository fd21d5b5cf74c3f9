// The access log: one line per API request and per webhook attempt, written as they happen (the
// way Stripe CLI prints events), so a developer sees what the app sent and what the mock did
// without opening the control API. telnyx-mock writes it to stderr unless --quiet.
//
//   telnyx-mock: 10:01:02.123 POST /v2/messages 200 key=KEY0123A… 1.4ms
//   telnyx-mock: 10:01:02.140 POST /v2/messages 422 key=KEY0123A… 0.3ms code=40310
//   telnyx-mock: 10:01:02.151 --> message.sent msg=4031… POST http://127.0.0.1:8080/hooks [200] 2.0ms
//   telnyx-mock: 10:01:03.004 --> message.finalized msg=4031… POST http://... [503] 1.1ms error=status 503 (attempt 1)
//
// Thread-safe: lines from different loop and webhook threads never interleave.
#pragma once
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include "core/clock.h"
#include "core/ticker.h"

namespace harness::mock {

struct AttemptRecord;   // webhook/attempt_log.h

class AccessLog {
 public:
  // `sink` gets each line without its newline, one call at a time.
  using Sink = std::function<void(const std::string& line)>;
  AccessLog(Sink sink, const core::Clock& clock) : sink_(std::move(sink)), clock_(clock) {}

  // One API request. `api_key` is shortened to its first 8 characters.
  void request(std::string_view method, std::string_view path, int status, std::string_view api_key,
               double latency_ms, std::optional<int> error_code);
  // One webhook attempt (or an event that never got one: dropped, overflow, no URL...).
  void webhook(const AttemptRecord& r);

  // "KEY0123A…" (or "-" when there is no key).
  static std::string key_prefix(std::string_view api_key);

 private:
  void write(const std::string& line);
  std::string stamp() const;   // "10:01:02.123" (UTC, from the injected clock)

  std::mutex mu_;
  Sink sink_;
  const core::Clock& clock_;
};

// Batches lines for a FILE (telnyx-mock's stderr), so the access log costs a copy per line
// instead of a flushed write per request: write_line() appends to a buffer, and a background
// thread writes the batch every `interval` in one call. Past `max_buffer` bytes write_line()
// writes the batch itself (waiting for the output, as an unbuffered write would), so memory stays
// bounded when the reader is slow. Lines keep their order. flush() writes what is pending now;
// the destructor flushes.
class BatchedLineWriter {
 public:
  explicit BatchedLineWriter(std::FILE* out, std::chrono::milliseconds interval = std::chrono::milliseconds(50),
                             size_t max_buffer = 1 << 20);
  ~BatchedLineWriter();
  BatchedLineWriter(const BatchedLineWriter&) = delete;
  BatchedLineWriter& operator=(const BatchedLineWriter&) = delete;

  void write_line(std::string_view line);   // the newline is added
  void flush();

 private:
  std::FILE* out_;
  const size_t max_buffer_;
  std::mutex io_mu_;    // one batch written at a time, in order; taken before mu_
  std::string spare_;   // under io_mu_: the batch being written
  std::mutex mu_;       // buf_
  std::string buf_;
  std::optional<core::Ticker> ticker_;   // last: flushes every interval until reset
};

}  // namespace harness::mock
