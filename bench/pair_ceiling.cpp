// How far can crossnews' pair similarity separate same-story cross-lingual pairs from the rest,
// whatever the clustering does with it? Scores every cross-lingual pair of a gold file with the
// similarity `crossnews cluster` uses (built-in keyword map, the installed FreeDict dictionaries
// with the English pivot, the shipped background), then prints, as one JSON line, the
// cross-lingual pairwise precision, recall and F1 of linking exactly the pairs at or above the
// clustering threshold, and of the best single threshold chosen with the gold labels: what any
// method that decides each pair by this similarity alone can reach. A clustering can do better
// only through chains: where every linked story is one pair (Wikinews), a chain that gains a true
// pair runs through an article of another story and brings a false cross-lingual pair with it.
// --show N lists the N pairs ranked highest and the ranks of every gold pair, so one sees which
// pairs of other stories outrank them.
//   pair_ceiling GOLD.jsonl [--no-freedict] [--show N]
#include <crossnews/crossnews.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

using namespace crossnews;

namespace {

struct ScoredPair {
  float similarity;
  bool same_story;
  DocId a, b;
};

struct Figures {
  double precision = 0, recall = 0, f1 = 0;
};

Figures figures(std::size_t true_pairs, std::size_t linked, std::size_t gold) {
  Figures out;
  if (linked > 0) out.precision = double(true_pairs) / double(linked);
  if (gold > 0) out.recall = double(true_pairs) / double(gold);
  if (out.precision + out.recall > 0) {
    out.f1 = 2 * out.precision * out.recall / (out.precision + out.recall);
  }
  return out;
}

Model build_model(const Analyzer& analyzer, bool freedict) {
  ModelBuilder builder(analyzer);
  (void)builder.lexicon().add_builtin();
  if (freedict) {
    const std::vector<std::string> dictionaries = find_freedicts("/usr/share/dictd");
    for (const auto& path : dictionaries) (void)builder.lexicon().load_freedict(path);
    if (!dictionaries.empty()) builder.lexicon().compose_pivot("en");
  }
  builder.add_builtin_background();
  return builder.build();
}

std::string shown(const Article& article) {
  const std::string& text = article.title.empty() ? article.text : article.title;
  std::size_t cut = std::min<std::size_t>(60, text.size());
  // Cut before a character, never inside one (UTF-8 continuation bytes are 10xxxxxx).
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return article.lang + " " + text.substr(0, cut);
}

}  // namespace

static int run(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: pair_ceiling GOLD.jsonl [--no-freedict] [--show N]\n";
    return 2;
  }
  bool freedict = true;
  std::size_t show = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-freedict") {
      freedict = false;
    } else if (flag == "--show" && i + 1 < argc) {
      show = std::stoul(argv[++i]);
    } else {
      std::cerr << "pair_ceiling: unknown option '" << flag << "'\n";
      return 2;
    }
  }
  const std::string path = argv[1];
  const Corpus corpus = read_corpus(std::span<const std::string>(&path, 1));
  // Pairs of a file read in part would be figures of another file: refuse it, naming a line.
  if (!corpus.rejected.empty()) {
    const Rejected& first = corpus.rejected.front();
    std::cerr << "pair_ceiling: " << corpus.rejected.size() << " line(s) of " << path
              << " rejected, first " << first.source << ":" << first.line << ": " << first.reason
              << "\n";
    return 1;
  }
  for (const InputWarning& w : corpus.warnings) {
    std::cerr << "pair_ceiling: warning: " << w.source << ":" << w.line << ": " << w.message
              << "\n";
  }
  const auto& articles = corpus.articles;
  if (articles.empty()) {
    std::cerr << "pair_ceiling: no articles in " << path << "\n";
    return 1;
  }
  Analyzer analyzer;
  const Model model = build_model(analyzer, freedict);
  Featurizer featurizer(model);
  featurizer.add(articles);
  featurizer.finish();
  const ClusterOptions options;

  std::vector<ScoredPair> pairs;
  std::size_t gold = 0, linked = 0, linked_true = 0;
  for (std::uint32_t i = 0; i < articles.size(); ++i) {
    for (std::uint32_t j = i + 1; j < articles.size(); ++j) {
      if (articles[i].lang == articles[j].lang) continue;
      const bool same = !articles[i].story.empty() && articles[i].story == articles[j].story;
      const float s = similarity(featurizer, featurizer.features(DocId{i}),
                                 featurizer.features(DocId{j}), options);
      gold += same;
      if (s >= options.threshold) ++linked, linked_true += same;
      // Pairs far below every useful threshold cannot change the best F1 unless they are gold.
      if (same || s >= options.threshold / 4) pairs.push_back({s, same, DocId{i}, DocId{j}});
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const ScoredPair& x, const ScoredPair& y) { return x.similarity > y.similarity; });
  Figures best;
  float best_threshold = 1.0f;
  std::size_t taken = 0, taken_true = 0;
  for (const ScoredPair& p : pairs) {
    ++taken, taken_true += p.same_story;
    const Figures f = figures(taken_true, taken, gold);
    if (f.f1 > best.f1) best = f, best_threshold = p.similarity;
  }
  const Figures at_threshold = figures(linked_true, linked, gold);
  std::printf("{\"crosslingual_gold_pairs\":%zu,\"threshold\":%.3f,\"precision\":%.4f,"
              "\"recall\":%.4f,\"f1\":%.4f,\"best_threshold\":%.3f,\"best_precision\":%.4f,"
              "\"best_recall\":%.4f,\"best_f1\":%.4f}\n",
              gold, options.threshold, at_threshold.precision, at_threshold.recall, at_threshold.f1,
              best_threshold, best.precision, best.recall, best.f1);
  for (std::size_t rank = 0; rank < pairs.size() && show > 0; ++rank) {
    const ScoredPair& p = pairs[rank];
    if (rank >= show && !p.same_story) continue;
    std::printf("%5zu %.3f %s %s | %s\n", rank + 1, p.similarity, p.same_story ? "same " : "other",
                shown(articles[p.a.value()]).c_str(), shown(articles[p.b.value()]).c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // a missing file, a bad --show
    std::cerr << "pair_ceiling: " << e.what() << "\n";
    return 1;
  }
}
