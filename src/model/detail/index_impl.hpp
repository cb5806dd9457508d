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

// Layout. Each entry gets a dense internal slot (reused after removal), and postings hold slots,
// not keys, so a query accumulates into flat per-slot arrays instead of a hash map. A posting list
// is one contiguous std::vector<{slot, weight}>; its max |weight| is kept exact for max-score.
//
// Removal is immediate: swap-remove in each of the entry's posting lists. Every entry keeps, per
// list it appears in, the position of its posting (sorted by list), so the posting moved into the
// hole can have its position fixed, and a query can fetch one entry's weight for a term by binary
// search (random access for max-score). No tombstones, so no compaction pauses and no dead
// postings to skip. Positions are tracked from the first removal on: before it, every list is
// sorted by slot, so a binary search in the list finds a posting, and an index built once (a
// batch) saves 8 bytes per posting and an allocation per entry.
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
// Time windows. While entries arrive in time order (a batch inserted by time) and none has been
// removed, slots are handed out in time order and every posting list is sorted by slot, so a
// query finds its window's slot range once and cuts each list to it by binary search instead of
// filtering every posting: with a 7-day window over a month of news, that skips more than half
// of the postings. Where there is no time to cut by, a query may name an anchor entry instead: as
// long as nothing was removed, every list is sorted by slot (insertion order) and the same cut
// takes the postings nearest the anchor's slot.

namespace crossnews {

namespace detail {

struct Posting {
  std::uint32_t slot;
  float weight;
};

struct PostingList {
  std::vector<Posting> postings;
  float max_abs = 0.0f;

  void refresh_max() {
    max_abs = 0.0f;
    for (const Posting& p : postings) max_abs = std::max(max_abs, std::abs(p.weight));
  }
};

struct Ref {
  std::uint32_t list;
  std::uint32_t pos;
};

struct Entry {
  std::vector<Ref> refs;  // sorted by list; empty until positions are tracked
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
using detail::Ref;
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
  std::vector<std::uint32_t> free_slots;
  std::size_t negative_postings = 0;
  // Every entry has a time and posting lists are sorted by it (see "Time windows" above).
  bool time_ordered = true;
  bool tracks_positions = false;  // entries' refs are filled (see "Removal" above)
  std::int64_t latest_time = std::numeric_limits<std::int64_t>::min();

  void add(std::uint32_t key, const SparseVector& vector, std::optional<std::int64_t> time);
  void drop(std::uint32_t slot);
  void track_positions();
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
  // Nothing was ever removed: slots were handed out in insertion order and every list is sorted
  // by slot.
  [[nodiscard]] bool slot_sorted() const { return !tracks_positions; }
  // Whether a query has no time bounds, and the slots its lists can be cut to, if any: its time
  // window in a time-ordered index, else the neighbourhood of its anchor (see "Time windows").
  [[nodiscard]] std::pair<bool, std::optional<SlotRange>> query_window(
      const IndexQuery& options) const {
    const bool any_time = options.time_from == std::numeric_limits<std::int64_t>::min() &&
                          options.time_to == std::numeric_limits<std::int64_t>::max();
    if (!any_time && time_ordered) return {any_time, window_slots(options)};
    if (!slot_sorted() || !options.anchor || options.nearest_per_term == 0) return {any_time, {}};
    const auto anchor = slot_of_key.find(*options.anchor);
    if (anchor == slot_of_key.end()) return {any_time, {}};
    const auto slots = static_cast<std::uint32_t>(entries.size());
    return {any_time, SlotRange{0, slots, anchor->second, options.nearest_per_term}};
  }
  [[nodiscard]] std::span<const Posting> window(const PostingList& list,
                                               const SlotRange& range) const;
  // window() in two steps, for queries that search many lists at once: the slot whose lower
  // bound in a list of `postings` it starts from, and the window from that bound (`start`).
  [[nodiscard]] static std::uint32_t window_key(std::size_t postings, const SlotRange& range);
  [[nodiscard]] static std::span<const Posting> window(std::span<const Posting> all,
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
