#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <span>
#include <string>

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

namespace {

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

constexpr std::uint32_t kNoSlot = 0xffffffffu;
// Relative margin for bound comparisons: a bound must beat the threshold by more than float
// rounding, or a dropped entry could have tied with the k-th hit after rounding to float.
constexpr double kBoundMargin = 1e-6;
// Random access costs a binary search and two cache misses per candidate; a scan costs a
// sequential read per posting. On bench_model a ratio of 4 was 10-30% slower than 16; 16 and 64
// were within noise.
constexpr std::size_t kRandomAccessRatio = 16;
// query_pair() scores this many slots at a time: 16k accumulators of 24 bytes stay in a 1 MB
// L2 cache.
constexpr std::uint64_t kBlockSlots = 16384;
// A query_pair() reading at most this many postings accumulates in a small hash table instead of
// the per-slot array: on a large index the array's entries are DRAM misses (24 MB at 1M entries),
// the table's (at most 2 * this many 24-byte entries) stay in cache.
constexpr std::size_t kCompactPostings = 8192;
// Rank all candidates again only after this many postings per candidate were processed since the
// last ranking, so ranking costs at most a fraction of the accumulation itself.
constexpr std::size_t kRankingInterval = 2;

// The order of hits: higher score first, then smaller key.
bool better_hit(const Hit& a, const Hit& b) {
  return a.score != b.score ? a.score > b.score : a.key < b.key;
}

// Cuts hits to the k best, sorted.
void keep_best(std::vector<Hit>& hits, std::size_t k) {
  if (hits.size() > k) {
    std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(k - 1), hits.end(),
                     better_hit);
    hits.resize(k);
  }
  std::sort(hits.begin(), hits.end(), better_hit);
}

// Keeps the k best hits seen so far as a heap whose top is the worst of them: a candidate that
// cannot enter costs one comparison, where collecting all and cutting later costs a copy each.
void offer(std::vector<Hit>& heap, Hit hit, std::size_t k) {
  if (heap.size() < k) {
    heap.push_back(hit);
    std::push_heap(heap.begin(), heap.end(), better_hit);
  } else if (better_hit(hit, heap.front())) {
    std::pop_heap(heap.begin(), heap.end(), better_hit);
    heap.back() = hit;
    std::push_heap(heap.begin(), heap.end(), better_hit);
  }
}

bool cannot_reach(double bound, double threshold) {
  return bound < threshold - (std::abs(threshold) * kBoundMargin + 1e-12);
}

}  // namespace

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
  static double rank_leaders(QueryScratch& s, std::size_t k);
  void accumulate_compact(QueryScratch& s, std::size_t postings, std::uint32_t excluded,
                          bool check_time, const IndexQuery& options) const;
  void add_term_random_access(QueryScratch& s, const QueryScratch::Term& term) const;
};

void InvertedIndex::Impl::add(std::uint32_t key, const SparseVector& vector,
                              std::optional<std::int64_t> time) {
  std::uint32_t slot;
  if (!free_slots.empty()) {
    slot = free_slots.back();
    free_slots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(entries.size());
    entries.emplace_back();
    times.push_back(0);
    keys.push_back(0);
    has_time.push_back(0);
  }
  Entry& entry = entries[slot];
  entry.refs.clear();
  if (tracks_positions) entry.refs.reserve(vector.size());
  times[slot] = time.value_or(0);
  keys[slot] = key;
  has_time[slot] = time.has_value();
  if (!time || *time < latest_time) time_ordered = false;
  if (time) latest_time = std::max(latest_time, *time);
  for (const SparseEntry& e : vector.entries()) {
    if (e.weight == 0.0f) continue;
    const auto [it, fresh] =
        list_of_term.try_emplace(e.term.value(), static_cast<std::uint32_t>(lists.size()));
    if (fresh) lists.emplace_back();
    PostingList& list = lists[it->second];
    if (tracks_positions) {
      entry.refs.push_back({it->second, static_cast<std::uint32_t>(list.postings.size())});
    }
    list.postings.push_back({slot, e.weight});
    list.max_abs = std::max(list.max_abs, std::abs(e.weight));
    if (e.weight < 0.0f) ++negative_postings;
  }
  std::sort(entry.refs.begin(), entry.refs.end(),
            [](const Ref& a, const Ref& b) { return a.list < b.list; });
  slot_of_key.emplace(key, slot);
}

void InvertedIndex::Impl::track_positions() {
  // Lists in increasing order, so each entry's refs come out sorted by list.
  for (std::uint32_t l = 0; l < lists.size(); ++l) {
    const auto& postings = lists[l].postings;
    for (std::uint32_t pos = 0; pos < postings.size(); ++pos) {
      entries[postings[pos].slot].refs.push_back({l, pos});
    }
  }
  tracks_positions = true;
}

void InvertedIndex::Impl::drop(std::uint32_t slot) {
  if (!tracks_positions) track_positions();
  time_ordered = false;  // swap-remove reorders postings, and the freed slot will be reused
  Entry& entry = entries[slot];
  for (const Ref& ref : entry.refs) {
    PostingList& list = lists[ref.list];
    const float removed = list.postings[ref.pos].weight;
    if (removed < 0.0f) --negative_postings;
    const Posting moved = list.postings.back();
    list.postings.pop_back();
    if (ref.pos < list.postings.size()) {
      list.postings[ref.pos] = moved;
      auto& moved_refs = entries[moved.slot].refs;
      auto it = std::lower_bound(moved_refs.begin(), moved_refs.end(), ref.list,
                                 [](const Ref& r, std::uint32_t l) { return r.list < l; });
      it->pos = ref.pos;
    }
    // The bound must stay exact-or-above; recomputing only when the maximum itself leaves keeps
    // the expected cost per removal constant.
    if (std::abs(removed) >= list.max_abs) list.refresh_max();
  }
  entry.refs.clear();
  slot_of_key.erase(keys[slot]);
  free_slots.push_back(slot);
}

InvertedIndex::Impl::SlotRange InvertedIndex::Impl::window_slots(
    const IndexQuery& options) const {
  // Slots were handed out in time order, so `times` is sorted.
  const auto first = std::lower_bound(times.begin(), times.end(), options.time_from);
  const auto last = std::upper_bound(first, times.end(), options.time_to);
  const bool bounded = options.time_from != std::numeric_limits<std::int64_t>::min() &&
                       options.time_to != std::numeric_limits<std::int64_t>::max();
  // Halved before adding: the bounds may be the extremes of int64.
  const std::int64_t middle_time = options.time_from / 2 + options.time_to / 2;
  const auto middle = std::lower_bound(first, last, middle_time);
  return {static_cast<std::uint32_t>(first - times.begin()),
          static_cast<std::uint32_t>(last - times.begin()),
          static_cast<std::uint32_t>(middle - times.begin()),
          bounded ? options.nearest_per_term : 0};
}

std::span<const Posting> InvertedIndex::Impl::window(const PostingList& list,
                                                     const SlotRange& range) const {
  const std::span<const Posting> all = list.postings;
  const std::size_t cap = range.nearest_per_term;
  const auto before_slot = [](std::uint32_t slot) {
    return [slot](const Posting& p) { return p.slot < slot; };
  };
  if (cap == 0 || all.size() <= cap) {
    const auto first = std::partition_point(all.begin(), all.end(), before_slot(range.first));
    const auto last = std::partition_point(first, all.end(), before_slot(range.last));
    return {first, last};
  }
  // The `cap` postings nearest the middle of the window: as many before it as after, where the
  // window's ends allow. Only one search runs over the whole list (on a long list every step is
  // a cache miss); the window's ends are looked for within `cap` postings of the middle.
  const auto middle = std::partition_point(all.begin(), all.end(), before_slot(range.middle));
  const auto reach = static_cast<std::ptrdiff_t>(cap);
  const auto low = middle - std::min(middle - all.begin(), reach);
  const auto high = middle + std::min(all.end() - middle, reach);
  const auto first = std::partition_point(low, middle, before_slot(range.first));
  const auto last = std::partition_point(middle, high, before_slot(range.last));
  if (last - first <= reach) return {first, last};
  const auto before = std::min<std::ptrdiff_t>(middle - first, reach / 2);
  const auto begin = std::min(middle - before, last - reach);
  return {begin, begin + reach};
}

// Finds the k best candidates by partial score; returns the k-th partial score.
double InvertedIndex::Impl::rank_leaders(QueryScratch& s, std::size_t k) {
  s.ranked.clear();
  for (const std::uint32_t c : s.candidates) s.ranked.emplace_back(s.acc[c].score[0], c);
  const auto kth = s.ranked.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(s.ranked.begin(), kth, s.ranked.end(), std::greater<>());
  s.leaders.clear();
  for (auto it = s.ranked.begin(); it <= kth; ++it) s.leaders.push_back(it->second);
  return kth->first;
}

void InvertedIndex::Impl::add_term_random_access(QueryScratch& s,
                                                 const QueryScratch::Term& term) const {
  const PostingList& list = lists[term.list];
  for (const std::uint32_t c : s.candidates) {
    if (!tracks_positions) {
      // Nothing was removed yet: the list is sorted by slot.
      const auto it = std::lower_bound(term.postings.begin(), term.postings.end(), c,
                                       [](const Posting& p, std::uint32_t v) { return p.slot < v; });
      if (it != term.postings.end() && it->slot == c) {
        s.acc[c].score[0] += term.weight * it->weight;
      }
      continue;
    }
    const auto& refs = entries[c].refs;
    auto it = std::lower_bound(refs.begin(), refs.end(), term.list,
                               [](const Ref& r, std::uint32_t l) { return r.list < l; });
    if (it != refs.end() && it->list == term.list) {
      s.acc[c].score[0] += term.weight * list.postings[it->pos].weight;
    }
  }
}

void InvertedIndex::Impl::query(const SparseVector& q, const IndexQuery& options, QueryScratch& s,
                                std::vector<Hit>& out) const {
  out.clear();
  s.begin(entries.size());
  if (options.k == 0) return;

  const auto [any_time, slots] = query_window(options);
  bool non_negative = negative_postings == 0;
  for (const SparseEntry& e : q.entries()) {
    if (e.weight == 0.0f) continue;
    const auto it = list_of_term.find(e.term.value());
    if (it == list_of_term.end()) continue;
    const PostingList& list = lists[it->second];
    const std::span<const Posting> postings = slots ? window(list, *slots) : list.postings;
    if (postings.empty()) continue;
    const double w = e.weight;
    if (w < 0.0) non_negative = false;
    s.terms.push_back({it->second, postings, w, std::abs(w) * list.max_abs});
  }
  if (s.terms.empty()) return;
  std::sort(s.terms.begin(), s.terms.end(),
            [](const auto& a, const auto& b) { return a.bound > b.bound; });
  s.rest.assign(s.terms.size() + 1, 0.0);
  for (std::size_t i = s.terms.size(); i-- > 0;) s.rest[i] = s.rest[i + 1] + s.terms[i].bound;

  const std::uint32_t excluded = excluded_slot(options);
  // Time-ordered lists were cut to the window already.
  const bool check_time = !any_time && !time_ordered;
  const std::uint32_t epoch = s.epoch;
  const std::size_t k = options.k;
  double threshold = options.min_score;
  bool adding = true;

  // With non-negative weights partial scores only grow, so any k candidates' smallest partial is
  // a lower bound of the k-th final score. Ranking all candidates finds the best such k but costs
  // a pass over them; in between, re-reading the last leaders' partials is O(k).
  std::size_t work_since_ranking = 0;
  const auto raise_threshold = [&] {
    if (!non_negative || s.candidates.size() < k) return;
    if (s.leaders.empty() || work_since_ranking >= kRankingInterval * s.candidates.size()) {
      threshold = std::max(threshold, rank_leaders(s, k));
      work_since_ranking = 0;
      return;
    }
    double smallest = std::numeric_limits<double>::infinity();
    for (const std::uint32_t c : s.leaders) smallest = std::min(smallest, s.acc[c].score[0]);
    threshold = std::max(threshold, smallest);
  };

  for (std::size_t i = 0; i < s.terms.size(); ++i) {
    const QueryScratch::Term& term = s.terms[i];
    const double remaining = s.rest[i];
    if (adding && i > 0) {
      // The k-th partial score cannot exceed the bounds used so far: only then can it pass R.
      if (s.rest[0] - remaining > remaining) raise_threshold();
      if (cannot_reach(remaining, threshold)) {
        adding = false;
        s.scored = s.candidates.size();  // no entry becomes a candidate from here on
      }
    }
    if (adding) {
      for (const Posting& p : term.postings) {
        const std::uint32_t slot = p.slot;
        if (s.acc[slot].stamp != epoch) {
          if (s.acc[slot].stamp == epoch + 1) continue;
          if (!accepts(slot, excluded, check_time, options)) {
            s.acc[slot].stamp = epoch + 1;
            continue;
          }
          s.acc[slot].stamp = epoch;
          s.acc[slot].score[0] = 0.0;
          s.candidates.push_back(slot);
        }
        s.acc[slot].score[0] += term.weight * p.weight;
      }
      work_since_ranking += term.postings.size();
      continue;
    }
    // Only existing candidates can still make it: drop those that cannot, then add this term.
    raise_threshold();
    std::erase_if(s.candidates, [&](std::uint32_t c) {
      if (!cannot_reach(s.acc[c].score[0] + remaining, threshold)) return false;
      s.acc[c].stamp = epoch + 1;
      return true;
    });
    if (s.candidates.size() * kRandomAccessRatio < term.postings.size()) {
      add_term_random_access(s, term);
      work_since_ranking += s.candidates.size();
    } else {
      for (const Posting& p : term.postings) {
        if (s.acc[p.slot].stamp == epoch) s.acc[p.slot].score[0] += term.weight * p.weight;
      }
      work_since_ranking += term.postings.size();
    }
  }
  if (adding) s.scored = s.candidates.size();

  for (const std::uint32_t c : s.candidates) {
    const auto score = static_cast<float>(s.acc[c].score[0]);
    if (score > 0.0f && score >= options.min_score) out.push_back({keys[c], score});
  }
  keep_best(out, k);
}

std::uint32_t InvertedIndex::Impl::excluded_slot(const IndexQuery& options) const {
  if (options.exclude) {
    if (auto it = slot_of_key.find(*options.exclude); it != slot_of_key.end()) return it->second;
  }
  return kNoSlot;
}

void InvertedIndex::Impl::query_pair(const SparseVector& first, const SparseVector& second,
                                     const IndexQuery& options, QueryScratch& s,
                                     std::vector<Hit>& first_hits,
                                     std::vector<Hit>& second_hits) const {
  first_hits.clear();
  second_hits.clear();
  s.begin(entries.size());
  if (options.k == 0) return;

  const auto [any_time, slots] = query_window(options);
  // The union of both queries' terms, in term order (a merge: both are sorted by term).
  const auto a = first.entries(), b = second.entries();
  for (std::size_t i = 0, j = 0; i < a.size() || j < b.size();) {
    const bool take_a = j == b.size() || (i < a.size() && !(b[j].term < a[i].term));
    const bool take_b = i == a.size() || (j < b.size() && !(a[i].term < b[j].term));
    const TermId term = take_a ? a[i].term : b[j].term;
    const double w0 = take_a ? a[i++].weight : 0.0;
    const double w1 = take_b ? b[j++].weight : 0.0;
    if (w0 == 0.0 && w1 == 0.0) continue;
    const auto it = list_of_term.find(term.value());
    if (it == list_of_term.end()) continue;
    const PostingList& list = lists[it->second];
    const std::span<const Posting> postings = slots ? window(list, *slots) : list.postings;
    if (!postings.empty()) s.pair_terms.push_back({postings, {w0, w1}});
  }

  const std::uint32_t excluded = excluded_slot(options);
  const bool check_time = !any_time && !time_ordered;
  std::size_t postings = 0;
  for (const QueryScratch::PairTerm& term : s.pair_terms) postings += term.postings.size();
  const auto read_out = [&](std::uint32_t slot, const double (&score)[2]) {
    const auto score0 = static_cast<float>(score[0]);
    const auto score1 = static_cast<float>(score[1]);
    if (score0 > 0.0f && score0 >= options.min_score) {
      offer(first_hits, {keys[slot], score0}, options.k);
    }
    if (score1 > 0.0f && score1 >= options.min_score) {
      offer(second_hits, {keys[slot], score1}, options.k);
    }
  };
  if (postings <= kCompactPostings) {
    accumulate_compact(s, postings, excluded, check_time, options);
    for (const std::uint32_t c : s.candidates) read_out(s.table[c].slot, s.table[c].score);
    keep_best(first_hits, options.k);
    keep_best(second_hits, options.k);
    return;
  }
  const std::uint32_t epoch = s.epoch;
  // Slots are taken in blocks whose accumulators fit in the L2 cache, each block's hits read out
  // while they are still there; lists are sorted by slot, so every list is read once, in order.
  // After a removal a list may not be sorted by slot: one block takes all.
  const bool sorted = slot_sorted();
  const std::uint64_t first_slot = slots ? slots->first : 0;
  const std::uint64_t last_slot =
      sorted ? (slots ? slots->last : entries.size()) : std::uint64_t{1} << 32;
  const std::uint64_t block = sorted ? kBlockSlots : last_slot;
  for (std::uint64_t begin = first_slot; begin < last_slot; begin += block) {
    const std::uint64_t end = std::min(last_slot, begin + block);
    s.candidates.clear();
    // Every posting is added (no max-score): terms are summed in term order, as
    // SparseVector::dot sums them, and a query without the term adds an exact 0.
    for (QueryScratch::PairTerm& term : s.pair_terms) {
      std::size_t n = 0;
      for (; n < term.postings.size() && term.postings[n].slot < end; ++n) {
        const Posting& p = term.postings[n];
        QueryScratch::Accumulator& acc = s.acc[p.slot];
        if (acc.stamp != epoch) {
          if (acc.stamp == epoch + 1) continue;
          if (!accepts(p.slot, excluded, check_time, options)) {
            acc.stamp = epoch + 1;
            continue;
          }
          acc = {{0.0, 0.0}, epoch};
          s.candidates.push_back(p.slot);
        }
        acc.score[0] += term.weight[0] * p.weight;
        acc.score[1] += term.weight[1] * p.weight;
      }
      term.postings = term.postings.subspan(n);
    }
    s.scored += s.candidates.size();
    for (const std::uint32_t c : s.candidates) read_out(c, s.acc[c].score);
  }
  keep_best(first_hits, options.k);
  keep_best(second_hits, options.k);
}

// Sums the pair terms' postings into s.table (terms in order, so each sum runs in term order as
// in the array path) and lists the table positions of the candidates in s.candidates.
void InvertedIndex::Impl::accumulate_compact(QueryScratch& s, std::size_t postings,
                                             std::uint32_t excluded, bool check_time,
                                             const IndexQuery& options) const {
  std::size_t capacity = 256;
  while (capacity < 2 * postings) capacity *= 2;
  if (s.table.size() < capacity) s.table.resize(capacity, {0, 0, {0.0, 0.0}});
  const std::size_t mask = capacity - 1;
  const std::uint32_t epoch = s.epoch;
  s.candidates.clear();
  for (const QueryScratch::PairTerm& term : s.pair_terms) {
    for (const Posting& p : term.postings) {
      std::size_t i = (p.slot * std::uint64_t{0x9E3779B97F4A7C15}) >> 40 & mask;
      while (s.table[i].stamp - epoch <= 1 && s.table[i].slot != p.slot) i = (i + 1) & mask;
      QueryScratch::CompactAccumulator& acc = s.table[i];
      if (acc.stamp - epoch > 1) {  // not seen in this query
        if (!accepts(p.slot, excluded, check_time, options)) {
          acc = {p.slot, epoch + 1, {0.0, 0.0}};
          continue;
        }
        acc = {p.slot, epoch, {0.0, 0.0}};
        s.candidates.push_back(static_cast<std::uint32_t>(i));
      } else if (acc.stamp != epoch) {
        continue;  // rejected by the filters
      }
      acc.score[0] += term.weight[0] * p.weight;
      acc.score[1] += term.weight[1] * p.weight;
    }
  }
  s.scored += s.candidates.size();
}

InvertedIndex::InvertedIndex() : impl_(std::make_unique<Impl>()) {}
InvertedIndex::~InvertedIndex() = default;
InvertedIndex::InvertedIndex(InvertedIndex&&) noexcept = default;
InvertedIndex& InvertedIndex::operator=(InvertedIndex&&) noexcept = default;

void InvertedIndex::insert(std::uint32_t key, const SparseVector& vector,
                           std::optional<std::int64_t> time) {
  if (impl_->slot_of_key.contains(key)) {
    throw ConfigError("InvertedIndex::insert: key " + std::to_string(key) + " is already present");
  }
  impl_->add(key, vector, time);
}

void InvertedIndex::update(std::uint32_t key, const SparseVector& vector,
                           std::optional<std::int64_t> time) {
  const auto it = impl_->slot_of_key.find(key);
  if (it == impl_->slot_of_key.end()) {
    throw ConfigError("InvertedIndex::update: key " + std::to_string(key) + " is not present");
  }
  impl_->drop(it->second);
  impl_->add(key, vector, time);
}

void InvertedIndex::remove(std::uint32_t key) {
  const auto it = impl_->slot_of_key.find(key);
  if (it == impl_->slot_of_key.end()) {
    throw ConfigError("InvertedIndex::remove: key " + std::to_string(key) + " is not present");
  }
  impl_->drop(it->second);
}

bool InvertedIndex::contains(std::uint32_t key) const { return impl_->slot_of_key.contains(key); }

std::size_t InvertedIndex::size() const { return impl_->slot_of_key.size(); }

std::vector<Hit> InvertedIndex::query(const SparseVector& q, const IndexQuery& options) const {
  QueryScratch scratch;
  std::vector<Hit> out;
  impl_->query(q, options, scratch, out);
  return out;
}

void InvertedIndex::query(const SparseVector& q, const IndexQuery& options, QueryScratch& scratch,
                          std::vector<Hit>& out) const {
  impl_->query(q, options, scratch, out);
}

void InvertedIndex::query_pair(const SparseVector& first, const SparseVector& second,
                               const IndexQuery& options, QueryScratch& scratch,
                               std::vector<Hit>& first_hits,
                               std::vector<Hit>& second_hits) const {
  impl_->query_pair(first, second, options, scratch, first_hits, second_hits);
}

std::unique_ptr<QueryScratch, void (*)(QueryScratch*)> InvertedIndex::make_scratch() {
  return {new QueryScratch(), [](QueryScratch* s) { delete s; }};
}

std::uint64_t InvertedIndex::scored_candidates(const QueryScratch& scratch) {
  return scratch.scored;
}

}  // namespace crossnews
