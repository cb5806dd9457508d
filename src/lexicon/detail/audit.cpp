#include "lexicon/detail/audit.hpp"

#include "analysis/detail/unicode.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <map>
#include <string>

namespace crossnews::detail {
namespace {

constexpr std::uint32_t kPhraseRank = TermGraph::kPhraseRank;
// Endings this many letters apart make two words sharing a stem different words.
constexpr std::size_t kUnrelatedEnding = 3;

struct Claim {
  std::uint32_t row;
  std::string_view surface;
  bool phrase;
};

// Per term: the rows listing it, with the form that gave it.
std::vector<std::vector<Claim>> claims_by_term(const TermGraph& graph) {
  std::vector<std::vector<Claim>> claims(graph.term_count());
  const auto& rows = graph.rows();
  for (std::uint32_t r = 0; r < rows.size(); ++r) {
    for (const auto& member : rows[r].members) {
      claims[member.term].push_back({r, member.surface, member.rank >= kPhraseRank});
    }
  }
  return claims;
}

void add_unique(std::vector<std::string>& list, std::string_view item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.emplace_back(item);
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Letters after the common prefix of a and b, the larger of the two remainders.
std::size_t ending_distance(std::string_view a, std::string_view b) {
  std::size_t p = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) ++p;
  while (p > 0 && (static_cast<unsigned char>(a[p]) & 0xC0) == 0x80) --p;
  return std::max(code_points(a.substr(p)), code_points(b.substr(p)));
}

void sort_findings(std::vector<LexiconFinding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const auto& x, const auto& y) {
    return std::tie(x.kind, x.lang, x.term, x.forms) < std::tie(y.kind, y.lang, y.term, y.forms);
  });
}

}  // namespace

std::vector<LexiconFinding> audit_rows(const TermGraph& graph) {
  const auto claims = claims_by_term(graph);
  const auto& rows = graph.rows();
  std::vector<LexiconFinding> findings;
  for (std::uint32_t t = 0; t < claims.size(); ++t) {
    const auto& claim = claims[t];
    const bool shared = std::any_of(claim.begin(), claim.end(),
                                    [&](const Claim& c) { return c.row != claim.front().row; });
    if (!shared) continue;
    LexiconFinding finding{LexiconFinding::Kind::shared_term, std::string(graph.lang(graph.slot_of(t))),
                           std::string(graph.text_of(t)), {}, {}};
    for (const Claim& c : claim) {
      add_unique(finding.concepts, rows[c.row].name);
      add_unique(finding.forms, c.surface);
    }
    findings.push_back(std::move(finding));
  }
  for (std::uint32_t t = 0; t < claims.size(); ++t) {
    const std::string_view text = graph.text_of(t);
    if (graph.slot_of(t) == kNeutralSlot || text.find(' ') == std::string_view::npos) continue;
    for (const Claim& phrase : claims[t]) {
      std::size_t pos = 0;
      while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(' ', pos), text.size());
        const std::uint32_t word = graph.find(graph.slot_of(t), text.substr(pos, end - pos));
        pos = end + 1;
        if (word == TermGraph::kNone) continue;
        for (const Claim& single : claims[word]) {
          if (single.phrase || single.row == phrase.row) continue;
          findings.push_back({LexiconFinding::Kind::phrase_contains,
                              std::string(graph.lang(graph.slot_of(t))), std::string(text),
                              {std::string(rows[phrase.row].name), std::string(rows[single.row].name)},
                              {std::string(phrase.surface), std::string(single.surface)}});
        }
      }
    }
  }
  sort_findings(findings);
  return findings;
}

std::vector<LexiconFinding> audit_corpus(const TermGraph& graph, Analyzer::Worker& worker,
                                         std::span<const Article> corpus, std::size_t min_count) {
  const auto claims = claims_by_term(graph);
  // (term, folded word) -> uses, for words whose stem is a single-word form.
  std::map<std::pair<std::uint32_t, std::string>, std::size_t> uses;
  AnalyzedText text;
  for (const Article& article : corpus) {
    worker.analyze(article, text);
    const auto slot = graph.find_slot(text.lang);
    if (!slot) continue;
    for (const Term& term : text.terms) {
      if (term.kind != TermKind::word) continue;
      const std::uint32_t t = graph.find(*slot, text.text(term));
      if (t == TermGraph::kNone || claims[t].empty() || claims[t].front().phrase) continue;
      const std::string& field = term.field == Field::title ? article.title : article.text;
      if (std::size_t{term.source} + term.source_length > field.size()) continue;
      ++uses[{t, fold_word(std::string_view(field).substr(term.source, term.source_length))}];
    }
  }
  const auto& rows = graph.rows();
  std::vector<LexiconFinding> findings;
  for (const auto& [key, count] : uses) {
    const auto& [t, word] = key;
    if (count < min_count) continue;
    std::size_t nearest = std::string::npos;
    for (const Claim& c : claims[t]) nearest = std::min(nearest, ending_distance(word, fold_word(c.surface)));
    if (nearest < kUnrelatedEnding) continue;
    LexiconFinding finding{LexiconFinding::Kind::stem_collision,
                           std::string(graph.lang(graph.slot_of(t))), std::string(graph.text_of(t)),
                           {}, {word}};
    for (const Claim& c : claims[t]) {
      add_unique(finding.concepts, rows[c.row].name);
      add_unique(finding.forms, c.surface);
    }
    findings.push_back(std::move(finding));
  }
  sort_findings(findings);
  return findings;
}

}  // namespace crossnews::detail

namespace crossnews {

std::string_view to_string(LexiconFinding::Kind kind) {
  switch (kind) {
    case LexiconFinding::Kind::shared_term:
      return "shared_term";
    case LexiconFinding::Kind::phrase_contains:
      return "phrase_contains";
    case LexiconFinding::Kind::stem_collision:
      return "stem_collision";
  }
  return "unknown";
}

}  // namespace crossnews
