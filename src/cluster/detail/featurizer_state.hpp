#pragma once
// The members of a Featurizer that a StreamClusterer's saved state holds, and how they are written
// and read (featurizer_state.cpp). Saved: the vocabulary (in id order, so ids stay the same), the
// document frequencies (a DF snapshot), surface forms, every article's id, the features of the
// articles not released (kept articles too), the coverage counts. Not saved but rebuilt: what the
// vocabulary and the keyword map determine (projections, link weights, flags), checked against a
// digest of the saved ones, so a state loaded with another keyword map is refused.

#include <crossnews/document.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/tfidf.hpp>
#include <crossnews/vocabulary.hpp>

#include "cluster/detail/id_table.hpp"
#include "cluster/detail/surface_forms.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace crossnews::detail {

class StateWriter;
class StateReader;

/// The slot of a released document (Featurizer::release): it has none.
inline constexpr std::uint32_t kReleasedDoc = 0xFFFFFFFFu;

struct FeaturizerMembers {
  const FeaturizerOptions& options;
  Vocabulary& vocabulary;
  DocumentFrequencies& df;
  FormTable& forms;
  std::vector<DocFeatures>& docs;                     // by slot
  std::vector<std::vector<float>>& streamed_factors;  // by slot
  std::vector<std::uint32_t>& slot_of_doc;            // by document; released ones have none
  IdTable& ids;
  std::vector<Article>& articles;  // only with FeaturizerOptions::keep_articles
  std::vector<std::uint64_t>& tokens_per_slot;
  std::vector<std::uint64_t>& mapped_per_slot;
  // Derived from the vocabulary and the keyword map.
  const std::vector<TermId>& projection;
  const std::vector<float>& link_weight;
  const std::vector<std::uint8_t>& flags;
};

struct FeaturizerState {
  static void write(StateWriter& out, const Featurizer& featurizer);
  /// Into a featurizer that has seen no article (FormatError, ConfigError as StreamClusterer::load).
  static void read(StateReader& in, Featurizer& featurizer);
};

}  // namespace crossnews::detail
