#pragma once
// The similarity of two articles split into its parts, for explanations (defined next to the
// similarity itself, in similarity.cpp).

#include <crossnews/clusterer.hpp>

namespace crossnews::detail {

/// similarity, content, names and time_factor of the explanation; `shared` left empty.
LinkExplanation score_link(const Featurizer& featurizer, const DocFeatures& a,
                           const DocFeatures& b, const ClusterOptions& options);

}  // namespace crossnews::detail
