#include "tools/service/outbox.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "client/webhooks.h"

namespace harness::tools::service {

namespace {

// A prepared statement, finalised on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  bool step() {   // true: a row is available
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  int64_t i64(int c) { return sqlite3_column_int64(s_, c); }
  std::string text(int c) {
    auto* p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s_, c)) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + msg);
  }
}

// BEGIN IMMEDIATE ... COMMIT, rolled back if an exception leaves the scope.
class Txn {
 public:
  explicit Txn(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }
  void commit() {
    exec(db_, "COMMIT");
    done_ = true;
  }
  ~Txn() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

constexpr const char* kColumns =
    "id, unique_key, tenant, from_number, to_number, text, state, attempts, next_attempt_at, "
    "message_id, status, last_error, ambiguous_since, created_at";

OutboxRow read_row(Stmt& s) {
  OutboxRow r;
  r.id = s.i64(0);
  r.unique_key = s.text(1);
  r.tenant = s.text(2);
  r.from = s.text(3);
  r.to = s.text(4);
  r.text = s.text(5);
  r.state = s.text(6);
  r.attempts = static_cast<int>(s.i64(7));
  r.next_attempt_at_ms = s.i64(8);
  r.message_id = s.text(9);
  r.status = s.text(10);
  r.last_error = s.text(11);
  r.ambiguous_since_ms = s.i64(12);
  r.created_at_ms = s.i64(13);
  return r;
}

std::optional<OutboxRow> select_one(sqlite3* db, const std::string& where,
                                    const std::function<void(Stmt&)>& bind) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM outbox WHERE " + where + " LIMIT 1";
  Stmt s(db, sql.c_str());
  bind(s);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

// ---- start-up damage checks ----

uint32_t word(const unsigned char* p, bool big_endian) {
  return big_endian ? (uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3])
                    : (uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0]);
}

// SQLite's WAL checksum: 32-bit words in the byte order the magic number names, two running sums.
void wal_checksum(const unsigned char* p, size_t n, bool big_endian, uint32_t& s0, uint32_t& s1) {
  for (size_t i = 0; i + 8 <= n; i += 8) {
    s0 += word(p + i, big_endian) + s1;
    s1 += word(p + i + 4, big_endian) + s0;
  }
}

uint32_t be32(const unsigned char* p) { return word(p, true); }

// A write-ahead log SQLite would silently cut short: a committed transaction it would ignore.
// SQLite replays frames up to the first one whose salts or checksum do not match and drops the
// rest, so a damaged frame before a later commit frame of the same log generation means rows
// that were committed (and acknowledged) vanish on open.
std::optional<std::string> wal_damage(const std::string& path) {
  namespace fs = std::filesystem;
  const std::string wal = path + "-wal", shm = path + "-shm";
  std::error_code ec;
  const bool has_db = fs::exists(path, ec), has_wal = fs::exists(wal, ec), has_shm = fs::exists(shm, ec);
  if (has_db && has_shm && !has_wal)
    return wal + " is missing while " + shm + " remains (the service was not shut down cleanly): rows "
           "committed since the last checkpoint would be lost; restore the -wal file";
  if (!has_wal) return std::nullopt;
  if (!has_db) return wal + " exists without its database " + path;
  std::ifstream in(wal, std::ios::binary);
  if (!in) return "cannot read " + wal;
  const uint64_t size = fs::file_size(wal, ec);
  unsigned char h[32];
  if (size < 32 || !in.read(reinterpret_cast<char*>(h), 32)) return std::nullopt;   // no frame yet
  const uint32_t magic = be32(h);
  uint32_t page = be32(h + 8);
  if (page == 1) page = 65536;
  const bool page_ok = page >= 512 && page <= 65536 && (page & (page - 1)) == 0;
  if ((magic != 0x377f0682 && magic != 0x377f0683) || !page_ok) return wal + " has a damaged header";
  const bool big = magic & 1;
  uint32_t s0 = 0, s1 = 0;
  wal_checksum(h, 24, big, s0, s1);
  const uint64_t frame = 24 + uint64_t{page};
  const uint64_t frames = (size - 32) / frame;
  if (s0 != be32(h + 24) || s1 != be32(h + 28)) {
    if (frames == 0) return std::nullopt;
    return wal + " has a damaged header: its " + std::to_string(frames) + " frame(s) would be ignored";
  }
  std::vector<unsigned char> buf(frame);
  int64_t first_bad = -1;
  for (uint64_t i = 0; i < frames; ++i) {
    if (!in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(frame))) break;
    const bool same_salt = std::equal(buf.begin() + 8, buf.begin() + 16, h + 16);
    if (first_bad < 0) {
      if (!same_salt) break;   // frames of an earlier log generation: legitimately unused
      uint32_t a = s0, b = s1;
      wal_checksum(buf.data(), 8, big, a, b);
      wal_checksum(buf.data() + 24, page, big, a, b);
      if (a == be32(buf.data() + 16) && b == be32(buf.data() + 20)) {
        s0 = a;
        s1 = b;
        continue;
      }
      first_bad = static_cast<int64_t>(i);
    } else if (same_salt && be32(buf.data() + 4) != 0) {
      return wal + " is damaged at frame " + std::to_string(first_bad + 1) + ": the transaction committed in frame " +
             std::to_string(i + 1) + " and everything after it would be dropped";
    }
  }
  return std::nullopt;
}

// The columns of each table this version reads and writes, in order.
const std::vector<std::pair<std::string, std::vector<std::string>>>& expected_schema() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> s = {
      {"outbox", {"id", "unique_key", "tenant", "from_number", "to_number", "text", "state", "attempts",
                  "next_attempt_at", "message_id", "status", "last_error", "ambiguous_since", "created_at"}},
      {"webhook_events", {"event_id", "event_type", "received_at"}},
      {"inbound_replies", {"inbound_message_id", "outbox_id"}},
  };
  return s;
}

// quick_check, then: an empty database is new; otherwise every table must be there with exactly
// the expected columns.
std::optional<std::string> schema_damage(sqlite3* db, const std::string& path) {
  {
    Stmt q(db, "PRAGMA quick_check");
    std::string first;
    if (q.step()) first = q.text(0);
    if (first != "ok") return path + " fails SQLite's quick_check: " + first;
  }
  int tables = 0;
  {
    Stmt t(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'");
    if (t.step()) tables = static_cast<int>(t.i64(0));
  }
  if (tables == 0) return std::nullopt;
  for (const auto& [table, columns] : expected_schema()) {
    Stmt info(db, ("PRAGMA table_info(" + table + ")").c_str());
    std::vector<std::string> have;
    while (info.step()) have.push_back(info.text(1));
    if (have.empty()) return path + " is not an outbox of this version: table " + table + " is missing";
    if (have != columns) return path + " is not an outbox of this version: table " + table + " has other columns";
  }
  return std::nullopt;
}

}  // namespace

std::string outbox_tag(int64_t id) { return "outbox-" + std::to_string(id); }

core::Expected<std::unique_ptr<Outbox>, std::string> Outbox::open(const std::string& path) {
  // Before SQLite touches the files: opening would replay a damaged log only up to the damage.
  if (auto why = wal_damage(path)) return core::unexpected("refusing to start: " + *why);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                            SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::unexpected("cannot open " + path + ": " + msg);
  }
  std::unique_ptr<Outbox> ob(new Outbox(db));
  try {
    sqlite3_busy_timeout(db, 5000);
    if (auto why = schema_damage(db, path)) return core::unexpected("refusing to start: " + *why);
    exec(db, "PRAGMA journal_mode=WAL");
    // FULL: a committed enqueue survives power loss too, not only a process kill.
    exec(db, "PRAGMA synchronous=FULL");
    exec(db,
         "CREATE TABLE IF NOT EXISTS outbox ("
         " id INTEGER PRIMARY KEY AUTOINCREMENT,"
         " unique_key TEXT NOT NULL UNIQUE,"
         " tenant TEXT NOT NULL DEFAULT '',"
         " from_number TEXT NOT NULL, to_number TEXT NOT NULL, text TEXT NOT NULL,"
         " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
         " next_attempt_at INTEGER NOT NULL DEFAULT 0,"
         " message_id TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT '',"
         " last_error TEXT NOT NULL DEFAULT '', ambiguous_since INTEGER NOT NULL DEFAULT 0,"
         " created_at INTEGER NOT NULL);"
         "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_attempt_at);"
         "CREATE INDEX IF NOT EXISTS outbox_msg ON outbox(message_id);"
         "CREATE TABLE IF NOT EXISTS webhook_events (event_id TEXT PRIMARY KEY,"
         " event_type TEXT NOT NULL, received_at INTEGER NOT NULL);"
         "CREATE TABLE IF NOT EXISTS inbound_replies (inbound_message_id TEXT PRIMARY KEY,"
         " outbox_id INTEGER NOT NULL);");
  } catch (const std::exception& e) {
    return core::unexpected(path + ": " + e.what());
  }
  return ob;
}

Outbox::~Outbox() { sqlite3_close(db_); }

int Outbox::recover_in_flight(int64_t now_ms) {
  std::lock_guard<std::mutex> lk(mu_);
  Stmt s(db_,
         "UPDATE outbox SET state='reconciling', ambiguous_since=?1,"
         " last_error='interrupted while in flight' WHERE state='in_flight'");
  s.bind(1, now_ms).step();
  return sqlite3_changes(db_);
}

EnqueueResult Outbox::enqueue(const EnqueueRequest& r, int64_t now_ms) {
  std::lock_guard<std::mutex> lk(mu_);
  Txn t(db_);
  Stmt ins(db_,
           "INSERT INTO outbox (unique_key, tenant, from_number, to_number, text, state,"
           " next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6)"
           " ON CONFLICT(unique_key) DO NOTHING");
  ins.bind(1, r.unique_key).bind(2, r.tenant).bind(3, r.from).bind(4, r.to).bind(5, r.text)
      .bind(6, now_ms).step();
  const bool inserted = sqlite3_changes(db_) == 1;
  auto row = select_one(db_, "unique_key = ?1", [&](Stmt& s) { s.bind(1, r.unique_key); });
  t.commit();
  return {*row, !inserted};
}

std::optional<OutboxRow> Outbox::claim_due(int64_t now_ms, int64_t window_ms) {
  std::lock_guard<std::mutex> lk(mu_);
  Txn t(db_);
  auto row = select_one(
      db_,
      "(state='pending' AND next_attempt_at <= ?1) OR "
      "(state='reconciling' AND ambiguous_since + ?2 <= ?1) ORDER BY next_attempt_at, id",
      [&](Stmt& s) { s.bind(1, now_ms).bind(2, window_ms); });
  if (!row) return std::nullopt;
  Stmt u(db_, "UPDATE outbox SET state='in_flight', attempts=attempts+1 WHERE id=?1");
  u.bind(1, row->id).step();
  t.commit();
  row->state = "in_flight";
  row->attempts += 1;
  return row;
}

void Outbox::mark_sent(int64_t id, const std::string& message_id, const std::string& status) {
  std::lock_guard<std::mutex> lk(mu_);
  Txn t(db_);
  // A webhook may already have recorded a later status: keep the most advanced one.
  auto row = select_one(db_, "id = ?1", [&](Stmt& s) { s.bind(1, id); });
  std::string st = row ? row->status : "";
  if (client::status_advances(st, status)) st = status;
  Stmt u(db_,
         "UPDATE outbox SET state='sent', message_id=?2, status=?3, last_error='' WHERE id=?1");
  u.bind(1, id).bind(2, message_id).bind(3, st).step();
  t.commit();
}

void Outbox::mark_retry(int64_t id, int64_t next_at_ms, const std::string& error, bool counts) {
  std::lock_guard<std::mutex> lk(mu_);
  Stmt u(db_,
         "UPDATE outbox SET state='pending', next_attempt_at=?2, last_error=?3,"
         " attempts=attempts - ?4 WHERE id=?1 AND state='in_flight'");
  u.bind(1, id).bind(2, next_at_ms).bind(3, error).bind(4, int64_t(counts ? 0 : 1)).step();
}

void Outbox::mark_failed(int64_t id, const std::string& error) {
  std::lock_guard<std::mutex> lk(mu_);
  Stmt u(db_, "UPDATE outbox SET state='failed', last_error=?2 WHERE id=?1 AND state='in_flight'");
  u.bind(1, id).bind(2, error).step();
}

void Outbox::mark_reconciling(int64_t id, int64_t now_ms, const std::string& error) {
  std::lock_guard<std::mutex> lk(mu_);
  Stmt u(db_,
         "UPDATE outbox SET state='reconciling', ambiguous_since=?2, last_error=?3"
         " WHERE id=?1 AND state='in_flight'");
  u.bind(1, id).bind(2, now_ms).bind(3, error).step();
}

std::optional<OutboxRow> Outbox::get(int64_t id) {
  std::lock_guard<std::mutex> lk(mu_);
  return select_one(db_, "id = ?1", [&](Stmt& s) { s.bind(1, id); });
}

std::optional<OutboxRow> Outbox::find(const std::string& any) {
  std::lock_guard<std::mutex> lk(mu_);
  if (any.empty()) return std::nullopt;
  if (auto r = select_one(db_, "message_id = ?1", [&](Stmt& s) { s.bind(1, any); })) return r;
  if (auto r = select_one(db_, "unique_key = ?1", [&](Stmt& s) { s.bind(1, any); })) return r;
  if (any.find_first_not_of("0123456789") == std::string::npos && any.size() < 19)
    return select_one(db_, "id = ?1", [&](Stmt& s) { s.bind(1, std::stoll(any)); });
  return std::nullopt;
}

OutboxCounts Outbox::counts() {
  std::lock_guard<std::mutex> lk(mu_);
  OutboxCounts c;
  Stmt s(db_, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
  while (s.step()) {
    std::string st = s.text(0);
    int64_t n = s.i64(1);
    if (st == "pending") c.pending = n;
    else if (st == "in_flight") c.in_flight = n;
    else if (st == "reconciling") c.reconciling = n;
    else if (st == "sent") c.sent = n;
    else if (st == "failed") c.failed = n;
  }
  return c;
}

EventResult Outbox::apply_event(const core::WebhookEvent& ev, const ReplyRule& reply,
                                int64_t now_ms) {
  std::lock_guard<std::mutex> lk(mu_);
  EventResult res;
  Txn t(db_);
  Stmt seen(db_,
            "INSERT INTO webhook_events (event_id, event_type, received_at) VALUES (?1, ?2, ?3)"
            " ON CONFLICT(event_id) DO NOTHING");
  seen.bind(1, ev.id).bind(2, ev.event_type).bind(3, now_ms).step();
  if (sqlite3_changes(db_) == 0) {
    res.duplicate = true;
    t.commit();
    return res;
  }
  const core::Message& m = ev.payload;
  if (ev.event_type == "message.sent" || ev.event_type == "message.finalized") {
    std::optional<OutboxRow> row =
        select_one(db_, "message_id = ?1", [&](Stmt& s) { s.bind(1, m.id); });
    if (!row) {
      for (const auto& tag : m.tags) {
        if (tag.rfind("outbox-", 0) != 0) continue;
        const std::string digits = tag.substr(7);
        if (digits.empty() || digits.size() > 18 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
          continue;
        row = select_one(db_, "id = ?1 AND message_id = ''",
                         [&](Stmt& s) { s.bind(1, std::stoll(digits)); });
        if (row) break;
      }
    }
    if (!row && m.text && !m.to.empty()) {
      // No tag echoed back: the oldest unresolved row with the same from/to/text.
      row = select_one(db_,
                       "message_id = '' AND state IN ('reconciling', 'in_flight') AND"
                       " from_number = ?1 AND to_number = ?2 AND text = ?3 ORDER BY id",
                       [&](Stmt& s) {
                         s.bind(1, m.from.phone_number).bind(2, m.to[0].phone_number).bind(3, *m.text);
                       });
    }
    if (row) {
      res.matched = true;
      res.reconciled = row->state == "reconciling" || row->state == "failed";
      std::string st = row->status;
      const std::string incoming = m.status();
      if (client::status_advances(st, incoming)) {
        st = incoming;
        res.status_updated = true;
      }
      // A webhook for the message proves it was accepted: the row is sent, whatever state
      // (reconciling, in_flight while the worker still waits for the answer, or failed after
      // giving up on an ambiguous send).
      Stmt u(db_,
             "UPDATE outbox SET message_id=?2, status=?3,"
             " state=CASE WHEN state IN ('reconciling','in_flight','pending','failed') THEN 'sent'"
             " ELSE state END WHERE id=?1");
      u.bind(1, row->id).bind(2, m.id).bind(3, st).step();
    }
  } else if (ev.event_type == "message.received" && reply) {
    if (auto spec = reply(m)) {
      Stmt mark(db_,
                "INSERT INTO inbound_replies (inbound_message_id, outbox_id) VALUES (?1, 0)"
                " ON CONFLICT(inbound_message_id) DO NOTHING");
      mark.bind(1, m.id).step();
      if (sqlite3_changes(db_) == 1) {
        Stmt ins(db_,
                 "INSERT INTO outbox (unique_key, tenant, from_number, to_number, text, state,"
                 " next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6)"
                 " ON CONFLICT(unique_key) DO NOTHING");
        ins.bind(1, "reply:" + m.id).bind(2, spec->tenant).bind(3, spec->from)
            .bind(4, m.from.phone_number).bind(5, spec->text).bind(6, now_ms).step();
        const int64_t id = sqlite3_last_insert_rowid(db_);
        Stmt link(db_, "UPDATE inbound_replies SET outbox_id=?2 WHERE inbound_message_id=?1");
        link.bind(1, m.id).bind(2, id).step();
        res.reply_id = id;
      }
    }
  }
  t.commit();
  return res;
}

}  // namespace harness::tools::service
