// The public classes hold their implementation by detail::ImplPtr (impl_ptr.hpp) and declare no
// destructor or move operations: they move without throwing, never copy, and an object moved
// into keeps working while the one moved from is destroyed without deleting it twice.

#include "support.hpp"

#include <crossnews/crossnews.hpp>

#include <doctest/doctest.h>

#include <type_traits>
#include <utility>
#include <vector>

using namespace crossnews;
using crossnews::test::builtin_lexicon;
using crossnews::test::shared_analyzer;

TEST_CASE_TEMPLATE("a public class moves without throwing and does not copy", T, Analyzer,
                   Analyzer::Worker, ArticleReader, BatchClusterer, StreamClusterer,
                   CrosslingualMap, DocumentFrequencies, Featurizer, InvertedIndex, Lexicon,
                   LexiconBuilder, PairLearner, Model, ModelBuilder, Vocabulary) {
  CHECK(std::is_nothrow_move_constructible_v<T>);
  CHECK(std::is_nothrow_move_assignable_v<T>);
  CHECK_FALSE(std::is_copy_constructible_v<T>);
  CHECK_FALSE(std::is_copy_assignable_v<T>);
}

TEST_CASE("a keyword map and a stream clusterer moved into others keep working") {
  LexiconBuilder builder(shared_analyzer());
  (void)builder.add_builtin();
  Lexicon built = builder.build();
  const std::size_t concepts = built.concept_count();
  REQUIRE(concepts > 0);
  Lexicon moved(std::move(built));
  Lexicon assigned;
  assigned = std::move(moved);
  CHECK(assigned.concept_count() == concepts);

  const std::vector<Article> articles = {
      {.id = "de", .text = "Hochwasser in Passau: die Altstadt wurde evakuiert.", .lang = "de"},
      {.id = "it", .text = "Alluvione a Passau: evacuato il centro storico.", .lang = "it"}};
  StreamClusterer first(shared_analyzer(), &builtin_lexicon());
  (void)first.add(articles[0]);
  StreamClusterer second(std::move(first));
  StreamClusterer third(shared_analyzer(), &builtin_lexicon());
  third = std::move(second);
  (void)third.add(articles[1]);
  CHECK(third.assignment().size() == 2);
  CHECK(third.featurizer().find("de").has_value());
}
