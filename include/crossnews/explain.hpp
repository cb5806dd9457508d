#pragma once
// Why two articles are (or are not) one story: the parts of their similarity (clusterer.hpp
// defines it) and the features they share, in the words each article used.

#include <crossnews/strong_id.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

class CrosslingualMap;
class Featurizer;
class Lexicon;
struct ClusterOptions;

/// One feature two articles share, with its contribution to their similarity.
struct SharedFeature {
  std::string concept_name;                  ///< concept id, or the term itself
  std::map<std::string, std::string> terms;  ///< language -> the article's word(s), '|'-separated
  float weight = 0.0f;                       ///< product of the two weights
  std::string source;                        ///< lexicon | freedict | pivot | learned | entity | word

  /// The article's words in `lang`, in order; none when it has no words in that language.
  [[nodiscard]] std::vector<std::string_view> words(const std::string& lang) const {
    std::vector<std::string_view> out;
    const auto it = terms.find(lang);
    if (it == terms.end()) return out;
    std::string_view rest = it->second;
    for (auto bar = rest.find('|'); bar != std::string_view::npos; bar = rest.find('|')) {
      out.push_back(rest.substr(0, bar));
      rest.remove_prefix(bar + 1);
    }
    out.push_back(rest);
    return out;
  }
};

struct LinkExplanation {
  float similarity = 0.0f;
  float content = 0.0f;
  float names = 0.0f;
  float time_factor = 1.0f;
  std::vector<SharedFeature> shared;  ///< heaviest first
  /// Cosine of the two articles in the learned cross-lingual space, when a map was given and has
  /// one for their languages (it is then part of `content`).
  std::optional<float> dense;
  /// Language -> the words of that article that brought the two closest in the learned space,
  /// as the article wrote them, largest contribution first.
  std::map<std::string, std::vector<std::string>> dense_words;
};

/// Explains the similarity of documents `doc_a` and `doc_b` of `featurizer` (indices in the order
/// they were added; Featurizer::find gives the index of an id), given the options the clusterer
/// used. The featurizer must keep its articles (FeaturizerOptions::keep_articles, else
/// ConfigError) to show their words; an index out of range is an InputError.
[[nodiscard]] LinkExplanation explain_link(const Featurizer& featurizer, const Lexicon* lexicon,
                                           DocId doc_a, DocId doc_b, const ClusterOptions& options);
/// The same with the learned cross-lingual map the clusterer used (CrosslingualMap::learn with
/// the same options; null: none), adding `dense` and `dense_words`.
[[nodiscard]] LinkExplanation explain_link(const Featurizer& featurizer, const Lexicon* lexicon,
                                           DocId doc_a, DocId doc_b, const ClusterOptions& options,
                                           const CrosslingualMap* dense_map);

}  // namespace crossnews
