// crossnews explain: why two articles are (or are not) one story.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>

namespace crossnews::cli {

void register_explain(CLI::App& root) {
  struct Args {
    std::vector<std::string> inputs;
    std::vector<std::string> ids;
    std::string id_a, id_b;
    std::size_t top = 25;
    std::string mode = "batch";
    std::string strategy = "joint";
    ClusterOptions options;
    LexiconArgs lexicon;
  };
  auto args = std::make_shared<Args>();
  auto* app = root.add_subcommand(
      "explain",
      "Explain the similarity of two articles: the concepts, names and words they share, with\n"
      "weights and where each link comes from (lexicon, freedict, pivot, learned, entity, word).\n"
      "Document frequencies come from all --input articles.\n\nExamples:\n"
      "  crossnews explain --input examples/data/articles.jsonl ex-001 ex-002\n"
      "  crossnews explain --input examples/data/articles.jsonl --top 5 ex-002 ex-004");
  one_value_each(app->add_option("--input", args->inputs,
                                 "JSONL file, '-' for stdin, or directory of .txt files; one per "
                                 "option, repeatable"))
      ->required();
  app->add_option("ids", args->ids, "ID_A ID_B: the two article ids");
  app->add_option("--top", args->top, "Shared features to list")
      ->check(whole_number())
      ->capture_default_str();
  add_cluster_options(*app, args->options, args->mode, args->strategy);
  add_lexicon_options(*app, args->lexicon);
  app->callback([args] {
    if (args->ids.size() != 2) {
      throw ExitError{kUsage, "explain needs two article ids, got " +
                                  std::to_string(args->ids.size()) +
                                  ": --input FILE ID_A ID_B (repeat --input for more files)"};
    }
    args->id_a = args->ids[0];
    args->id_b = args->ids[1];
    apply_cluster_args(args->options, args->mode, args->strategy);
    check_outputs(named_inputs("--input", args->inputs, &args->lexicon), {});
    Corpus corpus = read_inputs(args->inputs);
    auto find = [&](const std::string& id) {
      for (std::size_t i = 0; i < corpus.articles.size(); ++i) {
        if (corpus.articles[i].id == id) return i;
      }
      throw ExitError{kUsage, "no article with id '" + id + "' in the input"};
    };
    const std::size_t a = find(args->id_a), b = find(args->id_b);
    Analyzer analyzer;
    const Lexicon lexicon = build_lexicon(analyzer, args->lexicon, false);
    Featurizer featurizer(analyzer, &lexicon, args->options.features);
    featurizer.add(corpus.articles);
    featurizer.finish();
    const LinkExplanation link = explain_link(featurizer, &lexicon, corpus.articles[a], a,
                                              corpus.articles[b], b, args->options);
    auto& out = std::cout;
    out << "{\"a\":";
    write_json_string(out, args->id_a);
    out << ",\"b\":";
    write_json_string(out, args->id_b);
    out << ",\"lang_a\":";
    write_json_string(out, featurizer.language(featurizer.features(a).lang_slot));
    out << ",\"lang_b\":";
    write_json_string(out, featurizer.language(featurizer.features(b).lang_slot));
    out << ",\"similarity\":";
    write_json_number(out, link.similarity);
    out << ",\"content\":";
    write_json_number(out, link.content);
    out << ",\"names\":";
    write_json_number(out, link.names);
    out << ",\"time_factor\":";
    write_json_number(out, link.time_factor);
    out << ",\"same_story\":" << (link.similarity >= args->options.threshold ? "true" : "false");
    out << ",\"shared\":[";
    for (std::size_t i = 0; i < link.shared.size() && i < args->top; ++i) {
      const auto& s = link.shared[i];
      if (i) out << ',';
      out << "{\"concept\":";
      write_json_string(out, s.concept_name);
      out << ",\"terms\":";
      write_json_object(out, s.terms);
      out << ",\"weight\":";
      write_json_number(out, s.weight);
      out << ",\"source\":";
      write_json_string(out, s.source);
      out << '}';
    }
    out << "]}\n";
  });
}

}  // namespace crossnews::cli
