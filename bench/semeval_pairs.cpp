// Agreement of crossnews similarity with people's ratings of article pairs (SemEval-2022 Task 8):
// Pearson and Spearman correlation with -overall (1 = same story ... 4 = unrelated) and ROC AUC
// for same-story pairs (overall <= 1.5), over all pairs, cross-lingual pairs and de-en pairs.
//   semeval_pairs PAIRS.tsv ARTICLES.jsonl [--freedict INDEX]... [--dense-weight W --dense-rank K]
// With --dense-weight, the learned cross-lingual map (crosslingual_map.hpp) is learned from a
// clustering of the articles and mixed in. Document frequencies come from all articles of ARTICLES.jsonl, as `crossnews explain --input`.
#include <crossnews/crossnews.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace crossnews;

namespace {

struct Pair {
  DocId a, b;
  std::string langs;  // "de-en" (sorted)
  double overall;
  double similarity = 0.0;
};

double pearson(const std::vector<double>& xs, const std::vector<double>& ys) {
  const double n = static_cast<double>(xs.size());
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double x = xs[i], y = ys[i];
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
  }
  return (n * sxy - sx * sy) / std::sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
}

// Ranks from 1, ties given the mean of the ranks they span.
std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto i, auto j) { return values[i] < values[j]; });
  std::vector<double> out(values.size());
  for (std::size_t lo = 0, hi = 0; lo < order.size(); lo = hi) {
    while (hi < order.size() && values[order[hi]] == values[order[lo]]) ++hi;
    for (std::size_t k = lo; k < hi; ++k) out[order[k]] = 0.5 * double(lo + hi - 1) + 1.0;
  }
  return out;
}

struct Agreement {
  double pearson, spearman;
};

// With -overall, so that a higher similarity agreeing with people correlates positively.
// Spearman's rank correlation says what no monotone rescaling of the similarity can change.
Agreement agreement(const std::vector<const Pair*>& pairs) {
  std::vector<double> xs, ys;
  for (const Pair* p : pairs) xs.push_back(p->similarity), ys.push_back(-p->overall);
  return {pearson(xs, ys), pearson(ranks(xs), ranks(ys))};
}

double auc(const std::vector<const Pair*>& pairs) {
  double wins = 0, total = 0;
  for (const Pair* p : pairs) {
    if (p->overall > 1.5) continue;
    for (const Pair* q : pairs) {
      if (q->overall <= 1.5) continue;
      wins += p->similarity > q->similarity ? 1.0 : p->similarity == q->similarity ? 0.5 : 0.0;
      total += 1.0;
    }
  }
  return total > 0 ? wins / total : std::nan("");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: semeval_pairs PAIRS.tsv ARTICLES.jsonl [--freedict INDEX]... "
                 "[--dense-weight W] [--dense-rank K]\n";
    return 2;
  }
  const std::string articles_path = argv[2];
  const Corpus corpus = read_corpus(std::span<const std::string>(&articles_path, 1));
  std::map<std::string, DocId> index_of;
  for (std::uint32_t i = 0; i < corpus.articles.size(); ++i) {
    index_of[corpus.articles[i].id] = DocId{i};
  }

  Analyzer analyzer;
  LexiconBuilder builder(analyzer);
  (void)builder.add_builtin();
  bool freedict = false;
  ClusterOptions options;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--freedict") {
      (void)builder.load_freedict(argv[i + 1]);
      freedict = true;
    } else if (flag == "--dense-weight") {
      options.dense_map.enabled = true;
      options.dense_map.weight = std::stof(argv[i + 1]);
    } else if (flag == "--dense-rank") {
      options.dense_map.rank = std::stoul(argv[i + 1]);
    } else {
      return 2;
    }
  }
  if (freedict) builder.compose_pivot("en");
  const Lexicon lexicon = builder.build();
  Featurizer featurizer(analyzer, &lexicon);
  featurizer.add(corpus.articles);
  featurizer.finish();
  std::optional<CrosslingualMap> dense_map;
  if (options.dense_map.enabled) {
    dense_map = CrosslingualMap::learn(featurizer, options);
    for (const auto& p : dense_map->language_pairs()) {
      std::cerr << "learned map " << p.lang_a << "-" << p.lang_b << ": " << p.aligned_pairs
                << " aligned pairs, rank " << p.rank << "\n";
    }
  }

  std::ifstream in(argv[1]);
  std::string line;
  std::getline(in, line);  // header
  std::vector<Pair> pairs;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id_a, id_b, lang_a, lang_b, overall;
    std::getline(fields, id_a, '\t');
    std::getline(fields, id_b, '\t');
    std::getline(fields, lang_a, '\t');
    std::getline(fields, lang_b, '\t');
    std::getline(fields, overall, '\t');
    if (!index_of.contains(id_a) || !index_of.contains(id_b)) continue;
    Pair p{index_of[id_a], index_of[id_b], std::min(lang_a, lang_b) + "-" + std::max(lang_a, lang_b),
           std::stod(overall)};
    p.similarity = similarity(featurizer, featurizer.features(p.a), featurizer.features(p.b),
                              options, dense_map ? &*dense_map : nullptr);
    pairs.push_back(p);
  }
  std::vector<const Pair*> all, crosslingual, de_en;
  for (const Pair& p : pairs) {
    all.push_back(&p);
    if (p.langs.substr(0, 2) != p.langs.substr(3)) crosslingual.push_back(&p);
    if (p.langs == "de-en") de_en.push_back(&p);
  }
  const Agreement on_all = agreement(all), on_crosslingual = agreement(crosslingual),
                  on_de_en = agreement(de_en);
  std::printf("{\"pairs\":%zu,\"pearson\":%.4f,\"auc\":%.4f,\"crosslingual_pairs\":%zu,"
              "\"crosslingual_pearson\":%.4f,\"crosslingual_auc\":%.4f,\"de_en_pairs\":%zu,"
              "\"de_en_pearson\":%.4f,\"de_en_auc\":%.4f,\"spearman\":%.4f,"
              "\"crosslingual_spearman\":%.4f,\"de_en_spearman\":%.4f}\n",
              all.size(), on_all.pearson, auc(all), crosslingual.size(), on_crosslingual.pearson,
              auc(crosslingual), de_en.size(), on_de_en.pearson, auc(de_en), on_all.spearman,
              on_crosslingual.spearman, on_de_en.spearman);
  return 0;
}
