// The keyword-map bootstrap (learn_pairs) and the monolingual-first clustering strategy.

#include "support.hpp"

#include <crossnews/clusterer.hpp>
#include <crossnews/featurizer.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace crossnews;
using crossnews::test::article;

namespace {

// Three stories, each told in German and Italian. The two sides of a story share names and
// numbers (which link them), and every story uses the same German/Italian word pair that no
// keyword map holds: "Quallen" / "meduse". Other words differ from story to story.
std::vector<Article> jellyfish_corpus() {
  return {
      article("de1", "de",
              "Quallen an der Küste von Rimini: Bürgermeister Gnassi sperrt 2019 "
              "den Strand Marebello."),
      article("it1", "it",
              "Meduse sulla costa di Rimini: il sindaco Gnassi chiude nel 2019 la "
              "spiaggia Marebello."),
      article("de2", "de",
              "Quallen vor Lampedusa: Fischer Brancato meldet 4000 Tiere im Hafen "
              "Cala Pisana."),
      article("it2", "it",
              "Meduse a Lampedusa: il pescatore Brancato segnala 4000 esemplari nel "
              "porto Cala Pisana."),
      article("de3", "de",
              "Quallen in Triest: Biologin Malej zählt 700 Exemplare vor Miramare "
              "und Barcola."),
      article("it3", "it",
              "Meduse a Trieste: la biologa Malej conta 700 esemplari davanti a "
              "Miramare e Barcola."),
  };
}

bool has_pair(const std::vector<LearnedPair>& pairs, std::string_view de_prefix,
              std::string_view it_prefix) {
  return std::any_of(pairs.begin(), pairs.end(), [&](const LearnedPair& p) {
    const bool de_it = p.lang_a == "de" && p.lang_b == "it" && p.term_a.starts_with(de_prefix) &&
                       p.term_b.starts_with(it_prefix);
    const bool it_de = p.lang_a == "it" && p.lang_b == "de" && p.term_a.starts_with(it_prefix) &&
                       p.term_b.starts_with(de_prefix);
    return de_it || it_de;
  });
}

}  // namespace

TEST_CASE("learn_pairs learns a word pair that recurs across linked stories, not one-offs") {
  const std::vector<Article> corpus = jellyfish_corpus();
  Featurizer featurizer(test::shared_analyzer(), nullptr);
  featurizer.add(corpus);
  featurizer.finish();
  const std::vector<ClusterId> assignment = {ClusterId(0), ClusterId(0), ClusterId(1),
                                             ClusterId(1), ClusterId(2), ClusterId(2)};
  ClusterOptions options;
  const auto learned = learn_pairs(featurizer, assignment, options, /*min_similarity=*/0.1f,
                                   /*min_count=*/2);
  CHECK(has_pair(learned, "quall", "medus"));
  // "Hafen"/"porto" occur in one story only: below min_count.
  CHECK_FALSE(has_pair(learned, "hafen", "port"));

  // (Stems: Quallen -> quall, meduse -> medus.) Nothing is learned from articles the clustering
  // kept apart.
  std::vector<ClusterId> apart;
  for (std::uint32_t i = 0; i < corpus.size(); ++i) apart.emplace_back(i);
  CHECK_FALSE(has_pair(learn_pairs(featurizer, apart, options, 0.1f, 2), "quall", "medus"));
}

TEST_CASE("learn_pairs finds cognates among the words no concept covers") {
  Featurizer featurizer(test::shared_analyzer(), nullptr);
  featurizer.add(std::vector<Article>{
      article("de", "de", "Die Pandemie verändert die Universität."),
      article("it", "it", "La pandemia cambia l'università."),
  });
  featurizer.finish();
  const std::vector<ClusterId> apart = {ClusterId(0), ClusterId(1)};
  const auto learned = learn_pairs(featurizer, apart, ClusterOptions{});
  CHECK(has_pair(learned, "pandem", "pandem"));
}

TEST_CASE("monolingual_first groups each language first, then links the languages") {
  const Corpus corpus = test::load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl");
  REQUIRE(corpus.articles.size() > 50);
  ClusterOptions joint;
  ClusterOptions mono;
  mono.strategy = ClusterStrategy::monolingual_first;
  auto run = [&](const ClusterOptions& options) {
    BatchClusterer clusterer(test::shared_analyzer(), &test::builtin_lexicon(), options);
    clusterer.add(corpus.articles);
    return clusterer.run();
  };
  const ClusteringResult by_joint = run(joint);
  const ClusteringResult by_mono = run(mono);
  const ClusteringScores s_joint = test::score(corpus.articles, by_joint.assignment);
  const ClusteringScores s_mono = test::score(corpus.articles, by_mono.assignment);
  MESSAGE("example corpus B-cubed F1: joint "
          << s_joint.bcubed_f1 << ", monolingual_first " << s_mono.bcubed_f1
          << "; cross-lingual F1 " << s_joint.crosslingual_f1 << " / " << s_mono.crosslingual_f1);
  // It links languages (not a per-language clustering) and keeps quality near joint's.
  CHECK(s_mono.cl_correct_pairs > 0);
  CHECK(s_mono.crosslingual_f1 > 0.8);
  CHECK(s_mono.bcubed_f1 > s_joint.bcubed_f1 - 0.05);
  CHECK(by_mono.stories.size() < corpus.articles.size());
}
