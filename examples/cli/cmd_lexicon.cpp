// crossnews lexicon: import dictionaries and measure the keyword map.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>

namespace crossnews::cli {

namespace {

struct ImportArgs {
  std::string index;
  std::string output = "-";
  FreeDictOptions options;
  bool quiet = false;
};

void run_import_freedict(const ImportArgs& args) {
  check_outputs({{"INDEX", args.index}}, {{"-o", args.output}});
  AtomicOutput out({"-o", args.output});
  FreeDict dict;
  try {
    dict = read_freedict(args.index, args.options);
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  } catch (const InputError&) {
    throw ExitError{kUsage, "'" + args.index + "': " + kFreeDictNaming +
                                "; or give the languages with --from and --to"};
  }
  write_pairs_tsv(out.stream(), dict);
  out.commit();
  if (args.quiet) return;
  JsonObject summary(std::cerr);
  summary.count("entries", dict.entries.size()).text("lang_from", dict.lang_from);
  summary.text("lang_to", dict.lang_to).close();
}

void add_import_args(CLI::App& app, ImportArgs& args) {
  app.add_option("INDEX", args.index, "FreeDict .index file")->required()->check(CLI::ExistingFile);
  app.add_option("-o,--output", args.output, "Pairs TSV, '-' for stdout (default)");
  app.add_option("--from", args.options.lang_from,
                 "Language of the headwords (ISO 639-1), for an index not named "
                 "freedict-<from>-<to>.index");
  app.add_option("--to", args.options.lang_to,
                 "Language of the translations (ISO 639-1), with --from");
  add_quiet_flag(app, args.quiet);
}

struct LearnArgs {
  std::vector<std::string> inputs;
  std::string output = "-";
  float min_similarity = 0.5f;
  std::size_t min_count = 2;
  bool quiet = false;
  std::string strategy = "joint";
  ClusterOptions options;
  LexiconArgs lexicon;
};

void run_learn(LearnArgs& args) {
  apply_cluster_args(args.options, args.strategy);
  check_outputs(named_inputs("--input", args.inputs, &args.lexicon), {{"-o", args.output}});
  AtomicOutput out({"-o", args.output});
  Corpus corpus = read_inputs(args.inputs);
  Analyzer analyzer;
  const Model model = load_or_build_model(analyzer, args.lexicon, args.quiet);
  const Lexicon& lexicon = model.lexicon();
  BatchClusterer clusterer(analyzer, &lexicon, args.options);
  clusterer.add(corpus.articles);
  const ClusteringResult result = clusterer.run();
  const auto pairs = learn_pairs(clusterer.featurizer(), result.assignment, args.options,
                                 args.min_similarity, args.min_count);
  write_learned_tsv(out.stream(), pairs);
  out.commit();
  if (args.quiet) return;
  JsonObject summary(std::cerr);
  summary.count("articles", corpus.articles.size()).count("pairs", pairs.size()).close();
}

void add_learn_args(CLI::App& app, LearnArgs& args) {
  add_repeatable_option(app, "--input", args.inputs, "JSONL file, '-' for stdin, or directory")
      ->required();
  app.add_option("-o,--output", args.output, "Learned pairs TSV, '-' for stdout (default)");
  app.add_option("--min-similarity", args.min_similarity,
                 "Only article pairs at least this similar teach pairs, in [0, 1]")
      ->check(finite_number() & CLI::Range(0.0, 1.0))
      ->capture_default_str();
  add_number(app, "--min-count", args.min_count, "Linked article pairs a term pair must appear in");
  add_quiet_flag(app, args.quiet, "no skipped lexicon lines, no summary");
  add_cluster_options(app, args.options, args.strategy);
  add_dense_map_options(app, args.options.dense_map);
  add_lexicon_options(app, args.lexicon);
}

struct StatsArgs {
  std::vector<std::string> inputs;
  LexiconArgs lexicon;
};

void run_stats(const StatsArgs& args) {
  Analyzer analyzer;
  const Model model = load_or_build_model(analyzer, args.lexicon, false);
  const Lexicon& lexicon = model.lexicon();
  JsonObject json(std::cout);
  json.count("concepts", lexicon.concept_count());
  json.array("pairs", lexicon.pair_stats(), [](std::ostream& item, const Lexicon::PairStats& p) {
    JsonObject pair(item);
    pair.text("a", p.lang_a).text("b", p.lang_b).count("concepts", p.concepts).close("");
  });
  if (!args.inputs.empty()) {
    Corpus corpus = read_inputs(args.inputs);
    Featurizer featurizer(analyzer, &lexicon);
    featurizer.add(corpus.articles);
    json.count("articles", corpus.articles.size());
    const auto write_coverage = [](std::ostream& item, const Featurizer::Coverage& c) {
      JsonObject language(item);
      language.text("lang", c.lang).count("tokens", c.tokens).count("mapped", c.mapped);
      language.number("share", c.tokens ? double(c.mapped) / double(c.tokens) : 0.0).close("");
    };
    json.array("coverage", featurizer.coverage(), write_coverage);
  }
  json.close();
}

void add_stats_args(CLI::App& app, StatsArgs& args) {
  add_repeatable_option(app, "--input", args.inputs,
                        "JSONL file, '-' for stdin, or directory to measure");
  add_lexicon_options(app, args.lexicon);
}

struct AuditArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> lexicons;
  bool no_builtin = false;
  bool check = false;
  std::size_t min_count = 3;
};

void run_audit(const AuditArgs& args) {
  std::vector<NamedPath> inputs = named_inputs("--input", args.inputs, nullptr);
  for (const auto& path : args.lexicons) inputs.push_back({"--lexicon", path});
  check_outputs(inputs, {});
  Analyzer analyzer;
  LexiconBuilder builder(analyzer);
  if (!args.no_builtin) (void)builder.add_builtin();
  for (const auto& path : args.lexicons) {
    try {
      (void)builder.load_tsv(path);
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    }
  }
  Corpus corpus;
  if (!args.inputs.empty()) corpus = read_inputs(args.inputs);
  const auto findings = builder.audit(corpus.articles, args.min_count);
  for (const LexiconFinding& f : findings) {
    JsonObject finding(std::cout);
    finding.text("kind", to_string(f.kind)).text("lang", f.lang).text("term", f.term);
    finding.array("concepts", f.concepts, write_json_string);
    finding.array("forms", f.forms, write_json_string).close();
  }
  if (args.check && !findings.empty()) {
    throw ExitError{kFailure, std::to_string(findings.size()) + " findings"};
  }
}

void add_audit_args(CLI::App& app, AuditArgs& args) {
  add_repeatable_option(app, "--input", args.inputs,
                        "JSONL file or directory whose words are checked against the forms");
  add_repeatable_option(app, "--lexicon", args.lexicons, "Keyword-map TSV to audit as well");
  app.add_flag("--no-builtin", args.no_builtin, "Audit only the --lexicon files");
  app.add_flag("--check", args.check, "Exit 1 when there are findings (for scripts and CI)");
  app.add_option("--min-count", args.min_count, "Uses that make a word frequent")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

}  // namespace

void register_lexicon(CLI::App& root) {
  auto* app = root.add_subcommand(
      "lexicon",
      "Work with the bilingual keyword map.\n\nExamples:\n"
      "  crossnews lexicon import-freedict /usr/share/dictd/freedict-deu-ita.index -o de-it.tsv\n"
      "  crossnews lexicon stats --input examples/data/articles.jsonl");
  app->require_subcommand(1);
  add_command(
      *app, "import-freedict",
      "Convert a FreeDict dictionary (dictd .index + .dict.dz) into pairs TSV:\n"
      "lang_a<TAB>term_a<TAB>lang_b<TAB>term_b<TAB>weight\n\nExamples:\n"
      "  crossnews lexicon import-freedict /usr/share/dictd/freedict-deu-ita.index -o de-it.tsv\n"
      "  crossnews lexicon import-freedict -q --from de --to it "
      "/usr/share/dictd/freedict-deu-ita.index",
      add_import_args, run_import_freedict);
  add_command(
      *app, "learn",
      "Cluster the input, then learn term pairs from articles of different languages linked with\n"
      "high confidence (co-occurrence across linked pairs, and cognates among words no concept\n"
      "covers). Writes pairs TSV with scores, ready for --lexicon.\n\nExamples:\n"
      "  crossnews lexicon learn --input news.jsonl -o learned.tsv\n"
      "  crossnews cluster --lexicon learned.tsv news.jsonl",
      add_learn_args, run_learn);
  add_command(
      *app, "stats",
      "Print, as one JSON line, the concepts linking each language pair and, with --input, the\n"
      "share of each language's word tokens that map to a concept.\n\nExamples:\n"
      "  crossnews lexicon stats\n"
      "  crossnews lexicon stats --input examples/data/articles.jsonl",
      add_stats_args, run_stats);
  add_command(
      *app, "audit",
      "List keyword-map rows whose senses may be wrong, one JSON line each: terms the forms of\n"
      "several concepts analyse to (shared_term), multi-word forms holding another concept's\n"
      "form (phrase_contains) and, with --input, words used --min-count times or more whose stem\n"
      "is a form's but which are other words (stem_collision). With --check, findings exit 1.\n"
      "\n"
      "Examples:\n"
      "  crossnews lexicon audit --input examples/data/articles.jsonl\n"
      "  crossnews lexicon audit --check --min-count 5 --input news.jsonl || echo "
      "\"findings remain\"",
      add_audit_args, run_audit);
}

}  // namespace crossnews::cli
