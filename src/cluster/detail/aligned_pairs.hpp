#pragma once
// The articles of different languages that a clustering put in one story with high similarity:
// what the keyword map's bootstrap (learn_pairs) and the learned cross-lingual map learn from.

#include <crossnews/clusterer.hpp>

#include <functional>
#include <span>

namespace crossnews::detail {

/// Calls `visit(a, b, similarity)` for each pair of articles of different languages in one story
/// of `assignment` whose similarity (keyword map alone) is at least `min_similarity`, stories in
/// id order, a before b in corpus order. A story contributes at most 64 pairs per language pair,
/// so one huge story cannot dominate what is learned.
void for_each_aligned_pair(const Featurizer& featurizer, std::span<const ClusterId> assignment,
                           const ClusterOptions& options, float min_similarity,
                           const std::function<void(DocId, DocId, float)>& visit);

}  // namespace crossnews::detail
