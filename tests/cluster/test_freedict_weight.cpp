// A link a FreeDict dictionary makes counts less than the same link made by a lexicon row: the
// project's own keyword map is curated, dictionaries list every sense.

#include <crossnews/clusterer.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/lexicon.hpp>

#include <doctest/doctest.h>

#include "lexicon/dictd_support.hpp"
#include "support.hpp"

#include <fstream>
#include <string>

using namespace crossnews;
using crossnews::test::dictd_base64;
using crossnews::test::TempDir;

namespace {

// A dictd dictionary of one entry with a plain body.
std::string write_one_entry(const TempDir& dir, const std::string& name, const std::string& entry) {
  std::ofstream(dir.file(name + ".index"), std::ios::binary)
      << entry.substr(0, entry.find('\n')) << '\t' << dictd_base64(0) << '\t'
      << dictd_base64(entry.size()) << '\n';
  std::ofstream(dir.file(name + ".dict"), std::ios::binary) << entry;
  return dir.file(name + ".index");
}

// The similarity of a German and an Italian flood report that share nothing but the word for
// flood (their places and people differ), with `lexicon` linking the languages.
float flood_similarity(const Lexicon& lexicon) {
  const std::vector<Article> articles = {
      {"de", "Hochwasser in Passau", "Das Hochwasser erreicht Passau. Bürgermeister Dupper warnt.",
       "de", 1'370'000'000, ""},
      {"it", "Alluvione a Venezia", "L'alluvione colpisce Venezia. Il sindaco Brugnaro avverte.",
       "it", 1'370'000'000, ""},
  };
  Featurizer featurizer(test::shared_analyzer(), &lexicon);
  featurizer.add(articles);
  featurizer.finish();
  return similarity(featurizer, featurizer.features(DocId{0}), featurizer.features(DocId{1}),
                    ClusterOptions{});
}

}  // namespace

TEST_CASE("a dictionary link scores below the same link from the lexicon") {
  TempDir dir("freedict_weight");
  LexiconBuilder rows(test::shared_analyzer());
  rows.load_tsv_text("rows", "concept\tde\tit\nflood\tHochwasser\talluvione\n");
  // Both directions installed, as Debian ships them: their weights combine, and still stay below.
  LexiconBuilder dictionaries(test::shared_analyzer());
  dictionaries.load_freedict(write_one_entry(dir, "freedict-deu-ita", "Hochwasser\nalluvione\n"));
  dictionaries.load_freedict(write_one_entry(dir, "freedict-ita-deu", "alluvione\nHochwasser\n"));

  const Lexicon by_rows = rows.build();
  const Lexicon by_dictionaries = dictionaries.build();
  const float through_rows = flood_similarity(by_rows);
  const float through_dictionaries = flood_similarity(by_dictionaries);
  CHECK(through_dictionaries > 0.0f);
  CHECK(through_dictionaries < through_rows);
  // Without the link the two reports share nothing.
  CHECK(flood_similarity(Lexicon{}) == doctest::Approx(0.0f));
}
