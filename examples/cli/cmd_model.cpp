// crossnews model: build a model once (keyword map + background frequencies) for --model.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>
#include <sstream>

namespace crossnews::cli {

namespace {

struct ModelArgs {
  std::vector<std::string> backgrounds;
  std::string output;
  LexiconArgs lexicon;
  double min_df = 2.0;
  bool quiet = false;
};

// Counts every article of the --background inputs (JSONL, gzip or .txt folders) into `builder`;
// each rejected line is named on stderr with its reason (unless quiet). Returns how many were.
std::size_t add_background_inputs(ModelBuilder& builder, const std::vector<std::string>& inputs,
                                  bool quiet) {
  if (inputs.empty()) return 0;
  const Corpus corpus = read_inputs(inputs);
  builder.add_background(corpus.articles);
  if (!quiet) {
    for (const Rejected& r : corpus.rejected) {
      std::cerr << "crossnews: skipped " << r.source << ':' << r.line << ": " << r.reason << '\n';
    }
  }
  return corpus.rejected.size();
}

void run_build(const ModelArgs& args) {
  std::vector<NamedPath> inputs = named_inputs("--background", args.backgrounds, &args.lexicon);
  check_outputs(inputs, {{"-o", args.output}});
  AtomicOutput out({"-o", args.output});
  const Analyzer analyzer;
  ModelBuilder builder(analyzer);
  std::ostringstream warnings;
  add_lexicon_sources(builder.lexicon(), args.lexicon, freedicts_of(args.lexicon), warnings,
                      args.quiet);
  if (!args.quiet) std::cerr << warnings.str();
  if (!args.lexicon.no_builtin_background) builder.add_builtin_background();
  const std::size_t rejected = add_background_inputs(builder, args.backgrounds, args.quiet);
  const Model model = builder.build();
  model.save(out.stream());
  out.commit();
  if (args.quiet) return;
  JsonObject json(std::cerr);
  json.count("concepts", model.lexicon().concept_count());
  json.number("background_documents", builder.background_documents());
  json.count("rejected", rejected).close();
}

void run_background(const ModelArgs& args) {
  check_outputs(named_inputs("INPUT", args.backgrounds), {{"-o", args.output}});
  AtomicOutput out({"-o", args.output});
  const Analyzer analyzer;
  ModelBuilder builder(analyzer);
  const std::size_t rejected = add_background_inputs(builder, args.backgrounds, args.quiet);
  builder.write_background(out.stream(), args.min_df);
  out.commit();
  if (args.quiet) return;
  JsonObject json(std::cerr);
  json.number("documents", builder.background_documents()).count("rejected", rejected).close();
}

void add_build_args(CLI::App& app, ModelArgs& args) {
  add_lexicon_options(app, args.lexicon);
  app.add_flag("--no-builtin-background", args.lexicon.no_builtin_background,
               "Leave out the background frequencies compiled into crossnews");
  add_repeatable_option(app, "--background", args.backgrounds,
                        "Articles (JSONL, gzip, .txt folder) whose frequencies are added to the "
                        "background")
      ->check(existing_file_or_stdin());
  app.add_option("-o,--output", args.output, "The model file")->required();
  add_quiet_flag(app, args.quiet);
}

void add_background_args(CLI::App& app, ModelArgs& args) {
  app.add_option("INPUT", args.backgrounds, "Articles (JSONL, gzip, .txt folder)")
      ->required()
      ->check(existing_file_or_stdin());
  app.add_option("-o,--output", args.output, "The table, '-' for stdout")->required();
  app.add_option("--min-df", args.min_df, "Leave out terms in fewer documents (default 2)")
      ->check(CLI::Range(1.0, 1e12));
  add_quiet_flag(app, args.quiet);
}

}  // namespace

void register_model(CLI::App& root) {
  auto* model =
      root.add_subcommand("model", "Build a model once, for --model on cluster and explain");
  model->require_subcommand(1);
  add_command(*model, "build",
              "Build the keyword map (with the FreeDict dictionaries installed in --freedict-dir,\n"
              "unless --no-freedict) and the background document frequencies, and save them.\n\n"
              "Examples:\n"
              "  crossnews model build -o news.model\n"
              "  crossnews model build --no-freedict --freedict "
              "/usr/share/dictd/freedict-deu-ita.index --background examples/data/articles.jsonl "
              "-o news.model",
              add_build_args, run_build);
  add_command(*model, "background",
              "Count document frequencies of general text in the format compiled into crossnews "
              "(data/background/df.tsv; scripts/build_background.sh makes it).",
              add_background_args, run_background);
}

}  // namespace crossnews::cli
