#pragma once
// The analyzer's shared resources (immutable) and its per-worker, per-language state: the cache
// that maps each folded surface form to everything the analysis needs about it, so that each
// distinct word is stemmed, looked up and decompounded once per worker.

#include <crossnews/analyzer.hpp>

#include "analysis/detail/decompound.hpp"
#include "analysis/detail/language.hpp"
#include "analysis/detail/word_index.hpp"

#include <unicode/uversion.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace crossnews::detail {

/// What every worker reads: options, stopword lists, the German word list. Immutable once workers
/// exist.
struct AnalysisResources {
  AnalyzerOptions options;
  std::vector<std::pair<std::string, WordSet>> stopwords;  ///< by ISO 639-1 code
  Decompounder german;

  [[nodiscard]] const WordSet* stopwords_for(std::string_view lang) const;
};

/// Turns folded words into the ASCII form of entity tokens: accents stripped, other scripts
/// transliterated ("müller" -> "muller", "касперский" -> "kasperskij"). Per worker.
class EntityFolder {
 public:
  EntityFolder();
  ~EntityFolder();
  EntityFolder(const EntityFolder&) = delete;
  EntityFolder& operator=(const EntityFolder&) = delete;

  /// Appends the entity form of folded `word` to `out`; a possessive 's is dropped.
  void append(std::string_view word, std::string& out);

 private:
  std::unique_ptr<icu::Transliterator> any_to_ascii_;  // made on the first non-Latin name
};

/// What the analysis knows about one folded word in one language.
struct CacheEntry {
  std::uint32_t key_begin = 0;  ///< the folded word, in LanguageState's text
  std::uint32_t key_len = 0;
  std::uint32_t stem_begin = 0;
  std::uint32_t stem_len = 0;
  std::uint32_t entity_begin = 0;
  std::uint32_t entity_len = 0;
  std::uint32_t parts_begin = 0;  ///< stems of its compound parts, in LanguageState's parts
  /// Its terms' keys (AnalyzedText::keys): key_base + TermKey for the stem as a word, as a
  /// compound part, and the entity form; then one per compound part.
  std::uint32_t key_base = 0;
  std::uint16_t parts_count = 0;
  bool stopword = false;
  bool known = false;            ///< German: a dictionary word, a stopword or a decompoundable word
  bool entity_ready = false;     ///< entity_begin/len are computed
  std::uint32_t lower_seen = 0;  ///< last document (LanguageState::document) it was lowercase in
  std::uint32_t cap_mid_seen = 0;  ///< last document it was capitalised mid-sentence in
};

/// The terms a cache entry gives, as offsets from its CacheEntry::key_base.
enum class TermKey : std::uint32_t { stem_word, stem_part, entity, first_part };

/// Per-worker state for one language: stemmer, stopwords, and the word cache.
class LanguageState {
 public:
  LanguageState(std::string lang, const AnalysisResources& resources);

  [[nodiscard]] const std::string& lang() const { return lang_; }
  [[nodiscard]] bool german() const { return german_; }
  [[nodiscard]] std::span<const std::string_view> elisions() const { return elisions_; }

  /// Starts a document (a new stamp for CacheEntry::lower_seen and cap_mid_seen), and empties the
  /// cache when it has grown past its bound, so a worker reading an endless stream stays bounded.
  void begin_document();
  [[nodiscard]] std::uint32_t document() const { return document_; }
  /// The numbering of the keys of the current cache (AnalyzedText::key_space).
  [[nodiscard]] std::uint64_t key_space() const { return key_space_; }
  [[nodiscard]] static std::uint32_t key(const CacheEntry& e, TermKey which) {
    return e.key_base + static_cast<std::uint32_t>(which);
  }

  /// Index of the cache entry for folded `word`, made on first sight. Invalidates references to
  /// entries (not indices).
  std::uint32_t lookup(std::string_view word) { return lookup(word, WordIndex::tag(word)); }
  /// The same, for a word whose WordIndex::tag is known.
  std::uint32_t lookup(std::string_view word, std::uint32_t tag) {
    const std::uint32_t found = index_.find(word, tag, [this](std::uint32_t index) {
      const CacheEntry& e = entries_[index];
      return std::string_view(text_.data() + e.key_begin, e.key_len);
    });
    return found != WordIndex::kMissing ? found : add(word, tag);
  }

  /// A look-up of a word with tag `tag` waits for three reads from memory in turn when the cache
  /// has outgrown the CPU's: its index slot, its entry, its text. Called with the tag of a word
  /// some tokens ahead, these start the reads one step at a time (hints: nothing changes; always
  /// inlined, as WordIndex::prefetch).
  [[gnu::always_inline]] void prefetch_slot(std::uint32_t tag) const { index_.prefetch(tag); }
  [[gnu::always_inline]] void prefetch_entry(std::uint32_t tag) const {
    const std::uint32_t guess = index_.guess(tag);
    if (guess != WordIndex::kMissing) __builtin_prefetch(&entries_[guess]);
  }
  [[gnu::always_inline]] void prefetch_text(std::uint32_t tag) const {
    const std::uint32_t guess = index_.guess(tag);
    if (guess != WordIndex::kMissing) __builtin_prefetch(text_.data() + entries_[guess].key_begin);
  }

  [[nodiscard]] CacheEntry& entry(std::uint32_t index) { return entries_[index]; }
  [[nodiscard]] std::string_view stem(const CacheEntry& e) const {
    return {text_.data() + e.stem_begin, e.stem_len};
  }
  [[nodiscard]] std::string_view part(const CacheEntry& e, std::size_t i) const {
    const auto [begin, length] = parts_[e.parts_begin + i];
    return {text_.data() + begin, length};
  }
  /// Entity form of the entry's word, computed on first use.
  std::string_view entity(std::uint32_t index, EntityFolder& folder);

 private:
  std::uint32_t add(std::string_view word, std::uint32_t tag);
  std::uint32_t store(std::string_view text);

  std::string lang_;
  const AnalysisResources& resources_;
  const WordSet* stopwords_;
  std::span<const std::string_view> elisions_;
  bool german_;
  Stemmer stemmer_;
  WordIndex index_;
  std::vector<CacheEntry> entries_;
  std::uint32_t document_ = 0;
  std::uint64_t key_space_;
  std::uint32_t next_key_ = 0;
  std::string text_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> parts_;
  std::vector<std::string_view> split_scratch_;
  std::string entity_scratch_;
};

}  // namespace crossnews::detail
