// crossnews analyze: the terms crossnews sees in each article (like Elasticsearch's _analyze).

#include "common.hpp"
#include "json_writer.hpp"

#include <fstream>
#include <iostream>

namespace crossnews::cli {
namespace {

struct AnalyzeArgs {
  std::vector<std::string> inputs{"-"};
  std::string lang;
  bool text = false;
};

// Each term's source range locates it in its field of `article` (title or text): the words it
// was made of.
void print_analysis(std::ostream& out, const Article& article, const AnalyzedText& text) {
  JsonObject json(out);
  json.text("id", article.id).text("lang", text.lang).flag("lang_detected", text.lang_detected);
  if (text.truncated) json.flag("truncated", true);
  json.array("terms", text.terms, [&](std::ostream& item, const Term& t) {
    const std::string_view field = t.field == Field::title ? article.title : article.text;
    const std::size_t start = t.source, end = start + t.source_length;
    JsonObject term(item);
    term.text("t", text.text(t)).text("kind", to_string(t.kind)).text("field", to_string(t.field));
    term.text("surface", end <= field.size() ? field.substr(start, end - start) : "");
    term.count("start", start).count("end", end).close("");
  });
  json.close();
}

// With --text every non-empty line is one article; its id is "<source>:<line>".
std::vector<Article> read_text_lines(const std::vector<std::string>& inputs) {
  std::vector<Article> articles;
  for (const auto& input : inputs) {
    std::ifstream file;
    if (input != "-") {
      file.open(input, std::ios::binary);
      if (!file) throw ExitError{kUsage, "cannot read '" + input + "'"};
    }
    std::istream& in = input == "-" ? std::cin : file;
    std::string line;
    for (std::uint64_t n = 1; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      Article a;
      a.id = input + ":" + std::to_string(n);
      a.text = std::move(line);
      articles.push_back(std::move(a));
    }
  }
  return articles;
}

void add_analyze_args(CLI::App& app, AnalyzeArgs& args) {
  app.add_option("FILE", args.inputs, "JSONL files (or text with --text); '-' for stdin")
      ->capture_default_str();
  app.add_option("--lang", args.lang,
                 "Language of every article (ISO 639-1 code of a language crossnews analyses), "
                 "overriding the input")
      ->check(CLI::IsMember(Analyzer::supported_languages()));
  app.add_flag("--text", args.text, "Inputs are plain text, one article per line");
}

void run_analyze(const AnalyzeArgs& args) {
  std::vector<Article> articles;
  if (args.text) {
    articles = read_text_lines(args.inputs);
  } else {
    Corpus corpus = read_inputs(args.inputs);
    for (const auto& r : corpus.rejected) {
      std::cerr << "crossnews: rejected " << r.source << ":" << r.line << ": " << r.reason << '\n';
    }
    articles = std::move(corpus.articles);
  }
  Analyzer analyzer;
  auto worker = analyzer.worker();
  AnalyzedText text;
  for (auto& article : articles) {
    if (!args.lang.empty()) article.lang = args.lang;
    worker.analyze(article, text);
    print_analysis(std::cout, article, text);
  }
}

}  // namespace

void register_analyze(CLI::App& root) {
  add_command(
      root, "analyze",
      "Print the terms of each article as one JSON line:\n"
      "{\"id\":…, \"lang\":…, \"lang_detected\":…, \"terms\":[{\"t\":…, \"kind\":…, \"field\":…,\n"
      "\"surface\":…, \"start\":…, \"end\":…}]}\n"
      "kind is word, entity, number or compound_part; field is title or body; surface is the\n"
      "text the term was made of, at bytes [start, end) of that field.\n\nExamples:\n"
      "  crossnews analyze examples/data/articles.jsonl\n"
      "  echo 'Twitter sperrt Kaspersky für Werbung' | crossnews analyze --text --lang de",
      add_analyze_args, run_analyze);
}

}  // namespace crossnews::cli
