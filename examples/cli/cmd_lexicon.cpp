// crossnews lexicon: import dictionaries and measure the keyword map.

#include "common.hpp"
#include "json_writer.hpp"

#include <fstream>
#include <iostream>

namespace crossnews::cli {

void register_lexicon(CLI::App& root) {
  auto* app = root.add_subcommand(
      "lexicon",
      "Work with the bilingual keyword map.\n\nExamples:\n"
      "  crossnews lexicon import-freedict /usr/share/dictd/freedict-deu-ita.index -o de-it.tsv\n"
      "  crossnews lexicon stats --input examples/data/articles.jsonl");
  app->require_subcommand(1);

  struct ImportArgs {
    std::string index;
    std::string output = "-";
  };
  auto import_args = std::make_shared<ImportArgs>();
  auto* import = app->add_subcommand(
      "import-freedict",
      "Convert a FreeDict dictionary (dictd .index + .dict.dz) into pairs TSV:\n"
      "lang_a<TAB>term_a<TAB>lang_b<TAB>term_b<TAB>weight");
  import->add_option("INDEX", import_args->index, "FreeDict .index file")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("-o,--output", import_args->output, "Pairs TSV (default: stdout)");
  import->callback([import_args] {
    FreeDict dict;
    try {
      dict = read_freedict(import_args->index);
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    }
    std::ofstream file;
    if (import_args->output != "-") {
      file.open(import_args->output, std::ios::binary | std::ios::trunc);
      if (!file) throw ExitError{kFailure, "cannot write '" + import_args->output + "'"};
    }
    std::ostream& out = import_args->output == "-" ? std::cout : file;
    write_pairs_tsv(out, dict);
    if (!out.flush()) throw ExitError{kFailure, "writing the pairs failed"};
    std::cerr << "{\"entries\":" << dict.entries.size() << ",\"lang_from\":\"" << dict.lang_from
              << "\",\"lang_to\":\"" << dict.lang_to << "\"}\n";
  });

  struct LearnArgs {
    std::vector<std::string> inputs;
    std::string output = "-";
    float min_similarity = 0.5f;
    std::size_t min_count = 2;
    std::string mode = "batch";
    std::string strategy = "joint";
    ClusterOptions options;
    LexiconArgs lexicon;
  };
  auto learn_args = std::make_shared<LearnArgs>();
  auto* learn = app->add_subcommand(
      "learn",
      "Cluster the input, then learn term pairs from articles of different languages linked with\n"
      "high confidence (co-occurrence across linked pairs, and cognates among words no concept\n"
      "covers). Writes pairs TSV with scores, ready for --lexicon.\n\nExample:\n"
      "  crossnews lexicon learn --input news.jsonl -o learned.tsv\n"
      "  crossnews cluster --lexicon learned.tsv news.jsonl");
  learn->add_option("--input", learn_args->inputs, "JSONL files or directories")->required();
  learn->add_option("-o,--output", learn_args->output, "Learned pairs TSV (default: stdout)");
  learn->add_option("--min-similarity", learn_args->min_similarity,
                    "Only article pairs at least this similar teach pairs")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  learn->add_option("--min-count", learn_args->min_count,
                    "Linked article pairs a term pair must appear in")
      ->capture_default_str();
  add_cluster_options(*learn, learn_args->options, learn_args->mode, learn_args->strategy);
  add_lexicon_options(*learn, learn_args->lexicon);
  learn->callback([learn_args] {
    auto& a = *learn_args;
    apply_mode(a.options, a.mode, a.strategy);
    std::ofstream file;
    if (a.output != "-") {
      file.open(a.output, std::ios::binary | std::ios::trunc);
      if (!file) throw ExitError{kFailure, "cannot write '" + a.output + "'"};
    }
    Corpus corpus = read_inputs(a.inputs);
    Analyzer analyzer;
    const Lexicon lexicon = build_lexicon(analyzer, a.lexicon, false);
    BatchClusterer clusterer(analyzer, &lexicon, a.options);
    clusterer.add(corpus.articles);
    const ClusteringResult result = clusterer.run();
    const auto pairs = learn_pairs(clusterer.featurizer(), result.assignment, a.options,
                                   a.min_similarity, a.min_count);
    std::ostream& out = a.output == "-" ? std::cout : file;
    write_learned_tsv(out, pairs);
    if (!out.flush()) throw ExitError{kFailure, "writing the learned pairs failed"};
    std::cerr << "{\"articles\":" << corpus.articles.size() << ",\"pairs\":" << pairs.size()
              << "}\n";
  });

  struct StatsArgs {
    std::vector<std::string> inputs;
    LexiconArgs lexicon;
  };
  auto stats_args = std::make_shared<StatsArgs>();
  auto* stats = app->add_subcommand(
      "stats",
      "Print, as one JSON line, the concepts linking each language pair and, with --input, the\n"
      "share of each language's word tokens that map to a concept.");
  stats->add_option("--input", stats_args->inputs, "JSONL files or directories to measure");
  add_lexicon_options(*stats, stats_args->lexicon);
  stats->callback([stats_args] {
    Analyzer analyzer;
    const Lexicon lexicon = build_lexicon(analyzer, stats_args->lexicon, false);
    auto& out = std::cout;
    out << "{\"concepts\":" << lexicon.concept_count() << ",\"pairs\":[";
    const auto pairs = lexicon.pair_stats();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (i) out << ',';
      out << "{\"a\":\"" << pairs[i].lang_a << "\",\"b\":\"" << pairs[i].lang_b
          << "\",\"concepts\":" << pairs[i].concepts << '}';
    }
    out << ']';
    if (!stats_args->inputs.empty()) {
      Corpus corpus = read_inputs(stats_args->inputs);
      Featurizer featurizer(analyzer, &lexicon);
      featurizer.add(corpus.articles);
      out << ",\"articles\":" << corpus.articles.size() << ",\"coverage\":[";
      const auto coverage = featurizer.coverage();
      for (std::size_t i = 0; i < coverage.size(); ++i) {
        const auto& c = coverage[i];
        if (i) out << ',';
        out << "{\"lang\":";
        write_json_string(out, c.lang);
        out << ",\"tokens\":" << c.tokens << ",\"mapped\":" << c.mapped << ",\"share\":";
        write_json_number(out, c.tokens ? double(c.mapped) / double(c.tokens) : 0.0);
        out << '}';
      }
      out << ']';
    }
    out << "}\n";
  });

  struct AuditArgs {
    std::vector<std::string> inputs;
    std::vector<std::string> lexicons;
    bool no_builtin = false;
    std::size_t min_count = 3;
  };
  auto audit_args = std::make_shared<AuditArgs>();
  auto* audit = app->add_subcommand(
      "audit",
      "List keyword-map rows whose senses may be wrong, one JSON line each: terms the forms of\n"
      "several concepts analyse to (shared_term), multi-word forms holding another concept's\n"
      "form (phrase_contains) and, with --input, words used --min-count times or more whose stem\n"
      "is a form's but which are other words (stem_collision). Exit 1 when there are findings.\n"
      "\n"
      "Examples:\n"
      "  crossnews lexicon audit\n"
      "  crossnews lexicon audit --lexicon mine.tsv --input examples/data/articles.jsonl");
  audit->add_option("--input", audit_args->inputs, "JSONL files or directories to check against");
  audit->add_option("--lexicon", audit_args->lexicons, "Lexicon TSV files to audit as well");
  audit->add_flag("--no-builtin", audit_args->no_builtin, "Audit only the --lexicon files");
  audit->add_option("--min-count", audit_args->min_count, "Uses that make a word frequent")
      ->check(CLI::PositiveNumber);
  audit->callback([audit_args] {
    Analyzer analyzer;
    LexiconBuilder builder(analyzer);
    if (!audit_args->no_builtin) (void)builder.add_builtin();
    for (const auto& path : audit_args->lexicons) {
      try {
        (void)builder.load_tsv(path);
      } catch (const IoError& e) {
        throw ExitError{kUsage, e.what()};
      }
    }
    Corpus corpus;
    if (!audit_args->inputs.empty()) corpus = read_inputs(audit_args->inputs);
    const auto findings = builder.audit(corpus.articles, audit_args->min_count);
    const auto write_list = [](const std::vector<std::string>& list) {
      std::cout << '[';
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i) std::cout << ',';
        write_json_string(std::cout, list[i]);
      }
      std::cout << ']';
    };
    for (const LexiconFinding& f : findings) {
      std::cout << "{\"kind\":\"" << to_string(f.kind) << "\",\"lang\":";
      write_json_string(std::cout, f.lang);
      std::cout << ",\"term\":";
      write_json_string(std::cout, f.term);
      std::cout << ",\"concepts\":";
      write_list(f.concepts);
      std::cout << ",\"forms\":";
      write_list(f.forms);
      std::cout << "}\n";
    }
    if (!findings.empty()) throw ExitError{kFailure, std::to_string(findings.size()) + " findings"};
  });
}

}  // namespace crossnews::cli
