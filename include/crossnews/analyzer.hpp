#pragma once
// Language-aware text analysis: turns an article into terms that TF-IDF weighs and that the
// bilingual keyword map links across languages.
//
// Thread safety: an Analyzer is immutable after construction and may be shared by any number of
// threads. Each thread makes its own Analyzer::Worker, which holds the scratch state (ICU break
// iterators, stemmers, the stem cache) and must not be shared.

#include <crossnews/document.hpp>
#include <crossnews/impl_ptr.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

enum class TermKind : std::uint8_t {
  word,           ///< a stemmed word of one language
  entity,         ///< a name or acronym, language-neutral ("kaspersky", "eugene kaspersky", "eff")
  number,         ///< a number or year, language-neutral ("2018", "94")
  compound_part,  ///< a part of a compound word (hyphenated or decompounded German), stemmed
};

enum class Field : std::uint8_t { title, body };

[[nodiscard]] std::string_view to_string(TermKind kind);
[[nodiscard]] std::string_view to_string(Field field);

/// One term of an analysed article. Its text lives in AnalyzedText::arena.
struct Term {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  TermKind kind = TermKind::word;
  Field field = Field::body;
  /// Byte range of the words the term came from in its field's text (the article's title or
  /// text; invalid UTF-8 replaced): the word, the whole hyphenated or German compound of a part,
  /// every word of a multi-word name. What people are shown instead of the stem.
  std::uint32_t source = 0;
  std::uint32_t source_length = 0;
};

/// The analysis of one article. Reuse one object across calls to avoid allocations.
struct AnalyzedText {
  std::string lang;            ///< language used for analysis (may be "" when unknown)
  bool lang_detected = false;  ///< true when `lang` came from detection, not from the article
  bool truncated = false;      ///< true when AnalyzerOptions::max_terms cut the term list
  std::string arena;           ///< term texts, back to back
  std::vector<Term> terms;     ///< in text order, title first
  /// Parallel to `terms` (Worker::analyze only; empty after analyze_phrase): a small number that
  /// stands for the term's (language, text, kind) in the worker that analysed the article, kNoKey
  /// for terms made on the spot (numbers, multi-word names). Two terms with the same key and the
  /// same `key_space` are the same term, so a caller can keep what it looked up for a term in an
  /// array indexed by key instead of hashing the term's text again. Keys are dense from 0.
  std::vector<std::uint32_t> keys;
  /// The numbering `keys` belong to: one per worker and language, renewed when the worker's word
  /// cache restarts. Never 0.
  std::uint64_t key_space = 0;
  static constexpr std::uint32_t kNoKey = ~std::uint32_t{0};

  [[nodiscard]] std::string_view text(const Term& term) const {
    return {arena.data() + term.offset, term.length};
  }
  void clear() {
    lang.clear();
    lang_detected = truncated = false;
    arena.clear();
    terms.clear();
    keys.clear();
    key_space = 0;
  }
};

struct AnalyzerOptions {
  /// Snowball stemming for languages libstemmer supports. Off keeps folded surface forms.
  bool stem = true;
  /// Drop the project's stopwords (de, it, en, es, fr, pt, nl).
  bool remove_stopwords = true;
  /// Split German compounds against the word list and add the parts as compound_part terms.
  bool decompound = true;
  /// Emit language-neutral entity tokens for names and acronyms, and number tokens.
  bool entities = true;
  /// Emit the joined token for multi-word names ("eugene kaspersky") besides the single names.
  bool multiword_entities = true;
  /// Shortest compound part accepted by the decompounder, in code points. Raising it splits less.
  std::size_t min_compound_part = 3;
  /// Cap on terms per article (giant pages); the rest is dropped and AnalyzedText::truncated is
  /// set.
  std::size_t max_terms = 100000;
  /// Shortest text (bytes) for which language detection is trusted; shorter texts keep lang "".
  std::size_t min_detect_bytes = 20;
  /// Segment and fold Latin-script text with precomputed tables instead of ICU. Both paths give
  /// the same terms; off is only useful to test that, or to measure the gain.
  bool latin_fast_path = true;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});

  [[nodiscard]] const AnalyzerOptions& options() const;

  /// Adds words (any case, surface forms) that the German decompounder may split into, e.g. words
  /// that are frequent in the corpus. Not thread-safe: call before making workers.
  void add_compound_words(std::span<const std::string> words);

  /// Per-thread analysis state (ICU break iterator, stemmers, the word cache). Cheap to make; not
  /// thread-safe itself; must not outlive its Analyzer.
  class Worker {
   public:
    explicit Worker(const Analyzer& analyzer);

    /// Analyses title and text of `article` into `out` (cleared first). Never throws on bad
    /// text: invalid UTF-8 is replaced, unknown languages still get language-neutral analysis.
    void analyze(const Article& article, AnalyzedText& out);

    /// Analyses a short phrase (a lexicon entry) in a known language, as body text, appending to
    /// `out` without clearing it. No capitalisation heuristics: every word gives its word term
    /// (plus compound parts), and a capitalised word or acronym also its entity token, so
    /// "Germania" registers both the stem and the entity "germania"; consecutive capitalised
    /// words also give the joined name. Stopwords are kept when the phrase is nothing but
    /// stopwords.
    void analyze_phrase(std::string_view phrase, std::string_view lang, AnalyzedText& out);

   private:
    struct Impl;
    detail::ImplPtr<Impl> impl_;
  };

  [[nodiscard]] Worker worker() const { return Worker(*this); }

  /// ISO 639-1 code detected by CLD2, or "" when unsure.
  [[nodiscard]] static std::string detect_language(std::string_view text);
  /// Languages with language-specific analysis in this build (ISO 639-1, sorted): Snowball
  /// stemming for all of them, stopwords for de, it, en, es, fr, pt, nl.
  [[nodiscard]] static std::vector<std::string> supported_languages();

 private:
  struct Shared;
  detail::ImplPtr<Shared> shared_;
  friend class Worker;
};

}  // namespace crossnews
