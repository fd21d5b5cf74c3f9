// One tenant's stored messages, oldest first, with an index by message id: the store's per-send
// work is an append and, once the tenant is full, replacing the oldest, both O(1) and without
// rehashing or walking a node-based map. Each message is one allocation, held in a deque of
// pointers (append at the back, evict at the front); a full tenant's send reuses the evicted
// message's storage. The index is an open-addressing table (linear probing, backward-shift
// deletion) of (id hash, position) pairs: an insert or an eviction touches one run of that table
// and the message itself. Not thread-safe (the store's shard lock guards it).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "core/clock.h"
#include "core/message.h"
#include "store/hooks.h"

namespace harness::mock {

struct StoredMessage {
  core::Message message;
  core::TimePoint created;
  std::vector<TimedStatus> timeline;   // applied lazily, on read (Store::catch_up)
  size_t applied = 0;                  // timeline steps already applied
  uint64_t seq = 0;                    // store-wide insertion order (listing all tenants)
  uint64_t id_hash = 0;                // MessageRing's hash of message.id
};

class MessageRing {
 public:
  static uint64_t hash_id(std::string_view id) {
    const uint64_t h = std::hash<std::string_view>{}(id);
    return h ^ (h >> 29);   // the low bits pick the slot: fold the high ones in
  }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // The i-th oldest (0 = oldest); seq ascends with i.
  StoredMessage& operator[](size_t i) { return *items_[i]; }
  const StoredMessage& operator[](size_t i) const { return *items_[i]; }

  StoredMessage* find(std::string_view id) {
    if (items_.empty()) return nullptr;
    const uint64_t h = hash_id(id);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.pos == 0) return nullptr;
      if (s.hash == h) {
        StoredMessage& sm = at(s.pos);
        if (sm.message.id == id) return &sm;
      }
    }
  }

  // Appends a message whose id is not stored yet (find() it first).
  StoredMessage& emplace_back(core::Message&& m, core::TimePoint created, std::vector<TimedStatus>&& timeline,
                              uint64_t seq) {
    auto sm = std::make_unique<StoredMessage>();
    fill(*sm, std::move(m), created, std::move(timeline), seq);
    if ((items_.size() + 1) * 2 > slots_.size()) grow();
    items_.push_back(std::move(sm));
    place(Slot{items_.back()->id_hash, first_pos_ + items_.size() - 1});
    return *items_.back();
  }

  // Evicts the oldest and appends `m` in one step (a full tenant's send): the evicted message's
  // storage takes the new one, so nothing is allocated, copied out or freed but its strings.
  StoredMessage& replace_oldest(core::Message&& m, core::TimePoint created, std::vector<TimedStatus>&& timeline,
                                uint64_t seq) {
    std::unique_ptr<StoredMessage> sm = std::move(items_.front());
    unindex(sm->id_hash, first_pos_);
    items_.pop_front();
    ++first_pos_;
    fill(*sm, std::move(m), created, std::move(timeline), seq);
    items_.push_back(std::move(sm));
    place(Slot{items_.back()->id_hash, first_pos_ + items_.size() - 1});
    return *items_.back();
  }

  // Takes the oldest message out (the caller frees it, e.g. after releasing its lock).
  std::unique_ptr<StoredMessage> pop_front() {
    std::unique_ptr<StoredMessage> out = std::move(items_.front());
    unindex(out->id_hash, first_pos_);
    items_.pop_front();
    ++first_pos_;
    return out;
  }

  void swap(MessageRing& o) noexcept {
    items_.swap(o.items_);
    slots_.swap(o.slots_);
    std::swap(mask_, o.mask_);
    std::swap(first_pos_, o.first_pos_);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t pos = 0;   // position in items_, counted from first_pos_ (>= 1); 0 = free
  };

  static void fill(StoredMessage& sm, core::Message&& m, core::TimePoint created, std::vector<TimedStatus>&& timeline,
                   uint64_t seq) {
    sm.message = std::move(m);
    sm.created = created;
    sm.timeline = std::move(timeline);
    sm.applied = 0;
    sm.seq = seq;
    sm.id_hash = hash_id(sm.message.id);
  }

  StoredMessage& at(uint64_t pos) { return *items_[static_cast<size_t>(pos - first_pos_)]; }

  void place(Slot s) {
    size_t i = s.hash & mask_;
    while (slots_[i].pos != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }

  void unindex(uint64_t h, uint64_t pos) {
    size_t i = h & mask_;
    while (slots_[i].pos != pos) i = (i + 1) & mask_;   // it is there: the ring indexed it
    // Backward shift: pull each later entry of the run into the hole unless its home slot lies
    // cyclically after the hole (then it is already as close to home as it can be).
    for (size_t j = (i + 1) & mask_; slots_[j].pos != 0; j = (j + 1) & mask_) {
      const size_t home = slots_[j].hash & mask_;
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = Slot{};
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.pos != 0) place(s);
  }

  std::deque<std::unique_ptr<StoredMessage>> items_;   // oldest first
  std::vector<Slot> slots_;    // a power of two, at most half full
  size_t mask_ = 0;
  uint64_t first_pos_ = 1;     // position of items_.front()
};

}  // namespace harness::mock
