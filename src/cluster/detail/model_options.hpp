#pragma once
// The options of a featurizer or clusterer made from a Model (featurizer.hpp, clusterer.hpp): the
// given ones, weighing terms with the model's background frequencies.

#include <crossnews/clusterer.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/model.hpp>

namespace crossnews::detail {

inline FeaturizerOptions with_background(const Model& model, FeaturizerOptions options) {
  options.background = &model.background();
  return options;
}

inline ClusterOptions with_background(const Model& model, ClusterOptions options) {
  options.features = with_background(model, options.features);
  return options;
}

}  // namespace crossnews::detail
