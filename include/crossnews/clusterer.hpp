#pragma once
// Story clustering over featurized articles, in batch and as a stream.
//
// Similarity of two articles a, b (all parts in [0, 1]):
//   content(a, b) = cos(v_a, v_b)                                 same language
//                 = (v_a . v_b) / (|x_a| |x_b|)                   different languages, where x is the
//                                                                 cross-lingual part of v (concepts and
//                                                                 neutral tokens)
//   names(a, b)   = cosine of the neutral-token parts (entities and numbers)
//   s(a, b)       = ((1 - entity_weight) * content + entity_weight * names)
//                   * (1 - time_weight + time_weight * exp(-dt^2 / (2 sigma^2)))     (when both have times)
// Candidates come from an inverted index (never all pairs), within `window_days` when times are known.
//
// Batch: a k-nearest-neighbour candidate graph, then average-linkage agglomeration over it (the
// average of two stories is over all pairs of their articles, a pair without a candidate edge
// counting as 0, so one strong edge cannot chain two stories), which a single pass cannot do: it
// revisits every decision with the whole corpus in view.
// Stream: each article joins the most similar live story above the threshold or starts one;
// stories idle for longer than the window are evicted; two stories that one article links strongly
// (merge_threshold) and that are alike themselves (a pair of their centroids at the threshold) are
// merged, the older id surviving, and the merge is logged.

#include <crossnews/document.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/strong_id.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crossnews {

class Analyzer;
class Lexicon;

enum class ClusterMode : std::uint8_t { batch, stream };
/// joint: one agglomeration over all edges. monolingual_first: stories per language first, then
/// linked across languages (as EMM does).
enum class ClusterStrategy : std::uint8_t { joint, monolingual_first };

struct ClusterOptions {
  ClusterMode mode = ClusterMode::batch;
  ClusterStrategy strategy = ClusterStrategy::joint;
  /// Minimum similarity to put two articles (or an article and a story) together. Raising it gives
  /// smaller, purer stories.
  float threshold = 0.45f;
  /// Cross-lingual similarities are multiplied by this before the threshold (capped at 1): the
  /// keyword map covers only part of a text, so translations score lower than same-language
  /// duplicates. Raising it links languages more eagerly.
  float crosslingual_scale = 2.0f;
  /// Weight of shared names and numbers against the whole-content similarity.
  float entity_weight = 0.25f;
  /// Weight of closeness in time; 0 ignores times (beyond the window).
  float time_weight = 0.2f;
  /// Width of the Gaussian on the time difference, in days.
  double time_sigma_days = 2.0;
  /// Articles further apart in time are never compared; 0 = no window.
  double window_days = 7.0;
  /// Neighbours fetched per article from the index (batch). Raising it finds more links, slower.
  std::size_t neighbours = 25;
  /// Heaviest terms of an article that look for its neighbours in the index (0: all of them).
  /// Candidates are then scored on whole vectors; a story's articles share heavy terms, and
  /// leaving out the light, common ones keeps the cost per article from growing with the corpus.
  std::size_t query_terms = 20;
  /// Per query term, only the articles this many nearest in time are read (0: all in the
  /// window): a term shared by most of the window says little about neighbours, and reading all
  /// of it makes linking quadratic in the corpus. Needs every article to have a time.
  std::size_t postings_per_term = 150;
  /// Index score below which candidates are not considered.
  float candidate_min_score = 0.02f;
  /// Stream: merge two live stories when one article is this similar to both and the stories
  /// are alike (a pair of their language centroids at `threshold`).
  float merge_threshold = 0.5f;
  FeaturizerOptions features;
};

/// What a story is about, for people and for scripts.
struct StorySummary {
  ClusterId id;
  std::size_t size = 0;
  /// Language code -> number of articles.
  std::map<std::string, std::size_t> languages;
  std::optional<std::int64_t> first_time;
  std::optional<std::int64_t> last_time;
  /// Language code -> top keywords (words in that language, concepts in that language's words,
  /// and names), heaviest first.
  std::map<std::string, std::vector<std::string>> keywords;
  /// Language code -> the title of the article most central to the story in that language.
  std::map<std::string, std::string> titles;
  std::vector<std::string> member_ids;
};

struct MergeEvent {
  ClusterId from;
  ClusterId into;
  std::optional<std::int64_t> time;
};

struct ClusteringResult {
  /// Story of each article, in input order.
  std::vector<ClusterId> assignment;
  /// Largest first, then by id.
  std::vector<StorySummary> stories;
  std::vector<MergeEvent> merges;
};

/// Clusters a whole corpus at once. Feed articles in batches (their text is not kept), then run().
/// Deterministic for a given input order and options, whatever the thread count. Not thread-safe.
class BatchClusterer {
 public:
  BatchClusterer(const Analyzer& analyzer, const Lexicon* lexicon, ClusterOptions options = {});
  ~BatchClusterer();
  BatchClusterer(BatchClusterer&&) noexcept;
  BatchClusterer& operator=(BatchClusterer&&) noexcept;

  void add(std::span<const Article> articles);
  /// For clustering one part of a corpus spread over processes (before run()): the frequencies
  /// of some added articles, and the merged frequencies to weigh with (Featurizer's methods).
  [[nodiscard]] DocumentFrequencies frequencies_of(std::span<const std::size_t> docs);
  void use_document_frequencies(const DocumentFrequencies& frequencies);
  [[nodiscard]] ClusteringResult run(const ProgressCallback& progress = {});
  [[nodiscard]] const Featurizer& featurizer() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Clusters articles as they arrive (in time order). Story ids are stable; merges are logged.
/// Deterministic for a given input order. Not thread-safe.
class StreamClusterer {
 public:
  StreamClusterer(const Analyzer& analyzer, const Lexicon* lexicon, ClusterOptions options = {});
  ~StreamClusterer();
  StreamClusterer(StreamClusterer&&) noexcept;
  StreamClusterer& operator=(StreamClusterer&&) noexcept;

  /// Assigns the article to a story and returns its id.
  ClusterId add(const Article& article);
  /// Current stories (evicted ones included), largest first.
  [[nodiscard]] std::vector<StorySummary> stories() const;
  /// Story of each article added so far, in order, with merges applied.
  [[nodiscard]] std::vector<ClusterId> assignment() const;
  [[nodiscard]] const std::vector<MergeEvent>& merges() const;
  [[nodiscard]] std::size_t live_stories() const;
  /// The features of the articles added so far, in order.
  [[nodiscard]] const Featurizer& featurizer() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One feature two articles share, with its contribution to their similarity.
struct SharedFeature {
  std::string concept_name;                  ///< concept id, or the term itself
  std::map<std::string, std::string> terms;  ///< language -> the word(s) on that side
  float weight = 0.0f;                       ///< product of the two weights
  std::string source;                        ///< lexicon | freedict | pivot | learned | entity | word
};

struct LinkExplanation {
  float similarity = 0.0f;
  float content = 0.0f;
  float names = 0.0f;
  float time_factor = 1.0f;
  std::vector<SharedFeature> shared;  ///< heaviest first
};

/// Explains the similarity of articles `a` and `b` (indices into the featurizer's articles),
/// given the same options the clusterer used.
[[nodiscard]] LinkExplanation explain_link(const Featurizer& featurizer, const Lexicon* lexicon,
                                           const Article& a, std::size_t doc_a, const Article& b,
                                           std::size_t doc_b, const ClusterOptions& options);

struct LearnedPair;

/// The bootstrap of the keyword map: learns term pairs from articles of different languages that
/// a clustering put in one story with similarity >= `min_similarity` (words that co-occur across
/// such pairs, PairLearner), plus cognates among the words no concept covers (find_cognates).
/// Feed the result to LexiconBuilder::add_learned (or save it with write_learned_tsv).
[[nodiscard]] std::vector<LearnedPair> learn_pairs(const Featurizer& featurizer,
                                                   std::span<const ClusterId> assignment,
                                                   const ClusterOptions& options,
                                                   float min_similarity = 0.5f,
                                                   std::size_t min_count = 2);

/// The similarity defined above, for two featurized articles.
[[nodiscard]] float similarity(const Featurizer& featurizer, const DocFeatures& a,
                               const DocFeatures& b, const ClusterOptions& options);

}  // namespace crossnews
