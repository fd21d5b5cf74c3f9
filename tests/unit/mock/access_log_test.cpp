// The access log's line format and the batched writer telnyx-mock puts in front of stderr.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>
#include "core/clock.h"
#include "http/access_log.h"

namespace {

using harness::mock::AccessLog;
using harness::mock::BatchedLineWriter;

std::string read_all(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(AccessLogLine, StampMethodPathStatusKeyLatencyAndCode) {
  harness::core::ManualClock clock(*harness::core::parse_rfc3339("2026-12-01T10:01:02.123Z"));
  std::vector<std::string> lines;
  AccessLog log([&](const std::string& l) { lines.push_back(l); }, clock);
  log.request("POST", "/v2/messages", 200, "KEY0123ABCDEF", 1.44, std::nullopt);
  log.request("POST", "/v2/messages", 422, "KEY1", 0.05, 40310);
  log.request("GET", "/a\nb", 404, "", 12.96, 10005);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "telnyx-mock: 10:01:02.123 POST /v2/messages 200 key=KEY0123A… 1.4ms");
  EXPECT_EQ(lines[1], "telnyx-mock: 10:01:02.123 POST /v2/messages 422 key=KEY1 0.1ms code=40310");
  EXPECT_EQ(lines[2], "telnyx-mock: 10:01:02.123 GET /a?b 404 key=- 13.0ms code=10005");
}

TEST(AccessLogLine, ControlsReplacedAndLongFieldsCut) {
  harness::core::ManualClock clock(*harness::core::parse_rfc3339("2026-12-01T10:01:02.123Z"));
  std::vector<std::string> lines;
  AccessLog log([&](const std::string& l) { lines.push_back(l); }, clock);
  const std::string exactly(200, 'p'), longer = "/" + std::string(199, 'q') + "\x7f\ttail";
  log.request("GET", "/" + exactly.substr(1), 404, "KEY\r\n", 1.0, std::nullopt);
  log.request("GET", longer, 404, "", 1.0, std::nullopt);
  log.request("A-METHOD-LONGER-THAN-16", "/", 405, "", 1.0, std::nullopt);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "telnyx-mock: 10:01:02.123 GET /" + exactly.substr(1) + " 404 key=KEY?? 1.0ms");
  EXPECT_EQ(lines[1], "telnyx-mock: 10:01:02.123 GET /" + std::string(199, 'q') + "\u2026 404 key=- 1.0ms");
  EXPECT_EQ(lines[2], "telnyx-mock: 10:01:02.123 A-METHOD-LONGER-\u2026 / 405 key=- 1.0ms");
}

TEST(BatchedLineWriter, FlushWritesPendingLinesInOrder) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    BatchedLineWriter w(f, std::chrono::hours(1));   // no periodic flush within the test
    w.write_line("one");
    w.write_line("two");
    w.flush();
    EXPECT_EQ(read_all(f), "one\ntwo\n");
    std::fseek(f, 0, SEEK_END);
    w.write_line("three");
  }   // the destructor flushes what is left
  EXPECT_EQ(read_all(f), "one\ntwo\nthree\n");
  std::fclose(f);
}

TEST(BatchedLineWriter, AFullBufferIsWrittenByTheWriterItself) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  BatchedLineWriter w(f, std::chrono::hours(1), 16);
  w.write_line("0123456789");   // 11 bytes: below the cap, kept
  EXPECT_EQ(read_all(f), "");
  std::fseek(f, 0, SEEK_END);
  w.write_line("abcdef");       // 18 bytes: at the cap, written now
  EXPECT_EQ(read_all(f), "0123456789\nabcdef\n");
  std::fclose(f);
}

}  // namespace
