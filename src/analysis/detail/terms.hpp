#pragma once
// From folded tokens to terms: elision, numbers, stopwords, stems, compound parts, and the
// capitalisation heuristics that decide which words are names (language-neutral entity tokens).

#include <crossnews/analyzer.hpp>

#include "analysis/detail/state.hpp"
#include "analysis/detail/tokenizer.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

/// Per-worker term builder; the token list and fold arena come from the worker's Tokenizer.
class TermBuilder {
 public:
  explicit TermBuilder(const AnalysisResources& resources) : resources_(resources) {}

  /// Terms of a whole article, appended to `out`. `title` and `body` are the texts the tokens'
  /// raw offsets refer to. Names are found with the document-level capitalisation heuristics.
  void build_article(std::vector<RawToken>& tokens, ByteBuffer& arena, std::string_view title,
                     std::string_view body, LanguageState& lang, AnalyzedText& out);

  /// Terms of a lexicon phrase, appended to `out`: every word gives its word term, and capitalised
  /// words and acronyms also their entity token.
  void build_phrase(std::vector<RawToken>& tokens, ByteBuffer& arena, std::string_view phrase,
                    LanguageState& lang, AnalyzedText& out);

 private:
  enum class Kind : std::uint8_t { word, number, dropped };
  static constexpr std::uint32_t kNoEntry = ~std::uint32_t{0};
  struct TokenState {
    std::uint32_t entry = kNoEntry;
    Kind kind = Kind::word;
    bool sentence_start = false;
    bool entity = false;  ///< emits an entity token
    bool word = true;     ///< emits a word term (and compound parts)
    bool in_run = false;  ///< may join a multi-word name
  };

  void prepare(std::vector<RawToken>& tokens, ByteBuffer& arena,
               std::array<std::string_view, 2> texts, LanguageState& lang);
  void decide_article(const std::vector<RawToken>& tokens, const ByteBuffer& arena,
                      LanguageState& lang);
  [[nodiscard]] bool is_entity(const RawToken& token, const TokenState& state, bool shouting,
                               LanguageState& lang) const;
  void emit_all(const std::vector<RawToken>& tokens, const ByteBuffer& arena, LanguageState& lang);
  void emit_single(const RawToken& token, const TokenState& state, const ByteBuffer& arena,
                   LanguageState& lang);
  void emit_group(const std::vector<RawToken>& tokens, std::size_t first, std::size_t last,
                  const ByteBuffer& arena, LanguageState& lang);
  void emit_leading_number(const RawToken& token, const ByteBuffer& arena);
  void add_to_run(std::string_view entity, Gap gap, bool is_entity, Field field);
  void set_source(const RawToken& first, const RawToken& last) {
    source_begin_ = first.raw_begin;
    source_end_ = last.raw_end;
  }
  void flush_run();

  /// The word term of a cache entry (unless a dropped stopword) and its compound parts.
  void emit_word(std::uint32_t entry, TermKind kind, Field field, LanguageState& lang) {
    const CacheEntry& e = lang.entry(entry);
    if (e.stopword && resources_.options.remove_stopwords && !keep_stopwords_) return;
    emit(kind, lang.stem(e), field,
         LanguageState::key(e, kind == TermKind::word ? TermKey::stem_word : TermKey::stem_part));
    const std::uint32_t first_part = LanguageState::key(e, TermKey::first_part);
    for (std::size_t i = 0; i < e.parts_count; ++i) {
      emit(TermKind::compound_part, lang.part(e, i), field,
           first_part + static_cast<std::uint32_t>(i));
    }
  }

  /// The entity form of a cache entry's word.
  void emit_entity(std::uint32_t entry, Field field, LanguageState& lang) {
    const std::string_view text = lang.entity(entry, entities_);
    emit(TermKind::entity, text, field, LanguageState::key(lang.entry(entry), TermKey::entity));
  }

  /// Appends a term (and its key, AnalyzedText::keys) to the output; false once max_terms is
  /// reached.
  bool emit(TermKind kind, std::string_view text, Field field,
            std::uint32_t key = AnalyzedText::kNoKey) {
    if (out_->terms.size() >= max_terms_) {
      full_ = true;
      out_->truncated = true;
      return false;
    }
    if (text.empty()) return true;
    out_->terms.push_back(Term{static_cast<std::uint32_t>(out_->arena.size()),
                               static_cast<std::uint32_t>(text.size()), kind, field,
                               source_begin_, source_end_ - source_begin_});
    out_->arena.append(text);
    if (!phrase_) out_->keys.push_back(key);
    return true;
  }

  const AnalysisResources& resources_;
  EntityFolder entities_;
  std::vector<TokenState> states_;
  std::vector<std::uint32_t> tags_;  ///< by token: WordIndex::tag of a plain word's folded form
  AnalyzedText* out_ = nullptr;
  bool phrase_ = false;
  bool keep_stopwords_ = false;
  bool full_ = false;  ///< max_terms reached
  std::size_t max_terms_ = 0;
  std::string run_;  ///< the multi-word name being collected
  std::size_t run_words_ = 0;
  std::size_t run_entities_ = 0;
  Field run_field_ = Field::body;
  std::uint32_t run_begin_ = 0, run_end_ = 0;  ///< source range of the run
  std::uint32_t source_begin_ = 0, source_end_ = 0;  ///< source range of the terms being emitted
  std::string scratch_;  ///< a hyphenated compound, folded
  std::string joined_;   ///< a hyphenated name, entity form
};

}  // namespace crossnews::detail
