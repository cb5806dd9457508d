// Google Benchmarks of the stages after analysis: keyword-map projection (lexicon look-ups),
// featurizing (analysis + projection + weighting, by thread count), the agglomeration step, and
// batch clustering end to end. Articles: the example corpus, copied under new ids until there
// are enough, so the text is real news prose in five languages.

#include <crossnews/crossnews.hpp>

#include "cluster/detail/agglomerate.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

namespace {

using namespace crossnews;

const Analyzer& analyzer() {
  static const Analyzer instance;
  return instance;
}

const Lexicon& lexicon() {
  static const Lexicon instance = [] {
    LexiconBuilder builder(analyzer());
    builder.add_builtin();
    return builder.build();
  }();
  return instance;
}

// `copies` copies of the example corpus, each copy a day later than the one before.
std::vector<Article> articles(std::size_t copies) {
  static const Corpus corpus = [] {
    const std::string path = CROSSNEWS_EXAMPLE_CORPUS;
    return read_corpus(std::span<const std::string>(&path, 1));
  }();
  std::vector<Article> out;
  for (std::size_t c = 0; c < copies; ++c) {
    for (Article a : corpus.articles) {
      a.id += "-" + std::to_string(c);
      if (a.time) *a.time += static_cast<std::int64_t>(c) * 86400;
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::uint64_t bytes_of(const std::vector<Article>& batch) {
  std::uint64_t bytes = 0;
  for (const Article& a : batch) bytes += a.title.size() + a.text.size();
  return bytes;
}

// Look-ups of every analysed word of the example articles in one language, as the featurizer
// makes them for each new term.
void BM_LexiconLookup(benchmark::State& state) {
  static const char* kLanguages[] = {"de", "it", "en"};
  const std::string lang = kLanguages[state.range(0)];
  std::vector<std::string> words;
  auto worker = analyzer().worker();
  AnalyzedText text;
  for (const Article& a : articles(1)) {
    if (a.lang != lang) continue;
    worker.analyze(a, text);
    for (const Term& t : text.terms) {
      if (t.kind == TermKind::word) words.emplace_back(text.text(t));
    }
  }
  const Lexicon& map = lexicon();  // built before the timing starts
  std::size_t linked = 0;
  for (const std::string& w : words) linked += map.lookup(lang, w).empty() ? 0 : 1;
  for (auto _ : state) {
    for (const std::string& w : words) benchmark::DoNotOptimize(map.lookup(lang, w).size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * words.size()));
  state.counters["linked_share"] = static_cast<double>(linked) / static_cast<double>(words.size());
}
BENCHMARK(BM_LexiconLookup)->ArgNames({"lang"})->DenseRange(0, 2);

// Analysis, look-up, projection onto concepts, document frequencies and weighting of 30 copies
// of the example corpus (2,070 articles).
void BM_Featurize(benchmark::State& state) {
  const std::vector<Article> batch = articles(30);
  FeaturizerOptions options;
  options.threads = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    Featurizer featurizer(analyzer(), &lexicon(), options);
    featurizer.add(batch);
    featurizer.finish();
    benchmark::DoNotOptimize(featurizer.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes_of(batch)));
}
BENCHMARK(BM_Featurize)->ArgNames({"threads"})->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// The agglomeration step on a candidate graph shaped like the batch clusterer's: each node has
// `neighbours` edges to nodes near it in time, a few of them strong (its story), most weak.
void BM_Agglomerate(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  constexpr std::uint32_t kNeighbours = 25;
  std::mt19937 rng(7);
  std::vector<detail::GroupEdge> edges;
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t j = 0; j < kNeighbours; ++j) {
      const std::uint32_t b = std::min(n - 1, a + 1 + static_cast<std::uint32_t>(rng() % 200));
      if (b == a) continue;
      const bool same_story = a / 5 == b / 5;
      const double s = same_story ? 0.5 + 0.4 * (rng() % 100) / 100.0 : 0.3 * (rng() % 100) / 100.0;
      edges.push_back({a, b, s});
    }
  }
  std::sort(edges.begin(), edges.end(), [](const auto& x, const auto& y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  for (auto _ : state) {
    benchmark::DoNotOptimize(detail::agglomerate(n, edges, 0.45).data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * edges.size()));
  state.counters["edges"] = static_cast<double>(edges.size());
}
BENCHMARK(BM_Agglomerate)->ArgNames({"nodes"})->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Batch clustering end to end (featurize, link through the index, agglomerate, summarise).
void BM_BatchCluster(benchmark::State& state) {
  const std::vector<Article> batch = articles(static_cast<std::size_t>(state.range(0)));
  std::size_t stories = 0;
  for (auto _ : state) {
    BatchClusterer clusterer(analyzer(), &lexicon(), {});
    clusterer.add(batch);
    stories = clusterer.run().stories.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes_of(batch)));
  state.counters["stories"] = static_cast<double>(stories);
}
BENCHMARK(BM_BatchCluster)->ArgNames({"copies"})->Arg(1)->Arg(30)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
