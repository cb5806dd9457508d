#include "model/detail/index_impl.hpp"

#include <algorithm>
#include <cstdint>
#include <span>

// InvertedIndex::query_pair(): two queries in one pass over every posting of their terms, with
// per-slot accumulators taken in cache-sized blocks, or a small hash table when few postings.

namespace crossnews {

namespace {

// query_pair() scores this many slots at a time: 16k accumulators of 24 bytes stay in a 1 MB
// L2 cache.
constexpr std::uint64_t kBlockSlots = 16384;
// A query_pair() reading at most this many postings accumulates in a small hash table instead of
// the per-slot array: on a large index the array's entries are DRAM misses (24 MB at 1M entries),
// the table's (at most 2 * this many 24-byte entries) stay in cache.
constexpr std::size_t kCompactPostings = 8192;
// How many postings ahead accumulate_compact() fetches the table entry a posting will probe.
constexpr std::size_t kProbeAhead = 8;

// Puts a hit into the heap of the k best, replacing its worst when full.
void enter(std::vector<Hit>& heap, Hit hit, std::size_t k) {
  if (heap.size() == k) {
    std::pop_heap(heap.begin(), heap.end(), better_hit);
    heap.pop_back();
  }
  heap.push_back(hit);
  std::push_heap(heap.begin(), heap.end(), better_hit);
}

// Keeps the k best hits seen so far as a heap whose top is the worst of them: a candidate that
// cannot enter costs one comparison, where collecting all and cutting later costs a copy each.
// The key (a cache miss on a large index) is read only for a candidate the score alone does not
// keep out.
inline void offer(std::vector<Hit>& heap, float score, std::uint32_t slot,
                  const std::vector<std::uint32_t>& keys, std::size_t k) {
  if (heap.size() == k && score < heap.front().score) return;
  const Hit hit{keys[slot], score};
  if (heap.size() < k || better_hit(hit, heap.front())) enter(heap, hit, k);
}

// Runs the searches one step of each in turn, so that their cache misses (a step on a long list
// is one) overlap instead of following each other. Each ends with `base` at its lower bound: the
// position std::partition_point finds by the same steps.
void lower_bounds(std::span<QueryScratch::SlotSearch> searches) {
  for (bool active = true; active;) {
    active = false;
    for (QueryScratch::SlotSearch& s : searches) {
      if (s.len == 0) continue;
      const std::size_t half = s.len / 2;
      const bool after = s.base[half].slot < s.slot;
      s.base = after ? s.base + half + 1 : s.base;
      s.len = after ? s.len - half - 1 : half;
      __builtin_prefetch(s.base + s.len / 2);
      active = active || s.len != 0;
    }
  }
}

}  // namespace

void InvertedIndex::Impl::query_pair(const SparseVector& first, const SparseVector& second,
                                     const IndexQuery& options, QueryScratch& s,
                                     std::vector<Hit>& first_hits,
                                     std::vector<Hit>& second_hits) const {
  first_hits.clear();
  second_hits.clear();
  s.begin(entries.size());
  if (options.k == 0) return;

  const auto [check_time, slots] = query_window(options);
  gather_pair_terms(first, second, slots, s);

  const std::uint32_t excluded = excluded_slot(options);
  std::size_t postings = 0;
  for (const QueryScratch::PairTerm& term : s.pair_terms) postings += term.postings.size();
  const auto read_out = [&](std::uint32_t slot, const double (&score)[2]) {
    const auto score0 = static_cast<float>(score[0]);
    const auto score1 = static_cast<float>(score[1]);
    if (score0 > 0.0f && score0 >= options.min_score) {
      offer(first_hits, score0, slot, keys, options.k);
    }
    if (score1 > 0.0f && score1 >= options.min_score) {
      offer(second_hits, score1, slot, keys, options.k);
    }
  };
  if (postings <= kCompactPostings) {
    accumulate_compact(s, postings, excluded, check_time, options);
    for (const std::uint32_t c : s.candidates) read_out(s.table[c].slot, s.table[c].score);
  } else {
    // Slots are taken in blocks whose accumulators fit in the L2 cache, each block's hits read out
    // while they are still there; lists are sorted by slot, so every list is read once, in order.
    const std::uint64_t first_slot = slots ? slots->first : 0;
    const std::uint64_t last_slot = slots ? slots->last : entries.size();
    for (std::uint64_t begin = first_slot; begin < last_slot; begin += kBlockSlots) {
      accumulate_block(s, std::min(last_slot, begin + kBlockSlots), excluded, check_time, options);
      for (const std::uint32_t c : s.candidates) read_out(c, s.acc[c].score);
    }
  }
  keep_best(first_hits, options.k);
  keep_best(second_hits, options.k);
}

// The union of both queries' terms into s.pair_terms, in term order (a merge: both are sorted by
// term), each cut to the query's window when there is one.
void InvertedIndex::Impl::gather_pair_terms(const SparseVector& first, const SparseVector& second,
                                            const std::optional<SlotRange>& slots,
                                            QueryScratch& s) const {
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
    if (!list.postings.empty()) {
      s.pair_terms.push_back({list.postings, list.tombstones, {w0, w1}});
    }
  }
  if (!slots) return;
  // Every list's search for its window runs at once (lower_bounds), then each is cut.
  s.searches.clear();
  for (const QueryScratch::PairTerm& t : s.pair_terms) {
    const std::size_t n = t.postings.size();
    s.searches.push_back({t.postings.data(), n, window_key(n - t.tombstones, *slots)});
  }
  lower_bounds(s.searches);
  for (std::size_t t = 0; t < s.pair_terms.size(); ++t) {
    QueryScratch::PairTerm& term = s.pair_terms[t];
    term.postings = window(term.postings, term.tombstones, *slots, s.searches[t].base);
  }
  std::erase_if(s.pair_terms, [](const QueryScratch::PairTerm& t) { return t.postings.empty(); });
}

// Sums the postings of slots below `end` into s.acc, listing the new candidates in s.candidates,
// and advances each pair term past them.
void InvertedIndex::Impl::accumulate_block(QueryScratch& s, std::uint64_t end,
                                           std::uint32_t excluded, bool check_time,
                                           const IndexQuery& options) const {
  const std::uint32_t epoch = s.epoch;
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
  const auto home = [mask](std::uint32_t slot) {
    return (slot * std::uint64_t{0x9E3779B97F4A7C15}) >> 40 & mask;
  };
  const std::uint32_t epoch = s.epoch;
  s.candidates.clear();
  for (const QueryScratch::PairTerm& term : s.pair_terms) {
    const std::span<const Posting> list = term.postings;
    for (std::size_t n = 0; n < list.size(); ++n) {
      // The table is larger than the L1 cache: each probe is fetched a few postings ahead.
      if (n + kProbeAhead < list.size()) {
        __builtin_prefetch(&s.table[home(list[n + kProbeAhead].slot)]);
      }
      const Posting& p = list[n];
      std::size_t i = home(p.slot);
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

}  // namespace crossnews
