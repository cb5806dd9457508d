#include <crossnews/error.hpp>
#include <crossnews/model.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

using namespace crossnews;

namespace {

const Analyzer& analyzer() {
  static const Analyzer a;
  return a;
}

std::vector<Article> background_articles() {
  std::vector<Article> articles;
  for (int i = 0; i < 20; ++i) {
    Article a;
    a.id = "b" + std::to_string(i);
    a.lang = i % 2 ? "de" : "it";
    a.text = i % 2 ? "Die Regierung sagte am Montag, das Jahr sei gut gewesen. Nummer " + std::to_string(i)
                   : "Il governo ha detto lunedì che l'anno è stato buono. Numero " + std::to_string(i);
    articles.push_back(a);
  }
  return articles;
}

Model small_model() {
  ModelBuilder builder(analyzer());
  builder.lexicon().load_tsv_text("test", "concept\tde\tit\ngovernment\tRegierung\tgoverno\n");
  builder.add_background(background_articles());
  return builder.build();
}

std::string saved(const Model& model) {
  std::ostringstream out;
  model.save(out);
  return out.str();
}

TermId term(Vocabulary& v, std::string_view lang, std::string_view text, FeatureKind kind) {
  return v.intern(lang, text, kind);
}

}  // namespace

TEST_CASE("a saved model loads with the same keyword map and background") {
  const Model model = small_model();
  std::istringstream in(saved(model));
  const Model loaded = Model::load(in, analyzer(), "m.bin");
  REQUIRE(model.lexicon().concept_count() == 1);
  CHECK(loaded.lexicon().concept_count() == 1);
  const auto links = loaded.lexicon().lookup("de", "regier");
  REQUIRE(links.size() == 1);
  CHECK(loaded.lexicon().lookup("it", "govern").front().concept_id == links.front().concept_id);
  CHECK(loaded.lexicon().concept_name(links.front().concept_id) == "government");
  CHECK(loaded.background().total_documents() == 20.0);
  // Both languages' words for the concept count under the concept: in all 20 documents.
  const auto concept_id = loaded.background().vocabulary().find(
      "", "c" + std::to_string(links.front().concept_id), FeatureKind::concept_);
  REQUIRE(concept_id);
  CHECK(loaded.background().df(*concept_id) == doctest::Approx(20.0));
  // Saving what was loaded gives the same bytes.
  CHECK(saved(loaded) == saved(model));
}

TEST_CASE("a model loaded against an analyzer with other options is a ConfigError naming the option") {
  const std::string bytes = saved(small_model());
  const Analyzer unstemmed(AnalyzerOptions{.stem = false});
  std::istringstream in(bytes);
  try {
    (void)Model::load(in, unstemmed, "m.bin");
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    CHECK(message.find("m.bin") != std::string::npos);
    CHECK(message.find("AnalyzerOptions::stem") != std::string::npos);
  }
}

TEST_CASE("a corrupt, truncated or foreign model file is a FormatError naming the file") {
  const std::string bytes = saved(small_model());
  std::string corrupt = bytes;
  corrupt[corrupt.size() / 2] ^= 0x20;
  const std::vector<std::string> bad{corrupt, bytes.substr(0, bytes.size() - 3), bytes.substr(0, 10),
                                     "concept\tde\tit\n", ""};
  for (const auto& b : bad) {
    std::istringstream in(b);
    try {
      (void)Model::load(in, analyzer(), "broken.bin");
      FAIL("no error");
    } catch (const FormatError& e) {
      CHECK(std::string(e.what()).starts_with("broken.bin: "));
    }
  }
  // A DF snapshot is not a model.
  Vocabulary v;
  DocumentFrequencies df(v);
  std::ostringstream snapshot;
  df.save(snapshot);
  std::istringstream in(snapshot.str());
  CHECK_THROWS_AS((void)Model::load(in, analyzer(), "df.bin"), FormatError);
}

TEST_CASE("background counts act as a prior worth background_documents documents") {
  Vocabulary bv;
  DocumentFrequencies background(bv);
  const TermId common = term(bv, "en", "said", FeatureKind::word);
  const TermId rare = term(bv, "en", "kaspersk", FeatureKind::word);
  for (int i = 0; i < 100; ++i) {
    std::vector<TermId> t{common};
    if (i == 0) t.push_back(rare);
    background.add(bv.lang_slot_of("en"), t);
  }
  Vocabulary v;
  DocumentFrequencies df(v, DfOptions{.background_documents = 50.0});
  const TermId said = term(v, "en", "said", FeatureKind::word);
  const TermId kaspersky = term(v, "en", "kaspersk", FeatureKind::word);
  const std::vector<TermId> both{said, kaspersky};
  df.add(v.lang_slot_of("en"), both);
  df.add(v.lang_slot_of("en"), both);
  CHECK(df.idf(said) == doctest::Approx(df.idf(kaspersky)));  // the input alone cannot tell
  df.set_background(&background);
  // lambda = 50 / 100: N = 2 + 50, df(said) = 2 + 50, df(kaspersk) = 2 + 0.5.
  CHECK(df.idf(said) == doctest::Approx(std::log(53.0 / 53.0) + 1.0));
  CHECK(df.idf(kaspersky) == doctest::Approx(std::log(53.0 / 3.5) + 1.0));
  CHECK(df.df(said) == 2.0);  // the table's own counts stay apart
  // idf_ratio gives both sides, the background's shares included; one language, one side.
  const auto ratio = df.idf_ratio(kaspersky);
  CHECK(ratio.documents == doctest::Approx(53.0));
  CHECK(ratio.frequency == doctest::Approx(3.5));
  CHECK(df.idf_ratio(said).documents == ratio.documents);
  CHECK(df.idf(kaspersky) == std::log(ratio.documents / ratio.frequency) + 1.0);
}

TEST_CASE("a background table written by the builder reads back, and checks the analyzer options") {
  ModelBuilder builder(analyzer());
  builder.add_background(background_articles());
  std::ostringstream table;
  builder.write_background(table, 2.0);
  ModelBuilder again(analyzer());
  again.load_background("bg.tsv", table.str());
  CHECK(again.background_documents() == 20.0);
  std::ostringstream rewritten;
  again.write_background(rewritten, 2.0);
  CHECK(rewritten.str() == table.str());
  const Analyzer plain(AnalyzerOptions{.decompound = false});
  ModelBuilder other(plain);
  CHECK_THROWS_AS(other.load_background("bg.tsv", table.str()), ConfigError);
  CHECK_THROWS_AS(again.load_background("bad.tsv", "hello\tworld\n"), FormatError);
}
