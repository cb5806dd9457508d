#pragma once
// What the featurizer keeps of the words articles wrote -- the surface forms shown as keywords --
// and how it finds multi-word lexicon forms in an analysed text.

#include <crossnews/analyzer.hpp>
#include <crossnews/document.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/lexicon.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

constexpr std::uint8_t kCrosslingualFlag = 1, kNeutralFlag = 2, kPhraseStartFlag = 4;

// The surface forms articles used for one feature in one language: the first kFormSlots forms
// seen, with their counts, text in FormTable::arena. Keywords are picked from these.
constexpr std::size_t kFormSlots = Featurizer::kNoForm;
struct FormSlots {
  std::array<std::uint32_t, kFormSlots> offset{};
  std::array<std::uint16_t, kFormSlots> length{};
  std::array<std::uint32_t, kFormSlots> count{};
  std::uint8_t used = 0;
};

struct FormTable {
  // Per feature a short list, one entry per language that used it (most features have one):
  // indexing by feature beats hashing (feature, language) for every feature of every article.
  struct Entry {
    FormSlots forms;
    std::uint16_t lang_slot = 0;
    std::uint32_t next = kNoEntry;
  };
  static constexpr std::uint32_t kNoEntry = 0xFFFFFFFFu;
  std::vector<std::uint32_t> first;  // by feature: its first entry, kNoEntry if none
  std::vector<Entry> entries;
  std::string arena;

  [[nodiscard]] const FormSlots* find(TermId feature, std::uint16_t lang_slot) const {
    if (feature.value() >= first.size()) return nullptr;
    for (auto e = first[feature.value()]; e != kNoEntry; e = entries[e].next) {
      if (entries[e].lang_slot == lang_slot) return &entries[e].forms;
    }
    return nullptr;
  }
  [[nodiscard]] std::string_view text(const FormSlots& f, std::size_t i) const {
    return {arena.data() + f.offset[i], f.length[i]};
  }
  // record() of a feature waits for three reads from memory in turn when the table has outgrown
  // the CPU's caches: its first entry's number, that entry, its first form's text. Called for a
  // feature some counts ahead, these start them one step at a time (hints: nothing changes;
  // always inlined, since GCC drops calls to a function that only prefetches).
  [[gnu::always_inline]] void prefetch_first(TermId feature) const {
    if (feature.value() < first.size()) __builtin_prefetch(&first[feature.value()]);
  }
  [[gnu::always_inline]] void prefetch_entry(TermId feature) const {
    if (const auto e = entry_of(feature); e != kNoEntry) __builtin_prefetch(&entries[e]);
  }
  [[gnu::always_inline]] void prefetch_text(TermId feature) const {
    if (const auto e = entry_of(feature); e != kNoEntry) {
      __builtin_prefetch(arena.data() + entries[e].forms.offset[0]);
    }
  }

  // Counts one article's form of a feature; returns its slot, kNoForm when it has none (empty,
  // longer than a label may be, or the slots are taken by other forms).
  std::uint8_t record(TermId feature, std::uint16_t lang_slot, std::string_view form) {
    if (form.empty() || form.size() > Featurizer::kMaxLabelBytes) return Featurizer::kNoForm;
    FormSlots& f = slots_of(feature, lang_slot);
    for (std::uint8_t i = 0; i < f.used; ++i) {
      if (text(f, i) == form) {
        ++f.count[i];
        return i;
      }
    }
    if (f.used == kFormSlots) return Featurizer::kNoForm;
    f.offset[f.used] = static_cast<std::uint32_t>(arena.size());
    f.length[f.used] = static_cast<std::uint16_t>(form.size());
    f.count[f.used] = 1;
    arena.append(form);
    return f.used++;
  }

 private:
  [[nodiscard]] std::uint32_t entry_of(TermId feature) const {
    return feature.value() < first.size() ? first[feature.value()] : kNoEntry;
  }
  FormSlots& slots_of(TermId feature, std::uint16_t lang_slot) {
    if (feature.value() >= first.size()) first.resize(feature.value() + 1, kNoEntry);
    std::uint32_t* link = &first[feature.value()];
    while (*link != kNoEntry && entries[*link].lang_slot != lang_slot) link = &entries[*link].next;
    if (*link != kNoEntry) return entries[*link].forms;
    // `link` may point into `entries`: set it before push_back can move them.
    const auto added = static_cast<std::uint32_t>(entries.size());
    *link = added;
    entries.push_back({FormSlots{}, lang_slot, kNoEntry});
    return entries[added].forms;
  }
};

// Multi-word lexicon forms in an analysed text: runs of consecutive word terms (compound parts
// between them skipped, anything else ends the run) whose stems, joined by spaces, are a lexicon
// term. Calls fn(first, last, link) for the longest match at each term `starts(i)` admits, left
// to right, without overlaps.
template <class Starts, class Fn>
void find_phrases(const Lexicon& lexicon, const AnalyzedText& text, Starts&& starts, Fn&& fn) {
  const std::size_t max_words = lexicon.max_phrase_words();
  if (max_words < 2) return;
  const auto& terms = text.terms;
  std::string key;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].kind != TermKind::word || !starts(i)) continue;
    key.assign(text.text(terms[i]));
    std::size_t last = i;
    ConceptLink found;
    for (std::size_t j = i + 1, words = 1; j < terms.size() && words < max_words; ++j) {
      if (terms[j].kind == TermKind::compound_part) continue;
      if (terms[j].kind != TermKind::word || terms[j].field != terms[i].field) break;
      key.push_back(' ');
      key.append(text.text(terms[j]));
      ++words;
      if (const auto links = lexicon.lookup(text.lang, key); !links.empty()) {
        last = j;
        found = links.front();
      }
    }
    if (last == i) continue;
    fn(i, last, found);
    i = last;
  }
}

// A term standing for the words first..last of a text (their source range).
inline Term spanning(const std::vector<Term>& terms, std::size_t first, std::size_t last) {
  Term span = terms[first];
  span.source_length = terms[last].source + terms[last].source_length - span.source;
  return span;
}

// The text a term came from, in its article (empty if the offsets do not fit, as after invalid
// UTF-8 was replaced with longer sequences).
inline std::string_view source_text(const Article& article, const Term& term) {
  const std::string& field = term.field == Field::title ? article.title : article.text;
  if (std::size_t{term.source} + term.source_length > field.size()) return {};
  return std::string_view(field).substr(term.source, term.source_length);
}

}  // namespace crossnews::detail
