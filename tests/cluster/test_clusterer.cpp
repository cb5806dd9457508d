#include "support.hpp"

#include <crossnews/crossnews.hpp>

#include "cluster/detail/agglomerate.hpp"
#include "cluster/detail/parallel.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace crossnews;
namespace fs = std::filesystem;

namespace {

using test::builtin_lexicon;
using test::load;
using test::score;
using test::shared_analyzer;

ClusteringResult cluster_batch(const std::vector<Article>& articles, ClusterOptions options = {}) {
  BatchClusterer clusterer(shared_analyzer(), &builtin_lexicon(), options);
  clusterer.add(articles);
  return clusterer.run();
}

}  // namespace

TEST_CASE("average linkage does not chain through one strong edge") {
  // 0-1 are close, 1-2 close, 0-2 far: single linkage would join all three.
  const std::vector<detail::GroupEdge> edges = {{0, 1, 0.9}, {1, 2, 0.8}, {0, 2, 0.1}};
  CHECK(detail::agglomerate(3, edges, 0.5) == std::vector<std::uint32_t>{0, 0, 2});
  // (0.8 + 0.1) / 2 = 0.45 clears a lower threshold.
  CHECK(detail::agglomerate(3, edges, 0.4) == std::vector<std::uint32_t>{0, 0, 0});
  CHECK(detail::agglomerate(3, edges, 0.95) == std::vector<std::uint32_t>{0, 1, 2});
}

TEST_CASE("a pair without a candidate edge counts as dissimilar") {
  // Without the 0-2 edge, {0,1} and 2 average (0 + 0.8) / 2 = 0.4: below 0.5, so 2 stays apart,
  // where an average over the edges alone (0.8) would have chained it in.
  const std::vector<detail::GroupEdge> edges = {{0, 1, 0.9}, {1, 2, 0.8}};
  CHECK(detail::agglomerate(3, edges, 0.5) == std::vector<std::uint32_t>{0, 0, 2});
  CHECK(detail::agglomerate(3, edges, 0.4) == std::vector<std::uint32_t>{0, 0, 0});
  // Group sizes weigh the average: a group of 3 joined by one edge of 0.9 averages 0.3.
  const std::vector<detail::GroupEdge> one = {{0, 1, 0.9}};
  const std::vector<std::uint32_t> sizes = {3, 1};
  CHECK(detail::agglomerate(2, one, 0.35, sizes) == std::vector<std::uint32_t>{0, 1});
  CHECK(detail::agglomerate(2, one, 0.29, sizes) == std::vector<std::uint32_t>{0, 0});
}

TEST_CASE("agglomeration merges the best average pair first, like the quadratic definition") {
  // The definition, step by step: merge the pair of groups with the highest average over all
  // member pairs at or above the threshold (ties: smaller ids), add up their links, repeat.
  auto reference = [](std::size_t n, const std::vector<detail::GroupEdge>& edges,
                      const std::vector<std::uint32_t>& sizes, double threshold) {
    std::map<std::pair<std::uint32_t, std::uint32_t>, double> links;
    for (const auto& e : edges) {
      if (e.a == e.b) continue;
      links[{std::min(e.a, e.b), std::max(e.a, e.b)}] += e.sum;
    }
    std::vector<double> size(sizes.begin(), sizes.end());
    std::vector<std::uint32_t> root(n);
    for (std::uint32_t i = 0; i < n; ++i) root[i] = i;
    for (;;) {
      const std::pair<std::uint32_t, std::uint32_t>* best = nullptr;
      double best_average = 0.0;
      for (const auto& [pair, sum] : links) {
        const double average = sum / (size[pair.first] * size[pair.second]);
        if (average >= threshold && (best == nullptr || average > best_average)) {
          best = &pair;
          best_average = average;
        }
      }
      if (best == nullptr) break;
      const auto [keep, gone] = *best;
      std::map<std::pair<std::uint32_t, std::uint32_t>, double> next;
      for (const auto& [pair, sum] : links) {  // keep's links come first, so its sums lead
        if (pair.first != gone && pair.second != gone) next[pair] = sum;
      }
      for (const auto& [pair, sum] : links) {
        if (pair.first != gone && pair.second != gone) continue;
        const std::uint32_t other = pair.first == gone ? pair.second : pair.first;
        if (other == keep) continue;
        next[{std::min(keep, other), std::max(keep, other)}] += sum;
      }
      links = std::move(next);
      size[keep] += size[gone];
      for (auto& r : root) {
        if (r == gone) r = keep;
      }
    }
    return root;
  };
  std::mt19937 rng(5);
  for (int round = 0; round < 300; ++round) {
    CAPTURE(round);
    const std::size_t n = 2 + rng() % 24;
    std::vector<std::uint32_t> sizes(n);
    for (auto& s : sizes) s = 1 + static_cast<std::uint32_t>(rng() % 3);
    std::vector<detail::GroupEdge> edges;
    for (std::size_t i = rng() % (3 * n); i > 0; --i) {
      const auto a = static_cast<std::uint32_t>(rng() % n);
      const auto b = static_cast<std::uint32_t>(rng() % n);
      // Eighths tie often, so the tie rule is exercised too.
      edges.push_back({a, b, static_cast<double>(rng() % 9) / 8.0 * (1 + rng() % 2)});
    }
    if (round % 2 == 0) {
      std::sort(edges.begin(), edges.end(), [](const auto& x, const auto& y) {
        return std::tie(x.a, x.b) < std::tie(y.a, y.b);
      });
    }
    for (const double threshold : {0.25, 0.5, 0.8}) {
      CHECK(detail::agglomerate(n, edges, threshold, sizes) ==
            reference(n, edges, sizes, threshold));
    }
  }
}

TEST_CASE("linked-pairs linkage averages over the edges only, so near-copies stay together") {
  // 0-1 and 1-2 are near-copies, 0-2 missing from a bounded neighbour list: the average over the
  // linked pairs keeps all three; over all pairs the missing one would split them.
  const std::vector<detail::GroupEdge> chain = {{0, 1, 0.9}, {1, 2, 0.85}};
  CHECK(detail::agglomerate(3, chain, 0.8, {}, detail::Linkage::linked_pairs) ==
        std::vector<std::uint32_t>{0, 0, 0});
  CHECK(detail::agglomerate(3, chain, 0.8) == std::vector<std::uint32_t>{0, 0, 2});
  // A linked pair that is far apart still counts: (0.85 + 0.1) / 2 is below 0.8.
  const std::vector<detail::GroupEdge> far = {{0, 1, 0.9}, {1, 2, 0.85}, {0, 2, 0.1}};
  CHECK(detail::agglomerate(3, far, 0.8, {}, detail::Linkage::linked_pairs) ==
        std::vector<std::uint32_t>{0, 0, 2});
}

TEST_CASE("options out of range are a ConfigError") {
  ClusterOptions options;
  options.threshold = 1.5f;
  CHECK_THROWS_AS(BatchClusterer(shared_analyzer(), nullptr, options), ConfigError);
  options = {};
  options.time_sigma_days = 0.0;
  CHECK_THROWS_AS(StreamClusterer(shared_analyzer(), nullptr, options), ConfigError);
}

TEST_CASE("validate: NaN, infinities, zero threads and huge windows name the field and range") {
  const auto message = [](const ClusterOptions& options) -> std::string {
    try {
      validate(options);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(message(ClusterOptions{}).empty());
  ClusterOptions options;
  options.window_days = std::numeric_limits<double>::infinity();
  CHECK(message(options) ==
        "ClusterOptions::window_days must lie in [0, 36500] days "
        "(0: no window), got inf");
  CHECK_THROWS_AS(BatchClusterer(shared_analyzer(), nullptr, options), ConfigError);
  options = {};
  options.window_days = 1.1e14;  // would overflow int64 seconds
  CHECK(message(options).find("window_days") != std::string::npos);
  options = {};
  options.time_sigma_days = std::nan("");
  CHECK(message(options).find("ClusterOptions::time_sigma_days must lie in [0, 36500]") == 0);
  CHECK_THROWS_AS(StreamClusterer(shared_analyzer(), nullptr, options), ConfigError);
  options = {};
  options.candidate_min_score = std::nanf("");
  CHECK(message(options) == "ClusterOptions::candidate_min_score must lie in [0, 1], got nan");
  options = {};
  options.crosslingual_scale = std::numeric_limits<float>::quiet_NaN();
  CHECK(message(options).find("ClusterOptions::crosslingual_scale must lie in [0, 100]") == 0);
  options = {};
  options.features.threads = 0;
  CHECK(message(options) == "FeaturizerOptions::threads must lie in [1, 256], got 0");
  CHECK_THROWS_AS(BatchClusterer(shared_analyzer(), nullptr, options), ConfigError);
  options.features.threads = 256;
  CHECK(message(options).empty());
}

TEST_CASE("batch clustering: every article in exactly one story, deterministic across threads") {
  const Corpus corpus = load(CROSSNEWS_TEST_DATA_DIR "/cluster_small.jsonl");
  REQUIRE(corpus.articles.size() >= 10);
  const ClusteringResult one = cluster_batch(corpus.articles);
  ClusterOptions two_threads;
  two_threads.features.threads = 2;
  const ClusteringResult two = cluster_batch(corpus.articles, two_threads);
  CHECK(one.assignment == two.assignment);
  REQUIRE(one.assignment.size() == corpus.articles.size());

  std::multiset<std::string> members;
  std::size_t total = 0;
  for (const auto& story : one.stories) {
    total += story.size;
    CHECK(story.member_ids.size() == story.size);
    members.insert(story.member_ids.begin(), story.member_ids.end());
  }
  CHECK(total == corpus.articles.size());
  for (const auto& a : corpus.articles) CHECK(members.count(a.id) == 1);

  const ClusteringScores s = score(corpus.articles, one.assignment);
  MESSAGE("cluster_small: B-cubed F1 " << s.bcubed_f1 << ", cross-lingual F1 "
                                       << s.crosslingual_f1);
  CHECK(s.bcubed_f1 >= 0.9);
}

TEST_CASE("story summaries describe their members") {
  const Corpus corpus = load(CROSSNEWS_TEST_DATA_DIR "/cluster_small.jsonl");
  const ClusteringResult result = cluster_batch(corpus.articles);
  for (const auto& story : result.stories) {
    std::size_t counted = 0;
    for (const auto& [lang, n] : story.languages) {
      counted += n;
      CHECK(story.titles.count(lang) == 1);
      CHECK_FALSE(story.keywords.at(lang).empty());
    }
    CHECK(counted == story.size);
    REQUIRE(story.first_time.has_value());
    CHECK(*story.first_time <= *story.last_time);
  }
  // Largest first.
  for (std::size_t i = 1; i < result.stories.size(); ++i) {
    CHECK(result.stories[i - 1].size >= result.stories[i].size);
  }
}

TEST_CASE("stream clustering is deterministic, keeps ids stable and evicts idle stories") {
  const Corpus corpus = load(CROSSNEWS_TEST_DATA_DIR "/cluster_small.jsonl");
  auto run = [&](const std::vector<Article>& articles, ClusterOptions options) {
    StreamClusterer clusterer(shared_analyzer(), &builtin_lexicon(), options);
    std::vector<ClusterId> returned;
    for (const auto& a : articles) returned.push_back(clusterer.add(a));
    return std::make_pair(returned, clusterer.assignment());
  };
  const auto [first, assignment] = run(corpus.articles, {});
  const auto [again, assignment_again] = run(corpus.articles, {});
  CHECK(assignment == assignment_again);
  CHECK(first.front() == ClusterId(1));
  const ClusteringScores s = score(corpus.articles, assignment);
  MESSAGE("cluster_small stream: B-cubed F1 " << s.bcubed_f1);
  CHECK(s.bcubed_f1 >= 0.8);

  // The same article a month later is past a 7-day window: it starts a new story.
  std::vector<Article> repeated = {corpus.articles.front(), corpus.articles.front()};
  repeated[1].id += "-later";
  repeated[1].time = *repeated[0].time + 30 * 86400;
  ClusterOptions windowed;
  windowed.window_days = 7;
  const auto [ids, unused] = run(repeated, windowed);
  CHECK(ids[0] != ids[1]);
  windowed.window_days = 0;  // no window: the same text joins its story
  const auto [ids_no_window, unused2] = run(repeated, windowed);
  CHECK(ids_no_window[0] == ids_no_window[1]);
}

TEST_CASE("stream: after two stories merge, articles like the absorbed one join the survivor") {
  // A and B share two of eight words (apart), C holds both word sets (close to each: a merge),
  // D repeats B: it must find the merged story through the index, not the absorbed one's keys.
  auto article = [](std::string id, std::string text) {
    Article a;
    a.id = std::move(id);
    a.lang = "en";
    a.text = std::move(text);
    a.time = 1735689600;
    return a;
  };
  const std::string a_words = "glacier avalanche rescue helicopter climbers valley storm warning";
  const std::string b_words = "glacier avalanche ministry budget tunnel railway contract tender";
  ClusterOptions options;
  options.time_weight = 0.0f;
  options.entity_weight = 0.0f;
  options.merge_threshold = 0.5f;
  StreamClusterer clusterer(shared_analyzer(), nullptr, options);
  const ClusterId a = clusterer.add(article("a", a_words));
  const ClusterId b = clusterer.add(article("b", b_words));
  REQUIRE(a != b);
  const ClusterId c = clusterer.add(article("c", a_words + " " + b_words));
  REQUIRE(clusterer.merges().size() == 1);
  CHECK(c == a);
  CHECK(clusterer.add(article("d", b_words)) == a);
  CHECK(clusterer.assignment() == std::vector<ClusterId>{a, a, a, a});
  CHECK(clusterer.live_stories() == 1);
}

TEST_CASE("stream: one article bridging two unrelated stories does not merge them") {
  // A and B share no word; C holds both word sets, so it is close to each story (above the merge
  // threshold), but the stories themselves are not alike: C joins one, the other stays.
  auto article = [](std::string id, std::string text) {
    Article a;
    a.id = std::move(id);
    a.lang = "en";
    a.text = std::move(text);
    a.time = 1735689600;
    return a;
  };
  const std::string a_words = "glacier avalanche rescue helicopter climbers valley storm warning";
  const std::string b_words = "ministry budget tunnel railway contract tender auditors delay";
  ClusterOptions options;
  options.time_weight = 0.0f;
  options.entity_weight = 0.0f;
  options.merge_threshold = 0.5f;
  StreamClusterer clusterer(shared_analyzer(), nullptr, options);
  const ClusterId a = clusterer.add(article("a", a_words));
  const ClusterId b = clusterer.add(article("b", b_words));
  REQUIRE(a != b);
  clusterer.add(article("c", a_words + " " + b_words));
  CHECK(clusterer.merges().empty());
  CHECK(clusterer.live_stories() == 2);
  CHECK(clusterer.add(article("d", b_words)) == b);
}

TEST_CASE("the seed articles form one story, apart from other Twitter and Kaspersky news") {
  if (test::skip_without_shared("seeds")) return;
  const fs::path seeds = test::shared_dir() / "seeds";
  Corpus corpus = load(seeds.string());
  REQUIRE(corpus.articles.size() == 2);
  const Corpus negatives = load(CROSSNEWS_TEST_DATA_DIR "/negatives.jsonl");
  REQUIRE(negatives.articles.size() >= 20);
  corpus.articles.insert(corpus.articles.end(), negatives.articles.begin(),
                         negatives.articles.end());

  Featurizer featurizer(shared_analyzer(), &builtin_lexicon());
  featurizer.add(corpus.articles);
  featurizer.finish();
  const ClusterOptions options;
  const float seed_pair =
      similarity(featurizer, featurizer.features(DocId{0}), featurizer.features(DocId{1}), options);
  float best_negative = 0.0f;
  std::string closest;
  for (std::size_t i = 2; i < corpus.articles.size(); ++i) {
    for (std::size_t seed : {0u, 1u}) {
      const float s = similarity(featurizer, featurizer.features(test::doc_id(seed)),
                                 featurizer.features(test::doc_id(i)), options);
      if (s > best_negative) {
        best_negative = s;
        closest = corpus.articles[i].id;
      }
    }
  }
  MESSAGE("seeds: " << seed_pair << ", closest negative " << closest << ": " << best_negative);
  CHECK(seed_pair > best_negative);

  const ClusteringResult result = cluster_batch(corpus.articles);
  CHECK(result.assignment[0] == result.assignment[1]);
  for (std::size_t i = 2; i < corpus.articles.size(); ++i) {
    CHECK_MESSAGE(result.assignment[i] != result.assignment[0], corpus.articles[i].id);
  }
}

TEST_CASE("the example corpus is clustered with B-cubed F1 >= 0.95") {
  const Corpus corpus = load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl");
  REQUIRE(corpus.articles.size() >= 60);
  const ClusteringResult result = cluster_batch(corpus.articles);
  const ClusteringScores s = score(corpus.articles, result.assignment);
  MESSAGE("example corpus: B-cubed P " << s.bcubed_precision << " R " << s.bcubed_recall << " F1 "
                                       << s.bcubed_f1 << ", cross-lingual F1 "
                                       << s.crosslingual_f1);
  CHECK(s.bcubed_f1 >= 0.95);
}

TEST_CASE("explanations list what two articles share") {
  if (test::skip_without_shared("seeds")) return;
  const fs::path seeds = test::shared_dir() / "seeds";
  const Corpus corpus = load(seeds.string());
  Featurizer featurizer(shared_analyzer(), &builtin_lexicon(), {.keep_articles = true});
  featurizer.add(corpus.articles);
  featurizer.finish();
  const LinkExplanation link =
      explain_link(featurizer, &builtin_lexicon(), DocId{0}, DocId{1}, ClusterOptions{});
  std::set<std::string> names;
  std::ostringstream listing;
  for (const auto& s : link.shared) {
    names.insert(s.concept_name);
    for (const auto& [lang, words] : s.terms) listing << lang << ":" << words << " ";
    listing << "| ";
  }
  MESSAGE("shared: " << listing.str());
  std::string text = listing.str();
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto has_concept = [&](const std::string& part) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return n.find(part) != std::string::npos; });
  };
  CHECK(has_concept("kaspersky"));
  CHECK(has_concept("twitter"));
  CHECK(names.count("2018") == 1);
  CHECK(text.find("foundation") != std::string::npos);
  // What happened, across the language barrier: advertising and the ban.
  CHECK(text.find("werbung") != std::string::npos);
  CHECK(text.find("verbot") != std::string::npos);
  CHECK(link.similarity > 0.0f);
}

namespace {

// `copies` articles that repeat the first article of the example corpus (ids differ), after the
// corpus itself; with `vary`, each copy ends with a sentence of its own, as outlets date and
// sign a wire story.
std::vector<Article> with_copies(std::size_t copies, bool vary) {
  std::vector<Article> articles =
      load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl").articles;
  const Article original = articles.front();
  for (std::size_t k = 0; k < copies; ++k) {
    Article copy = original;
    copy.id += "-copy-" + std::to_string(k);
    if (vary) {
      copy.text += " Actualizado a las " + std::to_string(k % 24) + "." + std::to_string(k % 60) +
                   " horas, edición " + std::to_string(1000 + k) + ".";
    }
    articles.push_back(std::move(copy));
  }
  return articles;
}

// The stories the copies (and the original, article 0) landed in.
std::set<ClusterId> stories_of_copies(const std::vector<ClusterId>& assignment,
                                      std::size_t corpus) {
  std::set<ClusterId> stories = {assignment.front()};
  for (std::size_t i = corpus; i < assignment.size(); ++i) stories.insert(assignment[i]);
  return stories;
}

std::vector<ClusterId> cluster_stream(const std::vector<Article>& articles,
                                      ClusterOptions options = {}) {
  StreamClusterer clusterer(shared_analyzer(), &builtin_lexicon(), options);
  for (const auto& a : articles) clusterer.add(a);
  return clusterer.assignment();
}

}  // namespace

TEST_CASE("copies of one article end in one story at any count, in batch and stream") {
  const std::size_t corpus =
      load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl").articles.size();
  for (const bool vary : {false, true}) {
    for (const std::size_t copies : {1, 10, 100, 1000}) {
      CAPTURE(vary);
      CAPTURE(copies);
      const std::vector<Article> articles = with_copies(copies, vary);
      const ClusteringResult batch = cluster_batch(articles);
      CHECK(stories_of_copies(batch.assignment, corpus).size() == 1);
      // Their story takes in no article of another story.
      for (std::size_t i = 1; i < corpus; ++i) {
        if (articles[i].story != articles[0].story) {
          CHECK_MESSAGE(batch.assignment[i] != batch.assignment[0], articles[i].id);
        }
      }
      CHECK(stories_of_copies(cluster_stream(articles), corpus).size() == 1);
    }
  }
}

TEST_CASE("exact copies further apart than the window are not forced together") {
  std::vector<Article> articles = with_copies(3, false);
  const std::size_t corpus = articles.size() - 3;
  articles.back().time = *articles.front().time + 60 * 86400;
  const ClusteringResult batch = cluster_batch(articles);
  CHECK(batch.assignment[corpus] == batch.assignment.front());
  CHECK(batch.assignment.back() != batch.assignment.front());
}

TEST_CASE("times at the ends of int64 still link under any window, without overflow") {
  // Copies one second apart just below the largest time, and just above the smallest, with the
  // default window and the widest one validate() accepts.
  ClusterOptions widest;
  widest.window_days = 36500;
  for (const bool at_max : {true, false}) {
    CAPTURE(at_max);
    std::vector<Article> articles = with_copies(600, false);
    articles.erase(articles.begin() + 1, articles.end() - 600);  // the original and its copies
    for (std::size_t i = 0; i < articles.size(); ++i) {
      articles[i].time = at_max ? std::numeric_limits<std::int64_t>::max() - std::int64_t(i)
                                : std::numeric_limits<std::int64_t>::min() + std::int64_t(i);
    }
    for (const ClusterOptions& options : {ClusterOptions{}, widest}) {
      const auto stream = cluster_stream(articles, options);
      CHECK(std::set<ClusterId>(stream.begin(), stream.end()).size() == 1);
      const auto batch = cluster_batch(articles, options).assignment;
      CHECK(std::set<ClusterId>(batch.begin(), batch.end()).size() == 1);
    }
  }
  // Windows past what validate() accepts are refused, not silently overflowed.
  for (const double days : {1e15, std::numeric_limits<double>::infinity()}) {
    CAPTURE(days);
    ClusterOptions huge;
    huge.window_days = days;
    CHECK_THROWS_AS(cluster_batch({}, huge), ConfigError);
  }
}

TEST_CASE("no more workers than items or than a few per hardware thread") {
  const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  CHECK(detail::worker_count(256, 1000000) == std::min<std::size_t>(256, 2 * hardware));
  CHECK(detail::worker_count(256, 1) == 1);
  CHECK(detail::worker_count(0, 100) == 1);
  CHECK(detail::worker_count(2, 100) == std::min<std::size_t>(2, 2 * hardware));
}

TEST_CASE("batch results are the same for 1, 2 and 256 threads") {
  const std::vector<Article> articles = with_copies(50, true);
  const ClusteringResult one = cluster_batch(articles);
  for (const std::size_t threads : {2, 256}) {
    CAPTURE(threads);
    ClusterOptions options;
    options.features.threads = threads;
    const ClusteringResult many = cluster_batch(articles, options);
    CHECK(many.assignment == one.assignment);
    CHECK(many.stories.size() == one.stories.size());
  }
}

TEST_CASE("a batch clusterer runs once: add or run after run() is a ConfigError") {
  const Corpus corpus = load(CROSSNEWS_TEST_DATA_DIR "/cluster_small.jsonl");
  BatchClusterer clusterer(shared_analyzer(), &builtin_lexicon());
  clusterer.add(corpus.articles);
  const ClusteringResult result = clusterer.run();
  CHECK(result.assignment.size() == corpus.articles.size());
  CHECK_THROWS_AS(clusterer.add(corpus.articles), ConfigError);
  CHECK_THROWS_AS((void)clusterer.run(), ConfigError);
}

TEST_CASE("progress moves through linking and weighing in steps, not only at their ends") {
  std::vector<Article> articles;
  for (int i = 0; i < 2000; ++i) {
    Article a;
    a.id = "p" + std::to_string(i);
    a.lang = "en";
    a.text = "Story " + std::to_string(i % 97) + " about harbour number " + std::to_string(i % 13);
    articles.push_back(std::move(a));
  }
  BatchClusterer clusterer(shared_analyzer(), &builtin_lexicon());
  clusterer.add(articles);
  std::map<std::string, std::vector<std::uint64_t>> reports;
  std::map<std::string, std::uint64_t> totals;
  (void)clusterer.run([&](std::string_view stage, std::uint64_t done, std::uint64_t total) {
    reports[std::string(stage)].push_back(done);
    totals[std::string(stage)] = total;
  });
  for (const char* stage : {"link", "weigh"}) {
    CAPTURE(stage);
    const auto& done = reports[stage];
    CHECK(done.size() >= 5);  // over 1000 articles (or distinct ones) in chunks of 256 at most
    CHECK(std::is_sorted(done.begin(), done.end()));
    CHECK(done.back() == totals[stage]);  // linking counts copies once
  }
}

TEST_CASE("a threshold sweep over one featurizer equals fresh clusterings") {
  const auto corpus = crossnews::test::load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl");
  crossnews::ClusterOptions options;
  crossnews::BatchClusterer first(crossnews::test::shared_analyzer(),
                                  &crossnews::test::builtin_lexicon(), options);
  first.add(corpus.articles);
  (void)first.run();
  crossnews::FeaturizerOptions kept = options.features;
  kept.keep_articles = true;
  crossnews::Featurizer featurizer(crossnews::test::shared_analyzer(),
                                   &crossnews::test::builtin_lexicon(), kept);
  CHECK_THROWS_AS((void)crossnews::cluster_batch(featurizer, options), crossnews::ConfigError);
  featurizer.add(corpus.articles);
  featurizer.finish();
  for (const float threshold : {0.2f, 0.45f, 0.7f}) {
    options.threshold = threshold;
    crossnews::BatchClusterer fresh(crossnews::test::shared_analyzer(),
                                    &crossnews::test::builtin_lexicon(), options);
    fresh.add(corpus.articles);
    const auto expected = fresh.run();
    const auto again = first.cluster(options);
    const auto over_features = crossnews::cluster_batch(featurizer, options);
    CHECK(again.assignment == expected.assignment);
    CHECK(over_features.assignment == expected.assignment);
    REQUIRE(over_features.stories.size() == expected.stories.size());
    for (std::size_t s = 0; s < expected.stories.size(); ++s) {
      CHECK(again.stories[s].member_ids == expected.stories[s].member_ids);
      CHECK(again.stories[s].titles == expected.stories[s].titles);
      CHECK(over_features.stories[s].titles == expected.stories[s].titles);
    }
  }
}
