#include <crossnews/lexicon.hpp>

#include "lexicon/detail/lexicon_impl.hpp"
#include "lexicon/detail/tables_io.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The built keyword map: look-ups and what it can tell about its concepts. LexiconBuilder
// (lexicon_builder.cpp) fills it.

namespace crossnews {

namespace {

// Each source's name, as explanations show it and pairs TSV files give it; to_string and
// detail::parse_link_source read it both ways.
constexpr std::pair<LinkSource, std::string_view> kLinkSourceNames[] = {
    {LinkSource::lexicon, "lexicon"},
    {LinkSource::freedict, "freedict"},
    {LinkSource::pivot, "pivot"},
    {LinkSource::learned, "learned"},
    {LinkSource::entity, "entity"}};

}  // namespace

std::string_view to_string(LinkSource source) {
  for (const auto& [each, name] : kLinkSourceNames) {
    if (each == source) return name;
  }
  return "unknown";
}

// --- Lexicon ---------------------------------------------------------------------------------

Lexicon::Lexicon() : impl_(std::make_unique<Impl>()) {
  impl_->tables.langs.emplace_back();
  impl_->tables.terms.emplace_back();
}

std::span<const ConceptLink> Lexicon::lookup(std::string_view lang, std::string_view term) const {
  const auto& tables = impl_->tables;
  const auto slot = tables.find_slot(lang);
  if (!slot) return {};
  const auto& terms = tables.terms[*slot];
  const auto it = terms.find(term);
  if (it == terms.end()) return {};
  return {tables.links.data() + it->second, 1};
}

std::size_t Lexicon::concept_count() const { return impl_->tables.names.size(); }

bool Lexicon::starts_phrase(std::string_view lang, std::string_view term) const {
  const auto& tables = impl_->tables;
  const auto slot = tables.find_slot(lang);
  return slot && *slot < tables.phrase_starts.size() && tables.phrase_starts[*slot].contains(term);
}

std::size_t Lexicon::max_phrase_words() const { return impl_->tables.max_phrase_words; }

std::string_view Lexicon::concept_name(std::uint32_t concept_id) const {
  impl_->check(concept_id);
  return impl_->tables.names[concept_id];
}

std::vector<std::string> Lexicon::concept_terms(std::uint32_t concept_id,
                                                std::string_view lang) const {
  impl_->check(concept_id);
  const auto& tables = impl_->tables;
  std::vector<std::string> result;
  const auto slot = tables.find_slot(lang);
  if (!slot) return result;
  for (auto i = tables.surface_begin[concept_id]; i < tables.surface_begin[concept_id + 1]; ++i) {
    if (tables.surfaces[i].lang == *slot) result.emplace_back(tables.surfaces[i].text);
  }
  return result;
}

std::vector<std::pair<std::string, std::string>> Lexicon::concept_members(
    std::uint32_t concept_id) const {
  impl_->check(concept_id);
  const auto& tables = impl_->tables;
  std::vector<std::pair<std::string, std::string>> result;
  for (auto i = tables.member_begin[concept_id]; i < tables.member_begin[concept_id + 1]; ++i) {
    const auto& member = tables.members[i];
    result.emplace_back(tables.langs[member.lang], member.term);
  }
  return result;
}

std::vector<Lexicon::PairStats> Lexicon::pair_stats() const {
  const auto& tables = impl_->tables;
  const std::size_t slots = tables.langs.size();
  std::vector<std::size_t> counts(slots * slots, 0);
  std::vector<char> present(slots);
  for (std::size_t c = 0; c + 1 < tables.member_begin.size(); ++c) {
    std::fill(present.begin(), present.end(), 0);
    for (auto i = tables.member_begin[c]; i < tables.member_begin[c + 1]; ++i) {
      present[tables.members[i].lang] = 1;
    }
    for (std::size_t a = 1; a < slots; ++a) {
      if (!present[a]) continue;
      for (std::size_t b = 1; b < slots; ++b) {
        if (present[b] && tables.langs[a] < tables.langs[b]) ++counts[a * slots + b];
      }
    }
  }
  std::vector<PairStats> result;
  for (std::size_t a = 1; a < slots; ++a) {
    for (std::size_t b = 1; b < slots; ++b) {
      if (counts[a * slots + b] > 0) {
        result.push_back({tables.langs[a], tables.langs[b], counts[a * slots + b]});
      }
    }
  }
  std::sort(result.begin(), result.end(), [](const PairStats& x, const PairStats& y) {
    return std::tie(x.lang_a, x.lang_b) < std::tie(y.lang_a, y.lang_b);
  });
  return result;
}

std::vector<std::string> Lexicon::languages() const {
  const auto& tables = impl_->tables;
  std::vector<std::string> result;
  for (std::size_t slot = 1; slot < tables.langs.size(); ++slot) {
    if (!tables.terms[slot].empty()) result.push_back(tables.langs[slot]);
  }
  std::sort(result.begin(), result.end());
  return result;
}

// --- model files (lexicon/detail/tables_io.hpp) ---------------------------------------------------

namespace detail {

struct LexiconAccess {
  static const LexiconTables& tables(const Lexicon& lexicon) { return lexicon.impl_->tables; }
  static Lexicon make(LexiconTables tables) {
    Lexicon lexicon;
    lexicon.impl_->tables = std::move(tables);
    return lexicon;
  }
};

const LexiconTables& tables_of(const Lexicon& lexicon) { return LexiconAccess::tables(lexicon); }
Lexicon lexicon_of(LexiconTables tables) { return LexiconAccess::make(std::move(tables)); }

// --- pairs TSV files (lexicon/detail/tsv.hpp) ----------------------------------------------------

std::optional<LinkSource> parse_link_source(std::string_view name) {
  for (const auto& [source, each] : kLinkSourceNames) {
    if (each == name) return source;
  }
  return std::nullopt;
}

}  // namespace detail

}  // namespace crossnews
