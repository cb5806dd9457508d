#include "cluster/detail/similarity.hpp"

#include "cluster/detail/link_score.hpp"

#include <algorithm>

namespace crossnews {
namespace detail {

SimilarityParts similarity_parts(const Featurizer& f, const DocFeatures& a, const DocFeatures& b,
                                 const ClusterOptions& o) {
  double dot_all = 0.0, dot_neutral = 0.0;
  std::size_t shared = 0;
  for_each_shared_term(a.vector, b.vector, [&](const SparseEntry& x, const SparseEntry& y) {
    const double p = double(x.weight) * y.weight;
    dot_all += p;
    if (f.is_name(x.term)) dot_neutral += p;
    ++shared;
  });
  return combine(dot_all, dot_neutral, shared, a, b, o);
}

SimilarityParts similarity_parts(const Featurizer& f, const DocFeatures& a, const DocFeatures& b,
                                 const ClusterOptions& o, const CrosslingualMap* dense_map) {
  SimilarityParts parts = similarity_parts(f, a, b, o);
  if (dense_map != nullptr && a.lang_slot != b.lang_slot) {
    parts.dense = dense_map->similarity(f, a, b);
    mix_dense(parts, parts.dense, o);
  }
  return parts;
}

IndexQuery window_query(const DocFeatures& doc, const ClusterOptions& o, std::size_t k,
                        float min_score) {
  IndexQuery q;
  q.k = k;
  q.min_score = min_score;
  if (doc.time && o.window_days > 0.0) {
    const std::int64_t half = window_seconds(o.window_days);
    q.time_from = saturating_sub(*doc.time, half);
    q.time_to = saturating_add(*doc.time, half);
  }
  return q;
}

SparseVector crosslingual_part(const Featurizer& f, const SparseVector& v) {
  std::vector<SparseEntry> kept;
  for (const auto& e : v.entries()) {
    if (f.is_crosslingual(e.term)) kept.push_back(e);
  }
  SparseVector out = SparseVector::from_sorted(std::move(kept));
  out.normalize();
  return out;
}

void find_candidates(const InvertedIndex& index, const Featurizer& f, const DocFeatures& doc,
                     const IndexQuery& query, std::size_t query_terms, QueryScratch& scratch,
                     std::vector<Hit>& hits, std::vector<Hit>& xl_hits) {
  SparseVector whole = doc.vector;
  SparseVector xl = crosslingual_part(f, doc.vector);
  whole.prune_top_k(query_terms);
  xl.prune_top_k(query_terms);
  index.query_pair(whole, xl, query, scratch, hits, xl_hits);
  hits.insert(hits.end(), xl_hits.begin(), xl_hits.end());
  // Both queries often find the same article: score it once.
  std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) { return x.key < y.key; });
  hits.erase(std::unique(hits.begin(), hits.end(),
                         [](const Hit& x, const Hit& y) { return x.key == y.key; }),
             hits.end());
}

}  // namespace detail

float similarity(const Featurizer& featurizer, const DocFeatures& a, const DocFeatures& b,
                 const ClusterOptions& options) {
  return detail::similarity_parts(featurizer, a, b, options).total;
}

float similarity(const Featurizer& featurizer, const DocFeatures& a, const DocFeatures& b,
                 const ClusterOptions& options, const CrosslingualMap* dense_map) {
  return detail::similarity_parts(featurizer, a, b, options, dense_map).total;
}

LinkExplanation detail::score_link(const Featurizer& featurizer, const DocFeatures& a,
                                   const DocFeatures& b, const ClusterOptions& options,
                                   const CrosslingualMap* dense_map) {
  const detail::SimilarityParts parts =
      detail::similarity_parts(featurizer, a, b, options, dense_map);
  LinkExplanation out;
  out.similarity = parts.total;
  out.content = parts.content;
  out.names = parts.names;
  out.time_factor = parts.time;
  out.dense = parts.dense;
  return out;
}

}  // namespace crossnews
