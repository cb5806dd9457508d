// crossnews eval: score a prediction against gold story labels.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>

namespace crossnews::cli {

void register_eval(CLI::App& root) {
  struct Args {
    std::string gold;
    std::string predicted;
  };
  auto args = std::make_shared<Args>();
  auto* app = root.add_subcommand(
      "eval",
      "Score predicted stories against gold labels: B-cubed, pairwise and cross-lingual pairwise\n"
      "precision, recall and F1, as one JSON line.\n\nExamples:\n"
      "  crossnews eval --gold examples/data/articles.jsonl assign.tsv\n"
      "  crossnews cluster news.jsonl | crossnews eval --gold news.jsonl -");
  app->add_option("--gold", args->gold, "JSONL with id, story and lang")->required();
  app->add_option("PRED", args->predicted, "TSV id<TAB>story from crossnews cluster")->required();
  app->callback([args] {
    ClusteringScores s;
    try {
      s = evaluate_files(args->gold, args->predicted);
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    } catch (const InputError& e) {
      throw ExitError{kFailure, e.what()};
    }
    auto& out = std::cout;
    out << "{\"n\":" << s.n << ",\"gold_stories\":" << s.gold_stories
        << ",\"pred_stories\":" << s.pred_stories;
    const std::pair<const char*, double> fields[] = {
        {"bcubed_precision", s.bcubed_precision},
        {"bcubed_recall", s.bcubed_recall},
        {"bcubed_f1", s.bcubed_f1},
        {"pairwise_precision", s.pairwise_precision},
        {"pairwise_recall", s.pairwise_recall},
        {"pairwise_f1", s.pairwise_f1},
        {"crosslingual_precision", s.crosslingual_precision},
        {"crosslingual_recall", s.crosslingual_recall},
        {"crosslingual_f1", s.crosslingual_f1}};
    for (const auto& [name, value] : fields) {
      out << ",\"" << name << "\":";
      write_json_number(out, value);
    }
    out << "}\n";
  });
}

}  // namespace crossnews::cli
