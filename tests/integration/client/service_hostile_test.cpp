// The reference service against damaged state and hostile clients: an outbox whose write-ahead
// log is missing or damaged, a reconcile window shorter than the webhook retry schedule, and
// chunked bodies without end, on every listener route.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/raw_http.h"
#include "tools/exit_codes.h"
#include "tools/service/outbox.h"
#include "tools/service/service.h"
#include "tools/service/service_main.h"

namespace harness::tools::service {
namespace {

namespace fs = std::filesystem;
using harness::testing::chunked_post;
using std::chrono::milliseconds;

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "hostile-" + std::to_string(::getpid()) + "-" + name;
}

void remove_db(const std::string& p) {
  for (const char* sfx : {"", "-wal", "-shm"}) std::remove((p + sfx).c_str());
}

// Rows committed into the log of a still-open outbox, copied as a crash would leave them.
class OutboxDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = temp_path("live.db");
    copy_ = temp_path("copy.db");
    remove_db(live_);
    remove_db(copy_);
    auto ob = Outbox::open(live_);
    ASSERT_TRUE(ob.ok()) << ob.error();
    outbox_ = std::move(ob.value());
    for (int i = 0; i < 20; ++i)
      outbox_->enqueue({"key-" + std::to_string(i), "north", "+13125550147", "+17735550188", "text " + std::to_string(i)}, 1000 + i);
    for (const char* sfx : {"", "-wal", "-shm"}) fs::copy_file(live_ + sfx, copy_ + sfx, fs::copy_options::overwrite_existing);
    ASSERT_GT(fs::file_size(copy_ + "-wal"), 32u);
  }
  void TearDown() override {
    outbox_.reset();
    remove_db(live_);
    remove_db(copy_);
  }
  int64_t rows(const std::string& path) {
    auto ob = Outbox::open(path);
    if (!ob.ok()) return -1;
    return ob.value()->enqueue({"probe", "", "+13125550147", "+17735550188", "x"}, 5000).row.id - 1;
  }
  std::string live_, copy_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxDamageTest, AnIntactCrashCopyKeepsEveryRow) { EXPECT_EQ(rows(copy_), 20); }

TEST_F(OutboxDamageTest, MissingWalIsRefused) {
  std::remove((copy_ + "-wal").c_str());
  auto ob = Outbox::open(copy_);
  ASSERT_FALSE(ob.ok());
  EXPECT_NE(ob.error().find("-wal is missing"), std::string::npos) << ob.error();
}

TEST_F(OutboxDamageTest, DamagedWalFrameIsRefused) {
  {
    std::fstream f(copy_ + "-wal", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(32 + 24 + 100);   // inside the first frame's page
    f.put('\x5a');
  }
  auto ob = Outbox::open(copy_);
  ASSERT_FALSE(ob.ok());
  EXPECT_NE(ob.error().find("damaged at frame 1"), std::string::npos) << ob.error();
}

TEST_F(OutboxDamageTest, DamagedWalHeaderIsRefused) {
  {
    std::fstream f(copy_ + "-wal", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);   // salt-2: the header checksum no longer matches
    f.put('\x01');
  }
  auto ob = Outbox::open(copy_);
  ASSERT_FALSE(ob.ok());
  EXPECT_NE(ob.error().find("damaged header"), std::string::npos) << ob.error();
}

TEST_F(OutboxDamageTest, NotAnOutboxIsRefused) {
  const std::string junk = temp_path("junk.db");
  remove_db(junk);
  { std::ofstream(junk, std::ios::binary) << std::string(8192, '\x42'); }
  auto a = Outbox::open(junk);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().find("not a database"), std::string::npos) << a.error();
  remove_db(junk);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(junk.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  auto b = Outbox::open(junk);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().find("table outbox has other columns"), std::string::npos) << b.error();
  remove_db(junk);
}

// serve_main refuses before binding anything; each refusal is one line.
class ServeRefusalTest : public ::testing::Test {
 protected:
  int serve(const std::string& yaml, std::string& line) {
    const std::string path = temp_path("serve.yaml");
    { std::ofstream(path) << yaml; }
    std::ostringstream log;
    const int rc = serve_main(path, log);
    line = log.str();
    std::remove(path.c_str());
    return rc;
  }
  std::string base(const std::string& db) {
    return "listen: {port: 0}\ndatabase: " + db + "\ntelnyx: {api_key: KEYx, base_url: \"http://127.0.0.1:9/v2\"}\n"
           "webhook: {require_signature: false}\n";
  }
};

TEST_F(ServeRefusalTest, ReconcileWindowShorterThanTheWebhookRetriesExits2) {
  std::string line;
  EXPECT_EQ(serve(base(temp_path("w.db")) + "reconcile_window_ms: 3000\n", line), kExitUsage);
  EXPECT_NE(line.find("8000 ms"), std::string::npos) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  // A shorter retry schedule (declared) allows a shorter window; the refusal still names it.
  EXPECT_EQ(serve("listen: {port: 0}\ndatabase: x.db\ntelnyx: {api_key: KEYx}\n"
                  "webhook: {require_signature: false, retry_schedule_ms: [500]}\nreconcile_window_ms: 2000\n", line),
            kExitUsage);
  EXPECT_NE(line.find("2500 ms"), std::string::npos) << line;
}

TEST_F(ServeRefusalTest, DamagedOutboxExits1WithTheReason) {
  const std::string db = temp_path("serve.db");
  remove_db(db);
  { std::ofstream(db, std::ios::binary) << "x"; }
  { std::ofstream(db + "-shm", std::ios::binary) << std::string(32768, '\0'); }
  std::string line;
  EXPECT_EQ(serve(base(db), line), kExitIo);
  EXPECT_NE(line.find("-wal is missing"), std::string::npos) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  remove_db(db);
}

// ---- chunked bodies ----

class ServiceBodyCapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = temp_path("cap.db");
    remove_db(db_);
    ServiceConfig c;
    c.port = 0;
    c.database = db_;
    c.api_key = "KEYcap";
    c.base_url = "http://127.0.0.1:9/v2";
    c.require_signature = false;
    c.dealerships = {{"north", {"+13125550147"}, "", "hi"}};
    auto ob = Outbox::open(db_);
    ASSERT_TRUE(ob.ok()) << ob.error();
    svc_ = std::make_unique<Service>(c, std::move(ob.value()), clock_);
    port_ = svc_->start();
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    svc_.reset();
    remove_db(db_);
  }
  void expect_healthy() {
    httplib::Client cli("127.0.0.1", port_);
    auto r = cli.Get("/telnyx/health");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  core::SystemClock clock_;
  std::string db_;
  std::unique_ptr<Service> svc_;
  int port_ = 0;
};

// 50 MB of chunks used to be buffered whole (about 100 MB of memory) and then handled.
TEST_F(ServiceBodyCapTest, ChunkedBodiesStopAtTheCapOnEveryRoute) {
  for (const char* path : {"/telnyx/webhook", "/telnyx/send-sms"}) {
    SCOPED_TRACE(path);
    const int status = chunked_post(port_, "POST", path, 50u << 20);
    EXPECT_TRUE(status == 413 || status == -1) << status;   // refused, never handled (400/401/422)
    expect_healthy();
  }
  for (const char* path : {"/telnyx/health", "/telnyx/nowhere"}) {
    SCOPED_TRACE(path);
    const int status = chunked_post(port_, "GET", path, 50u << 20);
    EXPECT_TRUE(status == 411 || status == -1) << status;
    expect_healthy();
  }
  // A small chunked body is still read and handled.
  EXPECT_EQ(chunked_post(port_, "POST", "/telnyx/send-sms", 1), 400);   // 64 KB of 'a' is not JSON
  // Content-Length bodies over the cap: 413 without reading them.
  httplib::Client cli("127.0.0.1", port_);
  auto big = cli.Post("/telnyx/send-sms", std::string(2u << 20, ' '), "application/json");
  EXPECT_TRUE(!big || big->status == 413);
  expect_healthy();
}

}  // namespace
}  // namespace harness::tools::service
