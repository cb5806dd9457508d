#pragma once
// TF-IDF weighting with document frequencies that grow as articles stream in, decay with time,
// and merge across shards.
//
// Formulas (scikit-learn's TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm="l2") when
// boosts are off):
//   tf(t, d)  = 1 + ln(count(t, d))                     (count(t, d) = body + title_boost * title;
//                                                        tf = count when count < 1, which only a
//                                                        title_boost below 1 can produce)
//   idf(t)    = ln((1 + N) / (1 + df(t))) + 1           (N = documents of t's language; all
//                                                        documents for language-neutral terms)
//   w(t, d)   = tf(t, d) * idf(t) * (entity_boost if t is an entity or number)
//   v(d)      = w / ||w||_2, then optionally pruned to the top_k weights and re-normalised.
// With decay (half-life h days), a document counted at time s contributes 2^-((now - s) / h) to df
// and N; with a window of W days, documents are counted in per-day (UTC) buckets and a day's
// bucket is dropped once the whole day lies outside (now - W, now]: a document counts for at least
// W and less than W + 1 days. "now" is the latest time passed to add(), remove() or advance_to()
// (0 before any); a document without a time is counted as of now.
//
// Background frequencies (set_background, usually a Model's): counts of a large general corpus
// that stand in for the documents a small input lacks. The background is a prior on each term's
// document probability p_b(t) = df_b(t) / N_b, worth m = DfOptions::background_documents
// documents (scaled by lambda = m / N_b, N_b the background's document total):
//   idf(t) = ln((1 + N + lambda * N_b(l)) / (1 + df(t) + lambda * df_b(t))) + 1
// (N_b(l): background documents of t's language, all of them for language-neutral terms). Two
// seed articles then weigh "said" and "year" as the background does, while a corpus of many
// thousand articles outweighs the prior and keeps its own weights. The background neither decays
// nor slides; df(), documents() and snapshots hold the table's own counts only.
//
// Thread safety: const methods may run concurrently; mutating methods need exclusive access.

#include <crossnews/analyzer.hpp>
#include <crossnews/impl_ptr.hpp>
#include <crossnews/sparse_vector.hpp>
#include <crossnews/vocabulary.hpp>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace crossnews {

namespace detail {
struct DfAccess;  // a model fills its projected background directly
}

struct DfOptions {
  /// Half-life of a document's weight in df, in days; 0 = no decay. Lower forgets faster.
  double half_life_days = 0.0;
  /// Sliding window in days (Event Registry keeps 10); 0 = no window. Needs document times.
  double window_days = 0.0;
  /// How many documents the background (set_background) counts as, in all. 0 ignores it; raising
  /// it lets the background decide weights for larger inputs. Measured with scripts/evaluate.sh:
  /// 100 raises WMT B-cubed 0.9828 -> 0.9837 and keeps Wikinews (0.9736 -> 0.9729, cross-lingual
  /// F1 unchanged); 500 and more lower both. The two seed articles alone: similarity 0.45 -> 0.66.
  double background_documents = 100.0;
};

/// Document frequencies per language over a Vocabulary it refers to (and interns into on merge
/// and load).
class DocumentFrequencies {
 public:
  explicit DocumentFrequencies(Vocabulary& vocabulary, DfOptions options = {});

  /// Counts one document of language slot `doc_lang_slot` whose distinct terms are given.
  /// Throws InputError for a slot or term the vocabulary does not have.
  void add(LangSlot doc_lang_slot, std::span<const TermId> distinct_terms,
           std::optional<std::int64_t> time = {});
  /// Exact inverse of add() with the same arguments.
  void remove(LangSlot doc_lang_slot, std::span<const TermId> distinct_terms,
              std::optional<std::int64_t> time = {});
  /// Adds another table's counts, matching terms by (language, text, kind); equals counting both
  /// corpora in one table. The other table may use another Vocabulary; it must have the same
  /// DfOptions (ConfigError otherwise). Moves now to the later of the two.
  void merge(const DocumentFrequencies& other);
  /// Moves "now" forward: applies decay and expires window buckets up to `time` (seconds).
  void advance_to(std::int64_t time);

  [[nodiscard]] double df(TermId term) const;
  [[nodiscard]] double documents(LangSlot lang_slot) const;
  [[nodiscard]] double total_documents() const;
  [[nodiscard]] double idf(TermId term) const;
  /// The ratio behind idf(): idf(t) = ln(documents / frequency) + 1, documents being 1 + N and
  /// frequency 1 + df(t), each with the background's share. `documents` is the same for every
  /// term of t's language (for all language-neutral terms, theirs), so a caller weighing many
  /// terms again and again can take its logarithm once per language, and a term's own only when
  /// the term is counted.
  struct IdfRatio {
    double documents = 1.0;
    double frequency = 1.0;
  };
  [[nodiscard]] IdfRatio idf_ratio(TermId term) const;

  /// Adds `background`'s counts to idf() as a prior (see the header comment); null removes it.
  /// It may use another Vocabulary (terms are matched by language, text and kind) and must
  /// outlive this table and stay unchanged while it is set; merge(), load() and moves keep it.
  void set_background(const DocumentFrequencies* background);
  [[nodiscard]] const DocumentFrequencies* background() const;

  /// The latest time seen (seconds); 0 before any.
  [[nodiscard]] std::int64_t now() const;

  /// Versioned binary snapshot with a checksum; terms are stored by (language, text, kind), so it
  /// loads into any Vocabulary. Throws IoError if the stream fails.
  void save(std::ostream& out) const;
  /// Replaces the contents with a snapshot, interning its terms into this table's vocabulary.
  /// Throws FormatError on a corrupt, truncated or unknown-version snapshot (contents unchanged),
  /// ConfigError when the snapshot was written with other DfOptions. Reads exactly the snapshot's
  /// bytes, so it may be embedded in a longer stream.
  void load(std::istream& in);

  [[nodiscard]] const Vocabulary& vocabulary() const;
  [[nodiscard]] const DfOptions& options() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
  friend struct detail::DfAccess;
};

struct WeightingOptions {
  bool sublinear_tf = true;
  /// Title occurrences count this many times a body occurrence. Raising it favours headlines.
  float title_boost = 1.0f;
  /// Multiplies the weight of entities and numbers. Raising it makes shared names decide more.
  float entity_boost = 1.0f;
  /// Keep only the top_k weights per document (0 = all). Lowering it speeds up the index.
  std::size_t top_k = 0;
};

/// Raw counts of one term in one document.
struct TermCount {
  TermId term;
  float body = 0.0f;
  float title = 0.0f;
};

/// Applies the formulas above; `counts` sorted by term, no repeats.
[[nodiscard]] SparseVector weigh(std::span<const TermCount> counts, const DocumentFrequencies& df,
                                 const WeightingOptions& options);

}  // namespace crossnews
