#include "cluster/detail/term_counter.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

using crossnews::TermId;
using crossnews::detail::TermCounter;

namespace {

struct Expected {
  float body = 0.0f, title = 0.0f;
  std::uint32_t first = 0;
};

// Counts `ids` (body 1 at even positions, title 1 at odd ones) after reset(distinct), and checks
// every entry, their first-occurrence order and index_of against a map.
void check_counts(TermCounter& counter, const std::vector<std::uint32_t>& ids,
                  std::size_t distinct) {
  counter.reset(distinct);
  std::map<std::uint32_t, Expected> expected;
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < ids.size(); ++i) {
    const float body = i % 2 == 0 ? 1.0f : 0.0f;
    counter.add(TermId(ids[i]), body, 1.0f - body, i);
    auto [it, added] = expected.try_emplace(ids[i], Expected{0.0f, 0.0f, i});
    if (added) order.push_back(ids[i]);
    it->second.body += body;
    it->second.title += 1.0f - body;
  }
  const auto entries = counter.entries();
  REQUIRE(entries.size() == order.size());
  std::size_t right = 0;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const Expected& e = expected[order[k]];
    right += entries[k].term == TermId(order[k]) && entries[k].body == e.body &&
             entries[k].title == e.title && entries[k].first == e.first &&
             counter.index_of(TermId(order[k])) == k;
  }
  CHECK(right == entries.size());
}

}  // namespace

TEST_CASE("term counter: counts, first positions and order of first occurrence") {
  TermCounter counter;
  check_counts(counter, {7, 3, 7, 7, 0, 3, 4000000000u, 0}, 8);
  CHECK(counter.entries().size() == 4);
  CHECK(counter.index_of(TermId(5)) == TermCounter::kMissing);
}

TEST_CASE("term counter: terms that share slots stay apart, at the highest load it allows") {
  // reset(n) admits n distinct terms in 2n slots or more: random ids collide often, and runs of
  // ids a power of two apart, or next to each other, probe across the table's end.
  TermCounter counter;
  std::mt19937 random(14);
  for (int round = 0; round < 200; ++round) {
    const std::size_t distinct = 1 + random() % 300;
    std::vector<std::uint32_t> ids;
    const std::uint32_t base = static_cast<std::uint32_t>(random());
    const std::uint32_t step = round % 3 == 0 ? 1u << (random() % 20) : 1u + random() % 3;
    for (std::size_t i = 0; i < distinct; ++i)
      ids.push_back(base + static_cast<std::uint32_t>(i) * step);
    for (std::size_t i = 0; i < distinct; ++i) ids.push_back(ids[random() % distinct]);
    check_counts(counter, ids, distinct);
    CHECK(counter.entries().size() == distinct);
  }
}

TEST_CASE("term counter: reset forgets the article before, whatever its size") {
  TermCounter counter;
  std::vector<std::uint32_t> big;
  for (std::uint32_t i = 0; i < 5000; ++i) big.push_back(i * 31);
  check_counts(counter, big, big.size());
  check_counts(counter, {62, 9}, 2);
  CHECK(counter.entries().size() == 2);
  CHECK(counter.index_of(TermId(31)) == TermCounter::kMissing);
  CHECK(counter.index_of(TermId(62)) == 0);
  counter.reset(0);
  CHECK(counter.entries().empty());
  CHECK(counter.index_of(TermId(62)) == TermCounter::kMissing);
}
