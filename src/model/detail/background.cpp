#include "model/detail/background.hpp"

#include <crossnews/error.hpp>

#include "model/detail/df_table.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>
#include <vector>

namespace crossnews::detail {

namespace {

std::vector<std::pair<std::string_view, std::string>> signature_fields(const AnalyzerOptions& o) {
  return {{"stem", std::to_string(o.stem)},
          {"remove_stopwords", std::to_string(o.remove_stopwords)},
          {"decompound", std::to_string(o.decompound)},
          {"entities", std::to_string(o.entities)},
          {"multiword_entities", std::to_string(o.multiword_entities)},
          {"min_compound_part", std::to_string(o.min_compound_part)},
          {"max_terms", std::to_string(o.max_terms)},
          {"min_detect_bytes", std::to_string(o.min_detect_bytes)}};
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(separator, start)) != std::string_view::npos;
       start = end + 1) {
    parts.push_back(text.substr(start, end - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::optional<double> parse_count(std::string_view text) {
  double v = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0.0) {
    return std::nullopt;
  }
  return v;
}

constexpr std::string_view kKindNames[] = {"word", "entity", "number", "compound_part"};

std::optional<FeatureKind> parse_kind(std::string_view text) {
  for (std::size_t k = 0; k < std::size(kKindNames); ++k) {
    if (kKindNames[k] == text) return static_cast<FeatureKind>(k);
  }
  return std::nullopt;
}

}  // namespace

std::string analyzer_signature(const AnalyzerOptions& options) {
  std::string out;
  for (const auto& [name, value] : signature_fields(options)) {
    if (!out.empty()) out += ' ';
    out.append(name).append("=").append(value);
  }
  return out;
}

void check_analyzer(std::string_view stored, const AnalyzerOptions& options,
                    std::string_view source) {
  const auto stored_fields = split(stored, ' ');
  for (const auto& [name, value] : signature_fields(options)) {
    std::string_view was = "(not recorded)";
    for (const auto field : stored_fields) {
      if (field.starts_with(name) && field.size() > name.size() && field[name.size()] == '=') {
        was = field.substr(name.size() + 1);
      }
    }
    if (was != value) {
      throw ConfigError(std::string(source) + ": made with AnalyzerOptions::" + std::string(name) +
                        " = " + std::string(was) + ", but the analyzer has " + value +
                        " (its terms would not match; rebuild it or use matching options)");
    }
  }
}

void count_background(const Analyzer& analyzer, std::span<const Article> articles,
                      Vocabulary& vocabulary, DocumentFrequencies& df) {
  auto worker = analyzer.worker();
  AnalyzedText text;
  std::vector<TermId> ids;
  for (const Article& article : articles) {
    worker.analyze(article, text);
    const LangSlot slot = vocabulary.lang_slot_of(text.lang);
    ids.clear();
    for (const Term& term : text.terms) {
      ids.push_back(vocabulary.intern_in_slot(slot, text.text(term), feature_kind(term.kind)));
    }
    // A document counts each of its terms once.
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    df.add(slot, ids);
  }
}

void write_background_tsv(std::ostream& out, const DocumentFrequencies& df,
                          std::string_view signature, double min_df) {
  const Vocabulary& vocabulary = df.vocabulary();
  out << "# crossnews background document frequencies (ModelBuilder::write_background)\n"
      << "analyzer\t" << signature << '\n';
  for (std::size_t s = 0; s < vocabulary.language_count(); ++s) {
    const LangSlot slot{static_cast<std::uint16_t>(s)};
    if (df.documents(slot) > 0.0) {
      out << "documents\t" << vocabulary.slot_lang(slot) << '\t' << df.documents(slot) << '\n';
    }
  }
  struct Row {
    std::string_view lang, kind, text;
    double df;
  };
  std::vector<Row> rows;
  for (std::uint32_t id = 0; id < vocabulary.size(); ++id) {
    const TermId t(id);
    const auto kind = static_cast<std::size_t>(vocabulary.kind(t));
    if (df.df(t) >= min_df && df.df(t) > 0.0 && kind < std::size(kKindNames)) {
      rows.push_back({vocabulary.lang(t), kKindNames[kind], vocabulary.text(t), df.df(t)});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.lang, a.kind, a.text) < std::tie(b.lang, b.kind, b.text);
  });
  for (const Row& r : rows) out << r.lang << '\t' << r.kind << '\t' << r.text << '\t' << r.df << '\n';
  if (!out) throw IoError("writing the background table failed");
}

void read_background_tsv(std::string_view name, std::string_view content,
                         const AnalyzerOptions& options, DocumentFrequencies& df) {
  Vocabulary vocabulary;
  DocumentFrequencies read(vocabulary);
  DfTable& table = DfAccess::table(read);
  bool checked = false;
  std::uint64_t number = 0;
  for (const std::string_view line : split(content, '\n')) {
    ++number;
    const auto bad = [&](std::string_view why) {
      throw FormatError(std::string(name) + ":" + std::to_string(number) + ": " +
                        std::string(why) + ", not a crossnews background table");
    };
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split(line, '\t');
    if (fields[0] == "analyzer" && fields.size() == 2) {
      check_analyzer(fields[1], options, name);
      checked = true;
      continue;
    }
    if (!checked) bad("the first record is not the analyzer's options");
    if (fields[0] == "documents" && fields.size() == 3) {
      const auto n = parse_count(fields[2]);
      if (!n) bad("bad document count");
      bump_at(table.documents, vocabulary.lang_slot_of(fields[1]).value(), *n);
      table.total += *n;
      continue;
    }
    const auto kind = fields.size() == 4 ? parse_kind(fields[1]) : std::nullopt;
    const auto count = fields.size() == 4 ? parse_count(fields[3]) : std::nullopt;
    if (!kind || !count || fields[2].empty()) bad("expected LANG TAB KIND TAB TERM TAB DF");
    if (is_language_neutral(*kind) != fields[0].empty()) bad("names and numbers have no language");
    bump_at(table.df, vocabulary.intern(fields[0], fields[2], *kind).value(), *count);
  }
  if (!checked) throw FormatError(std::string(name) + ": empty, not a crossnews background table");
  df.merge(read);
}

void project_background(const DocumentFrequencies& raw, const Lexicon& lexicon,
                        DocumentFrequencies& out) {
  DfTable& table = DfAccess::table(out);
  Vocabulary& to = *table.vocabulary;
  const Vocabulary& from = raw.vocabulary();
  const double total = raw.total_documents();
  // Per concept and language slot of `from`: the log-probability that no member occurs (names
  // count in every language).
  absl::flat_hash_map<std::uint32_t, std::vector<double>> absent;
  std::vector<std::uint32_t> concepts;
  for (std::uint32_t id = 0; id < from.size(); ++id) {
    const TermId t(id);
    const FeatureKind kind = from.kind(t);
    const double df = raw.df(t);
    const auto links = kind == FeatureKind::number ? std::span<const ConceptLink>{}
                                                   : lexicon.lookup(from.lang(t), from.text(t));
    if (links.empty()) {
      bump_at(table.df, to.intern(from.lang(t), from.text(t), kind).value(), df);
      continue;
    }
    // The strongest link decides, as in the featurizer.
    const ConceptLink* best = &links.front();
    for (const auto& link : links) {
      if (link.weight > best->weight) best = &link;
    }
    auto [it, added] = absent.try_emplace(best->concept_id, from.language_count(), 0.0);
    if (added) concepts.push_back(best->concept_id);
    if (is_language_neutral(kind)) {
      const double p = total > 0.0 ? std::min(1.0, df / total) : 0.0;
      for (double& a : it->second) a += std::log1p(-std::min(p, 1.0 - 1e-12));
    } else {
      const double n = raw.documents(from.lang_slot(t));
      const double p = n > 0.0 ? std::min(df / n, 1.0 - 1e-12) : 0.0;
      it->second[from.lang_slot(t).value()] += std::log1p(-p);
    }
  }
  for (const std::uint32_t c : concepts) {
    double df = 0.0;
    const auto& a = absent[c];
    for (std::size_t s = 1; s < a.size(); ++s) {
      df += raw.documents(LangSlot{static_cast<std::uint16_t>(s)}) * -std::expm1(a[s]);
    }
    char name[16] = {'c'};
    const auto end = std::to_chars(name + 1, name + sizeof name, c).ptr;
    const std::string_view text(name, static_cast<std::size_t>(end - name));
    bump_at(table.df, to.intern("", text, FeatureKind::concept_).value(), df);
  }
  for (std::size_t s = 0; s < from.language_count(); ++s) {
    const LangSlot slot{static_cast<std::uint16_t>(s)};
    bump_at(table.documents, to.lang_slot_of(from.slot_lang(slot)).value(), raw.documents(slot));
  }
  table.total = total;
}

}  // namespace crossnews::detail
