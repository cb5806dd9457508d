#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <thread>
#include <vector>

using crossnews::Hit;
using crossnews::IndexQuery;
using crossnews::InvertedIndex;
using crossnews::SparseEntry;
using crossnews::SparseVector;
using crossnews::TermId;
using crossnews::test::vec;

namespace {

std::vector<std::uint32_t> keys_of(const std::vector<Hit>& hits) {
  std::vector<std::uint32_t> keys;
  for (const Hit& h : hits) keys.push_back(h.key);
  return keys;
}

// The reference: every entry scored with SparseVector::dot, filtered, sorted, cut at k.
struct Stored {
  SparseVector vector;
  std::optional<std::int64_t> time;
};

std::vector<Hit> brute_force(const std::map<std::uint32_t, Stored>& entries, const SparseVector& q,
                             const IndexQuery& options) {
  std::vector<Hit> hits;
  for (const auto& [key, stored] : entries) {
    if (options.exclude == key) continue;
    if (stored.time && (*stored.time < options.time_from || *stored.time > options.time_to)) {
      continue;
    }
    const float score = q.dot(stored.vector);
    if (score > 0.0f && score >= options.min_score) hits.push_back({key, score});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.key < b.key;
  });
  if (hits.size() > options.k) hits.resize(options.k);
  return hits;
}

void check_equal(const std::vector<Hit>& got, const std::vector<Hit>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i].key == expected[i].key);
    CHECK(got[i].score == expected[i].score);
  }
}

// Both queries of `b` give the hits of `a`'s.
void check_same_answers(const InvertedIndex& a, const InvertedIndex& b, const SparseVector& q,
                        const SparseVector& other, const IndexQuery& options,
                        crossnews::QueryScratch& scratch) {
  std::vector<Hit> from_a, from_a2, from_b, from_b2;
  a.query(q, options, scratch, from_a);
  b.query(q, options, scratch, from_b);
  check_equal(from_b, from_a);
  a.query_pair(q, other, options, scratch, from_a, from_a2);
  b.query_pair(q, other, options, scratch, from_b, from_b2);
  check_equal(from_b, from_a);
  check_equal(from_b2, from_a2);
}

}  // namespace

TEST_CASE("index: top-k by dot product, ties by smaller key, filters") {
  InvertedIndex index;
  index.insert(10, vec({{1, 0.6f}, {2, 0.8f}}));
  index.insert(20, vec({{2, 0.6f}, {3, 0.8f}}));
  index.insert(30, vec({{1, 0.6f}, {2, 0.8f}}), 50);
  index.insert(40, vec({{4, 1.0f}}), 10);
  CHECK(index.size() == 4);
  CHECK(index.contains(30));
  CHECK_FALSE(index.contains(31));
  const SparseVector q = vec({{1, 0.6f}, {2, 0.8f}});

  IndexQuery all;
  auto hits = index.query(q, all);
  // 10 and 30 score 0.36 + 0.64, 20 scores 0.48; 40 shares no term and never matches.
  CHECK(keys_of(hits) == std::vector<std::uint32_t>{10, 30, 20});
  CHECK(hits[0].score == doctest::Approx(1.0));
  CHECK(hits[1].score == hits[0].score);
  CHECK(hits[2].score == doctest::Approx(0.48));

  IndexQuery options;
  options.min_score = 0.5f;
  CHECK(keys_of(index.query(q, options)) == std::vector<std::uint32_t>{10, 30});
  options = {};
  options.k = 1;
  CHECK(keys_of(index.query(q, options)) == std::vector<std::uint32_t>{10});
  options = {};
  options.exclude = 10;
  CHECK(keys_of(index.query(q, options)) == std::vector<std::uint32_t>{30, 20});
  options = {};
  options.time_from = 0;
  options.time_to = 40;  // 30 (time 50) is out; entries without time always match
  CHECK(keys_of(index.query(q, options)) == std::vector<std::uint32_t>{10, 20});
  options = {};
  options.k = 0;
  CHECK(index.query(q, options).empty());
  CHECK(index.query(SparseVector{}, all).empty());

  index.remove(10);
  CHECK_FALSE(index.contains(10));
  CHECK(keys_of(index.query(q, all)) == std::vector<std::uint32_t>{30, 20});
  index.update(20, vec({{1, 1.0f}}));
  hits = index.query(q, all);
  CHECK(keys_of(hits) == std::vector<std::uint32_t>{30, 20});
  CHECK(hits[1].score == doctest::Approx(0.6));
  CHECK(index.size() == 3);

  CHECK_THROWS_AS(index.insert(30, q), crossnews::ConfigError);
  CHECK_THROWS_AS(index.update(99, q), crossnews::ConfigError);
  CHECK_THROWS_AS(index.remove(99), crossnews::ConfigError);
}

TEST_CASE("index: max-score stops collecting candidates a common light term would add") {
  InvertedIndex index;
  std::map<std::uint32_t, Stored> stored;
  // Every entry has the common term 0 with a small weight and one of 50 rarer heavy terms.
  for (std::uint32_t key = 0; key < 2000; ++key) {
    SparseVector v = vec({{0, 0.01f}, {1 + key % 50, 1.0f}});
    index.insert(key, v);
    stored[key] = {v, std::nullopt};
  }
  const SparseVector q = vec({{0, 1.0f}, {8, 1.0f}});
  IndexQuery options;
  options.k = 5;
  auto scratch = InvertedIndex::make_scratch();
  std::vector<Hit> hits;
  index.query(q, options, *scratch, hits);
  check_equal(hits, brute_force(stored, q, options));
  // Only the 40 entries with term 8 are scored, not the 2000 sharing term 0.
  CHECK(InvertedIndex::scored_candidates(*scratch) == 40);
  // With k above those 40, the light term must be scanned for new candidates after all.
  options.k = 100;
  index.query(q, options, *scratch, hits);
  check_equal(hits, brute_force(stored, q, options));
  CHECK(InvertedIndex::scored_candidates(*scratch) == 2000);
  // A min_score above the light term's reach prunes on its own.
  options.min_score = 0.5f;
  index.query(q, options, *scratch, hits);
  CHECK(hits.size() == 40);
  CHECK(InvertedIndex::scored_candidates(*scratch) == 40);
}

namespace {

// Weights are multiples of 1/16, so every dot product is exact in float and ties are common:
// the comparison with brute force can demand identical keys and scores.
SparseVector random_vector(std::mt19937& rng, bool allow_negative) {
  std::uniform_int_distribution<int> length(1, 12);
  std::geometric_distribution<std::uint32_t> term(0.08);  // a few common terms, a long tail
  std::uniform_int_distribution<int> weight(allow_negative ? -8 : 1, 16);
  std::vector<SparseEntry> entries;
  const int n = length(rng);
  for (int i = 0; i < n; ++i) {
    int w = weight(rng);
    if (w == 0) w = 1;
    entries.push_back({TermId(term(rng)), static_cast<float>(w) / 16.0f});
  }
  std::sort(entries.begin(), entries.end(),
            [](const SparseEntry& a, const SparseEntry& b) { return a.term < b.term; });
  entries.erase(
      std::unique(entries.begin(), entries.end(),
                  [](const SparseEntry& a, const SparseEntry& b) { return a.term == b.term; }),
      entries.end());
  return SparseVector::from_sorted(std::move(entries));
}

std::optional<std::int64_t> random_time(std::mt19937& rng) {
  if (rng() % 5 == 0) return std::nullopt;
  return static_cast<std::int64_t>(rng() % 100);
}

IndexQuery random_query_options(std::mt19937& rng, const std::map<std::uint32_t, Stored>& live) {
  IndexQuery options;
  const std::size_t ks[] = {1, 2, 3, 10, 50, 100000};
  options.k = ks[rng() % 6];
  const float min_scores[] = {0.0f, 0.0f, 0.125f, 0.5f, 1.0f, 2.0f};
  options.min_score = min_scores[rng() % 6];
  if (rng() % 3 == 0) {
    options.time_from = static_cast<std::int64_t>(rng() % 60);
    options.time_to = options.time_from + static_cast<std::int64_t>(rng() % 50);
  }
  if (rng() % 3 == 0 && !live.empty()) {
    auto it = live.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng() % live.size()));
    options.exclude = it->first;
  }
  return options;
}

}  // namespace

TEST_CASE("index: top-k equals brute force through inserts, updates and removals (property)") {
  for (const bool allow_negative : {false, true}) {
    for (std::uint32_t seed = 1; seed <= 6; ++seed) {
      CAPTURE(seed);
      CAPTURE(allow_negative);
      std::mt19937 rng(seed);
      InvertedIndex index;
      std::map<std::uint32_t, Stored> live;
      auto scratch = InvertedIndex::make_scratch();
      std::vector<Hit> hits;
      std::uint32_t next_key = 5;
      for (int round = 0; round < 8; ++round) {
        for (int i = 0; i < 60; ++i) {
          const std::uint32_t key = next_key;
          next_key += 1 + rng() % 3;
          Stored s{random_vector(rng, allow_negative), random_time(rng)};
          index.insert(key, s.vector, s.time);
          live[key] = s;
        }
        for (int i = 0; i < 25 && !live.empty(); ++i) {
          auto it = live.begin();
          std::advance(it, static_cast<std::ptrdiff_t>(rng() % live.size()));
          if (rng() % 2 == 0) {
            index.remove(it->first);
            live.erase(it);
          } else {
            it->second = {random_vector(rng, allow_negative), random_time(rng)};
            index.update(it->first, it->second.vector, it->second.time);
          }
        }
        REQUIRE(index.size() == live.size());
        for (int qi = 0; qi < 40; ++qi) {
          const SparseVector q = random_vector(rng, allow_negative);
          const IndexQuery options = random_query_options(rng, live);
          CAPTURE(round);
          CAPTURE(qi);
          index.query(q, options, *scratch, hits);
          check_equal(hits, brute_force(live, q, options));
        }
      }
    }
  }
}

TEST_CASE("index: time-ordered inserts and query_pair equal brute force (property)") {
  // Time-ordered inserts take the window cut; 40k entries span several query_pair blocks; the
  // removals at the end take both queries back to the general path.
  for (const bool allow_negative : {false, true}) {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      CAPTURE(seed);
      CAPTURE(allow_negative);
      std::mt19937 rng(seed);
      InvertedIndex index;
      std::map<std::uint32_t, Stored> live;
      std::int64_t time = 0;
      for (std::uint32_t key = 0; key < 40000; ++key) {
        time += static_cast<std::int64_t>(rng() % 3 == 0);
        Stored s{random_vector(rng, allow_negative), time};
        index.insert(key * 7 % 40009, s.vector, s.time);
        live[key * 7 % 40009] = s;
      }
      auto scratch = InvertedIndex::make_scratch();
      std::vector<Hit> hits, first, second;
      for (const bool removed : {false, true}) {
        CAPTURE(removed);
        if (removed) {
          for (int i = 0; i < 100; ++i) {
            auto it = live.begin();
            std::advance(it, static_cast<std::ptrdiff_t>(rng() % live.size()));
            index.remove(it->first);
            live.erase(it);
          }
        }
        for (int qi = 0; qi < 30; ++qi) {
          CAPTURE(qi);
          const SparseVector q = random_vector(rng, allow_negative);
          IndexQuery options = random_query_options(rng, live);
          if (rng() % 2 == 0) {
            options.time_from = static_cast<std::int64_t>(rng() % 15000);
            options.time_to = options.time_from + static_cast<std::int64_t>(rng() % 8000);
          }
          index.query(q, options, *scratch, hits);
          check_equal(hits, brute_force(live, q, options));
          // The second query: a subset of the first (as a cross-lingual part is), or unrelated.
          std::vector<SparseEntry> part;
          for (const SparseEntry& e : q.entries()) {
            if (rng() % 2 == 0) part.push_back(e);
          }
          const SparseVector other = rng() % 2 == 0 ? SparseVector::from_sorted(std::move(part))
                                                    : random_vector(rng, allow_negative);
          index.query_pair(q, other, options, *scratch, first, second);
          check_equal(first, brute_force(live, q, options));
          check_equal(second, brute_force(live, other, options));
        }
      }
    }
  }
}

TEST_CASE("index: queries from several threads with their own scratch agree") {
  std::mt19937 rng(11);
  InvertedIndex index;
  for (std::uint32_t key = 0; key < 3000; ++key) {
    index.insert(key, random_vector(rng, false), random_time(rng));
  }
  std::vector<SparseVector> queries;
  std::vector<IndexQuery> options;
  const std::map<std::uint32_t, Stored> none;
  for (int i = 0; i < 200; ++i) {
    queries.push_back(random_vector(rng, false));
    options.push_back(random_query_options(rng, none));
  }
  std::vector<std::vector<Hit>> expected;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    expected.push_back(index.query(queries[i], options[i]));
  }
  std::vector<std::vector<std::vector<Hit>>> results(3);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      auto scratch = InvertedIndex::make_scratch();
      std::vector<Hit> hits;
      for (std::size_t i = 0; i < queries.size(); ++i) {
        index.query(queries[i], options[i], *scratch, hits);
        result.push_back(hits);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& result : results) {
    REQUIRE(result.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) check_equal(result[i], expected[i]);
  }
}

TEST_CASE("index: nearest_per_term reads a common term's postings nearest the window's middle") {
  // 20 entries, one a day, all sharing term 1; entry k also has term 2 when k is even.
  InvertedIndex index;
  for (std::uint32_t key = 0; key < 20; ++key) {
    const float own = key % 2 == 0 ? 0.5f : 0.0f;
    index.insert(key, vec({{1, 1.0f}, {2, own}}), std::int64_t{key} * 86400);
  }
  auto scratch = InvertedIndex::make_scratch();
  std::vector<Hit> hits, second;
  IndexQuery options;
  options.k = 20;
  options.time_from = 4 * 86400;  // days 4..14, middle day 9
  options.time_to = 14 * 86400;
  options.nearest_per_term = 4;
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  std::vector<std::uint32_t> keys = keys_of(hits);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{7, 8, 9, 10});
  // Each term takes its own nearest: term 2's list holds the even days only.
  index.query_pair(vec({{1, 1.0f}}), vec({{2, 1.0f}}), options, *scratch, hits, second);
  keys = keys_of(second);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{6, 8, 10, 12});
  // Near an end of the window the cap is filled from the other side.
  options.time_from = 0;
  options.time_to = 2 * 86400;  // days 0..2, middle day 1: 3 entries, all read
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  CHECK(hits.size() == 3);
  options.time_from = 0;
  options.time_to = 19 * 86400 - 1;  // middle day 9.5 -> entries from day 10 on come after
  options.nearest_per_term = 3;
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  keys = keys_of(hits);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{9, 10, 11});
  // Without both bounds the cap does not apply.
  options.time_from = std::numeric_limits<std::int64_t>::min();
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  CHECK(hits.size() == 19);
}

TEST_CASE("index: without times nearest_per_term reads the postings nearest the anchor's entry") {
  // 20 entries without time, inserted in order, all sharing term 1.
  InvertedIndex index;
  for (std::uint32_t key = 0; key < 20; ++key) index.insert(key, vec({{1, 1.0f}}));
  auto scratch = InvertedIndex::make_scratch();
  std::vector<Hit> hits, second;
  IndexQuery options;
  options.k = 20;
  options.nearest_per_term = 4;
  // Without an anchor there is nothing to be near: every posting is read.
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  CHECK(hits.size() == 20);
  options.anchor = 9;
  options.exclude = 9;
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  std::vector<std::uint32_t> keys = keys_of(hits);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{7, 8, 10});
  index.query_pair(vec({{1, 1.0f}}), vec({{1, 0.5f}}), options, *scratch, hits, second);
  keys = keys_of(second);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{7, 8, 10});
  // Near the start the cap is filled from after the anchor.
  options.anchor = 0;
  options.exclude.reset();
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  keys = keys_of(hits);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{0, 1, 2, 3});
  // Removals keep insertion order, and a removed entry does not count toward the cap.
  index.remove(19);
  index.remove(8);
  index.query(vec({{1, 1.0f}}), options, *scratch, hits);
  keys = keys_of(hits);
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::uint32_t>{0, 1, 2, 3});
  options.anchor = 9;
  options.exclude = 9;
  index.query_pair(vec({{1, 1.0f}}), vec({{1, 0.5f}}), options, *scratch, hits, second);
  for (const auto* got : {&hits, &second}) {
    keys = keys_of(*got);
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::uint32_t>{6, 7, 10});
  }
}

TEST_CASE("index: nearest_by_insertion cuts by insertion order, then by time") {
  // 20 entries sharing term 1, one a day, inserted in time order.
  InvertedIndex index;
  for (std::uint32_t key = 0; key < 20; ++key) {
    index.insert(key, vec({{1, 1.0f}}), std::int64_t{key} * 86400);
  }
  auto scratch = InvertedIndex::make_scratch();
  std::vector<Hit> hits;
  IndexQuery options;
  options.k = 20;
  options.time_from = 10 * 86400;  // days 10..16, middle day 13
  options.time_to = 16 * 86400;
  options.nearest_per_term = 4;
  options.anchor = 19;
  const auto keys_read = [&] {
    index.query(vec({{1, 1.0f}}), options, *scratch, hits);
    std::vector<std::uint32_t> keys = keys_of(hits);
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  CHECK(keys_read() == std::vector<std::uint32_t>{11, 12, 13, 14});  // nearest the middle day
  // The 4 inserted last (16..19), then those in the window.
  options.nearest_by_insertion = true;
  CHECK(keys_read() == std::vector<std::uint32_t>{16});
  // A late entry (day 3, inserted last) ends time order: without the flag the anchor is used too.
  index.insert(20, vec({{1, 1.0f}}), std::int64_t{3} * 86400);
  options.anchor = 20;
  options.time_from = 2 * 86400;  // days 2..18
  options.time_to = 18 * 86400;
  options.nearest_by_insertion = false;
  CHECK(keys_read() == std::vector<std::uint32_t>{17, 18, 20});
}

TEST_CASE("index: after removals, capped queries read what an index of the live entries reads") {
  // Entries inserted in time order, removed mostly oldest first (as a stream evicts) and some at
  // random; enough removals to compact lists and renumber slots. At every step each kind of cut
  // (time window, anchor, insertion order) must answer as an index built from the live entries,
  // in their order: what a query reads depends on the live entries only.
  for (const bool allow_negative : {false, true}) {
    CAPTURE(allow_negative);
    std::mt19937 rng(allow_negative ? 7 : 3);
    InvertedIndex index;
    std::map<std::uint32_t, Stored> live;
    std::uint32_t next_key = 0, oldest = 0;
    auto scratch = InvertedIndex::make_scratch();
    for (int round = 0; round < 12; ++round) {
      CAPTURE(round);
      for (int i = 0; i < 900; ++i, ++next_key) {
        Stored s{random_vector(rng, allow_negative), std::int64_t{next_key / 10}};
        index.insert(next_key, s.vector, s.time);
        live[next_key] = s;
      }
      for (int i = 0; i < 700 && !live.empty(); ++i) {
        auto it = live.lower_bound(oldest);
        if (rng() % 4 == 0) std::advance(it, std::ptrdiff_t(rng() % live.size()) / 2);
        if (it == live.end()) it = live.begin();
        oldest = it->first + 1;
        index.remove(it->first);
        live.erase(it);
      }
      InvertedIndex rebuilt;
      for (const auto& [key, s] : live) rebuilt.insert(key, s.vector, s.time);
      for (int qi = 0; qi < 30; ++qi) {
        CAPTURE(qi);
        const SparseVector q = random_vector(rng, allow_negative);
        const SparseVector other = random_vector(rng, allow_negative);
        IndexQuery options = random_query_options(rng, live);
        options.nearest_per_term = 1 + rng() % 40;
        const std::int64_t middle = live.rbegin()->second.time.value_or(0) - rng() % 100;
        options.time_from = middle - static_cast<std::int64_t>(rng() % 60);
        options.time_to = middle + static_cast<std::int64_t>(rng() % 60);
        if (rng() % 2 == 0) {
          auto it = live.begin();
          std::advance(it, static_cast<std::ptrdiff_t>(rng() % live.size()));
          options.anchor = it->first;
          options.nearest_by_insertion = rng() % 2 == 0;
        }
        check_same_answers(rebuilt, index, q, other, options, *scratch);
      }
    }
  }
}

TEST_CASE("index: query_pair cuts each list to the postings query() reads (property)") {
  // query_pair() searches all its lists' windows at once; query() one list after another. Long
  // lists (a few common terms over 20k entries) and caps below and above their windows' lengths.
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    InvertedIndex index;
    std::int64_t time = 0;
    for (std::uint32_t key = 0; key < 20000; ++key) {
      time += static_cast<std::int64_t>(rng() % 3 == 0);
      index.insert(key, random_vector(rng, false), time);
    }
    auto scratch = InvertedIndex::make_scratch();
    std::vector<Hit> first, second, alone;
    for (int qi = 0; qi < 200; ++qi) {
      CAPTURE(qi);
      const SparseVector q = random_vector(rng, false);
      const SparseVector other = random_vector(rng, false);
      IndexQuery options;
      const std::size_t ks[] = {1, 10, 100000};
      options.k = ks[rng() % 3];
      const std::size_t caps[] = {1, 5, 40, 150, 2000};
      options.nearest_per_term = caps[rng() % 5];
      options.time_from = static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(time + 1));
      options.time_to = options.time_from + static_cast<std::int64_t>(rng() % 4000);
      index.query_pair(q, other, options, *scratch, first, second);
      index.query(q, options, *scratch, alone);
      check_equal(first, alone);
      index.query(other, options, *scratch, alone);
      check_equal(second, alone);
    }
  }
}

TEST_CASE("index: lists reserved before the inserts answer as lists grown posting by posting") {
  std::mt19937 rng(11);
  std::vector<SparseVector> vectors;
  for (int i = 0; i < 2000; ++i) vectors.push_back(random_vector(rng, false));
  InvertedIndex grown, reserved;
  std::map<TermId, std::size_t> postings;
  for (const SparseVector& v : vectors) {
    for (const SparseEntry& e : v.entries()) ++postings[e.term];
  }
  reserved.reserve(TermId(999999), 5);  // a list nothing is inserted into
  for (const auto& [term, n] : postings) reserved.reserve(term, n / 2);
  for (std::uint32_t key = 0; key < vectors.size(); ++key) {
    grown.insert(key, vectors[key], std::int64_t{key} / 10);
    reserved.insert(key, vectors[key], std::int64_t{key} / 10);
    if (key == 1000) {
      for (const auto& [term, n] : postings) reserved.reserve(term, n / 2);
    }
  }
  CHECK(reserved.size() == grown.size());
  auto scratch = InvertedIndex::make_scratch();
  for (int qi = 0; qi < 50; ++qi) {
    CAPTURE(qi);
    const SparseVector q = random_vector(rng, false);
    const SparseVector other = random_vector(rng, false);
    IndexQuery options;
    options.k = 10;
    options.time_from = qi;
    options.time_to = qi + 100;
    check_same_answers(grown, reserved, q, other, options, *scratch);
  }
}
