// MessageRing: the store's per-tenant message ring and its open-addressing id index. Checked
// against a plain map through long runs of appends and evictions (the index wraps, grows and
// shifts entries back on every eviction), with ids that are and are not stored.
#include <gtest/gtest.h>
#include <deque>
#include <string>
#include <unordered_set>
#include "core/rng.h"
#include "store/message_ring.h"

namespace harness::mock {
namespace {

core::Message message(const std::string& id) {
  core::Message m;
  m.id = id;
  return m;
}

StoredMessage& add(MessageRing& ring, const std::string& id, uint64_t seq) {
  return ring.emplace_back(message(id), core::TimePoint{}, {}, seq);
}

TEST(MessageRingTest, FindsWhatItHoldsAndNothingElseThroughAppendsAndEvictions) {
  MessageRing ring;
  std::deque<std::string> expected;   // oldest first
  std::unordered_set<std::string> gone;
  core::Rng rng(7);
  const size_t cap = 300;
  for (uint64_t n = 0; n < 20000; ++n) {
    const std::string id = "msg-" + std::to_string(rng.uniform(1u << 30)) + "-" + std::to_string(n);
    ASSERT_EQ(ring.find(id), nullptr);
    if (expected.size() == cap && n % 2 == 0) {
      // A full ring's send: the oldest makes room in one step.
      gone.insert(expected.front());
      expected.pop_front();
      EXPECT_EQ(ring.replace_oldest(message(id), core::TimePoint{}, {}, n).message.id, id);
    } else {
      add(ring, id, n);
    }
    expected.push_back(id);
    // Evict one or two at a time past the cap; sometimes drain a stretch completely.
    while (expected.size() > cap || (n % 5000 == 4999 && !expected.empty())) {
      std::unique_ptr<StoredMessage> out = ring.pop_front();
      ASSERT_EQ(out->message.id, expected.front());
      gone.insert(expected.front());
      expected.pop_front();
    }
    if (n % 97 == 0) {
      for (const auto& e : expected) {
        StoredMessage* sm = ring.find(e);
        ASSERT_NE(sm, nullptr) << e;
        ASSERT_EQ(sm->message.id, e);
      }
      size_t checked = 0;
      for (const auto& g : gone) {
        ASSERT_EQ(ring.find(g), nullptr) << g;
        if (++checked == 50) break;
      }
    }
    ASSERT_EQ(ring.size(), expected.size());
  }
  // Order and seq survive: oldest first, ascending.
  ASSERT_EQ(ring.size(), expected.size());
  for (size_t i = 0; i < ring.size(); ++i) {
    EXPECT_EQ(ring[i].message.id, expected[i]);
    if (i > 0) {
      EXPECT_GT(ring[i].seq, ring[i - 1].seq);
    }
  }
}

TEST(MessageRingTest, EmptyAndSwappedRings) {
  MessageRing a, b;
  EXPECT_EQ(a.find("x"), nullptr);
  add(a, "x", 1);
  add(a, "y", 2);
  a.swap(b);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.find("x"), nullptr);
  ASSERT_NE(b.find("y"), nullptr);
  EXPECT_EQ(b.find("y")->seq, 2u);
  EXPECT_EQ(b.pop_front()->message.id, "x");
  EXPECT_EQ(b.pop_front()->message.id, "y");
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.find("y"), nullptr);
  add(b, "z", 3);   // reused after running empty
  ASSERT_NE(b.find("z"), nullptr);
}

}  // namespace
}  // namespace harness::mock
