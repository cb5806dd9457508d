#pragma once
// The options of a clusterer made from a Model (clusterer.hpp): the given ones, weighing terms
// with the model's background frequencies.

#include <crossnews/clusterer.hpp>
#include <crossnews/model.hpp>

namespace crossnews::detail {

inline ClusterOptions with_background(const Model& model, ClusterOptions options) {
  options.features.background = &model.background();
  return options;
}

}  // namespace crossnews::detail
