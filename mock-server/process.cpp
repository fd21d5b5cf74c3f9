#include "process.h"

#include <malloc.h>
#include <sys/resource.h>
#include <cstdint>
#include <cstdlib>
#if defined(HARNESS_JEMALLOC)
#include <jemalloc/jemalloc.h>
#endif

namespace harness::mock {
namespace {

void release_free_pages() {
#if defined(HARNESS_JEMALLOC)
  // Every arena's unused dirty pages, at once (jemalloc otherwise lets them decay over ~10 s,
  // and only while the arena is in use).
  static_assert(MALLCTL_ARENAS_ALL == 4096, "arena.<all> is arena.4096");
  mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
#else
  malloc_trim(0);
#endif
}

}  // namespace

void tune_process() {
  // With glibc's malloc (no jemalloc): its default of 8 heaps per core scattered the freed
  // message records, and under a long run RSS kept creeping up after every store was full. Two
  // heaps keep it flat.
#if !defined(HARNESS_JEMALLOC)
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
#endif
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
}

std::function<std::string()> allocator_metrics() {
#if defined(HARNESS_JEMALLOC)
  // From jemalloc's statistics: bytes in live allocations, and bytes of resident pages that hold
  // none (the gauges glibc's mallinfo2 gives otherwise).
  return [] {
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);   // refresh the statistics
    size_t allocated = 0, resident = 0;
    len = sizeof allocated;
    if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) != 0) return std::string();
    len = sizeof resident;
    if (mallctl("stats.resident", &resident, &len, nullptr, 0) != 0) return std::string();
    return "# HELP telnyx_mock_heap_in_use_bytes Heap bytes held by live allocations.\n"
           "# TYPE telnyx_mock_heap_in_use_bytes gauge\n"
           "telnyx_mock_heap_in_use_bytes " + std::to_string(allocated) + "\n"
           "# HELP telnyx_mock_heap_free_bytes Heap bytes the allocator holds but nothing uses.\n"
           "# TYPE telnyx_mock_heap_free_bytes gauge\n"
           "telnyx_mock_heap_free_bytes " + std::to_string(resident > allocated ? resident - allocated : 0) + "\n";
  };
#else
  return nullptr;
#endif
}

HeapTrimmer::HeapTrimmer(std::chrono::seconds interval) : ticker_(interval, release_free_pages) {}

}  // namespace harness::mock
