// The learned cross-lingual map (crosslingual_map.hpp): what it learns, how it explains itself,
// determinism and option checks.

#include "support.hpp"

#include <crossnews/clusterer.hpp>
#include <crossnews/crosslingual_map.hpp>
#include <crossnews/error.hpp>
#include <crossnews/explain.hpp>
#include <crossnews/featurizer.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace crossnews;
using crossnews::test::article;

namespace {

constexpr std::size_t kTopics = 6;
constexpr std::size_t kWordsPerTopic = 6;
constexpr std::size_t kTrainingPairs = 4;  // per topic

// A made-up word of a topic in one language: no keyword map holds it, and no two topics or
// languages share one, so only aligned articles can tell which German word goes with which
// Italian one.
std::string topic_word(const char* const* syllables, const char* ending, std::size_t topic,
                       std::size_t word) {
  return std::string(syllables[topic]) + syllables[word] + ending;
}

std::string topic_text(const char* const* syllables, const char* ending, std::size_t topic,
                       std::size_t variant) {
  std::string text;
  // Four of the topic's six words, a different four for each variant.
  for (std::size_t k = 0; k < 4; ++k) {
    const std::size_t word = (variant + k) % kWordsPerTopic;
    const std::string w = topic_word(syllables, ending, topic, word);
    text += w + " " + (k % 2 == 0 ? w + " " : "");
  }
  return text;
}

constexpr const char* kGerman[] = {"kal", "mor", "tesch", "wund", "pril", "gast"};
constexpr const char* kItalian[] = {"bresc", "dalv", "fint", "gorl", "lusp", "quarn"};

// Articles 2i (German) and 2i + 1 (Italian) tell topic i % kTopics; the first
// kTopics * kTrainingPairs pairs are the aligned ones, the rest are held out.
std::vector<Article> bilingual_corpus(std::size_t held_out_per_topic) {
  std::vector<Article> out;
  const std::size_t pairs = kTopics * (kTrainingPairs + held_out_per_topic);
  for (std::size_t i = 0; i < pairs; ++i) {
    const std::size_t topic = i % kTopics, variant = i / kTopics;
    out.push_back(article("de" + std::to_string(i), "de",
                          topic_text(kGerman, "ek", topic, variant)));
    out.push_back(article("it" + std::to_string(i), "it",
                          topic_text(kItalian, "ot", topic, variant + 1)));
  }
  return out;
}

// The training pairs each in a story of their own; held-out articles alone.
std::vector<ClusterId> training_stories(std::size_t articles) {
  std::vector<ClusterId> out;
  for (std::size_t doc = 0; doc < articles; ++doc) {
    const std::size_t pair = doc / 2;
    out.emplace_back(pair < kTopics * kTrainingPairs ? pair : doc + articles);
  }
  return out;
}

ClusterOptions dense_options() {
  ClusterOptions options;
  options.dense_map.enabled = true;
  options.dense_map.min_similarity = 0.0f;  // the made-up words share no keyword
  options.dense_map.rank = 8;
  return options;
}

struct Learned {
  Featurizer featurizer;
  CrosslingualMap map;
};

Learned learn_bilingual(std::size_t held_out_per_topic, bool keep_articles = false) {
  const auto corpus = bilingual_corpus(held_out_per_topic);
  FeaturizerOptions features;
  features.keep_articles = keep_articles;
  Featurizer featurizer(test::shared_analyzer(), nullptr, features);
  featurizer.add(corpus);
  featurizer.finish();
  auto map = CrosslingualMap::learn(featurizer, training_stories(corpus.size()), dense_options());
  return {std::move(featurizer), std::move(map)};
}

}  // namespace

TEST_CASE("the learned map puts held-out translations closer than articles of other topics") {
  const Learned learned = learn_bilingual(/*held_out_per_topic=*/2);
  const auto pairs = learned.map.language_pairs();
  REQUIRE(pairs.size() == 1);
  CHECK(pairs[0].lang_a == "de");
  CHECK(pairs[0].lang_b == "it");
  CHECK(pairs[0].aligned_pairs == kTopics * kTrainingPairs);

  const Featurizer& f = learned.featurizer;
  double aligned = 0.0, other = 0.0;
  std::size_t aligned_n = 0, other_n = 0, ranked_first = 0;
  const std::size_t first_held_out = kTopics * kTrainingPairs, all = f.size() / 2;
  for (std::size_t i = first_held_out; i < all; ++i) {
    const DocFeatures& de = f.features(test::doc_id(2 * i));
    float best_other = -1.0f, own = -1.0f;
    for (std::size_t j = first_held_out; j < all; ++j) {
      const auto s = learned.map.similarity(f, de, f.features(test::doc_id(2 * j + 1)));
      REQUIRE(s.has_value());
      if (i % kTopics == j % kTopics) {
        aligned += *s, ++aligned_n;
        own = std::max(own, *s);
      } else {
        other += *s, ++other_n;
        best_other = std::max(best_other, *s);
      }
    }
    if (own > best_other) ++ranked_first;
  }
  aligned /= double(aligned_n);
  other /= double(other_n);
  CHECK(aligned > 0.6);
  CHECK(other < 0.2);
  CHECK(ranked_first == all - first_held_out);  // every article finds its own topic first
  // Articles of one language are not compared through the map.
  CHECK_FALSE(
      learned.map.similarity(f, f.features(test::doc_id(0)), f.features(test::doc_id(2))));
}

TEST_CASE("without aligned pairs nothing is learned and nothing is compared") {
  const auto corpus = bilingual_corpus(0);
  Featurizer featurizer(test::shared_analyzer(), nullptr);
  featurizer.add(corpus);
  featurizer.finish();
  std::vector<ClusterId> apart;
  for (std::uint32_t i = 0; i < corpus.size(); ++i) apart.emplace_back(i);
  const auto map = CrosslingualMap::learn(featurizer, apart, dense_options());
  CHECK(map.language_pairs().empty());
  CHECK(map.memory_bytes() == 0);
  CHECK_FALSE(map.similarity(featurizer, featurizer.features(test::doc_id(0)),
                             featurizer.features(test::doc_id(1))));
}

TEST_CASE("explain shows the words behind the learned map as the articles wrote them") {
  const Learned learned = learn_bilingual(/*held_out_per_topic=*/1, /*keep_articles=*/true);
  const Featurizer& f = learned.featurizer;
  const std::size_t held_out = kTopics * kTrainingPairs;  // its German and Italian article
  const DocId de = test::doc_id(2 * held_out), it = test::doc_id(2 * held_out + 1);
  const ClusterOptions options = dense_options();
  const LinkExplanation with_map = explain_link(f, nullptr, de, it, options, &learned.map);
  REQUIRE(with_map.dense.has_value());
  CHECK(*with_map.dense > 0.5f);
  const LinkExplanation without = explain_link(f, nullptr, de, it, options);
  CHECK_FALSE(without.dense.has_value());
  CHECK(with_map.content > without.content);
  CHECK(with_map.similarity == doctest::Approx(similarity(f, f.features(de), f.features(it),
                                                          options, &learned.map)));
  const auto corpus = bilingual_corpus(1);
  for (const auto& [doc, lang] : {std::pair{de, "de"}, std::pair{it, "it"}}) {
    const auto words = with_map.dense_words.at(lang);
    REQUIRE_FALSE(words.empty());
    const std::string& text = corpus[doc.value()].text;
    for (const std::string& w : words) {
      INFO(lang, ": ", w);
      CHECK(test::contains(text, w + " "));  // a whole word of the article, not a stem
    }
  }
}

TEST_CASE("batch clustering with the learned map gives the same stories on 1 and 2 threads") {
  const Corpus corpus = test::load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl");
  ClusterOptions options;
  options.dense_map.enabled = true;
  options.dense_map.min_similarity = 0.3f;
  std::vector<std::vector<ClusterId>> runs;
  for (const std::size_t threads : {1, 2}) {
    options.features.threads = threads;
    BatchClusterer clusterer(test::shared_analyzer(), &test::builtin_lexicon(), options);
    clusterer.add(corpus.articles);
    runs.push_back(clusterer.run().assignment);
    if (threads == 1) {
      // The map must have something to say on this corpus, or the check below proves nothing.
      CHECK_FALSE(CrosslingualMap::learn(clusterer.featurizer(), options).language_pairs().empty());
    }
  }
  CHECK(runs[0] == runs[1]);
}

TEST_CASE("learned-map options out of range are ConfigErrors") {
  const auto refused = [](auto change) {
    ClusterOptions options;
    change(options.dense_map);
    CHECK_THROWS_AS(validate(options), ConfigError);
  };
  refused([](DenseMapOptions& o) { o.weight = 1.5f; });
  refused([](DenseMapOptions& o) { o.weight = std::numeric_limits<float>::quiet_NaN(); });
  refused([](DenseMapOptions& o) { o.rank = 0; });
  refused([](DenseMapOptions& o) { o.rank = kMaxDenseRank + 1; });
  refused([](DenseMapOptions& o) { o.regularization = 0.0f; });
  refused([](DenseMapOptions& o) { o.min_similarity = -0.1f; });
  ClusterOptions stream;
  stream.dense_map.enabled = true;
  CHECK_THROWS_WITH_AS(StreamClusterer(test::shared_analyzer(), nullptr, stream),
                       doctest::Contains("DenseMapOptions::enabled"), ConfigError);
  Featurizer unfinished(test::shared_analyzer(), nullptr);
  CHECK_THROWS_AS((void)CrosslingualMap::learn(unfinished, {}, ClusterOptions{}), ConfigError);
}
