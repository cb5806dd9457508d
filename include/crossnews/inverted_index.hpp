#pragma once
// An inverted index over a changing set of sparse vectors (documents or cluster centroids):
// finds the top-k by dot product without comparing all pairs. Postings are contiguous per term,
// in insertion order; removal and update take effect at once and keep that order (a removed
// entry's postings weigh nothing until their list is compacted, a constant cost per removal over
// time). Queries use max-score: terms that cannot lift a new entry above min_score or the k-th
// best score only re-score existing candidates, so a high min_score is cheap.
//
// Thread safety: query() is const and may run concurrently when each thread passes its own
// QueryScratch; insert/update/remove need exclusive access.

#include <crossnews/impl_ptr.hpp>
#include <crossnews/sparse_vector.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace crossnews {

struct Hit {
  std::uint32_t key = 0;
  float score = 0.0f;
};

struct IndexQuery {
  std::size_t k = 10;
  /// Hits scoring below this are not returned; higher values let max-score prune more.
  /// Hits always have a positive score: entries sharing no term with the query never match.
  float min_score = 0.0f;
  /// Only entries whose time lies in [time_from, time_to]; entries without time always match.
  std::int64_t time_from = std::numeric_limits<std::int64_t>::min();
  std::int64_t time_to = std::numeric_limits<std::int64_t>::max();
  /// Per term, read only the postings of this many entries nearest in time to the middle of
  /// [time_from, time_to] (0: all). Bounds the cost of a term most entries share, which grows
  /// with the index; the hits are then exact only over those postings. Applies when both time
  /// bounds are set and every entry was inserted with a time, in time order; otherwise see
  /// `anchor`.
  std::size_t nearest_per_term = 0;
  /// Where the index cannot cut by time (a query without bounds, or entries without times),
  /// nearest_per_term reads the postings of the entries inserted nearest to this key's entry:
  /// insertion order stands in for time (corpus order, for a batch without dates), so a query's
  /// cost stays bounded either way. Removed entries do not count, and an updated entry counts as
  /// inserted last.
  std::optional<std::uint32_t> anchor;
  /// With `anchor`: cut by insertion order even where the index could cut by time, then keep the
  /// hits inside the time bounds. A stream's entries arrive nearly, not exactly, in time order,
  /// and one late entry would end the time cut for good; what a query reads then depends only on
  /// the live entries and their order.
  bool nearest_by_insertion = false;
  /// Key to leave out (the query's own entry), if any.
  std::optional<std::uint32_t> exclude;
};

/// Reusable per-thread buffers for queries.
struct QueryScratch;

class InvertedIndex {
 public:
  InvertedIndex();

  /// Adds a vector under a new key; throws ConfigError if the key is present.
  void insert(std::uint32_t key, const SparseVector& vector, std::optional<std::int64_t> time = {});
  /// Makes room for `postings` more postings of `term` (its list is made now if new), so that a
  /// caller that counted its lists first inserts without growing them: grown by doubling, the
  /// lists of a large batch hold about a third more than their postings.
  void reserve(TermId term, std::size_t postings);
  /// Replaces the vector (and time) of a present key; throws ConfigError if the key is absent.
  void update(std::uint32_t key, const SparseVector& vector, std::optional<std::int64_t> time = {});
  /// Removes a present key at once, keeping the others' order; throws ConfigError if absent.
  void remove(std::uint32_t key);
  [[nodiscard]] bool contains(std::uint32_t key) const;
  [[nodiscard]] std::size_t size() const;

  /// Exact top-k by dot product (accumulated in double, as SparseVector::dot), best first, ties by
  /// smaller key. The first overload allocates its scratch; hot loops use the second.
  [[nodiscard]] std::vector<Hit> query(const SparseVector& q, const IndexQuery& options) const;
  void query(const SparseVector& q, const IndexQuery& options, QueryScratch& scratch,
             std::vector<Hit>& out) const;
  /// Two queries in one pass over their terms' postings, each with the hits query() would give
  /// it: cheaper than two calls when they share long posting lists, as an article and its
  /// cross-lingual part do. Scores are summed in term order, as SparseVector::dot sums them. It
  /// scores every entry sharing a term (no max-score), so it suits a low min_score.
  void query_pair(const SparseVector& first, const SparseVector& second, const IndexQuery& options,
                  QueryScratch& scratch, std::vector<Hit>& first_hits,
                  std::vector<Hit>& second_hits) const;
  [[nodiscard]] static std::unique_ptr<QueryScratch, void (*)(QueryScratch*)> make_scratch();

  /// Entries that got a score (became candidates) in the last query() with this scratch; max-score
  /// keeps this below the number of entries sharing a term with the query (for benchmarks).
  [[nodiscard]] static std::uint64_t scored_candidates(const QueryScratch& scratch);

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

}  // namespace crossnews
