#pragma once
// A learned dense link between languages, beside the keyword map (after Event Registry's CCA over
// aligned documents, Rupnik et al. 2016), learned from the corpus's own confident links.
//
// A first clustering with the keyword map alone gives aligned article pairs: articles of two
// languages that it put in one story with similarity >= DenseMapOptions::min_similarity (as
// learn_pairs takes them). Per language pair with enough such pairs, each article is reduced to
// the words no concept or name covers (its language-specific TF-IDF weights, re-normalised), and
// a regularised canonical correlation analysis finds `rank` directions per language in which the
// two sides of the aligned pairs vary together. Articles are projected there (centred on the
// aligned articles' mean) and compared by cosine; the cosine is mixed into the content part of
// s(a, b) for articles of different languages (clusterer.hpp).
//
// Why regularised CCA: the aligned pairs are few beside the words (tens to thousands of pairs,
// thousands of words), so plain CCA correlates every pair perfectly; a ridge on each side's
// covariance keeps directions the data support, and as it grows CCA turns into the SVD of the
// cross-covariance. It is solved in the space of the aligned pairs (their Gram matrices), never
// as a words-by-words matrix. Each direction is weighted by its canonical correlation, so weakly
// aligned directions count little in the cosine.

#include <crossnews/featurizer.hpp>
#include <crossnews/impl_ptr.hpp>
#include <crossnews/strong_id.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crossnews {

struct ClusterOptions;

/// A word of one article and its share of the two articles' cosine in the learned space.
struct DenseContribution {
  TermId term;
  float share = 0.0f;
};

/// The per-language-pair projections learned by learn(). Immutable once learned; safe to read
/// from several threads.
class CrosslingualMap {
 public:
  /// A map that links nothing (similarity() gives nullopt for every pair).
  CrosslingualMap();

  /// Learns from the articles of `featurizer` (finished) and a clustering of them made without
  /// the map (`assignment`: story of each article). Options: `options.dense_map` (rank,
  /// regularisation, min_similarity) and the similarity options for picking the pairs.
  /// Deterministic; single-threaded (the work is cubic in the aligned pairs, of which each
  /// language pair takes its 500 most similar at most). ConfigError if the featurizer is not
  /// finished or `assignment` does not give one story per article.
  [[nodiscard]] static CrosslingualMap learn(const Featurizer& featurizer,
                                             std::span<const ClusterId> assignment,
                                             const ClusterOptions& options);
  /// Clusters `featurizer`'s articles without the map (cluster_batch), then learn()s from that.
  [[nodiscard]] static CrosslingualMap learn(const Featurizer& featurizer,
                                             const ClusterOptions& options);

  /// Cosine of two articles of different languages in their language pair's learned space;
  /// nullopt when no map was learned for the pair, or either article has no word the map knows.
  /// `featurizer`: the one the map was learned from (its terms), or one that has grown from it.
  [[nodiscard]] std::optional<float> similarity(const Featurizer& featurizer, const DocFeatures& a,
                                                const DocFeatures& b) const;
  /// The words of each article behind similarity(): word w of a contributes
  /// x_w (u_w . p_b) / (|p_a| |p_b|), its weight times its direction against b's projection;
  /// the contributions of a's words and its centring sum to the cosine. Each side's `top`
  /// largest positive contributions, largest first.
  struct Contributions {
    std::vector<DenseContribution> a, b;
  };
  [[nodiscard]] Contributions contributions(const Featurizer& featurizer, const DocFeatures& a,
                                            const DocFeatures& b, std::size_t top) const;

  /// Language pairs with a learned map, and the aligned article pairs each was learned from.
  struct PairInfo {
    std::string lang_a, lang_b;
    std::size_t aligned_pairs = 0;
    std::size_t rank = 0;
    std::size_t words_a = 0, words_b = 0;
  };
  [[nodiscard]] std::vector<PairInfo> language_pairs() const;
  /// Bytes held by the learned projections.
  [[nodiscard]] std::size_t memory_bytes() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

}  // namespace crossnews
