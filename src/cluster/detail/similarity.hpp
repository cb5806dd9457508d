#pragma once
// The similarity of clusterer.hpp, in parts, and the pieces both clusterers query the index with.
// Inline where it runs once per candidate pair.

#include <crossnews/clusterer.hpp>
#include <crossnews/crosslingual_map.hpp>
#include <crossnews/inverted_index.hpp>

#include "cluster/detail/time_window.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <vector>

namespace crossnews::detail {

inline double time_factor(const DocFeatures& a, const DocFeatures& b, const ClusterOptions& o) {
  if (!a.time || !b.time || o.time_weight == 0.0f) return 1.0;
  const double dt = seconds_between(*a.time, *b.time) / kSecondsPerDay;
  const double sigma = o.time_sigma_days;
  return 1.0 - o.time_weight + o.time_weight * std::exp(-dt * dt / (2.0 * sigma * sigma));
}

struct SimilarityParts {
  float content = 0.0f;
  float names = 0.0f;
  float time = 1.0f;
  float total = 0.0f;
  float overlap = 0.0f;  // share of the longer vector's terms the other holds too
  std::optional<float> dense;  // cosine in the learned cross-lingual space, when there is one
};

// The similarity from the two dot products of a and b (over all their terms, and over names)
// and the number of terms they share.
inline SimilarityParts combine(double dot_all, double dot_neutral, std::size_t shared,
                               const DocFeatures& a, const DocFeatures& b,
                               const ClusterOptions& o) {
  SimilarityParts s;
  const std::size_t longer = std::max(a.vector.size(), b.vector.size());
  s.overlap = longer == 0 ? 0.0f : static_cast<float>(double(shared) / double(longer));
  if (a.lang_slot == b.lang_slot) {
    s.content = static_cast<float>(dot_all);
  } else if (a.crosslingual_norm > 0.0f && b.crosslingual_norm > 0.0f) {
    // Only concepts and names can be shared across languages: compare on that part alone.
    const double c = dot_all / (double(a.crosslingual_norm) * b.crosslingual_norm);
    s.content = static_cast<float>(std::min(1.0, c * o.crosslingual_scale));
  }
  if (a.neutral_norm > 0.0f && b.neutral_norm > 0.0f) {
    s.names =
        static_cast<float>(std::min(1.0, dot_neutral / (double(a.neutral_norm) * b.neutral_norm)));
  }
  s.time = static_cast<float>(time_factor(a, b, o));
  s.total = ((1.0f - o.entity_weight) * s.content + o.entity_weight * s.names) * s.time;
  return s;
}

SimilarityParts similarity_parts(const Featurizer& f, const DocFeatures& a, const DocFeatures& b,
                                 const ClusterOptions& o);

// The parts of two articles of different languages with their cosine in the learned space mixed
// into the content (clusterer.hpp); unchanged without one.
inline void mix_dense(SimilarityParts& s, std::optional<float> dense, const ClusterOptions& o) {
  if (!dense) return;
  const float w = o.dense_map.weight;
  s.content = (1.0f - w) * s.content + w * std::max(0.0f, *dense);
  s.total = ((1.0f - o.entity_weight) * s.content + o.entity_weight * s.names) * s.time;
}

// similarity_parts(), with the learned map when one is given and the articles' languages differ.
SimilarityParts similarity_parts(const Featurizer& f, const DocFeatures& a, const DocFeatures& b,
                                 const ClusterOptions& o, const CrosslingualMap* dense_map);

// One article scored against many: its terms in a small open-addressing table, so each other
// article costs a look-up per entry in a table that stays in the L1 cache, instead of a merge or a
// gather from an array as large as the vocabulary (a cache miss per entry at 1M articles). Sums
// run in term order, as in similarity_parts(), so the results are the same to the bit.
class ScatteredArticle {
 public:
  void set(const Featurizer& f, const DocFeatures& doc) {
    doc_ = &doc;
    const std::size_t terms = doc.vector.size();
    std::size_t capacity = 64;
    while (capacity < 4 * terms) capacity *= 2;  // at most a quarter full: misses end early
    bits_ = std::countr_zero(capacity);
    table_.assign(capacity, Slot{});
    for (const auto& e : doc.vector.entries()) {
      if (e.weight == 0.0f) continue;  // a zero weight adds nothing, as an absent term
      std::size_t i = home(e.term.value());
      while (table_[i].term != kEmpty) i = (i + 1) & (capacity - 1);
      table_[i] = {e.term.value(), e.weight, f.is_name(e.term)};
    }
  }
  [[nodiscard]] SimilarityParts similarity(const DocFeatures& other,
                                           const ClusterOptions& o) const {
    double dot_all = 0.0, dot_neutral = 0.0;
    std::size_t shared = 0;
    const std::size_t mask = table_.size() - 1;
    for (const auto& e : other.vector.entries()) {
      std::size_t i = home(e.term.value());
      while (table_[i].term != kEmpty && table_[i].term != e.term.value()) i = (i + 1) & mask;
      const Slot& slot = table_[i];
      if (slot.term == kEmpty) continue;
      const double p = double(slot.weight) * e.weight;
      dot_all += p;
      if (slot.name) dot_neutral += p;
      ++shared;
    }
    return combine(dot_all, dot_neutral, shared, *doc_, other, o);
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    std::uint32_t term = kEmpty;
    float weight = 0.0f;
    bool name = false;
  };
  [[nodiscard]] std::size_t home(std::uint32_t term) const {
    return (term * std::uint32_t{0x9E3779B1u}) >> (32 - bits_);
  }

  std::vector<Slot> table_;
  int bits_ = 0;
  const DocFeatures* doc_ = nullptr;
};

IndexQuery window_query(const DocFeatures& doc, const ClusterOptions& o, std::size_t k,
                        float min_score);

// The part of a vector other languages can share, re-normalised: queries with it find articles
// in other languages that the whole vector, dominated by language-specific words, would rank low.
SparseVector crosslingual_part(const Featurizer& f, const SparseVector& v);

/// The articles `doc` finds in `index` through its `query_terms` heaviest terms and through the
/// same of its cross-lingual part (one pass: the cross-lingual terms are the long posting
/// lists), each article once, by key. `xl_hits` is scratch.
void find_candidates(const InvertedIndex& index, const Featurizer& f, const DocFeatures& doc,
                     const IndexQuery& query, std::size_t query_terms, QueryScratch& scratch,
                     std::vector<Hit>& hits, std::vector<Hit>& xl_hits);

}  // namespace crossnews::detail
