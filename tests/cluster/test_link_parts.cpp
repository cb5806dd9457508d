// The pieces of the batch clusterer's link and agglomerate stages that are laid out for speed:
// each must give what the plain form gives, and the same for any number of threads.
#include "support.hpp"

#include <crossnews/crossnews.hpp>

#include "cluster/detail/agglomerate.hpp"
#include "cluster/detail/parallel.hpp"
#include "cluster/detail/similarity.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

using namespace crossnews;

TEST_CASE("parallel_sort equals std::sort for any number of workers") {
  std::mt19937 rng(5);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> items(50000);
  // Few distinct values: many equal elements, which must be identical whatever the split.
  for (auto& item : items) item = {rng() % 300, rng() % 3};
  auto expected = items;
  std::sort(expected.begin(), expected.end(), std::greater<>());
  for (const std::size_t workers : {1, 2, 3}) {
    CAPTURE(workers);
    auto sorted = items;
    detail::parallel_sort(sorted, workers, std::greater<>());
    CHECK(sorted == expected);
  }
  std::vector<int> empty;
  detail::parallel_sort(empty, 2, std::less<>());
  CHECK(empty.empty());
}

TEST_CASE("cluster_graph gives the same stories on 1 and 2 threads") {
  // Enough links above the threshold (tens of thousands) for the sort to split over 2 workers.
  std::mt19937 rng(9);
  const std::uint32_t n = 20000;
  std::vector<detail::CandidateEdge> edges;
  for (std::uint32_t a = 0; a < n; ++a) {
    for (int e = 0; e < 6; ++e) {
      const std::uint32_t b = a + 1 + rng() % 40;
      if (b >= n) continue;
      const float similarity = static_cast<float>(rng() % 1000) / 1000.0f;
      const float overlap = static_cast<float>(rng() % 1000) / 1000.0f;
      edges.push_back({a, b, rng() % 2 == 0, similarity, overlap});
    }
  }
  std::sort(edges.begin(), edges.end(),
            [](const auto& x, const auto& y) { return x.pair() < y.pair(); });
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](const auto& x, const auto& y) { return x.pair() == y.pair(); }),
              edges.end());
  const std::vector<std::uint32_t> sizes(n, 1);
  for (const bool monolingual_first : {false, true}) {
    CAPTURE(monolingual_first);
    const auto one = detail::cluster_graph(edges, sizes, 0.3, monolingual_first, 1);
    const auto two = detail::cluster_graph(edges, sizes, 0.3, monolingual_first, 2);
    CHECK(one == two);
    // Not everything alone, not everything together: the graph has stories to find.
    const std::size_t stories = std::count_if(
        one.begin(), one.end(), [&, i = 0u](std::uint32_t r) mutable { return r == i++; });
    CHECK(stories > 1);
    CHECK(stories < n);
  }
}

TEST_CASE("an article scored against many gives similarity_parts() to the bit") {
  const Corpus corpus = test::load(CROSSNEWS_TEST_DATA_DIR "/cluster_small.jsonl");
  REQUIRE(corpus.articles.size() >= 10);
  BatchClusterer clusterer(test::shared_analyzer(), &test::builtin_lexicon(), {});
  clusterer.add(corpus.articles);
  (void)clusterer.run();
  const Featurizer& f = clusterer.featurizer();
  const ClusterOptions options;
  detail::ScatteredArticle article;  // one object for every article: the table is refilled
  std::size_t linked = 0;
  for (std::uint32_t i = 0; i < f.size(); ++i) {
    const DocFeatures& a = f.features(DocId{i});
    article.set(f, a);
    for (std::uint32_t j = 0; j < f.size(); ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const DocFeatures& b = f.features(DocId{j});
      const detail::SimilarityParts got = article.similarity(b, options);
      const detail::SimilarityParts want = detail::similarity_parts(f, a, b, options);
      CHECK(std::tie(got.total, got.content, got.names, got.time, got.overlap) ==
            std::tie(want.total, want.content, want.names, want.time, want.overlap));
      linked += want.total > 0.0f ? 1 : 0;
    }
  }
  CHECK(linked > f.size());  // pairs other than each article with itself share terms
}
