#pragma once
// LexiconBuilder::audit: rows of the keyword map whose senses may be wrong.

#include <crossnews/analyzer.hpp>
#include <crossnews/lexicon.hpp>

#include "lexicon/detail/graph.hpp"

#include <span>
#include <vector>

namespace crossnews::detail {

/// Shared terms and phrase forms containing another concept's form, from the rows alone.
std::vector<LexiconFinding> audit_rows(const TermGraph& graph);

/// Frequent corpus words colliding with a single-word form's stem.
std::vector<LexiconFinding> audit_corpus(const TermGraph& graph, Analyzer::Worker& worker,
                                         std::span<const Article> corpus, std::size_t min_count);

}  // namespace crossnews::detail
