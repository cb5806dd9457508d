#include "support.hpp"

#include "cluster/detail/story_builder.hpp"
#include "cluster/detail/stream_story.hpp"

#include <crossnews/crossnews.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

using namespace crossnews;
using crossnews::test::builtin_lexicon;
using crossnews::test::shared_analyzer;

namespace {

// A made-up word: letters drawn from `rng`, the same for a seed on every platform (mt19937 is
// fully specified; no std distributions).
std::string made_up_word(std::mt19937& rng) {
  static const std::string consonants = "bcdfglmnprstvz", vowels = "aeiou";
  std::string word;
  const std::size_t syllables = 3 + rng() % 2;
  for (std::size_t i = 0; i < syllables; ++i) {
    word += consonants[rng() % consonants.size()];
    word += vowels[rng() % vowels.size()];
  }
  return word;
}

// The first form of each concept of the built-in keyword map, per language (de it en es fr).
std::vector<std::vector<std::string>> keyword_map_words() {
  std::ifstream in(CROSSNEWS_SOURCE_DIR "/data/lexicon/society.tsv");
  std::vector<std::vector<std::string>> words(5);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("concept\t", 0) == 0) continue;
    std::istringstream fields(line);
    std::string field;
    std::getline(fields, field, '\t');  // the concept's name
    for (auto& language : words) {
      std::getline(fields, field, '\t');
      language.push_back(field.substr(0, field.find('|')));
    }
  }
  return words;
}

// News-like text in five languages, shaped like shared/peers/gen_corpus.py: most words are drawn
// with Zipfian frequencies from a background vocabulary whose common words the keyword map links
// across languages (so any two articles share concepts); 12 % are the story's own topical words
// (from the background's tail) and 3 % its names, a few famous names being in many stories.
// Stories overlap in time, so their articles arrive interleaved.
std::vector<Article> interleaved_stories(std::size_t stories, std::size_t per_story,
                                         std::vector<std::size_t>& gold) {
  static const char* const languages[] = {"de", "it", "en", "es", "fr"};
  std::mt19937 rng(7);
  const auto uniform = [&] { return double(rng()) / (double(rng.max()) + 1.0); };
  auto background = keyword_map_words();
  REQUIRE(background.front().size() >= 300);
  for (auto& language : background) {
    language.resize(300);
    for (std::size_t i = 0; i < 2700; ++i) language.push_back(made_up_word(rng));
  }
  std::vector<double> zipf;  // cumulative weights 1/rank
  for (std::size_t r = 1; r <= 3000; ++r) {
    zipf.push_back((zipf.empty() ? 0.0 : zipf.back()) + 1.0 / double(r));
  }
  const auto zipf_rank = [&] {
    const auto it = std::upper_bound(zipf.begin(), zipf.end(), uniform() * zipf.back());
    return std::min<std::size_t>(std::size_t(it - zipf.begin()), zipf.size() - 1);
  };
  std::vector<std::string> famous(100);
  for (auto& w : famous) w = made_up_word(rng), w[0] = char(w[0] - 'a' + 'A');
  std::vector<std::pair<std::int64_t, Article>> timed;
  for (std::size_t s = 0; s < stories; ++s) {
    std::vector<std::size_t> topical(25);
    for (auto& rank : topical) rank = 300 + rng() % 2700;
    std::vector<std::string> names(3);
    for (auto& w : names) w = famous[std::size_t(double(famous.size()) * std::pow(uniform(), 3.0))];
    const std::int64_t start = std::int64_t(rng() % (20 * 86400));
    for (std::size_t k = 0; k < per_story; ++k) {
      const std::size_t language = rng() % 5;
      const auto& words = background[language];
      Article a;
      a.id = "s" + std::to_string(s) + "-" + std::to_string(k);
      a.lang = languages[language];
      for (std::size_t i = 0; i < 150; ++i) {
        const double u = uniform();
        a.text += u < 0.12   ? words[topical[rng() % topical.size()]]
                  : u < 0.15 ? names[rng() % names.size()]
                             : words[zipf_rank()];
        a.text += i % 12 == 11 ? ". " : " ";
      }
      a.time = 1735689600 + start + std::int64_t(rng() % 86400);
      timed.emplace_back(s, std::move(a));
    }
  }
  std::stable_sort(timed.begin(), timed.end(),
                   [](const auto& x, const auto& y) { return *x.second.time < *y.second.time; });
  std::vector<Article> articles;
  for (auto& [story, a] : timed) {
    gold.push_back(std::size_t(story));
    articles.push_back(std::move(a));
  }
  return articles;
}

}  // namespace

TEST_CASE("stream: stories that share common words do not chain into one giant story") {
  std::vector<std::size_t> gold;
  const std::vector<Article> articles = interleaved_stories(200, 10, gold);
  StreamClusterer clusterer(shared_analyzer(), &builtin_lexicon());
  for (const auto& a : articles) clusterer.add(a);
  const auto assignment = clusterer.assignment();
  std::map<ClusterId, std::size_t> sizes;
  for (const auto id : assignment) ++sizes[id];
  std::size_t largest = 0;
  for (const auto& [id, n] : sizes) largest = std::max(largest, n);
  std::vector<std::string> gold_labels, predicted;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    gold_labels.push_back(std::to_string(gold[i]));
    predicted.push_back(std::to_string(assignment[i].value()));
  }
  std::vector<std::string> langs;
  for (const auto& a : articles) langs.push_back(a.lang);
  const ClusteringScores scores = evaluate(gold_labels, predicted, langs);
  MESSAGE("largest stream story: " << largest << " articles (gold: 10), B-cubed F1 "
                                   << scores.bcubed_f1);
  CHECK(largest <= 3 * 10);
  CHECK(scores.bcubed_f1 > 0.5);  // all singletons would score 0.18
}

TEST_CASE("stream: adding in batches on any thread count gives the ids of adding one by one") {
  std::vector<std::size_t> gold;
  const std::vector<Article> articles = interleaved_stories(60, 10, gold);
  // The default cap per term, and one that binds (a query reads the postings that came last).
  std::vector<std::vector<ClusterId>> by_cap;
  for (const std::size_t postings_per_term : {ClusterOptions{}.postings_per_term, std::size_t{1}}) {
    CAPTURE(postings_per_term);
    ClusterOptions one_thread;
    one_thread.postings_per_term = postings_per_term;
    StreamClusterer one_by_one(shared_analyzer(), &builtin_lexicon(), one_thread);
    std::vector<ClusterId> expected;
    for (const auto& a : articles) expected.push_back(one_by_one.add(a));
    by_cap.push_back(expected);
    for (const std::size_t threads : {1, 2, 3}) {
      for (const std::size_t batch : {1, 7, 256, 600}) {  // 600: analysed in more than one chunk
        CAPTURE(threads);
        CAPTURE(batch);
        ClusterOptions options = one_thread;
        options.features.threads = threads;
        StreamClusterer batched(shared_analyzer(), &builtin_lexicon(), options);
        std::vector<ClusterId> returned;
        for (std::size_t start = 0; start < articles.size(); start += batch) {
          const auto part =
              std::span(articles).subspan(start, std::min(batch, articles.size() - start));
          const auto ids = batched.add(part);
          returned.insert(returned.end(), ids.begin(), ids.end());
        }
        CHECK(returned == expected);
        CHECK(batched.assignment() == one_by_one.assignment());
        CHECK(batched.merges().size() == one_by_one.merges().size());
        for (std::size_t doc = 0; doc < articles.size(); ++doc) {
          const auto& a = batched.featurizer().features(test::doc_id(doc)).vector.entries();
          const auto& b = one_by_one.featurizer().features(test::doc_id(doc)).vector.entries();
          REQUIRE(a.size() == b.size());
          CHECK(std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
            return x.term == y.term && x.weight == y.weight;
          }));
        }
      }
    }
  }
  CHECK(by_cap.front() != by_cap.back());
}

namespace {

// What a summary says, member ids included, for comparing two runs.
std::vector<std::string> described(const std::vector<StorySummary>& stories) {
  std::vector<std::string> out;
  for (const auto& s : stories) {
    std::ostringstream line;
    line << s.id << ' ' << s.size << ' ' << s.first_time.value_or(-1) << ' '
         << s.last_time.value_or(-1);
    for (const auto& [lang, n] : s.languages) line << ' ' << lang << n;
    for (const auto& [lang, words] : s.keywords) {
      for (const auto& w : words) line << ' ' << lang << ':' << w;
    }
    for (const auto& [lang, title] : s.titles) line << ' ' << lang << '"' << title << '"';
    for (const auto& id : s.member_ids) line << ' ' << id;
    out.push_back(line.str());
  }
  return out;
}

}  // namespace

TEST_CASE("stream: a story that never retires is summarised from all its articles at the end") {
  std::vector<std::size_t> gold;
  // Several hundred stories: summaries are made a block at a time.
  std::vector<Article> articles = interleaved_stories(300, 3, gold);
  for (std::size_t i = 0; i < articles.size(); i += 3) {
    articles[i].title = "title " + articles[i].id;
  }
  StreamClusterer stream(shared_analyzer(), &builtin_lexicon());
  for (const auto& a : articles) (void)stream.add(a);
  REQUIRE(stream.live_stories() == stream.stories().size());  // none retired
  std::vector<detail::ArticleMeta> meta;
  for (const auto& a : articles) meta.push_back({a.id, a.title});
  const auto assignment = stream.assignment();
  const auto stories = stream.stories();
  REQUIRE(stories.size() > 256);
  CHECK(described(stories) ==
        described(detail::summarize_stories(stream.featurizer(), assignment, meta)));
  std::vector<StorySummary> visited;
  stream.for_each_story([&](const StorySummary& s) { visited.push_back(s); });
  CHECK(described(visited) == described(stories));
}

TEST_CASE("stream: retired stories keep their summaries and let their articles go") {
  std::vector<std::size_t> gold;
  std::vector<Article> articles = interleaved_stories(60, 10, gold);
  for (std::size_t i = 0; i < articles.size(); i += 3) {
    articles[i].title = "title " + articles[i].id;
  }
  ClusterOptions options;
  options.window_days = 1.0;
  options.late_articles = 16;
  // Kept articles are never let go (explanations need them): the same stream, holding everything.
  ClusterOptions keeping = options;
  keeping.features.keep_articles = true;
  StreamClusterer releasing(shared_analyzer(), &builtin_lexicon(), options);
  StreamClusterer holding(shared_analyzer(), &builtin_lexicon(), keeping);
  for (const auto& a : articles) CHECK(releasing.add(a) == holding.add(a));
  CHECK(releasing.assignment() == holding.assignment());
  const auto stories = releasing.stories();
  CHECK(described(stories) == described(holding.stories()));
  CHECK(releasing.live_stories() < stories.size() / 2);

  std::size_t released = 0;
  for (std::size_t doc = 0; doc < articles.size(); ++doc) {
    CHECK_FALSE(holding.featurizer().released(test::doc_id(doc)));
    released += releasing.featurizer().released(test::doc_id(doc)) ? 1 : 0;
  }
  CHECK(released > articles.size() / 2);
  // A retired story names all its members, as the assignment does.
  std::map<ClusterId, std::vector<std::string>> members;
  const auto assignment = releasing.assignment();
  for (std::size_t doc = 0; doc < articles.size(); ++doc) {
    members[assignment[doc]].push_back(articles[doc].id);
  }
  for (const auto& s : stories) CHECK(s.member_ids == members.at(s.id));
}

TEST_CASE(
    "stream: an earlier article is scored on the weights batch gives it, the new one counted") {
  const std::vector<Article> articles = {
      test::article("a", "de", "Das Erdbeben zerstörte viele Häuser in der Stadt."),
      test::article("b", "de", "Nach dem Erdbeben besuchte der Minister die Häuser."),
  };
  Featurizer weighed(shared_analyzer(), &builtin_lexicon());
  for (const auto& a : articles) (void)weighed.featurize_one(a);
  Featurizer batch(shared_analyzer(), &builtin_lexicon());
  batch.add(articles);
  batch.finish();
  const ClusterOptions defaults;
  const DocFeatures& b = weighed.features(test::doc_id(1));
  const float then = similarity(weighed, weighed.features(test::doc_id(0)), b, defaults);
  const float now =
      similarity(batch, batch.features(test::doc_id(0)), batch.features(test::doc_id(1)), defaults);
  CHECK(similarity(weighed, weighed.weighed_again(test::doc_id(0)), b, defaults) ==
        doctest::Approx(now).epsilon(1e-5));
  // "a" weighed alone, before "b" was counted, is closer to "b" than batch finds it: at a
  // threshold between the two, the stream keeps them apart as batch does.
  REQUIRE(then > now + 0.01f);
  ClusterOptions between;
  between.threshold = (then + now) / 2;
  StreamClusterer stream(shared_analyzer(), &builtin_lexicon(), between);
  const auto ids = stream.add(articles);
  CHECK(ids[0] != ids[1]);
}

TEST_CASE("stream: a story's language centroids replay its joins and merges to the bit") {
  const std::vector<Article> articles = {
      test::article("a", "de", "Das Erdbeben zerstörte viele Häuser in der Stadt."),
      test::article("b", "it", "Il terremoto ha distrutto molte case nella città."),
      test::article("c", "de", "Nach dem Erdbeben besuchte der Minister die Stadt."),
      test::article("d", "it", "Dopo il terremoto il ministro ha visitato la città."),
      test::article("e", "de", "Die Stadt baut die Häuser nach dem Erdbeben wieder auf."),
  };
  Featurizer featurizer(shared_analyzer(), &builtin_lexicon());
  for (const auto& a : articles) (void)featurizer.featurize_one(a);
  const auto vector = [&](std::size_t doc) {
    return featurizer.features(test::doc_id(doc)).vector;
  };
  // Story 0 was joined by a, took in story 1 (b, then d, then story 2: c) after one join, then e.
  std::vector<detail::StreamStory> stories(3);
  stories[0].joined = {0, 4};
  stories[0].absorbed = {{1, 1}};
  stories[1].joined = {1, 3};
  stories[1].absorbed = {{2, 2}};
  stories[2].joined = {2};
  // The same additions and merges, made as they happened.
  CentroidAccumulator de, it, de_of_1;
  de.add(vector(0));
  it.add(vector(1));
  it.add(vector(3));
  de_of_1.add(vector(2));  // story 2 brought German into story 1 after its Italian
  de.merge(de_of_1);
  de.add(vector(4));
  const auto views = detail::language_views(stories, 0, featurizer, 80);
  REQUIRE(views.size() == 2);
  CHECK(views[0].lang_slot == featurizer.features(test::doc_id(0)).lang_slot);
  CHECK(views[0].members == 3);
  CHECK(views[1].members == 2);
  for (const auto& [view, sum] : {std::pair{&views[0], &de}, std::pair{&views[1], &it}}) {
    const SparseVector centroid = sum->centroid(80);
    const auto expected = centroid.entries();
    const auto got = view->view.vector.entries();
    REQUIRE(got.size() == expected.size());
    CHECK(std::equal(got.begin(), got.end(), expected.begin(), [](const auto& x, const auto& y) {
      return x.term == y.term && x.weight == y.weight;
    }));
    CHECK(view->coherence == static_cast<float>(sum->mean_norm()));
  }
  CHECK(detail::story_members(stories, 0) == std::vector<std::size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("stream: with a half-life, a word common in old days weighs as a rare one again") {
  // Forty articles of the first day share a word; weeks later an article uses it again.
  std::vector<Article> articles;
  for (int i = 0; i < 40; ++i) {
    Article a = test::article("old" + std::to_string(i), "de",
                              "Der Hafen meldet neue Zahlen. Bericht Nummer " + std::to_string(i) +
                                  " über Schiffe und Waren.");
    a.time = 1735689600 + i * 60;
    articles.push_back(std::move(a));
  }
  Article late = test::article("late", "de", "Im Hafen brannte ein Lager mit Holz.");
  late.time = 1735689600 + 30 * 86400;
  articles.push_back(late);

  const auto weight_of_word = [&](double half_life_days) {
    ClusterOptions options;
    options.features.df.half_life_days = half_life_days;
    StreamClusterer stream(shared_analyzer(), &builtin_lexicon(), options);
    for (const auto& a : articles) (void)stream.add(a);
    const Featurizer& f = stream.featurizer();
    const auto doc = f.find("late");
    REQUIRE(doc);
    const DocFeatures& features = f.features(*doc);
    // The heaviest term the late article shares with the old ones.
    const auto& old = f.features(*f.find("old0")).vector;
    float shared = 0.0f;
    for (const auto& e : features.vector.entries()) {
      if (old.weight(e.term) > 0.0f) shared = std::max(shared, e.weight);
    }
    return std::pair{shared, f.document_frequencies().total_documents()};
  };
  const auto [kept, all_documents] = weight_of_word(0.0);
  const auto [decayed, decayed_documents] = weight_of_word(3.0);
  CHECK(all_documents == doctest::Approx(41.0));
  // Thirty days are ten half-lives: the old articles count about 40 / 1024 documents.
  CHECK(decayed_documents == doctest::Approx(1.0 + 40.0 / 1024.0).epsilon(0.01));
  CHECK(kept > 0.0f);
  CHECK(decayed > kept * 1.2f);
}
