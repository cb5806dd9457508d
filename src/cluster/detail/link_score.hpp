#pragma once
// The similarity of two articles split into its parts, for explanations (defined next to the
// similarity itself, in similarity.cpp).

#include <crossnews/clusterer.hpp>

namespace crossnews::detail {

/// similarity, content, names, time_factor and dense of the explanation (the learned map may be
/// null); `shared` and `dense_words` left empty.
LinkExplanation score_link(const Featurizer& featurizer, const DocFeatures& a,
                           const DocFeatures& b, const ClusterOptions& options,
                           const CrosslingualMap* dense_map = nullptr);

}  // namespace crossnews::detail
