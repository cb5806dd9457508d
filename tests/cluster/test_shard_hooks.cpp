// The library hooks a corpus spread over processes needs: frequencies of a subset of the
// featurized articles, weighing with merged frequencies, and JSONL pieces cut out of a file.

#include <crossnews/crossnews.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

using namespace crossnews;

namespace {

std::vector<Article> example_articles() {
  const std::string input = CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl";
  return read_corpus(std::span<const std::string>(&input, 1)).articles;
}

const Analyzer& analyzer() {
  static const Analyzer a;
  return a;
}

}  // namespace

TEST_CASE("frequencies_of counts only the chosen articles") {
  const auto articles = example_articles();
  Featurizer featurizer(analyzer(), nullptr);
  featurizer.add(articles);
  const std::vector<DocId> evens = {DocId{0}, DocId{2}, DocId{4}, DocId{6}, DocId{8}};
  const DocumentFrequencies some = featurizer.frequencies_of(evens);
  CHECK(some.total_documents() == doctest::Approx(5.0));
  CHECK(featurizer.document_frequencies().total_documents() ==
        doctest::Approx(double(articles.size())));
  featurizer.finish();
  CHECK_THROWS_AS((void)featurizer.frequencies_of(evens), ConfigError);
}

TEST_CASE("shards weighed with merged frequencies give the vectors of one featurizer") {
  const auto articles = example_articles();
  REQUIRE(articles.size() > 20);
  const std::span<const Article> all(articles);
  const auto first = all.subspan(0, 30), rest = all.subspan(30);
  Featurizer whole(analyzer(), nullptr), a(analyzer(), nullptr), b(analyzer(), nullptr);
  whole.add(all);
  whole.finish();
  a.add(first);
  b.add(rest);
  // Each shard also holds a copy of the other's first article, which it must not count.
  a.add(rest.subspan(0, 1));
  b.add(first.subspan(0, 1));
  std::vector<DocId> own_a(first.size()), own_b(rest.size());
  for (std::size_t i = 0; i < own_a.size(); ++i) own_a[i] = test::doc_id(i);
  for (std::size_t i = 0; i < own_b.size(); ++i) own_b[i] = test::doc_id(i);
  // Snapshots carry the tables between processes.
  std::stringstream snapshot;
  b.frequencies_of(own_b).save(snapshot);
  Vocabulary vocabulary, other_vocabulary;
  DocumentFrequencies merged(vocabulary), from_b(other_vocabulary);
  merged.merge(a.frequencies_of(own_a));
  from_b.load(snapshot);
  merged.merge(from_b);
  CHECK(merged.total_documents() == doctest::Approx(double(articles.size())));
  a.use_document_frequencies(merged);
  b.use_document_frequencies(merged);
  a.finish();
  b.finish();
  const ClusterOptions options;
  // Similarities within a shard and across the copy equal those of the whole corpus.
  for (std::size_t i = 0; i + 1 < first.size(); ++i) {
    CHECK(similarity(a, a.features(test::doc_id(i)), a.features(test::doc_id(i + 1)), options) ==
          doctest::Approx(similarity(whole, whole.features(test::doc_id(i)),
                                     whole.features(test::doc_id(i + 1)), options))
              .epsilon(1e-5));
  }
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::size_t copy = rest.size();  // b's copy of the first article of `first`
    CHECK(similarity(b, b.features(test::doc_id(i)), b.features(test::doc_id(copy)), options) ==
          doctest::Approx(similarity(whole, whole.features(test::doc_id(30 + i)),
                                     whole.features(DocId{0}), options))
              .epsilon(1e-5));
  }
  // Without the merge a shard weighs with its own counts: the test above would see it.
  Featurizer alone(analyzer(), nullptr);
  alone.add(first);
  alone.finish();
  bool any_differs = false;
  for (std::size_t i = 0; i + 1 < first.size(); ++i) {
    any_differs |= std::abs(similarity(alone, alone.features(test::doc_id(i)),
                                       alone.features(test::doc_id(i + 1)), options) -
                            similarity(whole, whole.features(test::doc_id(i)),
                                       whole.features(test::doc_id(i + 1)), options)) > 1e-4;
  }
  CHECK(any_differs);
}

TEST_CASE("parse_jsonl numbers a piece of a file from the lines before it") {
  const std::string piece =
      "{\"text\":\"no id here\"}\n"
      "not json\n"
      "{\"id\":\"b\",\"text\":\"fine\"}\n";
  Corpus corpus;
  std::vector<ArticleOrigin> origins;
  parse_jsonl("big.jsonl", piece, corpus, {}, 1000, &origins);
  REQUIRE(corpus.articles.size() == 2);
  CHECK(corpus.articles[0].id == "big.jsonl:1001");
  REQUIRE(origins.size() == 2);
  CHECK(origins[0].line == 1001);
  CHECK(origins[1].line == 1003);
  CHECK(origins[1].source == "big.jsonl");
  REQUIRE(corpus.rejected.size() == 1);
  CHECK(corpus.rejected[0].line == 1002);
}
