// Google Benchmarks of the model module: weighing documents' term counts (weigh, as
// Featurizer::finish runs it; the counting itself is the Featurizer's, in bench_pipeline's
// BM_Featurize) and top-k queries against an inverted index of 100k cluster centroids.
//
// Synthetic data: terms drawn from a Zipf distribution (s = 1) over a 200k-term vocabulary, which
// is the shape of news text, so a query meets a few very long posting lists (function-like
// stems that survive stopword removal) and many short ones.

#include <crossnews/inverted_index.hpp>
#include <crossnews/tfidf.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

using crossnews::SparseEntry;
using crossnews::SparseVector;
using crossnews::TermId;

constexpr std::size_t kVocabularySize = 200'000;
constexpr std::size_t kCentroids = 100'000;
constexpr std::size_t kTermsPerCentroid = 100;
constexpr std::size_t kQueries = 512;

class Zipf {
 public:
  Zipf(std::size_t n, double s) : cdf_(n) {
    double sum = 0.0;
    for (std::size_t r = 0; r < n; ++r) {
      sum += 1.0 / std::pow(static_cast<double>(r + 1), s);
      cdf_[r] = sum;
    }
    for (double& c : cdf_) c /= sum;
  }
  std::uint32_t operator()(std::mt19937_64& rng) {
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    const auto rank = std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
    return static_cast<std::uint32_t>(std::min<std::size_t>(rank, cdf_.size() - 1));
  }

 private:
  std::vector<double> cdf_;
};

// --- vectorisation ------------------------------------------------------------------------------

struct Corpus {
  crossnews::Vocabulary vocabulary;
  std::unique_ptr<crossnews::DocumentFrequencies> df;
  std::vector<std::vector<crossnews::TermCount>> docs;  // sorted by term, as weigh() takes them
};

// The counts of articles of ~300 tokens (the first 12 in the title), in three languages, 10%
// entities; the DF table has already seen them all, as in finish() after add().
Corpus& corpus() {
  static Corpus c = [] {
    Corpus out;
    out.df = std::make_unique<crossnews::DocumentFrequencies>(out.vocabulary);
    std::mt19937_64 rng(42);
    Zipf zipf(kVocabularySize, 1.0);
    const char* langs[] = {"de", "it", "en"};
    std::map<TermId, crossnews::TermCount> by_term;
    std::vector<TermId> distinct;
    for (int d = 0; d < 2000; ++d) {
      const int n = 250 + static_cast<int>(rng() % 100);
      by_term.clear();
      for (int i = 0; i < n; ++i) {
        const bool entity = rng() % 10 == 0;
        const std::string term = (entity ? "e" : "w") + std::to_string(zipf(rng));
        const TermId id = entity ? out.vocabulary.intern("", term, crossnews::FeatureKind::entity)
                                 : out.vocabulary.intern(langs[d % 3], term,
                                                         crossnews::FeatureKind::word);
        crossnews::TermCount& count = by_term.try_emplace(id, crossnews::TermCount{id}).first->second;
        (i < 12 ? count.title : count.body) += 1.0f;
      }
      std::vector<crossnews::TermCount> counts;
      distinct.clear();
      for (const auto& [id, count] : by_term) {
        counts.push_back(count);
        distinct.push_back(id);
      }
      out.df->add(out.vocabulary.lang_slot_of(langs[d % 3]), distinct);
      out.docs.push_back(std::move(counts));
    }
    return out;
  }();
  return c;
}

void BM_Weigh(benchmark::State& state) {
  Corpus& c = corpus();
  crossnews::WeightingOptions options;
  options.title_boost = 2.0f;
  options.entity_boost = 1.5f;
  options.top_k = static_cast<std::size_t>(state.range(0));
  std::size_t next = 0;
  std::int64_t terms = 0;
  for (auto _ : state) {
    const std::vector<crossnews::TermCount>& counts = c.docs[next];
    next = next + 1 == c.docs.size() ? 0 : next + 1;
    SparseVector v = crossnews::weigh(counts, *c.df, options);
    benchmark::DoNotOptimize(v);
    terms += static_cast<std::int64_t>(counts.size());
  }
  state.SetItemsProcessed(state.iterations());  // documents
  state.counters["distinct_terms_per_second"] =
      benchmark::Counter(static_cast<double>(terms), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Weigh)->ArgNames({"top_k"})->Arg(0)->Arg(100);

// --- index queries ------------------------------------------------------------------------------

// A document-like vector: ~100 distinct Zipf terms, weights (1 + ln tf) * idf, L2-normalised.
// `seed_terms` start the vector off (with one occurrence each): a query made from a centroid's
// terms is a new article of an existing story.
SparseVector tfidf_vector(std::mt19937_64& rng, Zipf& zipf, const std::vector<float>& idf,
                          std::vector<SparseEntry>& scratch, std::vector<std::int32_t>& position,
                          std::span<const TermId> seed_terms = {}) {
  scratch.clear();
  for (const TermId t : seed_terms) {
    position[t.value()] = static_cast<std::int32_t>(scratch.size());
    scratch.push_back({t, 1.0f});
  }
  while (scratch.size() < kTermsPerCentroid) {
    const std::uint32_t t = zipf(rng);
    if (position[t] < 0) {
      position[t] = static_cast<std::int32_t>(scratch.size());
      scratch.push_back({TermId(t), 1.0f});
    } else {
      scratch[static_cast<std::size_t>(position[t])].weight += 1.0f;
    }
  }
  for (SparseEntry& e : scratch) {
    position[e.term.value()] = -1;
    e.weight = (1.0f + std::log(e.weight)) * idf[e.term.value()];
  }
  SparseVector v = SparseVector::from_unsorted(scratch);
  v.normalize();
  return v;
}

struct IndexFixture {
  crossnews::InvertedIndex index;
  std::vector<SparseVector> unrelated;  // articles of no indexed story
  std::vector<SparseVector> related;    // each shares ~70% of one centroid's terms
  std::size_t postings = 0;
};

IndexFixture& index_fixture() {
  static IndexFixture f = [] {
    IndexFixture out;
    std::mt19937_64 rng(7);
    Zipf zipf(kVocabularySize, 1.0);
    // idf from the expected document frequency of each rank among the centroids: probabilities
    // p_r of a term per token, ~2 tokens per distinct term at 100 distinct terms.
    std::vector<float> idf(kVocabularySize);
    {
      double h = 0.0;
      for (std::size_t r = 0; r < kVocabularySize; ++r) h += 1.0 / static_cast<double>(r + 1);
      const double tokens = 2.0 * kTermsPerCentroid;
      for (std::size_t r = 0; r < kVocabularySize; ++r) {
        const double p = 1.0 / (static_cast<double>(r + 1) * h);
        const double df = kCentroids * (1.0 - std::pow(1.0 - p, tokens));
        idf[r] = static_cast<float>(std::log((1.0 + kCentroids) / (1.0 + df)) + 1.0);
      }
    }
    std::vector<SparseEntry> scratch;
    std::vector<std::int32_t> position(kVocabularySize, -1);
    std::vector<TermId> kept;
    const std::uint32_t stride = kCentroids / kQueries;
    for (std::uint32_t key = 0; key < kCentroids; ++key) {
      const SparseVector v = tfidf_vector(rng, zipf, idf, scratch, position);
      out.postings += v.size();
      out.index.insert(key, v);
      if (key % stride == 0 && out.related.size() < kQueries) {
        kept.clear();
        for (const SparseEntry& e : v.entries()) {
          if (rng() % 10 < 7) kept.push_back(e.term);
        }
        out.related.push_back(tfidf_vector(rng, zipf, idf, scratch, position, kept));
      }
    }
    for (std::size_t i = 0; i < kQueries; ++i) {
      out.unrelated.push_back(tfidf_vector(rng, zipf, idf, scratch, position));
    }
    return out;
  }();
  return f;
}

void BM_IndexQuery(benchmark::State& state) {
  IndexFixture& f = index_fixture();
  crossnews::IndexQuery options;
  options.k = static_cast<std::size_t>(state.range(0));
  options.min_score = static_cast<float>(state.range(1)) / 100.0f;
  const std::vector<SparseVector>& queries = state.range(2) != 0 ? f.related : f.unrelated;
  auto scratch = crossnews::InvertedIndex::make_scratch();
  std::vector<crossnews::Hit> hits;
  std::size_t next = 0;
  std::int64_t scored = 0;
  std::int64_t returned = 0;
  for (auto _ : state) {
    f.index.query(queries[next], options, *scratch, hits);
    next = next + 1 == queries.size() ? 0 : next + 1;
    scored += static_cast<std::int64_t>(crossnews::InvertedIndex::scored_candidates(*scratch));
    returned += static_cast<std::int64_t>(hits.size());
  }
  // items = candidate similarities computed; queries/s is the iteration rate.
  state.SetItemsProcessed(scored);
  state.counters["queries_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["candidates_per_query"] =
      benchmark::Counter(static_cast<double>(scored), benchmark::Counter::kAvgIterations);
  state.counters["hits_per_query"] =
      benchmark::Counter(static_cast<double>(returned), benchmark::Counter::kAvgIterations);
  state.counters["index_postings"] = static_cast<double>(f.postings);
}
// min_score_pct 0 is the worst case (only the k-th partial score prunes); a clusterer queries
// with its similarity threshold, where max-score skips most of the long lists.
BENCHMARK(BM_IndexQuery)
    ->ArgNames({"k", "min_score_pct", "related"})
    ->ArgsProduct({{10}, {0, 20, 50}, {0, 1}})
    ->Args({1, 0, 1})
    ->Args({100, 0, 0})
    ->Args({1000, 0, 0})
    ->Unit(benchmark::kMicrosecond);

// The batch clusterer's query: an article and its cross-lingual part in one pass (query_pair),
// with the per-term cap around the article's own entry. A cap of 0 reads whole lists (the blocked
// per-slot accumulators); a small cap reads few postings (the compact hash accumulators).
void BM_IndexQueryPair(benchmark::State& state) {
  IndexFixture& f = index_fixture();
  crossnews::IndexQuery options;
  options.k = 10;
  options.nearest_per_term = static_cast<std::size_t>(state.range(0));
  auto scratch = crossnews::InvertedIndex::make_scratch();
  std::vector<crossnews::Hit> first_hits;
  std::vector<crossnews::Hit> second_hits;
  std::size_t next = 0;
  std::int64_t scored = 0;
  for (auto _ : state) {
    options.anchor = static_cast<std::uint32_t>(next * (kCentroids / kQueries));
    options.exclude = options.anchor;
    f.index.query_pair(f.related[next], f.unrelated[next], options, *scratch, first_hits,
                       second_hits);
    next = next + 1 == f.related.size() ? 0 : next + 1;
    scored += static_cast<std::int64_t>(crossnews::InvertedIndex::scored_candidates(*scratch));
  }
  state.SetItemsProcessed(scored);
  state.counters["candidates_per_query"] =
      benchmark::Counter(static_cast<double>(scored), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_IndexQueryPair)
    ->ArgNames({"nearest_per_term"})
    ->Arg(0)
    ->Arg(40)
    ->Arg(2000)
    ->Unit(benchmark::kMicrosecond);

// A stream's index: a window of articles slides by one per step (the newest goes in, the oldest
// leaves, as eviction takes it), and the newest article's 40 heaviest terms query the others
// with the stream's cut: per term, the `postings` that came last (0: every posting in the
// window, as the stream read before its index kept insertion order through removals).
void BM_StreamWindowQuery(benchmark::State& state) {
  const auto window = static_cast<std::uint32_t>(state.range(0));
  std::mt19937_64 rng(11);
  Zipf zipf(kVocabularySize, 1.0);
  std::vector<float> idf(kVocabularySize);
  for (std::size_t r = 0; r < kVocabularySize; ++r) idf[r] = std::log(static_cast<float>(r + 2));
  std::vector<SparseEntry> scratch;
  std::vector<std::int32_t> position(kVocabularySize, -1);
  std::vector<SparseVector> pool;  // articles, used in turn
  for (std::size_t i = 0; i < window + kQueries; ++i) {
    pool.push_back(tfidf_vector(rng, zipf, idf, scratch, position));
  }
  crossnews::InvertedIndex index;
  std::uint32_t next = 0;
  const auto step = [&] {
    index.insert(next, pool[next % pool.size()]);
    if (next >= window) index.remove(next - window);
    ++next;
  };
  while (next < 2 * window) step();  // every slot of the first window was removed once
  crossnews::IndexQuery options;
  options.k = 25;
  options.nearest_per_term = static_cast<std::size_t>(state.range(1));
  options.nearest_by_insertion = true;
  auto query_scratch = crossnews::InvertedIndex::make_scratch();
  std::vector<crossnews::Hit> hits, second_hits;
  std::int64_t scored = 0;
  for (auto _ : state) {
    SparseVector query = pool[next % pool.size()];
    query.prune_top_k(40);
    options.anchor = next - 1;
    index.query_pair(query, query, options, *query_scratch, hits, second_hits);
    scored +=
        static_cast<std::int64_t>(crossnews::InvertedIndex::scored_candidates(*query_scratch));
    step();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["candidates_per_query"] =
      benchmark::Counter(static_cast<double>(scored), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_StreamWindowQuery)
    ->ArgNames({"window", "postings"})
    ->ArgsProduct({{25'000, 250'000}, {0, 1200}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
