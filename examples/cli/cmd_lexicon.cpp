// crossnews lexicon: import dictionaries and measure the keyword map.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>

namespace crossnews::cli {

namespace {

void register_import_freedict(CLI::App& lexicon) {
  struct ImportArgs {
    std::string index;
    std::string output = "-";
    FreeDictOptions options;
    bool quiet = false;
  };
  auto import_args = std::make_shared<ImportArgs>();
  auto* import = lexicon.add_subcommand(
      "import-freedict",
      "Convert a FreeDict dictionary (dictd .index + .dict.dz) into pairs TSV:\n"
      "lang_a<TAB>term_a<TAB>lang_b<TAB>term_b<TAB>weight\n\nExamples:\n"
      "  crossnews lexicon import-freedict /usr/share/dictd/freedict-deu-ita.index -o de-it.tsv\n"
      "  crossnews lexicon import-freedict -q --from de --to it "
      "/usr/share/dictd/freedict-deu-ita.index");
  import->add_option("INDEX", import_args->index, "FreeDict .index file")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("-o,--output", import_args->output, "Pairs TSV, '-' for stdout (default)");
  import->add_option("--from", import_args->options.lang_from,
                     "Language of the headwords (ISO 639-1), for an index not named "
                     "freedict-<from>-<to>.index");
  import->add_option("--to", import_args->options.lang_to,
                     "Language of the translations (ISO 639-1), with --from");
  import->add_flag("-q,--quiet", import_args->quiet, "Print nothing on stderr but errors");
  import->callback([import_args] {
    check_outputs({{"INDEX", import_args->index}}, {{"-o", import_args->output}});
  AtomicOutput out({"-o", import_args->output});
  FreeDict dict;
  try {
    dict = read_freedict(import_args->index, import_args->options);
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  } catch (const InputError&) {
    throw ExitError{kUsage, "'" + import_args->index + "': " + kFreeDictNaming +
                                "; or give the languages with --from and --to"};
  }
  write_pairs_tsv(out.stream(), dict);
  out.commit();
  if (import_args->quiet) return;
  std::cerr << "{\"entries\":" << dict.entries.size() << ",\"lang_from\":\"" << dict.lang_from
            << "\",\"lang_to\":\"" << dict.lang_to << "\"}\n";
});
}  // namespace

void register_learn(CLI::App& lexicon) {
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
  auto learn_args = std::make_shared<LearnArgs>();
  auto* learn = lexicon.add_subcommand(
      "learn",
      "Cluster the input, then learn term pairs from articles of different languages linked with\n"
      "high confidence (co-occurrence across linked pairs, and cognates among words no concept\n"
      "covers). Writes pairs TSV with scores, ready for --lexicon.\n\nExamples:\n"
      "  crossnews lexicon learn --input news.jsonl -o learned.tsv\n"
      "  crossnews cluster --lexicon learned.tsv news.jsonl");
  one_value_each(learn->add_option("--input", learn_args->inputs,
                                   "JSONL file, '-' for stdin, or directory; one per option, "
                                   "repeatable"))
      ->required();
  learn->add_option("-o,--output", learn_args->output,
                    "Learned pairs TSV, '-' for stdout (default)");
  learn
      ->add_option("--min-similarity", learn_args->min_similarity,
                   "Only article pairs at least this similar teach pairs, in [0, 1]")
      ->check(finite_number() & CLI::Range(0.0, 1.0))
      ->capture_default_str();
  learn
      ->add_option("--min-count", learn_args->min_count,
                   "Linked article pairs a term pair must appear in")
      ->check(whole_number())
      ->capture_default_str();
  learn->add_flag("-q,--quiet", learn_args->quiet,
                  "Print nothing on stderr but errors: no skipped lexicon lines, no summary");
  add_cluster_options(*learn, learn_args->options, learn_args->strategy);
  add_lexicon_options(*learn, learn_args->lexicon);
  learn->callback([learn_args] {
    auto& a = *learn_args;
    apply_cluster_args(a.options, a.strategy);
    check_outputs(named_inputs("--input", a.inputs, &a.lexicon), {{"-o", a.output}});
    AtomicOutput out({"-o", a.output});
    Corpus corpus = read_inputs(a.inputs);
    Analyzer analyzer;
    const Lexicon lexicon = build_lexicon(analyzer, a.lexicon, a.quiet);
    BatchClusterer clusterer(analyzer, &lexicon, a.options);
    clusterer.add(corpus.articles);
    const ClusteringResult result = clusterer.run();
    const auto pairs = learn_pairs(clusterer.featurizer(), result.assignment, a.options,
                                   a.min_similarity, a.min_count);
    write_learned_tsv(out.stream(), pairs);
    out.commit();
    if (a.quiet) return;
    std::cerr << "{\"articles\":" << corpus.articles.size() << ",\"pairs\":" << pairs.size()
              << "}\n";
  });
}

void register_stats(CLI::App& lexicon) {
  struct StatsArgs {
    std::vector<std::string> inputs;
    LexiconArgs lexicon;
  };
  auto stats_args = std::make_shared<StatsArgs>();
  auto* stats = lexicon.add_subcommand(
      "stats",
      "Print, as one JSON line, the concepts linking each language pair and, with --input, the\n"
      "share of each language's word tokens that map to a concept.\n\nExamples:\n"
      "  crossnews lexicon stats\n"
      "  crossnews lexicon stats --input examples/data/articles.jsonl");
  one_value_each(stats->add_option("--input", stats_args->inputs,
                                   "JSONL file, '-' for stdin, or directory to measure; one per "
                                   "option, repeatable"));
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
}

void register_audit(CLI::App& lexicon) {
  struct AuditArgs {
    std::vector<std::string> inputs;
    std::vector<std::string> lexicons;
    bool no_builtin = false;
    bool check = false;
    std::size_t min_count = 3;
  };
  auto args = std::make_shared<AuditArgs>();
  auto* audit = lexicon.add_subcommand(
      "audit",
      "List keyword-map rows whose senses may be wrong, one JSON line each: terms the forms of\n"
      "several concepts analyse to (shared_term), multi-word forms holding another concept's\n"
      "form (phrase_contains) and, with --input, words used --min-count times or more whose stem\n"
      "is a form's but which are other words (stem_collision). With --check, findings exit 1.\n"
      "\n"
      "Examples:\n"
      "  crossnews lexicon audit --input examples/data/articles.jsonl\n"
      "  crossnews lexicon audit --check --min-count 5 --input news.jsonl || echo \"findings remain\"");
  one_value_each(audit->add_option("--input", args->inputs,
                                   "JSONL file or directory whose words are checked against the "
                                   "forms; one per option, repeatable"));
  one_value_each(audit->add_option("--lexicon", args->lexicons,
                                   "Keyword-map TSV to audit as well; one per option, repeatable"));
  audit->add_flag("--no-builtin", args->no_builtin, "Audit only the --lexicon files");
  audit->add_flag("--check", args->check, "Exit 1 when there are findings (for scripts and CI)");
  audit->add_option("--min-count", args->min_count, "Uses that make a word frequent")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  audit->callback([args] {
    std::vector<NamedPath> inputs = named_inputs("--input", args->inputs, nullptr);
    for (const auto& path : args->lexicons) inputs.push_back({"--lexicon", path});
    check_outputs(inputs, {});
    Analyzer analyzer;
    LexiconBuilder builder(analyzer);
    if (!args->no_builtin) (void)builder.add_builtin();
    for (const auto& path : args->lexicons) {
      try {
        (void)builder.load_tsv(path);
      } catch (const IoError& e) {
        throw ExitError{kUsage, e.what()};
      }
    }
    Corpus corpus;
    if (!args->inputs.empty()) corpus = read_inputs(args->inputs);
    const auto findings = builder.audit(corpus.articles, args->min_count);
    for (const LexiconFinding& f : findings) {
      std::cout << "{\"kind\":\"" << to_string(f.kind) << "\",\"lang\":";
      write_json_string(std::cout, f.lang);
      std::cout << ",\"term\":";
      write_json_string(std::cout, f.term);
      std::cout << ",\"concepts\":";
      write_json_array(std::cout, f.concepts);
      std::cout << ",\"forms\":";
      write_json_array(std::cout, f.forms);
      std::cout << "}\n";
    }
    if (args->check && !findings.empty()) {
      throw ExitError{kFailure, std::to_string(findings.size()) + " findings"};
    }
  });
}

}  // namespace crossnews::cli

void register_lexicon(CLI::App& root) {
  auto* app = root.add_subcommand(
      "lexicon",
      "Work with the bilingual keyword map.\n\nExamples:\n"
      "  crossnews lexicon import-freedict /usr/share/dictd/freedict-deu-ita.index -o de-it.tsv\n"
      "  crossnews lexicon stats --input examples/data/articles.jsonl");
  app->require_subcommand(1);
  register_import_freedict(*app);
  register_learn(*app);
  register_stats(*app);
  register_audit(*app);
}

}  // namespace crossnews::cli
