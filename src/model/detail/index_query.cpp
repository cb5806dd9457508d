#include "model/detail/index_impl.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <span>

// InvertedIndex::query(): term-at-a-time max-score top-k (see "Query" in index_impl.hpp), and the
// time window and exclusion both query paths share.

namespace crossnews {

namespace {

constexpr std::uint32_t kNoSlot = 0xffffffffu;
// Relative margin for bound comparisons: a bound must beat the threshold by more than float
// rounding, or a dropped entry could have tied with the k-th hit after rounding to float.
constexpr double kBoundMargin = 1e-6;
// Random access costs a binary search and two cache misses per candidate; a scan costs a
// sequential read per posting. On bench_model a ratio of 4 was 10-30% slower than 16; 16 and 64
// were within noise.
constexpr std::size_t kRandomAccessRatio = 16;
// Rank all candidates again only after this many postings per candidate were processed since the
// last ranking, so ranking costs at most a fraction of the accumulation itself.
constexpr std::size_t kRankingInterval = 2;

bool cannot_reach(double bound, double threshold) {
  return bound < threshold - (std::abs(threshold) * kBoundMargin + 1e-12);
}

// Finds the k best candidates by partial score; returns the k-th partial score.
double rank_leaders(QueryScratch& s, std::size_t k) {
  s.ranked.clear();
  for (const std::uint32_t c : s.candidates) s.ranked.emplace_back(s.acc[c].score[0], c);
  const auto kth = s.ranked.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(s.ranked.begin(), kth, s.ranked.end(), std::greater<>());
  s.leaders.clear();
  for (auto it = s.ranked.begin(); it <= kth; ++it) s.leaders.push_back(it->second);
  return kth->first;
}

// With non-negative weights partial scores only grow, so any k candidates' smallest partial is
// a lower bound of the k-th final score. Ranking all candidates finds the best such k but costs
// a pass over them; in between, re-reading the last leaders' partials is O(k).
struct KthScoreBound {
  QueryScratch& s;
  std::size_t k;
  bool non_negative;
  std::size_t work_since_ranking = 0;

  // Raises `threshold` to the bound, once there are k candidates.
  void raise(double& threshold) {
    if (!non_negative || s.candidates.size() < k) return;
    if (s.leaders.empty() || work_since_ranking >= kRankingInterval * s.candidates.size()) {
      threshold = std::max(threshold, rank_leaders(s, k));
      work_since_ranking = 0;
      return;
    }
    double smallest = std::numeric_limits<double>::infinity();
    for (const std::uint32_t c : s.leaders) smallest = std::min(smallest, s.acc[c].score[0]);
    threshold = std::max(threshold, smallest);
  }
};

}  // namespace

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

std::uint32_t InvertedIndex::Impl::window_key(std::size_t live, const SlotRange& range) {
  const std::size_t cap = range.nearest_per_term;
  return cap == 0 || live <= cap ? range.first : range.middle;
}

std::span<const Posting> InvertedIndex::Impl::window(const PostingList& list,
                                                     const SlotRange& range) const {
  const std::span<const Posting> all = list.postings;
  const std::uint32_t key = window_key(all.size() - list.tombstones, range);
  const auto start = std::partition_point(all.begin(), all.end(),
                                          [key](const Posting& p) { return p.slot < key; });
  return window(all, list.tombstones, range, all.data() + (start - all.begin()));
}

std::span<const Posting> InvertedIndex::Impl::window(std::span<const Posting> all,
                                                     std::size_t tombstones,
                                                     const SlotRange& range, const Posting* start) {
  const std::size_t cap = range.nearest_per_term;
  const auto before_slot = [](std::uint32_t slot) {
    return [slot](const Posting& p) { return p.slot < slot; };
  };
  const auto found = all.begin() + (start - all.data());
  if (cap == 0 || all.size() - tombstones <= cap) {
    const auto last = std::partition_point(found, all.end(), before_slot(range.last));
    return {found, last};
  }
  if (tombstones > 0) return live_window(all, range, start);
  // The `cap` postings nearest the middle of the window: as many before it as after, where the
  // window's ends allow. Only one search runs over the whole list (on a long list every step is
  // a cache miss), the one that found `start`; the window's ends are looked for within `cap`
  // postings of the middle.
  const auto middle = found;
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

// window() on a list holding tombstones: the same cut, counting live postings only, so that it
// reads what it would read once the list is compacted. Walks out from the middle (`start`).
std::span<const Posting> InvertedIndex::Impl::live_window(std::span<const Posting> all,
                                                          const SlotRange& range,
                                                          const Posting* start) {
  const auto reach = static_cast<std::ptrdiff_t>(range.nearest_per_term);
  const auto middle = all.begin() + (start - all.data());
  // Moves `at` over up to `wanted` live postings inside the window; returns how many it passed.
  const auto walk_back = [&](auto& at, std::ptrdiff_t wanted) {
    std::ptrdiff_t passed = 0;
    while (passed < wanted && at != all.begin() && (at - 1)->slot >= range.first) {
      --at;
      passed += at->weight != 0.0f;
    }
    return passed;
  };
  const auto walk_on = [&](auto& at, std::ptrdiff_t wanted) {
    std::ptrdiff_t passed = 0;
    while (passed < wanted && at != all.end() && at->slot < range.last) {
      passed += at->weight != 0.0f;
      ++at;
    }
    return passed;
  };
  auto first = middle, last = middle;
  const std::ptrdiff_t live_before = walk_back(first, reach);
  const std::ptrdiff_t live_after = walk_on(last, reach);
  if (live_before + live_after <= reach) return {first, last};
  const auto before = std::max(std::min(live_before, reach / 2), reach - live_after);
  first = last = middle;
  walk_back(first, before);
  walk_on(last, reach - before);
  return {first, last};
}

std::uint32_t InvertedIndex::Impl::excluded_slot(const IndexQuery& options) const {
  if (options.exclude) {
    if (auto it = slot_of_key.find(*options.exclude); it != slot_of_key.end()) return it->second;
  }
  return kNoSlot;
}

void InvertedIndex::Impl::add_term_random_access(QueryScratch& s,
                                                 const QueryScratch::Term& term) const {
  for (const std::uint32_t c : s.candidates) {
    // Lists are sorted by slot.
    const auto it = std::lower_bound(term.postings.begin(), term.postings.end(), c,
                                     [](const Posting& p, std::uint32_t v) { return p.slot < v; });
    if (it != term.postings.end() && it->slot == c) s.acc[c].score[0] += term.weight * it->weight;
  }
}

void InvertedIndex::Impl::query(const SparseVector& q, const IndexQuery& options, QueryScratch& s,
                                std::vector<Hit>& out) const {
  out.clear();
  s.begin(entries.size());
  if (options.k == 0) return;

  // Time-ordered lists are cut to the window: their hits need no time check.
  const auto [check_time, slots] = query_window(options);
  const bool non_negative = gather_terms(q, slots, s);
  if (s.terms.empty()) return;
  max_score(s, options, check_time, non_negative);

  for (const std::uint32_t c : s.candidates) {
    const auto score = static_cast<float>(s.acc[c].score[0]);
    if (score > 0.0f && score >= options.min_score) out.push_back({keys[c], score});
  }
  keep_best(out, options.k);
}

// Lists the query's terms in s.terms by decreasing bound, with s.rest; returns whether every
// weight, in the index and the query, is non-negative.
bool InvertedIndex::Impl::gather_terms(const SparseVector& q,
                                       const std::optional<SlotRange>& slots,
                                       QueryScratch& s) const {
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
  if (s.terms.empty()) return non_negative;
  std::sort(s.terms.begin(), s.terms.end(),
            [](const auto& a, const auto& b) { return a.bound > b.bound; });
  s.rest.assign(s.terms.size() + 1, 0.0);
  for (std::size_t i = s.terms.size(); i-- > 0;) s.rest[i] = s.rest[i + 1] + s.terms[i].bound;
  return non_negative;
}

// Scores the candidates of s.terms into s.acc: postings add candidates while an entry not yet
// seen can still reach the threshold, then only update the candidates that still can.
void InvertedIndex::Impl::max_score(QueryScratch& s, const IndexQuery& options, bool check_time,
                                    bool non_negative) const {
  const std::uint32_t excluded = excluded_slot(options);
  double threshold = options.min_score;
  KthScoreBound kth{s, options.k, non_negative};
  bool adding = true;
  for (std::size_t i = 0; i < s.terms.size(); ++i) {
    const QueryScratch::Term& term = s.terms[i];
    const double remaining = s.rest[i];
    if (adding && i > 0) {
      // The k-th partial score cannot exceed the bounds used so far: only then can it pass R.
      if (s.rest[0] - remaining > remaining) kth.raise(threshold);
      if (cannot_reach(remaining, threshold)) {
        adding = false;
        s.scored = s.candidates.size();  // no entry becomes a candidate from here on
      }
    }
    if (adding) {
      add_candidates(s, term, excluded, check_time, options);
      kth.work_since_ranking += term.postings.size();
      continue;
    }
    // Only existing candidates can still make it: drop those that cannot, then add this term.
    kth.raise(threshold);
    kth.work_since_ranking += update_candidates(s, term, remaining, threshold);
  }
  if (adding) s.scored = s.candidates.size();
}

// Adds a term's postings to the scores, making candidates of the entries the filters accept.
void InvertedIndex::Impl::add_candidates(QueryScratch& s, const QueryScratch::Term& term,
                                         std::uint32_t excluded, bool check_time,
                                         const IndexQuery& options) const {
  const std::uint32_t epoch = s.epoch;
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
}

// Drops the candidates that cannot reach the threshold, then adds the term to the others'
// scores; returns the work done (postings or candidates touched).
std::size_t InvertedIndex::Impl::update_candidates(QueryScratch& s,
                                                   const QueryScratch::Term& term,
                                                   double remaining, double threshold) const {
  const std::uint32_t epoch = s.epoch;
  std::erase_if(s.candidates, [&](std::uint32_t c) {
    if (!cannot_reach(s.acc[c].score[0] + remaining, threshold)) return false;
    s.acc[c].stamp = epoch + 1;
    return true;
  });
  if (s.candidates.size() * kRandomAccessRatio < term.postings.size()) {
    add_term_random_access(s, term);
    return s.candidates.size();
  }
  for (const Posting& p : term.postings) {
    if (s.acc[p.slot].stamp == epoch) s.acc[p.slot].score[0] += term.weight * p.weight;
  }
  return term.postings.size();
}

}  // namespace crossnews
