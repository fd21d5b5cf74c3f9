// Process-wide settings of the telnyx-mock binary (not of the in-process MockServer, which tests
// embed): the allocator's arenas and free pages, its heap gauges for /metrics, the descriptor
// limit.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include "core/ticker.h"

namespace harness::mock {

// Before any thread starts: with glibc's malloc, two arenas (MALLOC_ARENA_MAX still overrides);
// the descriptor limit raised to the hard limit (every connection is a descriptor;
// settings.max_connections is the mock's own bound).
void tune_process();

// The heap gauges /metrics shows when the allocator is jemalloc (with glibc's malloc, /metrics
// reads mallinfo2 itself); nullptr otherwise.
std::function<std::string()> allocator_metrics();

// Gives the allocator's free pages back to the kernel every `interval` (0: never). The live heap
// of a busy mock is flat once its stores are full, but a burst (a webhook backlog, a large journal
// query) raises the high-water mark, and glibc keeps those pages: RSS would only ever go up.
class HeapTrimmer {
 public:
  explicit HeapTrimmer(std::chrono::seconds interval);

 private:
  core::Ticker ticker_;
};

}  // namespace harness::mock
