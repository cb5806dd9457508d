// StreamClusterer::save / load: a stream saved after k articles and loaded into a new clusterer
// goes on exactly as one clusterer over all the articles would.

#include "support.hpp"

#include "cluster/detail/state_io.hpp"

#include <crossnews/crossnews.hpp>

#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace crossnews {
namespace {

using test::builtin_lexicon;
using test::shared_analyzer;

// What a stream run produces: the id add() returned for each article, the final assignment, the
// merges and the stories.
struct StreamRun {
  std::vector<ClusterId> returned;
  std::vector<ClusterId> assignment;
  std::vector<std::pair<ClusterId, ClusterId>> merges;
  std::vector<std::pair<ClusterId, std::vector<std::string>>> stories;
  std::vector<std::map<std::string, std::vector<std::string>>> keywords;
  std::size_t live = 0;
};

StreamRun finish(StreamClusterer& c, std::vector<ClusterId> returned) {
  StreamRun run;
  run.returned = std::move(returned);
  run.assignment = c.assignment();
  for (const auto& m : c.merges()) run.merges.emplace_back(m.from, m.into);
  for (const auto& s : c.stories()) {
    run.stories.emplace_back(s.id, s.member_ids);
    run.keywords.push_back(s.keywords);
  }
  run.live = c.live_stories();
  return run;
}

StreamRun one_run(const std::vector<Article>& articles, const ClusterOptions& options) {
  StreamClusterer c(shared_analyzer(), &builtin_lexicon(), options);
  std::vector<ClusterId> returned;
  for (const auto& a : articles) returned.push_back(c.add(a));
  return finish(c, std::move(returned));
}

// Adds the first k articles, saves, loads into a new clusterer (that one only), adds the rest.
StreamRun resumed_run(const std::vector<Article>& articles, std::size_t k,
                      const ClusterOptions& options) {
  std::stringstream saved;
  std::vector<ClusterId> returned;
  {
    StreamClusterer first(shared_analyzer(), &builtin_lexicon(), options);
    for (std::size_t i = 0; i < k; ++i) returned.push_back(first.add(articles[i]));
    first.save(saved);
  }
  StreamClusterer second =
      StreamClusterer::load(saved, shared_analyzer(), &builtin_lexicon(), options);
  for (std::size_t i = k; i < articles.size(); ++i) returned.push_back(second.add(articles[i]));
  return finish(second, std::move(returned));
}

void check_resume_equals_one_run(const std::vector<Article>& articles,
                                 const ClusterOptions& options) {
  const StreamRun whole = one_run(articles, options);
  for (const std::size_t k : {std::size_t{1}, articles.size() / 2, articles.size()}) {
    CAPTURE(k);
    const StreamRun resumed = resumed_run(articles, k, options);
    CHECK(resumed.returned == whole.returned);
    CHECK(resumed.assignment == whole.assignment);
    CHECK(resumed.merges == whole.merges);
    CHECK(resumed.stories == whole.stories);
    CHECK(resumed.keywords == whole.keywords);
    CHECK(resumed.live == whole.live);
  }
}

std::vector<Article> test_corpus() {
  auto articles = test::load(CROSSNEWS_TEST_DATA_DIR "/cluster_small.jsonl").articles;
  for (auto& a : test::load(CROSSNEWS_TEST_DATA_DIR "/negatives.jsonl").articles) {
    articles.push_back(std::move(a));
  }
  return articles;
}

std::vector<Article> example_corpus() {
  return test::load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl").articles;
}

// The example corpus `rounds` times, each copy with new ids and 20 days later: stories of one
// round are evicted in the next, and the vocabulary and frequencies keep growing.
std::vector<Article> repeated_corpus(std::size_t rounds) {
  const auto base = example_corpus();
  std::vector<Article> out;
  for (std::size_t r = 0; r < rounds; ++r) {
    for (Article a : base) {
      a.id += "-r" + std::to_string(r);
      if (a.time) *a.time += static_cast<std::int64_t>(r) * 20 * 86400;
      out.push_back(std::move(a));
    }
  }
  return out;
}

ClusterOptions stream_options() { return {}; }

TEST_CASE("stream state: resuming after the first, a middle and the last article equals one run") {
  SUBCASE("test data") { check_resume_equals_one_run(test_corpus(), stream_options()); }
  SUBCASE("example corpus") { check_resume_equals_one_run(example_corpus(), stream_options()); }
  SUBCASE("example corpus repeated: evictions, merges, decaying frequencies, kept articles") {
    ClusterOptions options = stream_options();
    options.merge_threshold = 0.3f;  // merges happen
    options.late_articles = 16;      // and idle stories leave within a round
    options.features.df.half_life_days = 5.0;
    options.features.keep_articles = true;
    const auto articles = repeated_corpus(4);
    const StreamRun whole = one_run(articles, options);
    CHECK_FALSE(whole.merges.empty());
    CHECK(whole.live < whole.stories.size());  // some stories were evicted
    check_resume_equals_one_run(articles, options);
  }
  SUBCASE("a cap per term that binds, with evictions and articles out of time order") {
    // What a query reads must depend on the live articles and their order only: the resumed
    // index holds none of the evicted articles the uninterrupted one removed.
    ClusterOptions options = stream_options();
    options.postings_per_term = 1;
    options.late_articles = 16;
    // Rounds 2 days apart, so that a week holds several copies of each story.
    const std::size_t round = example_corpus().size();
    auto articles = repeated_corpus(8);
    for (std::size_t i = 0; i < articles.size(); ++i) {
      *articles[i].time -= static_cast<std::int64_t>(i / round) * 18 * 86400;
      if (i % 5 == 0) *articles[i].time -= 2 * 86400;
    }
    const StreamRun capped = one_run(articles, options);
    options.postings_per_term = 0;
    CHECK(one_run(articles, options).assignment != capped.assignment);  // the cap binds
    options.postings_per_term = 1;
    check_resume_equals_one_run(articles, options);
  }
  SUBCASE("example corpus repeated: stories retire and their articles are let go") {
    ClusterOptions options = stream_options();
    options.late_articles = 16;
    const auto articles = repeated_corpus(4);
    StreamClusterer whole(shared_analyzer(), &builtin_lexicon(), options);
    for (const auto& a : articles) (void)whole.add(a);
    CHECK(whole.featurizer().released(DocId{0}));
    check_resume_equals_one_run(articles, options);
  }
}

TEST_CASE("stream state: a loaded clusterer skips nothing and knows the ids it holds") {
  const auto articles = example_corpus();
  StreamClusterer first(shared_analyzer(), &builtin_lexicon(), stream_options());
  for (std::size_t i = 0; i < 10; ++i) (void)first.add(articles[i]);
  std::stringstream saved;
  first.save(saved);
  const auto loaded =
      StreamClusterer::load(saved, shared_analyzer(), &builtin_lexicon(), stream_options());
  CHECK(loaded.featurizer().size() == 10);
  CHECK(loaded.featurizer().find(articles[9].id) == DocId{9});
  CHECK_FALSE(loaded.featurizer().find(articles[10].id).has_value());
  CHECK(loaded.assignment() == first.assignment());
}

std::string saved_state(const ClusterOptions& options) {
  const auto articles = test_corpus();
  StreamClusterer c(shared_analyzer(), &builtin_lexicon(), options);
  for (const auto& a : articles) (void)c.add(a);
  std::ostringstream out;
  c.save(out);
  return out.str();
}

TEST_CASE("stream state: other options or another keyword map are refused, naming the difference") {
  const std::string state = saved_state(stream_options());
  auto load_with = [&](const Analyzer& analyzer, const Lexicon* lexicon, ClusterOptions options) {
    std::istringstream in(state);
    return StreamClusterer::load(in, analyzer, lexicon, options);
  };
  ClusterOptions other = stream_options();
  other.threshold = 0.5f;
  CHECK_THROWS_WITH_AS(load_with(shared_analyzer(), &builtin_lexicon(), other),
                       doctest::Contains("threshold = 0.45"), ConfigError);
  other = stream_options();
  other.features.weighting.top_k = 40;
  CHECK_THROWS_WITH_AS(load_with(shared_analyzer(), &builtin_lexicon(), other),
                       doctest::Contains("features.weighting.top_k = 80"), ConfigError);
  const Analyzer unstemmed(AnalyzerOptions{.stem = false});
  CHECK_THROWS_WITH_AS(load_with(unstemmed, &builtin_lexicon(), stream_options()),
                       doctest::Contains("analyzer.stem"), ConfigError);
  CHECK_THROWS_WITH_AS(load_with(shared_analyzer(), nullptr, stream_options()),
                       doctest::Contains("keyword map"), ConfigError);
  // Thread counts do not change results: a state loads with any.
  other = stream_options();
  other.features.threads = 2;
  CHECK_NOTHROW((void)load_with(shared_analyzer(), &builtin_lexicon(), other));
}

TEST_CASE("stream state: corrupt, truncated and foreign snapshots end in FormatError") {
  const std::string state = saved_state(stream_options());
  auto load = [](const std::string& bytes) {
    std::istringstream in(bytes);
    return StreamClusterer::load(in, shared_analyzer(), &builtin_lexicon(), stream_options());
  };
  CHECK_NOTHROW((void)load(state));
  for (const std::size_t at : {std::size_t{3}, std::size_t{30}, state.size() / 2, state.size() - 1}) {
    CAPTURE(at);
    std::string flipped = state;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    CHECK_THROWS_AS((void)load(flipped), FormatError);
  }
  CHECK_THROWS_WITH_AS((void)load(state.substr(0, state.size() - 7)),
                       doctest::Contains("truncated"), FormatError);
  std::ostringstream df_snapshot;
  Vocabulary vocabulary;
  DocumentFrequencies(vocabulary).save(df_snapshot);
  CHECK_THROWS_WITH_AS((void)load(df_snapshot.str()),
                       doctest::Contains("not a crossnews stream state"), FormatError);
  CHECK_THROWS_AS((void)load("{\"id\": \"a\"}\n"), FormatError);
  // A version 2 state holds no weights to weigh its articles again by: refused, not misread.
  std::string older = state;
  older[8] = 2;  // the version field, after the magic
  CHECK_THROWS_WITH_AS((void)load(older), doctest::Contains("unsupported version 2"), FormatError);
}

TEST_CASE("stream state: numbers are stored in as few bytes as they need, and read back exactly") {
  const std::int64_t smallest = std::numeric_limits<std::int64_t>::min();
  const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
  const SparseVector vector = SparseVector::from_sorted(
      {{TermId(0), 0.5f}, {TermId(1), -0.25f}, {TermId(4'000'000'000u), 1e-30f}});
  std::string bytes;
  detail::StateWriter writer(bytes);
  writer(std::uint32_t{5}, std::int64_t{-3}, smallest, largest, vector);
  CHECK(bytes.size() == 1 + 1 + 10 + 10 + (1 + 3 * 4 + 1 + 1 + 5));
  detail::StateReader reader(bytes);
  std::uint32_t five = 0;
  std::int64_t minus_three = 0, small = 0;
  std::uint64_t large = 0;
  SparseVector read;
  reader(five, minus_three, small, large, read);
  CHECK(reader.remaining() == 0);
  CHECK(five == 5);
  CHECK(minus_three == -3);
  CHECK(small == smallest);
  CHECK(large == largest);
  REQUIRE(read.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(read.entries()[i].term == vector.entries()[i].term);
    CHECK(read.entries()[i].weight == vector.entries()[i].weight);
  }
  // A number too large for its field, or longer than 64 bits, is refused.
  std::uint32_t narrow = 0;
  const std::string large_number = bytes.substr(2 + 10, 10), long_number(11, '\xff');
  detail::StateReader too_large(large_number);
  CHECK_THROWS_WITH_AS(too_large(narrow), doctest::Contains("out of range"), FormatError);
  detail::StateReader too_long(long_number);
  CHECK_THROWS_WITH_AS(too_long(large), doctest::Contains("not a valid number"), FormatError);
}

}  // namespace
}  // namespace crossnews
