#pragma once
// The state behind InvertedIndex: its layout (storage in inverted_index.cpp), the per-query
// accumulators (QueryScratch) and the two query paths: max-score top-k (index_query.cpp) and the
// paired query of the batch clusterer (index_query_pair.cpp).

#include <crossnews/inverted_index.hpp>

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

// Layout. Each entry gets a dense internal slot, handed out in insertion order and never reused,
// and postings hold slots, not keys, so a query accumulates into flat per-slot arrays instead of a
// hash map. A posting list is one contiguous std::vector<{slot, weight}>, always sorted by slot
// (insertion order); its max |weight| is exact-or-above for max-score.
//
// Removal is immediate and keeps that order: each of the entry's postings becomes a tombstone
// (weight 0: an inserted posting never weighs 0), so it adds nothing to any score and the removed
// entry never reaches a hit. A list is compacted (tombstones erased, order kept) once half its
// postings are tombstones, and the slots are renumbered (order kept) once half of them are
// removed entries, so both cost a constant per removal over time and memory stays within twice
// the live entries'. A cut to the nearest postings counts live postings only, so what a query
// reads depends on the live entries and their order, never on when others left or were compacted
// (a stream's state rebuilt from its live articles answers as the index that ran). Entries' list
// numbers (to find their postings on removal) are kept from the first removal on: an index built
// once (a batch) saves 4 bytes per posting and an allocation per entry.
//
// Query: term-at-a-time max-score. Query terms are taken by decreasing upper bound
// |q_w| * max|posting weight|. Once the sum R of the remaining bounds is below the threshold
// (min_score, or the k-th best partial score when all weights are non-negative, since partial
// scores then only grow), no entry not yet seen can make the result: the remaining lists only
// update existing candidates, by scanning or by random access, whichever touches less memory,
// and candidates whose partial + R is below the threshold are dropped. Scores are accumulated
// in double, like SparseVector::dot (float products are exact in double), so the index and a
// brute-force scan agree after rounding to float; the property test demands identical results.
//
// Time windows. While entries arrive in time order (a batch inserted by time), slots are in time
// order too and every posting list is sorted by time, so a query finds its window's slot range
// once and cuts each list to it by binary search instead of filtering every posting: with a
// 7-day window over a month of news, that skips more than half of the postings. Where there is
// no time to cut by, or the query asks for insertion order, it may name an anchor entry instead:
// the same cut takes the postings nearest the anchor's slot, and the time filter the rest.

namespace crossnews {

namespace detail {

struct Posting {
  std::uint32_t slot;
  float weight;
};

struct PostingList {
  std::vector<Posting> postings;
  float max_abs = 0.0f;
  std::uint32_t tombstones = 0;  // postings of removed entries (weight 0), until compacted

  void refresh_max() {
    max_abs = 0.0f;
    for (const Posting& p : postings) max_abs = std::max(max_abs, std::abs(p.weight));
  }
};

struct Entry {
  std::vector<std::uint32_t> lists;  // the lists holding its postings; empty until tracked
};

// The order of hits: higher score first, then smaller key.
inline bool better_hit(const Hit& a, const Hit& b) {
  return a.score != b.score ? a.score > b.score : a.key < b.key;
}

// Cuts hits to the k best, sorted.
inline void keep_best(std::vector<Hit>& hits, std::size_t k) {
  if (hits.size() > k) {
    std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(k - 1), hits.end(),
                     better_hit);
    hits.resize(k);
  }
  std::sort(hits.begin(), hits.end(), better_hit);
}

}  // namespace detail

using detail::Entry;
using detail::Posting;
using detail::PostingList;
using detail::better_hit;
using detail::keep_best;

struct QueryScratch {
  struct Term {
    std::uint32_t list;
    std::span<const Posting> postings;  // the list's postings inside the query's time window
    double weight;
    double bound;
  };
  // query_pair(): a term of either query, with its weight in each (0 where absent).
  struct PairTerm {
    std::span<const Posting> postings;
    std::uint32_t tombstones;
    double weight[2];
  };
  // By slot; one array, so that touching a posting's entry costs one cache miss, not two.
  struct Accumulator {
    double score[2];      // valid where stamp == epoch; score[1] only for query_pair()
    std::uint32_t stamp;  // epoch: candidate, epoch + 1: rejected by the filters
  };
  std::vector<Accumulator> acc;
  std::uint32_t epoch = 0;
  std::vector<std::uint32_t> candidates;
  std::vector<Term> terms;
  std::vector<PairTerm> pair_terms;
  // query_pair(): the lower bound of `slot` in [base, base + len), searched for (lower_bounds()).
  struct SlotSearch {
    const Posting* base;
    std::size_t len;
    std::uint32_t slot;
  };
  std::vector<SlotSearch> searches;
  std::vector<double> rest;  // rest[i]: sum of the bounds of terms i..end
  std::vector<std::pair<double, std::uint32_t>> ranked;
  std::vector<std::uint32_t> leaders;  // the k best candidates at the last exact ranking
  std::uint64_t scored = 0;

  // query_pair() on few postings: open addressing on the slot, stamped like `acc`.
  struct CompactAccumulator {
    std::uint32_t slot;
    std::uint32_t stamp;
    double score[2];
  };
  std::vector<CompactAccumulator> table;

  void begin(std::size_t slots) {
    if (epoch >= 0xfffffff0u) {
      for (Accumulator& a : acc) a.stamp = 0;
      for (CompactAccumulator& a : table) a.stamp = 0;
      epoch = 0;
    }
    epoch += 2;  // stamps 0 and 1 from resizing mean "untouched"
    if (acc.size() < slots) {
      acc.resize(slots, Accumulator{{0.0, 0.0}, 0u});
    }
    candidates.clear();
    terms.clear();
    pair_terms.clear();
    leaders.clear();
    scored = 0;
  }
};

struct InvertedIndex::Impl {
  absl::flat_hash_map<std::uint32_t, std::uint32_t> list_of_term;  // TermId value -> list
  std::vector<PostingList> lists;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> slot_of_key;
  std::vector<Entry> entries;  // by slot
  // Read at a candidate's first touch only; kept apart from `entries` to stay cache-dense.
  std::vector<std::int64_t> times;
  std::vector<std::uint32_t> keys;  // by slot, apart from `entries`: read for every candidate
  std::vector<std::uint8_t> has_time;
  std::size_t negative_postings = 0;
  std::size_t removed_slots = 0;  // slots of removed entries, until renumbered
  // Every entry has a time and posting lists are sorted by it (see "Time windows" above).
  bool time_ordered = true;
  bool tracks_lists = false;  // entries' lists are filled (see "Removal" above)
  std::int64_t latest_time = std::numeric_limits<std::int64_t>::min();

  void add(std::uint32_t key, const SparseVector& vector, std::optional<std::int64_t> time);
  void drop(std::uint32_t slot);
  void track_lists();
  void compact(PostingList& list);
  void renumber_slots();
  void query(const SparseVector& q, const IndexQuery& options, QueryScratch& s,
             std::vector<Hit>& out) const;
  void query_pair(const SparseVector& first, const SparseVector& second,
                  const IndexQuery& options, QueryScratch& s, std::vector<Hit>& first_hits,
                  std::vector<Hit>& second_hits) const;
  // Whether the entry in `slot` passes the query's key and time filters.
  [[nodiscard]] bool accepts(std::uint32_t slot, std::uint32_t excluded, bool check_time,
                             const IndexQuery& options) const {
    return slot != excluded &&
           (!check_time || !has_time[slot] ||
            (times[slot] >= options.time_from && times[slot] <= options.time_to));
  }
  [[nodiscard]] std::uint32_t excluded_slot(const IndexQuery& options) const;
  // Slots [first, last) hold the entries of a time window, when time_ordered.
  struct SlotRange {
    std::uint32_t first, last;
    std::uint32_t middle;          // first slot at or after the middle of the window's times
    std::size_t nearest_per_term;  // IndexQuery::nearest_per_term
  };
  [[nodiscard]] SlotRange window_slots(const IndexQuery& options) const;
  // Whether the hits must be checked against the time bounds, and the slots a query's lists can
  // be cut to, if any: its time window in a time-ordered index, else the neighbourhood of its
  // anchor (see "Time windows").
  [[nodiscard]] std::pair<bool, std::optional<SlotRange>> query_window(
      const IndexQuery& options) const {
    const bool any_time = options.time_from == std::numeric_limits<std::int64_t>::min() &&
                          options.time_to == std::numeric_limits<std::int64_t>::max();
    if (!any_time && time_ordered && !options.nearest_by_insertion) {
      return {false, window_slots(options)};
    }
    if (!options.anchor || options.nearest_per_term == 0) return {!any_time, {}};
    const auto anchor = slot_of_key.find(*options.anchor);
    if (anchor == slot_of_key.end()) return {!any_time, {}};
    const auto slots = static_cast<std::uint32_t>(entries.size());
    return {!any_time, SlotRange{0, slots, anchor->second, options.nearest_per_term}};
  }
  [[nodiscard]] std::span<const Posting> window(const PostingList& list,
                                               const SlotRange& range) const;
  // window() in two steps, for queries that search many lists at once: the slot whose lower
  // bound in a list of `live` postings it starts from, and the window from that bound (`start`).
  [[nodiscard]] static std::uint32_t window_key(std::size_t live, const SlotRange& range);
  [[nodiscard]] static std::span<const Posting> window(std::span<const Posting> all,
                                                       std::size_t tombstones,
                                                       const SlotRange& range,
                                                       const Posting* start);
  [[nodiscard]] static std::span<const Posting> live_window(std::span<const Posting> all,
                                                            const SlotRange& range,
                                                            const Posting* start);

  // query() phases (index_query.cpp).
  bool gather_terms(const SparseVector& q, const std::optional<SlotRange>& slots,
                    QueryScratch& s) const;
  void max_score(QueryScratch& s, const IndexQuery& options, bool check_time,
                 bool non_negative) const;
  void add_candidates(QueryScratch& s, const QueryScratch::Term& term, std::uint32_t excluded,
                      bool check_time, const IndexQuery& options) const;
  std::size_t update_candidates(QueryScratch& s, const QueryScratch::Term& term, double remaining,
                                double threshold) const;
  void add_term_random_access(QueryScratch& s, const QueryScratch::Term& term) const;
  // query_pair() phases (index_query_pair.cpp).
  void gather_pair_terms(const SparseVector& first, const SparseVector& second,
                         const std::optional<SlotRange>& slots, QueryScratch& s) const;
  void accumulate_compact(QueryScratch& s, std::size_t postings, std::uint32_t excluded,
                          bool check_time, const IndexQuery& options) const;
  void accumulate_block(QueryScratch& s, std::uint64_t end, std::uint32_t excluded,
                        bool check_time, const IndexQuery& options) const;
};

}  // namespace crossnews
