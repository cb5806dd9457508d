// The Featurizer: projection onto concepts, spelling variants of names, coverage, and the
// streaming path (featurize_one) against the batch path (add + finish).

#include "support.hpp"

#include "cluster/detail/pending_counts.hpp"
#include "cluster/detail/surface_forms.hpp"

#include <crossnews/error.hpp>
#include <crossnews/featurizer.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using namespace crossnews;
using crossnews::test::article;
using crossnews::test::doc_id;

namespace {

const Analyzer& analyzer() { return test::shared_analyzer(); }
const Lexicon& builtin() { return test::builtin_lexicon(); }

// A vector by feature text and kind, so two featurizers (two vocabularies) can be compared.
std::map<std::pair<std::string, FeatureKind>, float> by_text(const Featurizer& f,
                                                             const SparseVector& v) {
  std::map<std::pair<std::string, FeatureKind>, float> out;
  for (const auto& e : v.entries()) {
    out[{std::string(f.vocabulary().text(e.term)), f.kind(e.term)}] = e.weight;
  }
  return out;
}

float shared_weight(const SparseVector& a, const SparseVector& b) {
  float sum = 0.0f;
  for (const auto& x : a.entries()) {
    for (const auto& y : b.entries()) {
      if (x.term == y.term) sum += x.weight * y.weight;
    }
  }
  return sum;
}

// Documents are DocIds at the API: an index or another kind of id does not compile.
template <class Doc>
concept document_argument = requires(const Featurizer& f, Doc doc) {
  f.features(doc);
  f.id(doc);
  explain_link(f, nullptr, doc, doc, ClusterOptions{});
};
static_assert(document_argument<DocId>);
static_assert(!document_argument<std::size_t>);
static_assert(!document_argument<TermId>);
static_assert(
    std::is_same_v<decltype(std::declval<const Featurizer&>().find("")), std::optional<DocId>>);

}  // namespace

TEST_CASE("words that the keyword map links project onto one shared concept feature") {
  Featurizer f(analyzer(), &builtin());
  const std::vector<Article> articles = {
      article("de", "de", "Ein schweres Erdbeben erschütterte die Stadt."),
      article("it", "it", "Un forte terremoto ha colpito la città."),
  };
  f.add(articles);
  f.finish();
  const SparseVector& de = f.features(DocId{0}).vector;
  const SparseVector& it = f.features(DocId{1}).vector;
  REQUIRE(shared_weight(de, it) > 0.0f);
  bool found_concept = false;
  for (const auto& x : de.entries()) {
    for (const auto& y : it.entries()) {
      if (x.term != y.term) continue;
      CHECK(f.is_crosslingual(x.term));
      if (f.kind(x.term) == FeatureKind::concept_) {
        found_concept = true;
        CHECK(f.concept_of(x.term).has_value());
      }
    }
  }
  CHECK(found_concept);
  CHECK(f.features(DocId{0}).crosslingual_norm > 0.0f);
  CHECK(f.language(f.features(DocId{0}).lang_slot) == "de");

  // Without a keyword map the two sentences share nothing.
  Featurizer plain(analyzer(), nullptr);
  plain.add(articles);
  plain.finish();
  CHECK(shared_weight(plain.features(DocId{0}).vector, plain.features(DocId{1}).vector) == 0.0f);
}

TEST_CASE("a long name spelt with one letter more or less is the same name") {
  Featurizer f(analyzer(), nullptr);
  f.add(std::vector<Article>{
      article("a", "en", "Yesterday the actor Schwarzenegger visited the factory."),
      article("b", "de", "Gestern besuchte der Schauspieler Schwarzeneger das Werk."),
      article("c", "it", "Ieri l'attore Schwarzenberg ha visitato la fabbrica."),
  });
  f.finish();
  const float variant = shared_weight(f.features(DocId{0}).vector, f.features(DocId{1}).vector);
  CHECK(variant > 0.0f);
  // Two letters apart is another name (names are capitalised words inside a sentence).
  CHECK(shared_weight(f.features(DocId{0}).vector, f.features(DocId{2}).vector) == 0.0f);
  CHECK(f.features(DocId{1}).neutral_norm > 0.0f);
}

TEST_CASE("coverage counts the word tokens that map to a concept, per language") {
  Featurizer f(analyzer(), &builtin());
  f.add(std::vector<Article>{
      article("de", "de", "Das Erdbeben zerstörte viele Häuser."),
      article("it", "it", "Il terremoto ha distrutto molte case."),
  });
  f.finish();
  const auto coverage = f.coverage();
  REQUIRE(coverage.size() == 2);
  for (const auto& c : coverage) {
    INFO(c.lang);
    CHECK(c.tokens > 0);
    CHECK(c.mapped > 0);
    CHECK(c.mapped <= c.tokens);
  }

  Featurizer plain(analyzer(), nullptr);
  plain.add(std::vector<Article>{article("de", "de", "Das Erdbeben zerstörte viele Häuser.")});
  plain.finish();
  REQUIRE(plain.coverage().size() == 1);
  CHECK(plain.coverage()[0].mapped == 0);
}

// The counts the pipeline weighs are the Featurizer's own (it looks terms up in parallel and keeps
// their text order for phrases and surface forms); without a keyword map its vectors are weigh()
// of plain counts: title and body apart, repeats merged, one entity term across languages.
TEST_CASE("without a keyword map a document's vector is weigh() of its plain term counts") {
  const std::vector<Article> articles = {
      article("1", "de", "Kaspersky warnt: Werbung, Werbung und noch mehr Werbung auf Twitter.",
              "Twitter und Kaspersky"),
      article("2", "it", "Secondo Kaspersky la pubblicità su Twitter cresce ancora.", "Pubblicità"),
      article("3", "en", "Twitter bans advertising from Kaspersky, the security firm.", "Twitter bans ads"),
  };
  FeaturizerOptions options;
  Featurizer featurizer(analyzer(), nullptr, options);
  featurizer.add(articles);
  featurizer.finish();
  const Vocabulary& vocabulary = featurizer.vocabulary();
  auto worker = analyzer().worker();
  for (std::size_t doc = 0; doc < articles.size(); ++doc) {
    AnalyzedText text;
    worker.analyze(articles[doc], text);
    const auto counts = test::term_counts(text, [&](const Term& term) {
      const FeatureKind kind = feature_kind(term.kind);
      return *vocabulary.find(is_language_neutral(kind) ? "" : text.lang, text.text(term), kind);
    });
    SparseVector expected = weigh(counts, featurizer.document_frequencies(), options.weighting);
    expected.prune_top_k(options.weighting.top_k);
    expected.normalize();
    const SparseVector& got = featurizer.features(doc_id(doc)).vector;
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got.entries()[i].term == expected.entries()[i].term);
      CHECK(got.entries()[i].weight == doctest::Approx(expected.entries()[i].weight).epsilon(1e-6));
    }
  }
  const TermId kaspersky = *vocabulary.find("", "kaspersky", FeatureKind::entity);
  for (std::size_t doc = 0; doc < articles.size(); ++doc) {
    CHECK(featurizer.features(doc_id(doc)).vector.weight(kaspersky) > 0.0f);
  }
}

namespace {

// Four short articles about one earthquake in three languages, ids "1" to "4".
std::vector<Article> earthquake_articles() {
  return {
      article("1", "de", "Das Erdbeben zerstörte viele Häuser in der Stadt."),
      article("2", "it", "Il terremoto ha distrutto molte case nella città."),
      article("3", "en", "The earthquake destroyed many houses; Schwarzenegger visited."),
      article("4", "de", "Nach dem Erdbeben besuchte Schwarzenegger die Stadt."),
  };
}

}  // namespace

TEST_CASE("featurize_one gives the vector that add and finish give over the same articles") {
  const std::vector<Article> articles = earthquake_articles();
  Featurizer batch(analyzer(), &builtin());
  batch.add(articles);
  batch.finish();

  Featurizer stream(analyzer(), &builtin());
  DocFeatures last;
  for (const auto& a : articles) last = stream.featurize_one(a);
  // The last article is weighed against the frequencies of all four in both paths.
  const auto expected = by_text(batch, batch.features(doc_id(articles.size() - 1)).vector);
  const auto got = by_text(stream, last.vector);
  REQUIRE(got.size() == expected.size());
  for (const auto& [key, weight] : expected) {
    INFO(key.first);
    REQUIRE(got.count(key) == 1);
    CHECK(got.at(key) == doctest::Approx(weight).epsilon(1e-6));
  }
  CHECK(
      last.crosslingual_norm ==
      doctest::Approx(batch.features(doc_id(articles.size() - 1)).crosslingual_norm).epsilon(1e-6));
  CHECK(stream.size() == articles.size());
}

TEST_CASE("weighed_again gives an earlier streamed article the weights add and finish give it") {
  const std::vector<Article> articles = earthquake_articles();
  Featurizer batch(analyzer(), &builtin());
  batch.add(articles);
  batch.finish();
  Featurizer stream(analyzer(), &builtin());
  for (const auto& a : articles) (void)stream.featurize_one(a);
  const auto expected = by_text(batch, batch.features(doc_id(0)).vector);
  // Weighed when it came, alone, the first article's weights are not those of batch...
  const auto then = by_text(stream, stream.features(doc_id(0)).vector);
  bool differs = false;
  for (const auto& [key, weight] : expected) differs |= std::abs(then.at(key) - weight) > 1e-3;
  CHECK(differs);
  // ...weighed again against the frequencies of all four, they are.
  const DocFeatures& again = stream.weighed_again(doc_id(0));
  const auto got = by_text(stream, again.vector);
  REQUIRE(got.size() == expected.size());
  for (const auto& [key, weight] : expected) {
    INFO(key.first);
    CHECK(got.at(key) == doctest::Approx(weight).epsilon(1e-5));
  }
  CHECK(again.crosslingual_norm ==
        doctest::Approx(batch.features(doc_id(0)).crosslingual_norm).epsilon(1e-5));
  CHECK(again.forms.size() == again.vector.size());
  // Only a streamed article keeps what weighs it again.
  CHECK_THROWS_AS((void)batch.weighed_again(doc_id(0)), InputError);
  stream.release(doc_id(0));
  CHECK_THROWS_AS((void)stream.weighed_again(doc_id(0)), InputError);
}

TEST_CASE("weighed_again is the same whether it was asked before each article or only at the end") {
  // It remembers each term's idf until the term is counted again (and every idf when times decay
  // or slide the counts): an article asked about after each new one must get what an article
  // asked about once, at the end, gets.
  std::vector<Article> articles = earthquake_articles();
  const auto more = earthquake_articles();
  articles.insert(articles.end(), more.begin(), more.end());
  for (std::size_t i = 0; i < articles.size(); ++i) {
    articles[i].id = "a" + std::to_string(i);
    articles[i].time = 1'500'000'000 + static_cast<std::int64_t>(i) * 40'000;
  }
  for (const auto& [name, df] : {std::pair{std::string("counts"), DfOptions{}},
                                 std::pair{std::string("decay"), DfOptions{.half_life_days = 1.0}},
                                 std::pair{std::string("window"), DfOptions{.window_days = 1.0}}}) {
    INFO(name);
    FeaturizerOptions options;
    options.df = df;
    Featurizer asked_often(analyzer(), &builtin(), options);
    Featurizer asked_once(analyzer(), &builtin(), options);
    std::vector<float> before_last;
    for (const auto& a : articles) {
      (void)asked_often.featurize_one(a);
      (void)asked_once.featurize_one(a);
      before_last.clear();
      for (const auto& e : asked_often.weighed_again(doc_id(0)).vector.entries()) {
        before_last.push_back(e.weight);
      }
      if (asked_often.size() > 1) (void)asked_often.weighed_again(doc_id(1));
    }
    const auto often = asked_often.weighed_again(doc_id(0)).vector;
    const auto once = asked_once.weighed_again(doc_id(0)).vector;
    REQUIRE(often.size() == once.size());
    for (std::size_t i = 0; i < once.size(); ++i) {
      CHECK(often.entries()[i].term == once.entries()[i].term);
      CHECK(often.entries()[i].weight == once.entries()[i].weight);
    }
    // Asked twice with nothing counted in between, it answers the same.
    REQUIRE(before_last.size() == often.size());
    for (std::size_t i = 0; i < often.size(); ++i) CHECK(before_last[i] == often.entries()[i].weight);
  }
}

TEST_CASE("the surface-form table keeps every language's forms of a feature as it grows") {
  // A feature's second language links from an entry inside the growing table: adding it must not
  // read through a pointer the growth moved (a crash on a 20k-article corpus, caught under ASan).
  detail::FormTable table;
  for (std::uint16_t lang = 0; lang < 40; ++lang) {
    for (std::uint32_t feature = 0; feature < 50; ++feature) {
      const std::string form = "f" + std::to_string(feature) + "-" + std::to_string(lang);
      CHECK(table.record(TermId(feature), lang, form) == 0);
      CHECK(table.record(TermId(feature), lang, form) == 0);
    }
  }
  for (std::uint16_t lang = 0; lang < 40; ++lang) {
    for (std::uint32_t feature = 0; feature < 50; ++feature) {
      const detail::FormSlots* slots = table.find(TermId(feature), lang);
      REQUIRE(slots != nullptr);
      CHECK(slots->count[0] == 2);
      CHECK(table.text(*slots, 0) ==
            "f" + std::to_string(feature) + "-" + std::to_string(lang));
    }
  }
}

TEST_CASE("one batch on 1 or 2 threads gives the terms, vectors and forms of adding one by one") {
  // More articles than add() handles in one slice, each with a word of its own, so that terms are
  // interned in every slice while the slice before is still being kept.
  const auto corpus = test::load(CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl").articles;
  std::vector<Article> articles;
  for (std::size_t copy = 0; copy < 5; ++copy) {
    for (Article a : corpus) {
      std::string own = "zu";
      for (std::size_t x = articles.size(); x > 0; x /= 26) own += static_cast<char>('a' + x % 26);
      a.id += "-" + std::to_string(copy);
      a.text += " " + own;
      articles.push_back(std::move(a));
    }
  }
  Featurizer one_by_one(analyzer(), &builtin());
  for (const Article& a : articles) one_by_one.add({&a, 1});
  one_by_one.finish();
  for (const std::size_t threads : {1, 2}) {
    CAPTURE(threads);
    FeaturizerOptions options;
    options.threads = threads;
    Featurizer batch(analyzer(), &builtin(), options);
    batch.add(articles);
    batch.finish();
    const Vocabulary& expected_terms = one_by_one.vocabulary();
    REQUIRE(batch.vocabulary().size() == expected_terms.size());
    std::size_t same_terms = 0;
    for (std::uint32_t t = 0; t < expected_terms.size(); ++t) {
      same_terms += batch.vocabulary().text(TermId(t)) == expected_terms.text(TermId(t)) &&
                    batch.kind(TermId(t)) == one_by_one.kind(TermId(t));
    }
    CHECK(same_terms == expected_terms.size());
    std::size_t same_docs = 0;
    for (std::size_t d = 0; d < articles.size(); ++d) {
      const DocFeatures& got = batch.features(doc_id(d));
      const DocFeatures& expected = one_by_one.features(doc_id(d));
      same_docs += got.vector.entries().size() == expected.vector.entries().size() &&
                   std::equal(got.vector.entries().begin(), got.vector.entries().end(),
                              expected.vector.entries().begin(),
                              [](const SparseEntry& x, const SparseEntry& y) {
                                return x.term == y.term && x.weight == y.weight;
                              }) &&
                   got.forms == expected.forms;
    }
    CHECK(same_docs == articles.size());
    const auto coverage = batch.coverage();
    const auto expected_coverage = one_by_one.coverage();
    REQUIRE(coverage.size() == expected_coverage.size());
    for (std::size_t l = 0; l < coverage.size(); ++l) {
      CHECK(coverage[l].tokens == expected_coverage[l].tokens);
      CHECK(coverage[l].mapped == expected_coverage[l].mapped);
    }
    const DocFeatures& last = batch.features(doc_id(articles.size() - 1));
    for (std::size_t e = 0; e < last.vector.entries().size(); ++e) {
      const TermId feature = last.vector.entries()[e].term;
      CHECK(batch.surface_form(feature, last.lang_slot, last.forms[e]) ==
            one_by_one.surface_form(feature, last.lang_slot, last.forms[e]));
      CHECK(batch.surface_count(feature, last.lang_slot, last.forms[e]) ==
            one_by_one.surface_count(feature, last.lang_slot, last.forms[e]));
    }
  }
}

TEST_CASE("after the analyzer's word cache restarts, terms are not taken for earlier ones") {
  // The featurizer remembers the ids of the analyzer's term keys; past 2^18 words the cache
  // restarts and hands out the same keys for other words.
  std::string many;
  for (std::uint32_t n = 0; n < 270000; ++n) {
    many += 'w';
    for (std::uint32_t x = n, k = 0; k < 4; ++k, x /= 26) many += static_cast<char>('a' + x % 26);
    many += ' ';
  }
  const Article before = article("1", "it", "Il governo approva la riforma delle pensioni.");
  const Article after = article("3", "it", "Lo sciopero dei treni blocca le stazioni.");
  Featurizer featurizer(analyzer(), &builtin());
  // Seen twice, so that its terms' ids are remembered (the first time they are new).
  for (const Article& a : {before, before, article("2", "it", many), after}) featurizer.add({&a, 1});
  featurizer.finish();
  Featurizer alone(analyzer(), &builtin());
  alone.add({&after, 1});
  alone.finish();
  std::set<std::string> got, expected;
  for (const auto& [key, weight] : by_text(featurizer, featurizer.features(doc_id(3)).vector)) {
    got.insert(key.first);
  }
  for (const auto& [key, weight] : by_text(alone, alone.features(doc_id(0)).vector)) {
    expected.insert(key.first);
  }
  CHECK(got == expected);
}

TEST_CASE("pending counts: each document's counts back as pushed until dropped, across blocks") {
  detail::PendingCounts pending;
  std::vector<std::vector<detail::PackedCount>> pushed;
  // Enough counts for several blocks, and one document larger than a block.
  for (std::uint32_t doc = 0; doc < 3000; ++doc) {
    std::vector<detail::PackedCount> counts(doc == 1500 ? 700000 : doc % 400);
    for (std::uint32_t i = 0; i < counts.size(); ++i) {
      counts[i].term = TermId(doc * 7 + i);
      counts[i].body = static_cast<std::uint16_t>(i % 100);
    }
    pending.push(doc, counts);
    pushed.push_back(std::move(counts));
  }
  const auto same = [&](std::size_t doc) {
    const auto got = pending.of(doc);
    return std::equal(got.begin(), got.end(), pushed[doc].begin(), pushed[doc].end(),
                      [](const auto& x, const auto& y) { return x.term == y.term && x.body == y.body; });
  };
  std::size_t intact = 0;
  for (std::size_t doc = 0; doc < pushed.size(); ++doc) intact += pending.has(doc) && same(doc);
  CHECK(intact == pushed.size());
  CHECK_FALSE(pending.has(3000));
  CHECK(pending.of(3001).empty());
  pending.drop_before(1600);
  CHECK_FALSE(pending.has(0));
  CHECK_FALSE(pending.has(1599));
  CHECK(pending.of(10).empty());
  intact = 0;
  for (std::size_t doc = 1600; doc < pushed.size(); ++doc) intact += pending.has(doc) && same(doc);
  CHECK(intact == pushed.size() - 1600);
  pending.drop_before(3002);
  CHECK_FALSE(pending.has(2999));
  // Documents 3000 to 3002 were weighed as they came (a stream): they keep nothing.
  pending.push(3003, pushed[5]);
  CHECK_FALSE(pending.has(3002));
  CHECK(pending.has(3003));
  CHECK(pending.of(3003).size() == pushed[5].size());
}

TEST_CASE("a released document keeps only its id, and its slot serves the next document") {
  const std::vector<Article> articles = earthquake_articles();
  Featurizer kept(analyzer(), &builtin());
  Featurizer released(analyzer(), &builtin());
  for (std::size_t i = 0; i < articles.size(); ++i) {
    (void)kept.featurize_one(articles[i]);
    (void)released.featurize_one(articles[i]);
    if (i == 1) {
      released.release(doc_id(0));
      released.release(doc_id(0));  // again: nothing more happens
    }
  }
  CHECK(released.size() == articles.size());
  CHECK(released.released(doc_id(0)));
  CHECK_FALSE(released.released(doc_id(1)));
  CHECK_THROWS_WITH_AS((void)released.features(doc_id(0)), doctest::Contains("'1'"), InputError);
  CHECK(released.id(doc_id(0)) == "1");
  CHECK(released.find("1") == doc_id(0));
  CHECK(released.find("4") == doc_id(3));
  // The counts stay: the documents after the release are weighed as without it, and the held
  // ones keep their features, whichever slot they took.
  for (std::size_t doc = 1; doc < articles.size(); ++doc) {
    CAPTURE(doc);
    const DocFeatures& a = kept.features(doc_id(doc));
    const DocFeatures& b = released.features(doc_id(doc));
    CHECK(by_text(kept, a.vector) == by_text(released, b.vector));
    CHECK(a.forms == b.forms);
    CHECK(a.time == b.time);
  }
  CHECK(kept.document_frequencies().total_documents() ==
        released.document_frequencies().total_documents());
}

TEST_CASE("a document that waits for finish() cannot be released; after it, it can") {
  Featurizer f(analyzer(), &builtin());
  f.add(std::vector<Article>{article("a", "en", "The earthquake destroyed many houses."),
                             article("b", "en", "Rescuers searched the houses.")});
  CHECK_THROWS_AS(f.release(doc_id(0)), ConfigError);
  f.finish();
  f.release(doc_id(0));
  CHECK(f.released(doc_id(0)));
  CHECK(f.features(doc_id(1)).vector.size() > 0);
  CHECK_THROWS_AS(f.release(doc_id(2)), InputError);
}
