// A component the request pipeline reads on every request and that is swapped rarely (at start,
// by an embedder or a test): the interceptor, the webhook sink, the fault executor, the access
// log, the event hub. Reading it is one plain atomic load: no lock and no reference count, so
// the loop threads never write a shared cache line just to find it (std::atomic_load of a
// shared_ptr takes a global lock and bumps the count on every request).
//
// The price: every value ever set stays alive until the Published itself goes, so a request that
// read the old one can finish with it. Meant for values set a handful of times per owner; each
// set() keeps one more reference.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace harness::mock {

template <class T>
class Published {
 public:
  Published() = default;
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  // The current value (nullptr when none); valid as long as this Published lives.
  T* get() const { return ptr_.load(std::memory_order_acquire); }
  explicit operator bool() const { return get() != nullptr; }

  void set(std::shared_ptr<T> v) {
    std::lock_guard<std::mutex> lk(mu_);
    T* raw = v.get();
    if (v && (kept_.empty() || kept_.back() != v)) kept_.push_back(std::move(v));
    ptr_.store(raw, std::memory_order_release);
  }

 private:
  std::atomic<T*> ptr_{nullptr};
  std::mutex mu_;
  std::vector<std::shared_ptr<T>> kept_;
};

}  // namespace harness::mock
