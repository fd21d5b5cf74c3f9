// Control listings are served in bounded pages over real sockets: GET /_mock/messages,
// /_mock/requests and /_mock/webhooks serve at most kMaxControlPage items whatever `limit` asks
// for (meta says so), and `before=<meta.next_before>` walks every item exactly once, newest first.
#include <set>
#include <string>
#include <vector>
#include "control/builtin.h"
#include "mock_fixture.h"

namespace harness::mock::testing {
namespace {

class ControlPagingTest : public MockFixture {
 protected:
  // Sends `n` messages as `key`; returns their ids, oldest first.
  std::vector<std::string> send_many(int n, const std::string& key) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto r = send({{"to", "+17735550188"}, {"text", "page " + std::to_string(i)}}, key);
      EXPECT_EQ(r.status, 200) << r.raw;
      if (r.status != 200) break;
      ids.push_back(r.body["data"]["id"].get<std::string>());
    }
    return ids;
  }
  // Every page of `path` (which has a query already) at `limit`, following meta.next_before.
  std::vector<Reply> all_pages(const std::string& path, size_t limit) {
    std::vector<Reply> pages;
    std::string cursor;
    for (int guard = 0; guard < 100; ++guard) {
      pages.push_back(get(path + "&limit=" + std::to_string(limit) + cursor));
      const Reply& r = pages.back();
      EXPECT_EQ(r.status, 200) << r.raw;
      if (r.status != 200 || r.body["meta"]["next_before"].is_null()) break;
      cursor = "&before=" + std::to_string(r.body["meta"]["next_before"].get<uint64_t>());
    }
    return pages;
  }
};

TEST_F(ControlPagingTest, MessagesAreServedInCappedPagesAndTheCursorWalksEveryMessageOnce) {
  const auto a = send_many(1200, "KEYpagesA");
  const auto b = send_many(300, "KEYpagesB");
  ASSERT_EQ(a.size(), 1200u);
  ASSERT_EQ(b.size(), 300u);

  // Asking for more than the cap gets the cap, and meta says so.
  auto big = get("/_mock/messages?limit=100000");
  ASSERT_EQ(big.status, 200) << big.raw.substr(0, 300);
  EXPECT_EQ(big.body["data"].size(), kMaxControlPage);
  EXPECT_EQ(big.body["meta"]["limit"], kMaxControlPage);
  EXPECT_EQ(big.body["meta"]["limit_max"], kMaxControlPage);
  EXPECT_EQ(big.body["meta"]["limit_clamped"], true);
  EXPECT_FALSE(big.body["meta"]["next_before"].is_null());
  EXPECT_EQ(big.body["data"][0]["message"]["id"], b.back());   // newest first

  // Every message of every tenant exactly once, newest first, across pages of 400.
  std::vector<std::string> seen;
  for (const auto& page : all_pages("/_mock/messages?x=1", 400)) {
    EXPECT_EQ(page.body["meta"]["limit_clamped"], false);
    for (const auto& item : page.body["data"]) seen.push_back(item["message"]["id"].get<std::string>());
  }
  std::vector<std::string> expected(b.rbegin(), b.rend());
  expected.insert(expected.end(), a.rbegin(), a.rend());
  EXPECT_EQ(seen, expected);

  // One tenant's pages hold only its messages.
  std::vector<std::string> only_a;
  for (const auto& page : all_pages("/_mock/messages?api_key=KEYpagesA", 1000))
    for (const auto& item : page.body["data"]) only_a.push_back(item["message"]["id"].get<std::string>());
  EXPECT_EQ(only_a, std::vector<std::string>(a.rbegin(), a.rend()));
}

TEST_F(ControlPagingTest, AnExactlyFullLastPageEndsWithAnEmptyOne) {
  const auto ids = send_many(4, "KEYpagesC");
  auto pages = all_pages("/_mock/messages?api_key=KEYpagesC", 2);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].body["data"].size(), 2u);
  EXPECT_EQ(pages[1].body["data"].size(), 2u);
  EXPECT_TRUE(pages[2].body["data"].empty());
  EXPECT_TRUE(pages[2].body["meta"]["next_before"].is_null());
  EXPECT_EQ(pages[1].body["data"][1]["message"]["id"], ids.front());
}

TEST_F(ControlPagingTest, TheJournalIsServedInCappedPagesAndTheCursorWalksItOnce) {
  send_many(1100, "KEYjournal");
  auto big = get("/_mock/requests?limit=50000&api_key=KEYjournal");
  ASSERT_EQ(big.status, 200);
  EXPECT_EQ(big.body["data"].size(), kMaxControlPage);
  EXPECT_EQ(big.body["meta"]["limit_clamped"], true);
  std::set<uint64_t> seqs;
  uint64_t last = UINT64_MAX;
  size_t n = 0;
  for (const auto& page : all_pages("/_mock/requests?api_key=KEYjournal", 300)) {
    for (const auto& e : page.body["data"]) {
      const uint64_t seq = e["seq"].get<uint64_t>();
      EXPECT_LT(seq, last);   // newest first, never repeated
      last = seq;
      seqs.insert(seq);
      ++n;
    }
  }
  EXPECT_EQ(n, 1100u);
  EXPECT_EQ(seqs.size(), 1100u);
}

TEST_F(ControlPagingTest, WebhookAttemptsAreCappedToo) {
  auto r = get("/_mock/webhooks?limit=5000");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["meta"]["limit"], kMaxControlPage);
  EXPECT_EQ(r.body["meta"]["limit_clamped"], true);
  auto small = get("/_mock/webhooks?limit=10");
  ASSERT_EQ(small.status, 200);
  EXPECT_EQ(small.body["meta"]["limit"], 10);
  EXPECT_EQ(small.body["meta"]["limit_clamped"], false);
}

TEST_F(ControlPagingTest, ABadCursorOrLimitIsA400WithTheEnvelope) {
  for (const char* q : {"/_mock/messages?before=abc", "/_mock/messages?before=-1", "/_mock/requests?before=1x",
                        "/_mock/messages?limit=-5", "/_mock/requests?limit=100001"}) {
    auto r = get(q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.code(), "10015") << q << " " << r.raw;
  }
}

}  // namespace
}  // namespace harness::mock::testing
