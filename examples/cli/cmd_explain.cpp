// crossnews explain: why two articles are (or are not) one story.

#include "common.hpp"
#include "json_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>

namespace crossnews::cli {
namespace {

struct ExplainArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> ids;
  std::string id_a, id_b;
  std::string pairs;
  std::string format;
  std::size_t top = 25;
  std::string strategy = "joint";
  ClusterOptions options;
  LexiconArgs lexicon;
};

/// One analysed corpus and what a pair's output needs from it.
struct Explainer {
  const ExplainArgs& args;
  const Lexicon& lexicon;
  const Featurizer& featurizer;
  const CrosslingualMap* dense_map = nullptr;  // --dense-map

  [[nodiscard]] std::string lang(DocId doc) const {
    return std::string(featurizer.language(featurizer.features(doc).lang_slot));
  }
};

void write_json(std::ostream& out, const Explainer& e, DocId a, DocId b,
                const LinkExplanation& link) {
  JsonObject json(out);
  json.text("a", e.featurizer.id(a)).text("b", e.featurizer.id(b));
  json.text("lang_a", e.lang(a)).text("lang_b", e.lang(b));
  json.number("similarity", link.similarity).number("content", link.content);
  json.number("names", link.names).number("time_factor", link.time_factor);
  json.flag("same_story", link.similarity >= e.args.options.threshold);
  if (link.dense) {
    json.number("dense", *link.dense);
    JsonObject words(json.member("dense_words"));
    for (const auto& [lang, list] : link.dense_words) {
      words.array(lang, list,
                  [](std::ostream& item, const std::string& w) { write_json_string(item, w); });
    }
    words.close("");
  }
  const auto shown = std::span(link.shared).first(std::min(link.shared.size(), e.args.top));
  json.array("shared", shown, [](std::ostream& item, const SharedFeature& s) {
    JsonObject feature(item);
    feature.text("concept", s.concept_name);
    write_json_object(feature.member("terms"), s.terms);
    feature.number("weight", s.weight).text("source", s.source).close("");
  });
  json.close();
}

// Display width of UTF-8 text in a terminal, counted in code points (enough for alignment of
// the Latin, Greek and Cyrillic text crossnews analyses).
std::size_t width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string padded(std::string text, std::size_t to) {
  const std::size_t w = width(text);
  if (w < to) text.append(to - w, ' ');
  return text;
}

std::string fixed(double value) {
  char text[16];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

// The learned map's part, when it has one for the pair: its cosine and each side's words that
// brought the two closest there.
void write_dense_text(std::ostream& out, const LinkExplanation& link, const std::string& lang_a,
                      const std::string& lang_b) {
  if (!link.dense) return;
  out << "  learned cross-lingual map " << fixed(*link.dense) << " (part of content)";
  for (const std::string* lang : {&lang_a, &lang_b}) {
    const auto it = link.dense_words.find(*lang);
    if (it == link.dense_words.end() || it->second.empty()) continue;
    out << (lang == &lang_a ? ": " : "; ") << *lang << ' ';
    for (std::size_t i = 0; i < it->second.size(); ++i) out << (i > 0 ? ", " : "") << it->second[i];
  }
  out << '\n';
}

// For people: the verdict and its parts, then a column per article of the words they share.
void write_text(std::ostream& out, const Explainer& e, DocId a, DocId b,
                const LinkExplanation& link) {
  const std::string lang_a = e.lang(a), lang_b = e.lang(b);
  const bool same = link.similarity >= e.args.options.threshold;
  out << e.featurizer.id(a) << " (" << (lang_a.empty() ? "?" : lang_a) << ") and "
      << e.featurizer.id(b) << " (" << (lang_b.empty() ? "?" : lang_b) << "): similarity "
      << fixed(link.similarity) << (same ? ", the same story" : ", not the same story")
      << " (threshold " << fixed(e.args.options.threshold) << ")\n"
      << "  content " << fixed(link.content) << ", names " << fixed(link.names) << ", time factor "
      << fixed(link.time_factor) << '\n';
  write_dense_text(out, link, lang_a, lang_b);
  if (link.shared.empty()) {
    out << "  they share nothing\n";
    return;
  }
  const std::size_t shown = std::min(link.shared.size(), e.args.top);
  std::size_t width_a = width(lang_a), width_b = width(lang_b);
  // Each side's words, listed with commas.
  auto side = [](const SharedFeature& s, const std::string& lang) {
    const std::vector<std::string_view> words = s.words(lang);
    std::string listed;
    for (std::size_t i = 0; i < words.size(); ++i)
      listed.append(i > 0 ? ", " : "").append(words[i]);
    return listed;
  };
  for (std::size_t i = 0; i < shown; ++i) {
    width_a = std::max(width_a, width(side(link.shared[i], lang_a)));
    width_b = std::max(width_b, width(side(link.shared[i], lang_b)));
  }
  out << "  shared (heaviest first):\n    " << padded(lang_a, width_a) << "  "
      << padded(lang_a == lang_b ? "" : lang_b, width_b) << "  weight  linked by\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const SharedFeature& s = link.shared[i];
    out << "    " << padded(side(s, lang_a), width_a) << "  "
        << padded(lang_a == lang_b ? "" : side(s, lang_b), width_b) << "  " << fixed(s.weight)
        << "   " << s.source << '\n';
  }
  if (link.shared.size() > shown) {
    out << "  and " << link.shared.size() - shown << " more (--top to list them)\n";
  }
}

void write_pair(const Explainer& e, DocId a, DocId b) {
  const LinkExplanation link =
      explain_link(e.featurizer, &e.lexicon, a, b, e.args.options, e.dense_map);
  if (e.args.format == "text") {
    write_text(std::cout, e, a, b, link);
  } else {
    write_json(std::cout, e, a, b, link);
  }
}

// `--pairs`: one output per line of the file, in order. A line that names an unknown id (or is
// not two tab-separated ids) gives an error record instead; the run then ends with exit 1.
void explain_pairs(const Explainer& e) {
  std::ifstream file;
  if (e.args.pairs != "-") {
    file.open(e.args.pairs, std::ios::binary);
    if (!file) throw ExitError{kUsage, "cannot read '" + e.args.pairs + "'"};
  }
  std::istream& in = e.args.pairs == "-" ? std::cin : file;
  std::size_t failed = 0;
  std::string line;
  for (std::uint64_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    const std::string id_a = line.substr(0, tab);
    const std::string id_b = tab == std::string::npos ? "" : line.substr(tab + 1);
    std::string problem;
    const auto a = e.featurizer.find(id_a), b = e.featurizer.find(id_b);
    if (tab == std::string::npos || id_b.find('\t') != std::string::npos) {
      problem = "expected id_a<TAB>id_b";
    } else if (!a || !b) {
      problem = "no article with id '" + (a ? id_b : id_a) + "' in the input";
    }
    if (problem.empty()) {
      write_pair(e, *a, *b);
      continue;
    }
    ++failed;
    std::cerr << "crossnews: " << e.args.pairs << ":" << n << ": " << problem << '\n';
    JsonObject record(std::cout);
    record.count("line", n).text("a", id_a).text("b", id_b).text("error", problem).close();
  }
  if (failed > 0) {
    throw ExitError{kFailure, std::to_string(failed) + " pair(s) of '" + e.args.pairs +
                                  "' could not be explained"};
  }
}

void run(ExplainArgs& args) {
  if (args.format.empty()) args.format = isatty(STDOUT_FILENO) != 0 ? "text" : "json";
  const std::size_t ids_needed = args.pairs.empty() ? 2 : 0;
  if (args.ids.size() != ids_needed) {
    throw ExitError{kUsage, args.pairs.empty()
                                ? "explain needs two article ids, got " +
                                      std::to_string(args.ids.size()) +
                                      ": --input FILE ID_A ID_B (repeat --input for more files)"
                                : "explain --pairs takes no article ids"};
  }
  if (ids_needed == 2) {
    args.id_a = args.ids[0];
    args.id_b = args.ids[1];
  }
  apply_cluster_args(args.options, args.strategy);
  std::vector<NamedPath> inputs = named_inputs("--input", args.inputs, &args.lexicon);
  if (!args.pairs.empty() && args.pairs != "-") inputs.push_back({"--pairs", args.pairs});
  check_outputs(inputs, {});
  args.options.features.keep_articles = true;
  Corpus corpus = read_inputs(args.inputs);
  Analyzer analyzer;
  const Model model = load_or_build_model(analyzer, args.lexicon, false);
  const Lexicon& lexicon = model.lexicon();
  Featurizer featurizer(model, args.options.features);
  featurizer.add(corpus.articles);
  featurizer.finish();
  std::vector<Article>().swap(corpus.articles);  // the featurizer keeps what explanations need
  std::optional<CrosslingualMap> dense_map;
  if (args.options.dense_map.enabled) dense_map = CrosslingualMap::learn(featurizer, args.options);
  const Explainer explainer{args, lexicon, featurizer, dense_map ? &*dense_map : nullptr};
  if (!args.pairs.empty()) return explain_pairs(explainer);
  auto find = [&](const std::string& id) {
    if (auto doc = featurizer.find(id)) return *doc;
    throw ExitError{kUsage, "no article with id '" + id + "' in the input"};
  };
  write_pair(explainer, find(args.id_a), find(args.id_b));
}

void add_explain_args(CLI::App& app, ExplainArgs& args) {
  add_repeatable_option(app, "--input", args.inputs,
                        "JSONL file, '-' for stdin, or directory of .txt files")
      ->required();
  app.add_option("ids", args.ids, "ID_A ID_B: the two article ids");
  app.add_option("--pairs", args.pairs,
                 "Explain every 'id_a<TAB>id_b' line of this file ('-': stdin), in order")
      ->excludes("ids");
  app.add_option("--format", args.format,
                 "text (for people; the default on a terminal) or json (one line per pair)")
      ->check(CLI::IsMember({"text", "json"}));
  add_number(app, "--top", args.top, "Shared features to list");
  add_cluster_options(app, args.options, args.strategy);
  add_dense_map_options(app, args.options.dense_map);
  add_lexicon_options(app, args.lexicon);
  add_model_options(app, args.lexicon, args.options.features.df);
}

}  // namespace

void register_explain(CLI::App& root) {
  add_command(
      root, "explain",
      "Explain the similarity of two articles: the concepts, names and words they share, with\n"
      "weights and where each link comes from (lexicon, freedict, pivot, learned, entity, word).\n"
      "Document frequencies come from all --input articles. Text for people when stdout is a\n"
      "terminal, else one JSON line per pair.\n\nExamples:\n"
      "  crossnews explain --input examples/data/articles.jsonl ex-001 ex-002\n"
      "  crossnews explain --input examples/data/articles.jsonl --top 5 ex-002 ex-004\n"
      "  printf 'ex-001\\tex-002\\n' | crossnews explain --input examples/data/articles.jsonl "
      "--pairs -",
      add_explain_args, run);
}

}  // namespace crossnews::cli
