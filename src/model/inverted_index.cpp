#include "model/detail/index_impl.hpp"

#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>

#include <algorithm>
#include <cmath>
#include <string>

// Storage of the index: adding and removing entries, and the public API. The layout is described
// in detail/index_impl.hpp; the queries are in detail/index_query.cpp and
// detail/index_query_pair.cpp.

namespace crossnews {

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
  // Each entry's refs at their exact size: an endless stream keeps a slot's capacity for good.
  std::vector<std::uint32_t> postings_of(entries.size(), 0);
  for (const PostingList& list : lists) {
    for (const Posting& p : list.postings) ++postings_of[p.slot];
  }
  for (std::size_t slot = 0; slot < entries.size(); ++slot) {
    entries[slot].refs.reserve(postings_of[slot]);
  }
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
    // A term's list may have been long once (a story's words while it ran): give the memory back.
    if (list.postings.capacity() > 64 && list.postings.size() < list.postings.capacity() / 4) {
      list.postings.shrink_to_fit();
    }
  }
  entry.refs.clear();
  slot_of_key.erase(keys[slot]);
  free_slots.push_back(slot);
}

InvertedIndex::InvertedIndex() : impl_(std::make_unique<Impl>()) {}

void InvertedIndex::insert(std::uint32_t key, const SparseVector& vector,
                           std::optional<std::int64_t> time) {
  if (impl_->slot_of_key.contains(key)) {
    throw ConfigError("InvertedIndex::insert: key " + std::to_string(key) + " is already present");
  }
  impl_->add(key, vector, time);
}

void InvertedIndex::reserve(TermId term, std::size_t postings) {
  Impl& m = *impl_;
  const auto [it, fresh] =
      m.list_of_term.try_emplace(term.value(), static_cast<std::uint32_t>(m.lists.size()));
  if (fresh) m.lists.emplace_back();
  std::vector<Posting>& list = m.lists[it->second].postings;
  list.reserve(list.size() + postings);
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
