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
// With the learned map on (DenseMapOptions, w its weight), the content of articles of different
// languages is (1 - w) content + w max(0, dense(a, b)), dense being their cosine in the language
// pair's learned space (crosslingual_map.hpp), where the pair has one.
// Candidates come from an inverted index (never all pairs), within `window_days` when times are known.
//
// Batch: a k-nearest-neighbour candidate graph, then average-linkage agglomeration over it (the
// average of two stories is over all pairs of their articles, a pair without a candidate edge
// counting as 0, so one strong edge cannot chain two stories), which a single pass cannot do: it
// revisits every decision with the whole corpus in view. Copies are kept together however many
// there are: exact duplicates (same language and vector, within the window) are linked as one
// node that weighs as many articles as it holds, and near-copies (same language, each holding
// 80% of the other's terms, on average over their linked pairs) form one group whose similarity
// to others is the average over its linked pairs, counted for all its articles: a bounded
// neighbour list cannot hold every copy of a story repeated hundreds of times.
// Stream: the articles of live stories sit in an inverted index; a new article fetches its
// `neighbours` nearest earlier articles there and scores each story they belong to by average
// linkage, as batch does: the sum of its similarities to the story's fetched articles over the
// story's size (at most `neighbours`, so copies keep together), other members counting 0. So a
// story grown mixed cannot pull in the next article through one close member (no chaining). Each
// earlier article is scored on its weights weighed again by the idf now, the new one counted, as
// batch weighs every pair (Featurizer::weighed_again), and a near-copy in the same language
// counts as similarity 1, as batch groups near-copies. The article joins the best story at the
// threshold or starts one. Stories idle past the window (and past `late_articles` later
// articles, for late input) are evicted with their articles, summarised then, and their
// articles' features let go (Featurizer::release; not when articles are kept for explanations),
// so memory follows the live stories, not the length of the stream. Two stories
// that one article links at merge_threshold and that are alike themselves (the mean similarity of
// their members, each language's centroid standing for its articles, at the threshold) are merged,
// the older id surviving, and the merge is logged.

#include <crossnews/document.hpp>
#include <crossnews/explain.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/impl_ptr.hpp>
#include <crossnews/strong_id.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crossnews {

class Analyzer;
class CrosslingualMap;
class Lexicon;
class Model;

/// joint: one agglomeration over all edges. monolingual_first: stories per language first, then
/// linked across languages (as EMM does).
enum class ClusterStrategy : std::uint8_t { joint, monolingual_first };

/// The learned cross-lingual map (crosslingual_map.hpp). Batch only: it is learned from a first
/// clustering of the whole corpus, whose cross-lingual candidate links are then scored again
/// with it (a stream has no first clustering; StreamClusterer refuses it).
struct DenseMapOptions {
  bool enabled = false;
  /// Share of the cross-lingual content similarity given to the cosine in the learned space.
  float weight = 0.3f;
  /// Dimensions of the learned space per language pair (fewer when the aligned pairs are fewer).
  std::size_t rank = 32;
  /// Ridge added to each side's covariance, relative to its mean variance per aligned article:
  /// higher trusts the few aligned pairs less.
  float regularization = 1.0f;
  /// Articles of two languages put in one story by the first clustering with at least this
  /// similarity are the aligned pairs the map learns from.
  float min_similarity = 0.5f;
};

/// Largest accepted DenseMapOptions::rank.
inline constexpr std::size_t kMaxDenseRank = 256;

struct ClusterOptions {
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
  /// Articles further apart in time are never compared; 0 = no window. Windows reaching past the
  /// range of int64 seconds are cut at its ends.
  double window_days = 7.0;
  /// Neighbours fetched per article from the index (batch). Raising it finds more links, slower.
  std::size_t neighbours = 25;
  /// Heaviest terms of an article that look for its neighbours in the index (0: all of them).
  /// Candidates are then scored on whole vectors; a story's articles share heavy terms, and
  /// leaving out the light, common ones keeps the cost per article from growing with the corpus.
  std::size_t query_terms = 20;
  /// Per query term, only the articles this many nearest in time are read (0: all in the
  /// window): a term shared by most of the window says little about neighbours, and reading all
  /// of it makes linking quadratic in the corpus. Articles without a time (or with window_days
  /// 0) read the postings of the articles nearest them in corpus order instead. A stream reads
  /// 8 times as many, of the articles that came last (it ranks a story by the members it finds).
  std::size_t postings_per_term = 150;
  /// Index score below which candidates are not considered.
  float candidate_min_score = 0.02f;
  /// Stream: merge two live stories when one article is this similar to both and the stories
  /// are alike (a pair of their language centroids at `threshold`).
  float merge_threshold = 0.5f;
  /// Stream: a story idle past the window leaves only once this many more articles have arrived
  /// since it was last joined, so that late, out-of-order input (a language edition hours behind,
  /// one source's backlog) still finds it. Memory stays bounded by the count.
  std::size_t late_articles = 4096;
  FeaturizerOptions features;
  DenseMapOptions dense_map;
};

/// Largest accepted ClusterOptions::window_days and time_sigma_days (a century): beyond it
/// times in seconds would come near the int64 limits.
inline constexpr double kMaxDays = 36'500;
/// Largest accepted ClusterOptions::crosslingual_scale.
inline constexpr float kMaxCrosslingualScale = 100.0f;
/// Largest accepted FeaturizerOptions::threads (each keeps vocabulary-sized buffers).
inline constexpr std::size_t kMaxThreads = 256;

/// Throw ConfigError naming the first field out of its accepted range (given in the message),
/// NaN and infinities included. The clusterers call them on construction; callers taking
/// options from users call them first to report every mistake in one place.
void validate(const FeaturizerOptions& options);
void validate(const DenseMapOptions& options);
void validate(const ClusterOptions& options);

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

/// Clusters a whole corpus at once. Feed articles in batches (their text is not kept), then run()
/// once: add() or run() after run() throw ConfigError (use a new clusterer for another corpus).
/// Deterministic for a given input order and options, whatever the thread count. Not thread-safe.
class BatchClusterer {
 public:
  BatchClusterer(const Analyzer& analyzer, const Lexicon* lexicon, ClusterOptions options = {});
  /// With a model's analyzer, keyword map and background; the model must outlive this.
  explicit BatchClusterer(const Model& model, ClusterOptions options = {});

  void add(std::span<const Article> articles);
  /// For clustering one part of a corpus spread over processes (before run()): the frequencies
  /// of some added articles, and the merged frequencies to weigh with (Featurizer's methods).
  [[nodiscard]] DocumentFrequencies frequencies_of(std::span<const DocId> docs);
  void use_document_frequencies(const DocumentFrequencies& frequencies);
  [[nodiscard]] ClusteringResult run(const ProgressCallback& progress = {});
  /// After run(): clusters the same features again with other options (a threshold sweep, a
  /// second strategy) without analysing the corpus again; equals a fresh clusterer's run() with
  /// `options`. `options.features` is not used but for its thread count.
  [[nodiscard]] ClusteringResult cluster(const ClusterOptions& options,
                                         const ProgressCallback& progress = {}) const;
  [[nodiscard]] const Featurizer& featurizer() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

/// Clusters articles as they arrive (in time order). Story ids are stable; merges are logged.
/// Deterministic for a given input order. Not thread-safe.
class StreamClusterer {
 public:
  StreamClusterer(const Analyzer& analyzer, const Lexicon* lexicon, ClusterOptions options = {});
  /// With a model's analyzer, keyword map and background; the model must outlive this.
  explicit StreamClusterer(const Model& model, ClusterOptions options = {});

  /// Assigns the article to a story and returns its id.
  ClusterId add(const Article& article);
  /// The same for each article in turn (the same ids), analysing them ahead on
  /// `options.features.threads` threads: results are identical for any thread count.
  std::vector<ClusterId> add(std::span<const Article> articles);
  /// Current stories (evicted ones included), largest first, then by id. A story evicted for
  /// good is summarised when it leaves (its articles' features are let go then); the others now.
  [[nodiscard]] std::vector<StorySummary> stories() const;
  /// The same summaries in the same order, handed to `visit` one at a time, so that an endless
  /// stream's stories can be written out without holding them all.
  void for_each_story(const std::function<void(const StorySummary&)>& visit) const;
  /// Story of each article added so far, in order, with merges applied.
  [[nodiscard]] std::vector<ClusterId> assignment() const;
  [[nodiscard]] const std::vector<MergeEvent>& merges() const;
  [[nodiscard]] std::size_t live_stories() const;
  /// The features of the articles added so far, in order.
  [[nodiscard]] const Featurizer& featurizer() const;

  /// Writes the whole live state -- ids of the articles so far and features of those in use,
  /// vocabulary and document frequencies, stories (the summaries of evicted ones), merges, the
  /// time window -- with the options it was made with, as a versioned, checksummed snapshot.
  /// IoError if `out` fails.
  void save(std::ostream& out) const;
  /// A clusterer that goes on where a saved one stopped: adding the same articles to both gives
  /// the same ids, stories and merges. `analyzer`, `lexicon` and `options` must be those of the
  /// saved one (thread counts may differ): ConfigError naming the option that differs, or saying
  /// that the keyword map does. FormatError for a corrupt, truncated or foreign snapshot.
  [[nodiscard]] static StreamClusterer load(std::istream& in, const Analyzer& analyzer,
                                            const Lexicon* lexicon, ClusterOptions options = {});

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

/// Batch clustering as an algorithm over features: clusters the articles of `featurizer` (after
/// finish()) as BatchClusterer does, as often as wanted. Story titles come from the featurizer
/// when it keeps articles (FeaturizerOptions::keep_articles), else stay empty. ConfigError before
/// finish().
[[nodiscard]] ClusteringResult cluster_batch(const Featurizer& featurizer,
                                             const ClusterOptions& options,
                                             const ProgressCallback& progress = {});

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

/// The similarity defined above, for two featurized articles; with a learned map (null: the
/// keyword map alone, whatever options.dense_map says).
[[nodiscard]] float similarity(const Featurizer& featurizer, const DocFeatures& a,
                               const DocFeatures& b, const ClusterOptions& options);
[[nodiscard]] float similarity(const Featurizer& featurizer, const DocFeatures& a,
                               const DocFeatures& b, const ClusterOptions& options,
                               const CrosslingualMap* dense_map);

}  // namespace crossnews
