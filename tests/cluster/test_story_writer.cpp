// The story writers (JSONL, text, HTML), explanations by document index, id look-up and the
// strong ids' text forms.

#include "support.hpp"

#include <crossnews/crossnews.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace crossnews;

namespace {

const Analyzer& analyzer() { return test::shared_analyzer(); }
const Lexicon& lexicon() { return test::builtin_lexicon(); }

Article make(std::string id, std::string lang, std::string title, std::string text) {
  Article a;
  a.id = std::move(id);
  a.lang = std::move(lang);
  a.title = std::move(title);
  a.text = std::move(text);
  a.time = 1516960800;  // 2018-01-26T10:00:00Z
  return a;
}

std::vector<Article> pair_corpus() {
  return {make("de-1", "de", "Twitter sperrt Werbung von Kaspersky",
               "Twitter hat Werbung von Kaspersky Lab verboten. Eugene Kaspersky kritisiert das "
               "Verbot in einem Brief."),
          make("it-1", "it", "Twitter vieta la pubblicità di Kaspersky",
               "Twitter ha vietato la pubblicità di Kaspersky Lab. Eugene Kaspersky critica il "
               "divieto in una lettera."),
          make("en-1", "en", "Storm floods the harbour", "A storm flooded the harbour at night.")};
}

StorySummary sample_story() {
  StorySummary s;
  s.id = ClusterId(7);
  s.size = 2;
  s.languages = {{"de", 1}, {"it", 1}};
  s.first_time = 1516960800;
  s.last_time = 1517047200;
  s.keywords = {{"de", {"Werbung", "Kaspersky"}}, {"it", {"pubblicità"}}};
  s.titles = {{"de", "Twitter \"sperrt\" <Werbung> & mehr"}, {"it", "Twitter vieta"}};
  s.member_ids = {"de-1", "it\t1"};
  return s;
}

std::string write_all(StoryFormat format, const StorySummary& story) {
  std::ostringstream out;
  StoryWriter writer(out, format);
  writer.write(story);
  writer.finish();
  return out.str();
}

}  // namespace

TEST_CASE("strong ids print as their number") {
  std::ostringstream out;
  out << ClusterId(42) << ' ' << TermId(7);
  CHECK(out.str() == "42 7");
  CHECK(to_string(ClusterId(18446744073709551615ull)) == "18446744073709551615");
}

TEST_CASE("StoryWriter writes the JSONL summary the CLI always wrote") {
  CHECK(write_all(StoryFormat::jsonl, sample_story()) ==
        "{\"id\":7,\"size\":2,\"languages\":{\"de\":1,\"it\":1},"
        "\"first_time\":\"2018-01-26T10:00:00Z\",\"last_time\":\"2018-01-27T10:00:00Z\","
        "\"keywords\":{\"de\":[\"Werbung\",\"Kaspersky\"],\"it\":[\"pubblicità\"]},"
        "\"titles\":{\"de\":\"Twitter \\\"sperrt\\\" <Werbung> & mehr\",\"it\":\"Twitter vieta\"},"
        "\"members\":[\"de-1\",\"it\\t1\"]}\n");
  StorySummary undated = sample_story();
  undated.first_time.reset();
  undated.last_time.reset();
  CHECK(write_all(StoryFormat::jsonl, undated).find("\"first_time\":null,\"last_time\":null") !=
        std::string::npos);
}

TEST_CASE("StoryWriter writes a readable text block") {
  CHECK(write_all(StoryFormat::text, sample_story()) ==
        "Story 7: 2 articles (de 1, it 1), 2018-01-26 to 2018-01-27\n"
        "  [de] Twitter \"sperrt\" <Werbung> & mehr\n"
        "       keywords: Werbung Kaspersky\n"
        "  [it] Twitter vieta\n"
        "       keywords: pubblicità\n"
        "  members: de-1 it\t1\n\n");
}

TEST_CASE("StoryWriter's HTML escapes every text and is one closed page") {
  const std::string page = write_all(StoryFormat::html, sample_story());
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("Twitter &quot;sperrt&quot; &lt;Werbung&gt; &amp; mehr") != std::string::npos);
  CHECK(page.find("<Werbung>") == std::string::npos);
  CHECK(page.find("id=\"story-7\"") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("http") == std::string::npos);  // nothing fetched from anywhere
  CHECK(page.find("</html>") != std::string::npos);
  std::ostringstream empty;
  StoryWriter writer(empty, StoryFormat::html);
  writer.finish();
  CHECK(empty.str().find("0 stories") != std::string::npos);
  CHECK(parse_story_format("html") == StoryFormat::html);
  CHECK_THROWS_AS((void)parse_story_format("xml"), ConfigError);
}

TEST_CASE("the featurizer finds documents by id and keeps articles only when asked") {
  const auto articles = pair_corpus();
  Featurizer plain(analyzer(), &lexicon());
  plain.add(articles);
  plain.finish();
  CHECK(plain.find("it-1") == DocId{1});
  CHECK_FALSE(plain.find("nope").has_value());
  CHECK(plain.id(DocId{2}) == "en-1");
  CHECK_THROWS_AS((void)plain.id(DocId{3}), InputError);
  CHECK_FALSE(plain.keeps_articles());
  CHECK_THROWS_AS((void)plain.title(DocId{0}), ConfigError);
  CHECK_THROWS_AS((void)explain_link(plain, &lexicon(), DocId{0}, DocId{1}, ClusterOptions{}),
                  ConfigError);
}

TEST_CASE("explain_link by index: the words each article used, InputError out of range") {
  const auto articles = pair_corpus();
  Featurizer featurizer(analyzer(), &lexicon(), {.keep_articles = true});
  featurizer.add(articles);
  featurizer.finish();
  const Featurizer& view = featurizer;  // everything below works on a const featurizer
  CHECK(view.title(DocId{1}) == "Twitter vieta la pubblicità di Kaspersky");
  const LinkExplanation link = explain_link(view, &lexicon(), DocId{0}, DocId{1}, ClusterOptions{});
  CHECK(link.similarity > 0.3f);
  bool advertising = false;
  for (const SharedFeature& s : link.shared) {
    // Surface forms as written (capitalised, unstemmed), never stems.
    if (s.terms.at("it") == "pubblicità") {
      advertising = true;
      CHECK(s.terms.at("de") == "Werbung");
    }
    CHECK(s.terms.at("de").find("werb") == std::string::npos);
  }
  CHECK(advertising);
  CHECK_THROWS_AS((void)explain_link(view, &lexicon(), DocId{0}, DocId{3}, ClusterOptions{}),
                  InputError);
  CHECK_THROWS_AS((void)explain_link(view, &lexicon(), DocId{99}, DocId{0}, ClusterOptions{}),
                  InputError);
}

TEST_CASE("SharedFeature::words lists one language's words in order, none for another language") {
  SharedFeature feature;
  feature.terms = {{"de", "Kaspersky|Kaspersky Lab|Kaspersky-CEO"}, {"it", "Kaspersky"}};
  CHECK(feature.words("de") ==
        std::vector<std::string_view>{"Kaspersky", "Kaspersky Lab", "Kaspersky-CEO"});
  CHECK(feature.words("it") == std::vector<std::string_view>{"Kaspersky"});
  CHECK(feature.words("en").empty());
}

TEST_CASE("describe_story lists members in time order and explains cross-lingual pairs") {
  auto articles = pair_corpus();
  articles[0].time = 1517047200;  // the German article a day later
  ClusterOptions options;
  options.features.keep_articles = true;
  BatchClusterer clusterer(analyzer(), &lexicon(), options);
  clusterer.add(articles);
  const ClusteringResult result = clusterer.run();
  REQUIRE(result.stories.front().size == 2);
  const StoryDetails details =
      describe_story(clusterer.featurizer(), &lexicon(), result.stories.front(), options);
  REQUIRE(details.articles.size() == 2);
  CHECK(details.articles[0].id == "it-1");
  CHECK(details.articles[1].title == "Twitter sperrt Werbung von Kaspersky");
  REQUIRE(details.links.size() == 1);
  CHECK(details.links[0].explanation.similarity >= options.threshold);
  CHECK(details.links_left_out == 0);
  std::ostringstream page;
  StoryWriter writer(page, StoryFormat::html);
  writer.write(result.stories.front(), details);
  writer.finish();
  CHECK(page.str().find("pubblicità") != std::string::npos);
  CHECK(page.str().find("Werbung") != std::string::npos);
}
