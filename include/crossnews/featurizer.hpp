#pragma once
// From articles to weighted vectors in the shared cross-lingual feature space.
//
// Each article is analysed, its terms interned and counted, and -- once document frequencies are
// known -- weighted with TF-IDF (tfidf.hpp). Words that the keyword map links to a concept are
// projected onto that concept (scaled by the link weight), so articles in different languages
// meet on concepts and on language-neutral tokens (names, acronyms, numbers). Words without a
// concept stay language-specific and still count between articles of one language.
//
// Thread safety: not thread-safe; it parallelises internally over `threads`.

#include <crossnews/analyzer.hpp>
#include <crossnews/document.hpp>
#include <crossnews/impl_ptr.hpp>
#include <crossnews/sparse_vector.hpp>
#include <crossnews/strong_id.hpp>
#include <crossnews/tfidf.hpp>
#include <crossnews/vocabulary.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

class Lexicon;
class Model;

namespace detail {
struct FeaturizerMembers;
struct FeaturizerState;
}  // namespace detail

/// Progress of long work: stage name, units done, units in all (0 when unknown).
using ProgressCallback = std::function<void(std::string_view stage, std::uint64_t done,
                                            std::uint64_t total)>;

struct FeaturizerOptions {
  WeightingOptions weighting{.sublinear_tf = true, .title_boost = 2.0f, .entity_boost = 1.5f,
                             .top_k = 80};
  DfOptions df;
  /// Worker threads for analysis and weighting (results are identical for any count).
  std::size_t threads = 1;
  /// Keep each article's title and text (memory: the whole corpus), so that explanations can
  /// show the words each article used (explain_link, words_for by document, title).
  bool keep_articles = false;
  /// Background document frequencies added to the input's (DocumentFrequencies::set_background,
  /// weighted by df.background_documents); set by the constructors that take a Model. Must
  /// outlive the featurizer.
  const DocumentFrequencies* background = nullptr;
};

/// One article reduced to what clustering needs.
struct DocFeatures {
  LangSlot lang_slot;
  bool lang_detected = false;
  bool truncated = false;
  std::optional<std::int64_t> time;
  /// Unit TF-IDF vector in the projected space.
  SparseVector vector;
  /// Norm of the part of `vector` that other languages can share (concepts and neutral tokens).
  float crosslingual_norm = 0.0f;
  /// Norm of the part made of neutral tokens (entities and numbers).
  float neutral_norm = 0.0f;
  /// Parallel to `vector`'s entries: which recorded surface form of the feature this article
  /// used (Featurizer::surface_form), Featurizer::kNoForm when none was recorded.
  std::vector<std::uint8_t> forms;
};

/// A word of an article as it was written (a name: all its words), and the term it was analysed
/// to before projection onto a concept.
struct WordUse {
  std::string surface;
  TermId term;
};

class Featurizer {
 public:
  /// Surface forms recorded per feature and language: the first three an article used.
  static constexpr std::uint8_t kNoForm = 3;
  /// Longest surface form recorded or shown, in bytes: a giant token (a 60 MB run of letters)
  /// never becomes a keyword, and explanations show its first kMaxLabelBytes bytes and "…".
  static constexpr std::size_t kMaxLabelBytes = 64;

  /// `lexicon` may be null (no cross-lingual linking beyond neutral tokens). Both must outlive this.
  Featurizer(const Analyzer& analyzer, const Lexicon* lexicon, FeaturizerOptions options = {});
  /// With a model's analyzer, keyword map and background (model.hpp); the model must outlive this.
  explicit Featurizer(const Model& model, FeaturizerOptions options = {});

  /// Analyses and counts a batch (in parallel), updating document frequencies. The articles'
  /// texts are not kept, so a corpus can be streamed through in batches.
  void add(std::span<const Article> articles);
  /// Weighs every added article with the final document frequencies.
  void finish(const ProgressCallback& progress = {});

  /// The document frequencies of some of the added articles only (indices in adding order; call
  /// before finish()). A process that holds copies of another's articles counts only its own,
  /// so that merging every process's table counts each article once.
  [[nodiscard]] DocumentFrequencies frequencies_of(std::span<const DocId> docs);
  /// Weighs with `frequencies` instead of the counts of the added articles (call before
  /// finish()): e.g. the merged tables of a corpus spread over processes. The table may use
  /// another Vocabulary; its terms are interned into this featurizer's and must have been made
  /// with the same DfOptions (ConfigError otherwise).
  void use_document_frequencies(const DocumentFrequencies& frequencies);

  /// Analyses, counts and weighs one article against the frequencies so far (streaming use).
  /// The article is counted into the frequencies first.
  DocFeatures featurize_one(const Article& article);
  /// featurize_one() in two steps, so that analysis runs ahead on `threads` threads: analyse a
  /// batch (the articles must outlive the next step), then featurize its articles in order, each
  /// exactly as featurize_one() would, before the next is used (nothing else in between).
  void analyze_ahead(std::span<const Article> articles);
  const DocFeatures& featurize_analyzed(std::size_t i);

  /// A document featurize_one() or featurize_analyzed() weighed, weighed again against the
  /// frequencies now (valid until the next call): a stream scores an earlier article against a
  /// new one on the weights batch gives both, the new one counted (a term they share was rarer,
  /// so heavier, when the earlier one was weighed). InputError for a document out of range,
  /// released, or weighed by finish().
  const DocFeatures& weighed_again(DocId doc);
  /// Forgets a weighed document's features (and its title and text, when articles are kept),
  /// keeping its id: a stream that is done with an article (its story summarised) releases it,
  /// so memory holds the articles in use, not every article seen. Its counts stay in the
  /// document frequencies and surface forms. Releasing again does nothing; ConfigError for a
  /// document that waits for finish(). Afterwards features(), title() and words_for() of it
  /// throw InputError; id(), find() and size() are unchanged.
  void release(DocId doc);
  [[nodiscard]] bool released(DocId doc) const;

  /// Documents added, released ones included.
  [[nodiscard]] std::size_t size() const;
  /// Whether every added article is weighed (finish() ran after the last add()).
  [[nodiscard]] bool finished() const;
  /// InputError for a document out of range or released.
  [[nodiscard]] const DocFeatures& features(DocId doc) const;
  [[nodiscard]] const Vocabulary& vocabulary() const;
  [[nodiscard]] const DocumentFrequencies& document_frequencies() const;
  [[nodiscard]] FeatureKind kind(TermId term) const;
  /// Concepts and neutral tokens: features articles of different languages can share.
  [[nodiscard]] bool is_crosslingual(TermId term) const;
  /// Names and numbers, and concepts that names map to.
  [[nodiscard]] bool is_name(TermId term) const;
  [[nodiscard]] std::string_view language(LangSlot lang_slot) const;
  /// The concept a concept feature stands for (for explanations).
  [[nodiscard]] std::optional<std::uint32_t> concept_of(TermId term) const;
  /// The id of document `doc`, as the article gave it.
  [[nodiscard]] std::string_view id(DocId doc) const;
  /// The document with this id (the first one, should ids repeat).
  [[nodiscard]] std::optional<DocId> find(std::string_view id) const;
  /// Whether titles and texts are kept (FeaturizerOptions::keep_articles).
  [[nodiscard]] bool keeps_articles() const;
  /// The title of document `doc`; throws ConfigError unless articles are kept.
  [[nodiscard]] std::string_view title(DocId doc) const;
  /// For each of `terms`, the words of `article` that were counted under it (the forms of a
  /// stem, or the words projected onto a concept), in text order without repeats; one
  /// re-analysis.
  [[nodiscard]] std::vector<std::vector<WordUse>> words_for(const Article& article,
                                                            std::span<const TermId> terms) const;
  /// The same for document `doc`; throws ConfigError unless articles are kept.
  [[nodiscard]] std::vector<std::vector<WordUse>> words_for(DocId doc,
                                                            std::span<const TermId> terms) const;
  /// A recorded surface form of a feature in a language (DocFeatures::forms), "" if none; and
  /// how many articles used it.
  [[nodiscard]] std::string_view surface_form(TermId feature, LangSlot lang_slot,
                                              std::uint8_t form) const;
  [[nodiscard]] std::uint32_t surface_count(TermId feature, LangSlot lang_slot,
                                            std::uint8_t form) const;

  /// Per-language share of analysed word tokens that map to a concept (for `lexicon stats`).
  struct Coverage {
    std::string lang;
    std::uint64_t tokens = 0;
    std::uint64_t mapped = 0;
  };
  [[nodiscard]] std::vector<Coverage> coverage() const;

 private:
  // A StreamClusterer's saved state holds the featurizer's (cluster/featurizer_state.cpp).
  friend struct detail::FeaturizerState;
  [[nodiscard]] detail::FeaturizerMembers members() const;
  /// After the members were read: the tables derived from the vocabulary and the keyword map.
  void rebuild_after_load();

  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

/// `text` cut to Featurizer::kMaxLabelBytes at a code point boundary, "…" marking a cut.
[[nodiscard]] std::string clip_label(std::string_view text);

}  // namespace crossnews
