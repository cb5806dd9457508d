#pragma once
// The bilingual keyword map: which words of different languages say the same thing.
//
// Names and numbers (Kaspersky, Twitter, 2018) are language-neutral tokens and link articles by
// themselves, but they also link every other story about the same company. The words that say
// WHAT HAPPENED ("pubblicità"/"Werbung", "divieto"/"Verbot") differ per language; this map puts
// them into shared *concepts* so that the clusterer can compare articles across languages.
//
// Concept space. Every analysed term -- (lang, stem) for words and compound parts, ("", token)
// for language-neutral entities -- maps to at most a few concepts (ConceptLink: concept id,
// weight in (0,1], source). The featurizer projects a word with a concept onto the concept
// feature, scaled by the link weight; other words stay language-specific and names stay neutral,
// so two articles in different languages compare by cosine in that shared space.
//
// How concepts are formed: a weighted, size-capped union-find over term links.
//  1. Shipped lexicon rows (data/lexicon/*.tsv) and concept-form TSV rows come first. Each row
//     is one concept: its terms are joined unconditionally (the author grouped them on purpose).
//     Rows with the same concept name are one row. A term several rows list belongs to the row
//     that lists it as a form of its own, earliest in its cell (then: the earlier row), so "Verbot"
//     goes to "Verbot|Verbote", not to a row listing "verboten" fourth. Another row repeating
//     single-word forms of the owner merges with it if they share terms of at least
//     LexiconOptions::row_merge_languages languages and the result stays within the cap.
//  2. All other links -- TSV pairs, FreeDict pairs, pivot-composed pairs, learned pairs -- are
//     processed by descending weight (ties: the translation a dictionary lists first, then the
//     order they were added). Two terms' groups are joined only if the merged group holds at most
//     LexiconOptions::max_terms_per_language terms of every language both groups have (so a
//     shipped row with many forms can still gain other languages), and never if both groups
//     hold lexicon rows (curated concepts are not merged on a dictionary's word). Polysemous
//     words would otherwise chain unrelated senses into giant concepts (de "Bank" -> en "bank"
//     -> it "riva"...): the cap lets the strongest, earliest evidence decide a word's sense.
//  3. Each term ends in one concept; its weight is that of the strongest link that attached it
//     (processing by descending weight makes that the first one), its source that link's source.
//     Groups of a single term are no concept. lookup() returns a span so that soft multi-sense
//     links can be added later without an interface change; today it holds 0 or 1 link.
// A link attested more than once (deu-eng and eng-deu, or a dictionary and a TSV file) gets the
// noisy-or of its weights, 1 - (1 - w1)(1 - w2): independent dictionaries agreeing is stronger
// evidence than either. Pivot links never add to direct ones (they are derived from them).
//
// Rejected alternative: translating every word into English (pivot translation) and clustering
// in English. It needs one dictionary per language into English and loses everything the
// English dictionary does not hold; it forces one translation per word (or a fan-out that blurs
// the vector), and it turns the rich German compounds and Italian inflections into whatever
// sense the English side lists first. Concepts keep a language's own words when no link exists,
// use any pair of dictionaries directly (deu-ita), and still let English act as a pivot where a
// direct dictionary is poor (compose_pivot()).
//
// Terms are analysed at load time with the Analyzer (Worker::analyze_phrase), so inflected forms
// and article words meet on the same stems. A lexicon form of several words maps as a whole
// phrase only, never through its single words ("arma de fuego" is not "fuego", "Nazioni Unite"
// is not "unite"): its phrase term is its word stems joined by spaces ("arma fueg"), which the
// featurizer matches against consecutive words of a text (starts_phrase), plus the multi-word
// name it makes ("electronic frontier foundation"). Compound parts are left out when a form
// also gave a whole word (the parts of "Werbeverbot" belong to their own concepts), numbers are
// always left out (they are neutral already, and "112" means many things). Dictionary and learned pairs are used only when
// both sides analyse to exactly one word: multi-word dictionary entries are mostly idioms and
// explanations whose single words would drag unrelated concepts in.

#include <crossnews/analyzer.hpp>
#include <crossnews/impl_ptr.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

namespace detail {
struct LexiconAccess;  // model files read and write the built tables
}

/// Where the link that put a term into its concept came from.
enum class LinkSource : std::uint8_t {
  lexicon,   ///< a shipped or user-supplied lexicon row or TSV pair
  freedict,  ///< a FreeDict dictionary entry
  pivot,     ///< composed through a pivot language (de -> en -> it)
  learned,   ///< learned from linked articles or cognate spelling (PairLearner, find_cognates)
  entity,    ///< a language-neutral name token placed into a concept by a lexicon row
};

[[nodiscard]] std::string_view to_string(LinkSource source);

struct ConceptLink {
  std::uint32_t concept_id = 0;
  float weight = 0.0f;  ///< in (0,1]: how sure the map is that the term means the concept
  LinkSource source = LinkSource::lexicon;
};

/// A line that was skipped while loading, and why.
struct LexiconIssue {
  std::string source;  ///< file path or source name
  std::uint64_t line = 0;
  std::string reason;
};

struct LexiconLoadReport {
  std::uint64_t lines = 0;    ///< lines read (TSV) or dictionary entries read (FreeDict)
  std::uint64_t entries = 0;  ///< rows, pairs or dictionary entries that produced a link
  std::uint64_t links = 0;    ///< term links or row memberships the entries produced
  std::vector<LexiconIssue> skipped;
};

struct LexiconOptions {
  /// Most terms of one language one concept may gather from links (shipped rows may hold more).
  /// Raising it merges more synonyms, but lets polysemous words chain unrelated senses together.
  std::size_t max_terms_per_language = 4;
  /// Two lexicon rows sharing single-word forms merge only if they share terms of at least this
  /// many languages: a stem shared in one or two languages is often a stemming accident (it
  /// "lite" and "litio" are both "lit"; Romance languages share their accidents). Lowering it
  /// merges more duplicate rows, and more unrelated ones.
  std::size_t row_merge_languages = 3;
  /// Weight of a lexicon row membership, and of a TSV pair without a weight column.
  float lexicon_weight = 1.0f;
  /// Weight of one FreeDict translation pair (a pair both directions list, deu-ita and ita-deu,
  /// gets 1 - (1 - w)^2 = 0.64), below the lexicon's own links: a dictionary lists every sense
  /// of a word, and a concept one article's word reaches and the other's translation does not
  /// only dilutes their cross-lingual similarity. Raising it lets dictionary links win over
  /// learned ones and gives dictionary words more weight in the projected vectors (on the dev
  /// files, 0.8 linked more Wikinews stories and fewer WMT translations; EVALUATION.md).
  float freedict_weight = 0.4f;
  /// Factor on a pivot-composed pair: weight = leg_a * leg_b * pivot_weight / sqrt(fan_out), where
  /// fan_out = (pivot translations of the source term) * (target translations of the pivot term),
  /// taking the better of both directions. Raising it trusts pivot chains more relative to direct
  /// dictionaries.
  float pivot_weight = 0.6f;
  /// Translations kept per dictionary headword (the first ones, which dictionaries list for the
  /// most common sense). Raising it adds rarer senses, and more noise.
  std::size_t max_translations_per_headword = 3;
  /// Links weaker than this are dropped before concepts are formed. Raising it drops weak pivot
  /// and learned links.
  float min_link_weight = 0.1f;
  /// Dictionary phrases longer than this (in words) are not read; see FreeDictOptions::max_words.
  std::size_t max_dictionary_words = 3;
};

/// A cross-language pair of analysed terms learned from data (stems, not surface forms).
struct LearnedPair {
  std::string lang_a, term_a, lang_b, term_b;
  float score = 0.0f;  ///< in (0,1], used as the link weight
};

/// A doubtful entry of the keyword map (LexiconBuilder::audit), for the lexicon's authors.
struct LexiconFinding {
  enum class Kind : std::uint8_t {
    shared_term,      ///< forms of several concepts analyse to one term: one sense wins silently
    phrase_contains,  ///< a multi-word form holds a word that is another concept's form
    stem_collision,   ///< a frequent corpus word shares a form's stem but is another word
  };
  Kind kind = Kind::shared_term;
  std::string lang;                   ///< "" for names
  std::string term;                   ///< the analysed term
  std::vector<std::string> concepts;  ///< concept names involved
  std::vector<std::string> forms;     ///< the forms involved (stem_collision: the word first)
};

[[nodiscard]] std::string_view to_string(LexiconFinding::Kind kind);

/// The built keyword map. Immutable; safe to share across threads.
class Lexicon {
 public:
  Lexicon();

  /// Concepts of an analysed term: `lang` "" for language-neutral tokens, a stem otherwise.
  /// Empty when the term has none. Allocation-free.
  [[nodiscard]] std::span<const ConceptLink> lookup(std::string_view lang,
                                                    std::string_view term) const;
  [[nodiscard]] std::size_t concept_count() const;
  /// True when a multi-word form's phrase term starts with the analysed word `term` in `lang`.
  [[nodiscard]] bool starts_phrase(std::string_view lang, std::string_view term) const;
  /// Most words in a multi-word form's phrase term (0 when there are none).
  [[nodiscard]] std::size_t max_phrase_words() const;
  /// The shipped concept id ("advertising"), or a name built from its preferred terms, one per
  /// language ("de:werbung|it:pubblic"). Throws InputError for an unknown id.
  [[nodiscard]] std::string_view concept_name(std::uint32_t concept_id) const;
  /// Surface forms of a concept in one language ("" for names), preferred first (lexicon rows,
  /// then stronger links), for explanations. Throws InputError for an unknown id.
  [[nodiscard]] std::vector<std::string> concept_terms(std::uint32_t concept_id,
                                                       std::string_view lang) const;
  /// Analysed terms of a concept as (lang, term) pairs, for diagnostics and tests.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> concept_members(
      std::uint32_t concept_id) const;

  struct PairStats {
    std::string lang_a, lang_b;  ///< lang_a < lang_b
    std::size_t concepts = 0;    ///< concepts holding terms of both languages
  };
  /// Concepts linking each language pair, pairs in code order.
  [[nodiscard]] std::vector<PairStats> pair_stats() const;
  /// Languages with at least one term in a concept, sorted ("" for names not included).
  [[nodiscard]] std::vector<std::string> languages() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
  friend class LexiconBuilder;
  friend struct detail::LexiconAccess;
};

/// Collects lexicon rows, dictionary pairs and learned pairs, analyses their terms, and builds a
/// Lexicon. Not thread-safe (it owns an analyzer worker); build() leaves the builder usable, so
/// sources can be added and the map rebuilt.
class LexiconBuilder {
 public:
  /// `analyzer` must outlive the builder.
  explicit LexiconBuilder(const Analyzer& analyzer, LexiconOptions options = {});

  [[nodiscard]] const LexiconOptions& options() const;

  /// Adds the shipped lexicon (data/lexicon/society.tsv and world.tsv, compiled in). Throws
  /// IoError if they were not compiled in.
  LexiconLoadReport add_builtin();

  /// Loads a TSV file; throws IoError if it cannot be read. Forms, detected per file and line:
  ///  - wide:    a header `concept TAB de TAB it ...` (any language columns), then rows
  ///             `concept TAB forms TAB forms ...`, forms separated by '|', empty cells allowed;
  ///  - concept: `concept TAB lang TAB term` (rows with the same concept name form one concept);
  ///  - pairs:   `lang_a TAB term_a TAB lang_b TAB term_b [TAB weight [TAB source]]`, weight in
  ///             (0,1] (default LexiconOptions::lexicon_weight), source one of
  ///             to_string(LinkSource) (default lexicon).
  /// Lines starting with '#' and blank lines are comments. A term written `=stem` is an analysed
  /// term used verbatim (what write_learned_tsv writes). Bad lines (wrong field count, empty term,
  /// bad weight or source, unknown language code) are skipped and reported, never thrown.
  LexiconLoadReport load_tsv(const std::string& path);
  LexiconLoadReport load_tsv_text(std::string_view source_name, std::string_view content);

  /// Reads a FreeDict dictionary (see freedict.hpp) and adds its pairs with the FreeDict weight.
  /// Throws what read_freedict throws.
  LexiconLoadReport load_freedict(const std::string& index_path);

  /// Adds one link between two surface forms, analysed like dictionary entries. Returns false
  /// (adding nothing) when a side does not analyse to exactly one word. Throws InputError for a
  /// weight outside (0,1] or an unknown language code.
  bool add_pair(std::string_view lang_a, std::string_view term_a, std::string_view lang_b,
                std::string_view term_b, float weight, LinkSource source);

  /// Adds learned pairs of analysed terms (used verbatim), weighted by their score.
  void add_learned(std::span<const LearnedPair> pairs);

  /// Composes pairs through `pivot_lang`: for a link a -- p and a link p -- b with a, b in two
  /// other languages, adds a -- b with weight
  ///   max over p and both directions of  w(a,p) * w(p,b) * pivot_weight / sqrt(fan_out)
  /// with fan_out = (number of pivot-language links of a) * (number of b-language links of p).
  /// Uses the direct pairs added so far (TSV pairs, FreeDict, add_pair), not lexicon rows (they
  /// link their languages already), learned or earlier pivot pairs. Returns the pairs added.
  std::size_t compose_pivot(std::string_view pivot_lang = "en");

  /// Lexicon rows whose senses may be wrong: terms several concepts' forms analyse to, phrase
  /// forms containing another concept's single-word form, and -- over `corpus` -- words used at
  /// least `min_count` times whose stem is a single-word form's but which are neither a form of
  /// its concept nor an inflection of one (their endings after the common prefix differ by 3 or
  /// more letters: it "pubblico" against "pubblicità"). Ordered by kind, language, term.
  [[nodiscard]] std::vector<LexiconFinding> audit(std::span<const Article> corpus = {},
                                                  std::size_t min_count = 3);

  /// Forms the concepts (see the header comment). Deterministic for a given sequence of calls.
  [[nodiscard]] Lexicon build() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

/// Learns cross-language word pairs from article pairs that were linked with high confidence
/// (for example by names and already-known concepts). Not thread-safe.
class PairLearner {
 public:
  PairLearner();

  /// Counts one linked article pair. `terms_*` are the analysed language-specific words of each
  /// article (duplicates are counted once); pass an article's top terms, since the cost is
  /// |terms_a| * |terms_b|. The order of the two sides does not matter.
  void observe(std::string_view lang_a, std::span<const std::string_view> terms_a,
               std::string_view lang_b, std::span<const std::string_view> terms_b);

  /// Pairs seen together in at least `min_count` linked pairs, scored by the Dice coefficient
  /// 2 * together / (pairs with a + pairs with b) over the article pairs of that language pair.
  /// Ordered by descending score, then languages and terms.
  [[nodiscard]] std::vector<LearnedPair> pairs(std::size_t min_count = 3,
                                               float min_score = 0.5f) const;

  /// Article pairs observed so far.
  [[nodiscard]] std::size_t observations() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

/// Cognates: words of two languages spelled alike ("telefon"/"telefono", "präsident"/"president").
/// Compares accent-stripped, lower-cased forms of at least 5 letters by Levenshtein distance
/// divided by the longer length; pairs within `max_normalized_distance` are returned with score 1 -
/// distance, ordered by descending score, then terms. Only words sharing their first two letters
/// and of compatible length are compared, so the cost grows with block sizes, not with |terms_a| *
/// |terms_b|.
[[nodiscard]] std::vector<LearnedPair> find_cognates(std::string_view lang_a,
                                                     std::span<const std::string_view> terms_a,
                                                     std::string_view lang_b,
                                                     std::span<const std::string_view> terms_b,
                                                     float max_normalized_distance = 0.2f);

/// Writes learned pairs in the TSV pairs form with '=' on each term (analysed terms, used
/// verbatim), the score as weight, and source "learned".
void write_learned_tsv(std::ostream& out, std::span<const LearnedPair> pairs);

}  // namespace crossnews
