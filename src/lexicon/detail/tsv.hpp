#pragma once
// Reading the lexicon's TSV forms (wide, concept, pairs; see LexiconBuilder::load_tsv) into
// records. Field counts, language codes, weights and sources are checked here; the terms are
// analysed by the caller.

#include <crossnews/lexicon.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace crossnews::detail {

struct TsvConceptRow {
  std::uint64_t line = 0;
  std::string_view concept_name;
  /// (language, forms) per non-empty cell; forms are '|'-separated surface forms.
  std::vector<std::pair<std::string_view, std::string_view>> cells;
};

struct TsvPair {
  std::uint64_t line = 0;
  std::string_view lang_a, term_a, lang_b, term_b;
  std::optional<float> weight;
  std::optional<LinkSource> source;
};

struct TsvHandlers {
  std::function<void(const TsvConceptRow&)> row;
  std::function<void(const TsvPair&)> pair;
};

/// Parses `content`, calling a handler per good line and adding an issue per bad one.
void parse_lexicon_tsv(std::string_view source_name, std::string_view content,
                       const TsvHandlers& handlers, LexiconLoadReport& report);

/// The source `name` spells as to_string(LinkSource) does (defined beside it, in lexicon.cpp).
std::optional<LinkSource> parse_link_source(std::string_view name);

}  // namespace crossnews::detail
