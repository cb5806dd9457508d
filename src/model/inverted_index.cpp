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

namespace {

// Renumbering every slot costs a pass over all postings: only once removed entries hold half the
// slots, and not for a few.
constexpr std::size_t kMinRenumber = 1024;

bool before_slot(const Posting& p, std::uint32_t slot) { return p.slot < slot; }

}  // namespace

void InvertedIndex::Impl::add(std::uint32_t key, const SparseVector& vector,
                              std::optional<std::int64_t> time) {
  const auto slot = static_cast<std::uint32_t>(entries.size());
  Entry& entry = entries.emplace_back();
  times.push_back(time.value_or(0));
  keys.push_back(key);
  has_time.push_back(time.has_value());
  if (tracks_lists) entry.lists.reserve(vector.size());
  if (!time || *time < latest_time) time_ordered = false;
  if (time) latest_time = std::max(latest_time, *time);
  for (const SparseEntry& e : vector.entries()) {
    if (e.weight == 0.0f) continue;  // a posting of weight 0 is a tombstone
    const auto [it, fresh] =
        list_of_term.try_emplace(e.term.value(), static_cast<std::uint32_t>(lists.size()));
    if (fresh) lists.emplace_back();
    PostingList& list = lists[it->second];
    if (tracks_lists) entry.lists.push_back(it->second);
    list.postings.push_back({slot, e.weight});
    list.max_abs = std::max(list.max_abs, std::abs(e.weight));
    if (e.weight < 0.0f) ++negative_postings;
  }
  slot_of_key.emplace(key, slot);
}

void InvertedIndex::Impl::track_lists() {
  // Each entry's lists at their exact size: an endless stream keeps a slot's capacity for good.
  std::vector<std::uint32_t> postings_of(entries.size(), 0);
  for (const PostingList& list : lists) {
    for (const Posting& p : list.postings) ++postings_of[p.slot];
  }
  for (std::size_t slot = 0; slot < entries.size(); ++slot) {
    entries[slot].lists.reserve(postings_of[slot]);
  }
  for (std::uint32_t l = 0; l < lists.size(); ++l) {
    for (const Posting& p : lists[l].postings) {
      if (p.weight != 0.0f) entries[p.slot].lists.push_back(l);
    }
  }
  tracks_lists = true;
}

void InvertedIndex::Impl::compact(PostingList& list) {
  std::erase_if(list.postings, [](const Posting& p) { return p.weight == 0.0f; });
  list.tombstones = 0;
  list.refresh_max();
  // A term's list may have been long once (a story's words while it ran): give the memory back.
  if (list.postings.capacity() > 64 && list.postings.size() < list.postings.capacity() / 4) {
    list.postings.shrink_to_fit();
  }
}

void InvertedIndex::Impl::drop(std::uint32_t slot) {
  if (!tracks_lists) track_lists();
  for (const std::uint32_t l : entries[slot].lists) {
    PostingList& list = lists[l];
    // Lists are sorted by slot: the posting is found, and left in its place as a tombstone.
    const auto it = std::lower_bound(list.postings.begin(), list.postings.end(), slot,
                                     before_slot);
    const float removed = it->weight;
    if (removed < 0.0f) --negative_postings;
    it->weight = 0.0f;
    ++list.tombstones;
    // The bound must stay exact-or-above; compacting when the maximum itself leaves, or when half
    // the list is tombstones, keeps the expected cost per removal constant.
    if (2 * std::size_t{list.tombstones} >= list.postings.size() ||
        std::abs(removed) >= list.max_abs) {
      compact(list);
    }
  }
  std::vector<std::uint32_t>().swap(entries[slot].lists);
  slot_of_key.erase(keys[slot]);
  ++removed_slots;
  if (removed_slots >= kMinRenumber && 2 * removed_slots >= entries.size()) renumber_slots();
}

// Gives the live entries the slots 0, 1, ... in their order, and drops every tombstone.
void InvertedIndex::Impl::renumber_slots() {
  constexpr std::uint32_t kGone = 0xffffffffu;
  std::vector<std::uint32_t> renumbered(entries.size(), kGone);
  for (const auto& [key, slot] : slot_of_key) renumbered[slot] = 0;
  std::uint32_t next = 0;
  for (std::size_t slot = 0; slot < entries.size(); ++slot) {
    if (renumbered[slot] == kGone) continue;
    renumbered[slot] = next;
    if (next != slot) entries[next] = std::move(entries[slot]);
    times[next] = times[slot];
    keys[next] = keys[slot];
    has_time[next] = has_time[slot];
    ++next;
  }
  entries.resize(next);
  times.resize(next);
  keys.resize(next);
  has_time.resize(next);
  for (auto& [key, slot] : slot_of_key) slot = renumbered[slot];
  for (PostingList& list : lists) {
    if (list.tombstones > 0) compact(list);
    for (Posting& p : list.postings) p.slot = renumbered[p.slot];
  }
  removed_slots = 0;
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
