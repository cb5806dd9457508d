// crossnews eval: score a prediction against gold story labels.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>

namespace crossnews::cli {

namespace {

struct EvalArgs {
  std::string gold;
  std::string predicted;
  bool allow_missing = false;
};

void print_scores(std::ostream& out, const ClusteringScores& s) {
  JsonObject json(out);
  json.count("n", s.n).count("gold_stories", s.gold_stories).count("pred_stories", s.pred_stories);
  for (const ScoreRatio& ratio : kScoreRatios) json.number(ratio.name, s.*ratio.value);
  json.count("missing", s.missing).count("extra", s.extra).count("duplicate", s.duplicate);
  json.count("gold_skipped_lines", s.gold_skipped_lines).close();
}

void add_eval_args(CLI::App& app, EvalArgs& args) {
  app.add_option("--gold", args.gold, "JSONL with id, story and lang; '-' for stdin")->required();
  app.add_option("PRED", args.predicted, "TSV id<TAB>story from crossnews cluster; '-' for stdin")
      ->required();
  app.add_flag("--allow-missing", args.allow_missing,
               "Score a prediction that covers only part of the gold file (exit 0)");
}

void run_eval(const EvalArgs& args) {
  if (args.gold == "-" && args.predicted == "-") {
    throw ExitError{kUsage, "--gold ('-') and PRED ('-') cannot both read stdin"};
  }
  // The library reads files by name; stdin has one.
  const auto path = [](const std::string& name) { return name == "-" ? "/dev/stdin" : name; };
  ClusteringScores s;
  try {
    s = evaluate_files(path(args.gold), path(args.predicted));
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  } catch (const InputError& e) {
    throw ExitError{kFailure, e.what()};
  }
  if (s.n == 0) {
    throw ExitError{kFailure, "the gold file '" + args.gold +
                                  "' has no article with an id and a story (" +
                                  std::to_string(s.gold_skipped_lines) + " lines skipped)"};
  }
  print_scores(std::cout, s);
  if (s.missing > 0 && !args.allow_missing) {
    throw ExitError{kFailure, "the prediction '" + args.predicted + "' lacks " +
                                  std::to_string(s.missing) + " of the " + std::to_string(s.n) +
                                  " gold articles; --allow-missing scores it anyway"};
  }
}

}  // namespace

void register_eval(CLI::App& root) {
  add_command(
      root, "eval",
      "Score predicted stories against gold labels: B-cubed, pairwise and cross-lingual pairwise\n"
      "precision, recall and F1, as one JSON line, with the counts of gold articles missing from\n"
      "the prediction, prediction lines whose id is not in gold (extra) and repeated ids\n"
      "(duplicate; the first line wins). A prediction missing gold articles exits 1 after\n"
      "printing the scores, unless --allow-missing (each missing article then scores alone).\n\n"
      "Examples:\n"
      "  crossnews eval --gold examples/data/articles.jsonl assign.tsv\n"
      "  crossnews cluster -q news.jsonl | crossnews eval --gold news.jsonl -",
      add_eval_args, run_eval);
}

}  // namespace crossnews::cli
