#pragma once
// Sparse term vectors: (TermId, weight) pairs sorted by TermId, so a dot product is a merge.
// SparseVector is a value type: const methods may run concurrently.

#include <crossnews/strong_id.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace crossnews {

struct SparseEntry {
  TermId term;
  float weight = 0.0f;
};

class SparseVector {
 public:
  SparseVector() = default;
  /// Sorts by term and sums the weights of repeated terms.
  [[nodiscard]] static SparseVector from_unsorted(std::vector<SparseEntry> entries);
  /// Takes entries already sorted by term with no repeats (checked in debug builds).
  [[nodiscard]] static SparseVector from_sorted(std::vector<SparseEntry> entries);

  [[nodiscard]] std::span<const SparseEntry> entries() const { return entries_; }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  /// Weight of `term`, 0 when absent (binary search).
  [[nodiscard]] float weight(TermId term) const;

  [[nodiscard]] float norm() const;
  /// Scales to unit L2 norm; a zero vector stays zero.
  void normalize();
  /// Keeps the k entries of largest weight (ties: smaller TermId), still sorted by term.
  /// k = 0 keeps all.
  void prune_top_k(std::size_t k);
  /// Accumulated in double (float products are exact there), as InvertedIndex scores are, so the
  /// two agree after rounding to float whatever order the terms are summed in (barring
  /// double-rounding at a float boundary).
  [[nodiscard]] float dot(const SparseVector& other) const;

 private:
  std::vector<SparseEntry> entries_;
};

/// Calls `on_shared(entry_of_a, entry_of_b)` for each term both vectors hold, in term order: the
/// merge under every dot product and every list of shared terms.
template <class OnShared>
void for_each_shared_term(const SparseVector& a, const SparseVector& b, OnShared&& on_shared) {
  const auto ea = a.entries(), eb = b.entries();
  const SparseEntry* x = ea.data();
  const SparseEntry* const x_end = x + ea.size();
  const SparseEntry* y = eb.data();
  const SparseEntry* const y_end = y + eb.size();
  while (x != x_end && y != y_end) {
    if (x->term < y->term) {
      ++x;
    } else if (y->term < x->term) {
      ++y;
    } else {
      on_shared(*x, *y);
      ++x;
      ++y;
    }
  }
}

/// Sums member vectors into a cluster centroid; centroid() returns it L2-normalised.
/// Sums are kept in double so that a story of many thousands of articles leaves no float drift; a
/// term whose sum a negative scale cancels to rounding noise is dropped.
/// Not thread-safe for writes; const methods may run concurrently.
class CentroidAccumulator {
 public:
  void add(const SparseVector& v, float scale = 1.0f);
  /// Adds every member of `other` (its sums and its count), as if each had been added here: two
  /// merged stories weigh as all their articles do, however often either absorbed another.
  void merge(const CentroidAccumulator& other);
  /// L2-normalised centroid, pruned to the top_k heaviest terms when top_k > 0.
  [[nodiscard]] SparseVector centroid(std::size_t top_k = 0) const;
  [[nodiscard]] std::size_t members() const { return members_; }
  /// Norm of the mean of the added vectors (before pruning): for unit vectors, the square root of
  /// their average pairwise dot product (self-pairs included), so 1 for copies and low for a
  /// mixed bag.
  [[nodiscard]] double mean_norm() const;

  /// The sums themselves, sorted by term, and an accumulator rebuilt from them (a saved
  /// StreamClusterer): equal to the one they were read from, bit for bit.
  struct SumEntry {
    TermId term;
    double weight = 0.0;
  };
  [[nodiscard]] std::span<const SumEntry> sums() const { return sum_; }
  /// `sums` must be sorted by term without repeats (throws InputError otherwise).
  [[nodiscard]] static CentroidAccumulator from_sums(std::vector<SumEntry> sums,
                                                     std::size_t members);

 private:
  void add_scaled(const SparseVector& v, double scale);

  std::vector<SumEntry> sum_;  // sorted by term
  std::size_t members_ = 0;
};

}  // namespace crossnews
