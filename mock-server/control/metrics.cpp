#include "control/metrics.h"

#include <malloc.h>
#include <sstream>
#include "store/journal.h"
#include "store/store.h"

namespace harness::mock {
namespace {

// Label values escape backslash, double quote and newline (exposition format).
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::count_request(const std::string& route, const std::string& method, int status) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = requests_.find(KeyView{method, route, status});
  if (it == requests_.end()) it = requests_.emplace(Key{method, route, status}, 0).first;
  ++it->second;
}

void Metrics::clear() {
  std::lock_guard<std::mutex> lk(mu_);
  requests_.clear();
}

void Metrics::add_source(std::function<std::string()> source) {
  std::lock_guard<std::mutex> lk(mu_);
  sources_.push_back(std::move(source));
}

std::string Metrics::render(const Store& store, const Journal& journal) const {
  std::ostringstream os;
  os << "# HELP telnyx_mock_requests_total HTTP requests served, by route template and status.\n"
     << "# TYPE telnyx_mock_requests_total counter\n";
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto& [k, n] : requests_) {
      os << "telnyx_mock_requests_total{route=\"" << label(k.method + " " + k.route) << "\",status=\""
         << k.status << "\"} " << n << '\n';
    }
  }
  os << "# HELP telnyx_mock_messages Stored messages by current status.\n"
     << "# TYPE telnyx_mock_messages gauge\n";
  for (const auto& [status, n] : store.messages_by_status()) {
    os << "telnyx_mock_messages{status=\"" << label(status) << "\"} " << n << '\n';
  }
  os << "# HELP telnyx_mock_messages_stored Messages currently held (bounded by max_messages).\n"
     << "# TYPE telnyx_mock_messages_stored gauge\n"
     << "telnyx_mock_messages_stored " << store.message_count() << '\n'
     << "# HELP telnyx_mock_journal_entries Request journal entries held (bounded by max_journal).\n"
     << "# TYPE telnyx_mock_journal_entries gauge\n"
     << "telnyx_mock_journal_entries " << journal.size() << '\n'
     << "# HELP telnyx_mock_journal_appended_total Requests ever journaled.\n"
     << "# TYPE telnyx_mock_journal_appended_total counter\n"
     << "telnyx_mock_journal_appended_total " << journal.total() << '\n';
  // The allocator's view (glibc): bytes in use by live objects vs. held but free. Growing RSS
  // with flat in-use bytes is fragmentation, not a leak. Another allocator (a sanitizer's, or one
  // preloaded) answers zeros here; no sample is better than a wrong one. The telnyx-mock binary
  // built with jemalloc adds the same gauges from jemalloc's statistics (main.cpp).
  const struct mallinfo2 mi = mallinfo2();
  if (mi.arena != 0 || mi.hblkhd != 0) {
    os << "# HELP telnyx_mock_heap_in_use_bytes Heap bytes held by live allocations.\n"
       << "# TYPE telnyx_mock_heap_in_use_bytes gauge\n"
       << "telnyx_mock_heap_in_use_bytes " << (mi.uordblks + mi.hblkhd) << '\n'
       << "# HELP telnyx_mock_heap_free_bytes Heap bytes the allocator holds but nothing uses.\n"
       << "# TYPE telnyx_mock_heap_free_bytes gauge\n"
       << "telnyx_mock_heap_free_bytes " << mi.fordblks << '\n';
  }
  std::vector<std::function<std::string()>> sources;
  {
    std::lock_guard<std::mutex> lk(mu_);
    sources = sources_;
  }
  for (const auto& source : sources) os << source();
  return os.str();
}

}  // namespace harness::mock
