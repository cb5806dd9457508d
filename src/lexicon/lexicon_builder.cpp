#include <crossnews/error.hpp>
#include <crossnews/freedict.hpp>
#include <crossnews/lexicon.hpp>

#include "data/embedded_data.hpp"
#include "lexicon/detail/audit.hpp"
#include "lexicon/detail/graph.hpp"
#include "lexicon/detail/lexicon_impl.hpp"
#include "lexicon/detail/text.hpp"
#include "lexicon/detail/tsv.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace crossnews {

namespace {

constexpr std::uint32_t kNoTerm = detail::TermGraph::kNone;
constexpr std::uint32_t kPhraseRank = detail::TermGraph::kPhraseRank;

void check_weight(float weight, std::string_view what) {
  if (!(weight > 0.0f && weight <= 1.0f)) {
    throw ConfigError(std::string(what) + " must be in (0,1], got " + std::to_string(weight));
  }
}

// `options`, once they are checked: ConfigError names the first that is out of range.
const LexiconOptions& checked(const LexiconOptions& options) {
  check_weight(options.lexicon_weight, "LexiconOptions::lexicon_weight");
  check_weight(options.freedict_weight, "LexiconOptions::freedict_weight");
  check_weight(options.pivot_weight, "LexiconOptions::pivot_weight");
  if (options.max_terms_per_language == 0 || options.max_translations_per_headword == 0 ||
      options.max_dictionary_words == 0) {
    throw ConfigError(
        "LexiconOptions: max_terms_per_language, max_translations_per_headword and "
        "max_dictionary_words must be at least 1");
  }
  if (!(options.min_link_weight >= 0.0f && options.min_link_weight <= 1.0f)) {
    throw ConfigError("LexiconOptions::min_link_weight must be in [0,1]");
  }
  return options;
}

void append_report(LexiconLoadReport& total, LexiconLoadReport part) {
  total.lines += part.lines;
  total.entries += part.entries;
  total.links += part.links;
  for (auto& issue : part.skipped) total.skipped.push_back(std::move(issue));
}

}  // namespace

struct LexiconBuilder::Impl {
  Impl(const Analyzer& analyzer, LexiconOptions opts) : options(opts), worker(analyzer.worker()) {}

  using TermList = boost::container::small_vector<std::uint32_t, 4>;

  /// Terms a lexicon row form stands for. One word: its word and name terms (compound parts only
  /// when it gave no whole word). Several words: the phrase term (its word stems joined by
  /// spaces, matched only as that sequence in a text) and the multi-word name it makes, never
  /// its single words. Numbers never. A form "=stem" is an analysed term, used verbatim.
  /// Returns the number of words the form has.
  std::size_t row_terms(std::uint16_t slot, std::string_view lang, std::string_view form,
                        TermList& out) {
    out.clear();
    if (form.starts_with('=')) {
      if (form.size() > 1) out.push_back(graph.intern(slot, form.substr(1), form.substr(1)));
      return out.size();
    }
    analyzed.clear();
    worker.analyze_phrase(form, lang, analyzed);
    const auto words = static_cast<std::size_t>(
        std::count_if(analyzed.terms.begin(), analyzed.terms.end(),
                      [](const Term& t) { return t.kind == TermKind::word; }));
    const bool has_word = words > 0;
    if (words > 1) {
      phrase_terms(slot, form, out);
      return words;
    }
    for (const Term& term : analyzed.terms) {
      std::uint32_t id = kNoTerm;
      switch (term.kind) {
        case TermKind::word:
          id = graph.intern(slot, analyzed.text(term), form);
          break;
        case TermKind::compound_part:
          if (!has_word) id = graph.intern(slot, analyzed.text(term), form);
          break;
        case TermKind::entity:
          id = graph.intern(detail::kNeutralSlot, analyzed.text(term), form);
          break;
        case TermKind::number:
          break;
      }
      if (id != kNoTerm && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
    return words;
  }

  /// The phrase term and multi-word names of a form of several words (`analyzed` holds it).
  void phrase_terms(std::uint16_t slot, std::string_view form, TermList& out) {
    std::string phrase;
    for (const Term& term : analyzed.terms) {
      if (term.kind != TermKind::word) continue;
      if (!phrase.empty()) phrase.push_back(' ');
      phrase.append(analyzed.text(term));
    }
    out.push_back(graph.intern(slot, phrase, form));
    for (const Term& term : analyzed.terms) {
      if (term.kind != TermKind::entity || analyzed.text(term).find(' ') == std::string_view::npos)
        continue;
      const std::uint32_t id = graph.intern(detail::kNeutralSlot, analyzed.text(term), form);
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
  }

  /// The one word a pair side analyses to, or kNoTerm; `words` gets the number of words found.
  std::uint32_t pair_term(std::uint16_t slot, std::string_view lang, std::string_view form,
                          std::size_t& words) {
    if (form.starts_with('=')) {
      words = form.size() > 1 ? 1 : 0;
      return words == 1 ? graph.intern(slot, form.substr(1), form.substr(1)) : kNoTerm;
    }
    analyzed.clear();
    worker.analyze_phrase(form, lang, analyzed);
    words = 0;
    std::string_view word;
    for (const Term& term : analyzed.terms) {
      if (term.kind == TermKind::word) {
        ++words;
        word = analyzed.text(term);
      }
    }
    return words == 1 ? graph.intern(slot, word, form) : kNoTerm;
  }

  /// Analysed forms of one dictionary side: translations repeat a lot.
  struct FormCache {
    detail::StringPool pool;
    absl::flat_hash_map<std::string_view, std::uint32_t> terms;
  };

  std::uint32_t cached_pair_term(FormCache& cache, std::uint16_t slot, std::string_view lang,
                                 std::string_view form) {
    if (const auto it = cache.terms.find(form); it != cache.terms.end()) return it->second;
    std::size_t words = 0;
    const std::uint32_t id = pair_term(slot, lang, form, words);
    cache.terms.emplace(cache.pool.add(form), id);
    return id;
  }

  void tsv_row(std::string_view source_name, const detail::TsvConceptRow& row,
               LexiconLoadReport& report) {
    const std::uint32_t r = graph.row(row.concept_name);
    const std::uint64_t links_before = report.links;
    TermList terms;
    for (const auto& [lang, forms] : row.cells) {
      const std::uint16_t slot = graph.lang_slot(lang);
      std::uint32_t index = 0;  // position of the form in its cell
      std::size_t pos = 0;
      while (pos <= forms.size()) {
        std::size_t bar = forms.find('|', pos);
        if (bar == std::string_view::npos) bar = forms.size();
        std::string_view form = forms.substr(pos, bar - pos);
        pos = bar + 1;
        while (!form.empty() && form.front() == ' ') form.remove_prefix(1);
        while (!form.empty() && form.back() == ' ') form.remove_suffix(1);
        if (form.empty()) continue;
        const std::size_t words = row_terms(slot, lang, form, terms);
        // When rows share a term, the row listing it as a form of its own, and earlier in its
        // cell, owns it: "Verbot" belongs to the row of "Verbot|Verbote" rather than to the row
        // listing "verboten" fourth, or "divieto di avvicinamento".
        const std::uint32_t rank = index++ + (words > 1 ? kPhraseRank : 0);
        if (terms.empty()) {
          report.skipped.push_back(
              {std::string(source_name), row.line,
               "form '" + std::string(form) + "' (" + std::string(lang) + ") analyses to no term"});
          continue;
        }
        for (const std::uint32_t term : terms) {
          graph.add_row_member(r, term, form, rank);
          ++report.links;
        }
      }
    }
    if (report.links > links_before) ++report.entries;
  }

  void tsv_pair(std::string_view source_name, const detail::TsvPair& pair,
                LexiconLoadReport& report) {
    std::size_t words_a = 0;
    std::size_t words_b = 0;
    const std::uint32_t a =
        pair_term(graph.lang_slot(pair.lang_a), pair.lang_a, pair.term_a, words_a);
    const std::uint32_t b =
        pair_term(graph.lang_slot(pair.lang_b), pair.lang_b, pair.term_b, words_b);
    if (a == kNoTerm || b == kNoTerm) {
      const bool first = a == kNoTerm;
      report.skipped.push_back({std::string(source_name), pair.line,
                                "term '" + std::string(first ? pair.term_a : pair.term_b) +
                                    "' analyses to " + std::to_string(first ? words_a : words_b) +
                                    " words; a pair needs one on each side"});
      return;
    }
    graph.add_link(a, b, pair.weight.value_or(options.lexicon_weight),
                   pair.source.value_or(LinkSource::lexicon), 0);
    ++report.entries;
    ++report.links;
  }

  LexiconOptions options;
  Analyzer::Worker worker;
  AnalyzedText analyzed;
  detail::TermGraph graph;
};

LexiconBuilder::LexiconBuilder(const Analyzer& analyzer, LexiconOptions options)
    : impl_(std::make_unique<Impl>(analyzer, checked(options))) {}

const LexiconOptions& LexiconBuilder::options() const { return impl_->options; }

LexiconLoadReport LexiconBuilder::add_builtin() {
  LexiconLoadReport report;
  for (const std::string_view path : {"lexicon/society.tsv", "lexicon/world.tsv"}) {
    const auto content = detail::embedded_file(path);
    if (!content)
      throw IoError("the built-in lexicon file data/" + std::string(path) +
                    " is not compiled into this library");
    append_report(report, load_tsv_text("data/" + std::string(path), *content));
  }
  return report;
}

LexiconLoadReport LexiconBuilder::load_tsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("cannot read " + path);
  return load_tsv_text(path, buffer.view());
}

LexiconLoadReport LexiconBuilder::load_tsv_text(std::string_view source_name,
                                                std::string_view content) {
  LexiconLoadReport report;
  impl_->graph.begin_batch();
  detail::TsvHandlers handlers;
  handlers.row = [&](const detail::TsvConceptRow& row) {
    impl_->tsv_row(source_name, row, report);
  };
  handlers.pair = [&](const detail::TsvPair& pair) { impl_->tsv_pair(source_name, pair, report); };
  detail::parse_lexicon_tsv(source_name, content, handlers, report);
  return report;
}

LexiconLoadReport LexiconBuilder::load_freedict(const std::string& index_path) {
  FreeDictOptions read_options;
  read_options.max_words = impl_->options.max_dictionary_words;
  const FreeDict dict = read_freedict(index_path, read_options);
  auto& graph = impl_->graph;
  const std::uint16_t slot_from = graph.lang_slot(dict.lang_from);
  const std::uint16_t slot_to = graph.lang_slot(dict.lang_to);

  // Each headword keeps its first translations, unmarked ones before marked ones, gathered over
  // all its entries (Ding has one entry per sense and per inflected form).
  struct Candidate {
    std::uint32_t headword;
    std::uint32_t translation;
    bool marked;
    std::uint32_t order;
  };
  std::vector<Candidate> candidates;
  Impl::FormCache from_cache;
  Impl::FormCache to_cache;
  LexiconLoadReport report;
  for (const DictEntry& entry : dict.entries) {
    ++report.lines;
    const std::uint32_t headword =
        impl_->cached_pair_term(from_cache, slot_from, dict.lang_from, entry.headword);
    if (headword == kNoTerm) continue;
    bool used = false;
    for (std::size_t i = 0; i < entry.translations.size(); ++i) {
      const std::uint32_t translation =
          impl_->cached_pair_term(to_cache, slot_to, dict.lang_to, entry.translations[i]);
      if (translation == kNoTerm || translation == headword) continue;
      candidates.push_back({headword, translation, i >= entry.primary,
                            static_cast<std::uint32_t>(candidates.size())});
      used = true;
    }
    if (used) ++report.entries;
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    return std::tie(x.headword, x.marked, x.order) < std::tie(y.headword, y.marked, y.order);
  });

  graph.begin_batch();
  const std::size_t max_translations = impl_->options.max_translations_per_headword;
  std::size_t taken = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i == 0 || candidates[i].headword != candidates[i - 1].headword) taken = 0;
    if (taken >= max_translations) continue;
    if (graph.add_link(candidates[i].headword, candidates[i].translation,
                       impl_->options.freedict_weight, LinkSource::freedict,
                       static_cast<std::uint16_t>(taken))) {
      ++taken;
      ++report.links;
    }
  }
  return report;
}

bool LexiconBuilder::add_pair(std::string_view lang_a, std::string_view term_a,
                              std::string_view lang_b, std::string_view term_b, float weight,
                              LinkSource source) {
  if (!(weight > 0.0f && weight <= 1.0f)) {
    throw InputError("add_pair: weight must be in (0,1], got " + std::to_string(weight));
  }
  for (const std::string_view lang : {lang_a, lang_b}) {
    if (!detail::is_language_code(lang)) {
      throw InputError("add_pair: unknown language code '" + std::string(lang) + "'");
    }
  }
  auto& graph = impl_->graph;
  std::size_t words = 0;
  const std::uint32_t a = impl_->pair_term(graph.lang_slot(lang_a), lang_a, term_a, words);
  const std::uint32_t b = impl_->pair_term(graph.lang_slot(lang_b), lang_b, term_b, words);
  if (a == kNoTerm || b == kNoTerm) return false;
  graph.begin_batch();
  graph.add_link(a, b, weight, source, 0);
  return true;
}

void LexiconBuilder::add_learned(std::span<const LearnedPair> pairs) {
  auto& graph = impl_->graph;
  graph.begin_batch();
  for (const LearnedPair& pair : pairs) {
    if (pair.term_a.empty() || pair.term_b.empty() || !(pair.score > 0.0f)) continue;
    const std::uint32_t a = graph.intern(graph.lang_slot(pair.lang_a), pair.term_a, pair.term_a);
    const std::uint32_t b = graph.intern(graph.lang_slot(pair.lang_b), pair.term_b, pair.term_b);
    graph.add_link(a, b, std::min(pair.score, 1.0f), LinkSource::learned, 0);
  }
}

std::size_t LexiconBuilder::compose_pivot(std::string_view pivot_lang) {
  auto& graph = impl_->graph;
  return graph.compose_pivot(graph.lang_slot(pivot_lang), impl_->options.pivot_weight,
                             impl_->options.min_link_weight);
}

std::vector<LexiconFinding> LexiconBuilder::audit(std::span<const Article> corpus,
                                                  std::size_t min_count) {
  auto findings = detail::audit_rows(impl_->graph);
  auto collisions = detail::audit_corpus(impl_->graph, impl_->worker, corpus, min_count);
  findings.insert(findings.end(), collisions.begin(), collisions.end());
  return findings;
}

Lexicon LexiconBuilder::build() const {
  Lexicon lexicon;
  auto& tables = lexicon.impl_->tables;
  tables = impl_->graph.build(impl_->options);
  tables.phrase_starts.resize(tables.terms.size());
  for (std::size_t slot = 1; slot < tables.terms.size(); ++slot) {
    for (const auto& [term, link] : tables.terms[slot]) {
      if (term.find(' ') == std::string_view::npos) continue;
      tables.phrase_starts[slot].insert(term.substr(0, term.find(' ')));
      const auto words = static_cast<std::size_t>(std::count(term.begin(), term.end(), ' ')) + 1;
      tables.max_phrase_words = std::max(tables.max_phrase_words, words);
    }
  }
  return lexicon;
}

}  // namespace crossnews
