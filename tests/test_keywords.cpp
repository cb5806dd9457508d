// What people are shown -- story keywords and the words of an explanation -- are words the
// articles wrote: no concept ids, no stems, no lexicon phrases the articles lack, no repeats.
#include <crossnews/crossnews.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

using namespace crossnews;
namespace fs = std::filesystem;

namespace {

const Analyzer& keyword_analyzer() {
  static const Analyzer analyzer;
  return analyzer;
}

const Lexicon& keyword_lexicon() {
  static const Lexicon lexicon = [] {
    LexiconBuilder builder(keyword_analyzer());
    (void)builder.add_builtin();
    return builder.build();
  }();
  return lexicon;
}

Corpus read_one(const fs::path& path) {
  const std::string input = path.string();
  return read_corpus(std::span<const std::string>(&input, 1));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Every keyword of every story occurs in the title or text of a member of its language, and no
// word shows twice in one language's keywords. Returns the number of keywords checked.
std::size_t check_keywords(const std::vector<Article>& articles) {
  BatchClusterer clusterer(keyword_analyzer(), &keyword_lexicon());
  clusterer.add(articles);
  const ClusteringResult result = clusterer.run();
  const Featurizer& featurizer = clusterer.featurizer();
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < articles.size(); ++i) index_of[articles[i].id] = i;
  std::size_t checked = 0;
  for (const StorySummary& story : result.stories) {
    for (const auto& [lang, keywords] : story.keywords) {
      std::set<std::string> words;
      for (const std::string& keyword : keywords) {
        CAPTURE(keyword);
        CHECK(keyword.size() <= Featurizer::kMaxLabelBytes);
        const bool found = std::any_of(
            story.member_ids.begin(), story.member_ids.end(), [&](const std::string& id) {
              const std::size_t doc = index_of.at(id);
              const DocFeatures& f = featurizer.features(doc);
              return featurizer.language(f.lang_slot) == lang &&
                     (articles[doc].title.find(keyword) != std::string::npos ||
                      articles[doc].text.find(keyword) != std::string::npos);
            });
        CHECK(found);
        std::istringstream split(lower(keyword));
        for (std::string word; split >> word;) CHECK(words.insert(word).second);
        ++checked;
      }
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("story keywords of the example corpus are words of member articles, each once") {
  const Corpus corpus = read_one(fs::path(CROSSNEWS_SOURCE_DIR) / "examples/data/articles.jsonl");
  CHECK(check_keywords(corpus.articles) > 100);
}

TEST_CASE("story keywords of the eval corpora are words of member articles" *
          doctest::skip(!fs::exists(fs::path(CROSSNEWS_SHARED_DIR) / "eval"))) {
  for (const char* name : {"wikinews_dev.jsonl", "wmt_newstest_dev.jsonl"}) {
    CAPTURE(name);
    const Corpus corpus = read_one(fs::path(CROSSNEWS_SHARED_DIR) / "eval" / name);
    CHECK(check_keywords(corpus.articles) > 1000);
  }
}

TEST_CASE("a giant token is never a keyword and is shown clipped") {
  const std::string giant(1 << 20, 'x');
  std::vector<Article> articles = {
      {"a", "Orkan trifft Hamburg", "Der Orkan " + giant + " traf Hamburg am Morgen.", "de", {}, ""},
      {"b", "Orkan über Hamburg", "Ein Orkan " + giant + " zog über Hamburg hinweg.", "de", {}, ""}};
  BatchClusterer clusterer(keyword_analyzer(), &keyword_lexicon());
  clusterer.add(articles);
  const ClusteringResult result = clusterer.run();
  REQUIRE(result.stories.size() == 1);
  for (const auto& [lang, keywords] : result.stories.front().keywords) {
    for (const std::string& keyword : keywords) CHECK(keyword.size() <= Featurizer::kMaxLabelBytes);
  }
  const LinkExplanation link = explain_link(clusterer.featurizer(), &keyword_lexicon(), articles[0],
                                            0, articles[1], 1, ClusterOptions{});
  bool clipped = false;
  for (const SharedFeature& shared : link.shared) {
    for (const auto& [lang, words] : shared.terms) {
      CHECK(words.size() <= Featurizer::kMaxLabelBytes + 3);
      clipped = clipped || words.ends_with("\u2026");
    }
  }
  CHECK(clipped);
}

TEST_CASE("an explanation shows, per side, the words that article wrote") {
  const Corpus corpus = read_one(fs::path(CROSSNEWS_SOURCE_DIR) / "examples/data/articles.jsonl");
  const auto& articles = corpus.articles;
  BatchClusterer clusterer(keyword_analyzer(), &keyword_lexicon());
  clusterer.add(articles);
  const ClusteringResult result = clusterer.run();
  std::size_t checked = 0;
  for (std::size_t a = 0; a < articles.size(); ++a) {
    for (std::size_t b = a + 1; b < articles.size(); ++b) {
      const auto& featurizer = clusterer.featurizer();
      // Cross-lingual pairs: a same-language pair shares one `terms` key.
      if (result.assignment[a] != result.assignment[b] ||
          featurizer.features(a).lang_slot == featurizer.features(b).lang_slot) {
        continue;
      }
      const LinkExplanation link = explain_link(clusterer.featurizer(), &keyword_lexicon(),
                                                articles[a], a, articles[b], b, ClusterOptions{});
      for (const SharedFeature& shared : link.shared) {
        for (const std::size_t doc : {a, b}) {
          const auto lang = std::string(featurizer.language(featurizer.features(doc).lang_slot));
          if (!shared.terms.contains(lang)) continue;
          std::istringstream split(shared.terms.at(lang));
          for (std::string word; std::getline(split, word, '|');) {
            CAPTURE(word);
            CHECK((articles[doc].title.find(word) != std::string::npos ||
                   articles[doc].text.find(word) != std::string::npos));
            ++checked;
          }
        }
      }
    }
  }
  CHECK(checked > 100);
}
