#include <crossnews/error.hpp>
#include <crossnews/tfidf.hpp>

#include "support.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using crossnews::AnalyzedText;
using crossnews::DfOptions;
using crossnews::DocumentFrequencies;
using crossnews::FeatureKind;
using crossnews::Field;
using crossnews::LangSlot;
using crossnews::TermCount;
using crossnews::TermId;
using crossnews::TermKind;
using crossnews::Vocabulary;
using crossnews::WeightingOptions;

namespace {

constexpr std::int64_t kDay = 86400;

void add_term(AnalyzedText& text, std::string_view term, TermKind kind = TermKind::word,
              Field field = Field::body) {
  text.terms.push_back({static_cast<std::uint32_t>(text.arena.size()),
                        static_cast<std::uint32_t>(term.size()), kind, field});
  text.arena.append(term);
}

AnalyzedText words(std::string_view lang, std::string_view space_separated) {
  AnalyzedText text;
  text.lang = std::string(lang);
  std::size_t start = 0;
  while (start < space_separated.size()) {
    std::size_t end = space_separated.find(' ', start);
    if (end == std::string_view::npos) end = space_separated.size();
    add_term(text, space_separated.substr(start, end - start));
    start = end + 1;
  }
  return text;
}

std::vector<TermId> distinct(const std::vector<TermCount>& counts) {
  std::vector<TermId> ids;
  for (const auto& c : counts) ids.push_back(c.term);
  return ids;
}

// Counts one analysed document into `df` and returns its term counts.
std::vector<TermCount> count_into(DocumentFrequencies& df, Vocabulary& vocabulary,
                                  const AnalyzedText& text, std::optional<std::int64_t> time = {}) {
  const LangSlot slot = vocabulary.lang_slot_of(text.lang);
  const std::vector<TermCount> counts = crossnews::test::term_counts(text, [&](const auto& term) {
    return vocabulary.intern_in_slot(slot, text.text(term), crossnews::feature_kind(term.kind));
  });
  df.add(vocabulary.lang_slot_of(text.lang), distinct(counts), time);
  return counts;
}

TermId id(Vocabulary& v, std::string_view lang, std::string_view text,
          FeatureKind kind = FeatureKind::word) {
  return v.intern(lang, text, kind);
}

std::string snapshot_of(const DocumentFrequencies& df) {
  std::ostringstream out;
  df.save(out);
  return out.str();
}

void load_from(DocumentFrequencies& df, const std::string& bytes) {
  std::istringstream in(bytes);
  df.load(in);
}

}  // namespace

TEST_CASE("tfidf: idf per language, neutral terms against all documents (hand-computed)") {
  Vocabulary v;
  DocumentFrequencies df(v);
  const auto de = v.lang_slot_of("de");
  const auto it = v.lang_slot_of("it");
  const TermId haus = id(v, "de", "haus");
  const TermId verbot = id(v, "de", "verbot");
  const TermId divieto = id(v, "it", "divieto");
  const TermId kaspersky = id(v, "", "kaspersky", FeatureKind::entity);
  df.add(de, std::vector{haus, verbot, kaspersky});
  df.add(de, std::vector{haus});
  df.add(it, std::vector{divieto, kaspersky});
  CHECK(df.documents(de) == 2.0);
  CHECK(df.documents(it) == 1.0);
  CHECK(df.total_documents() == 3.0);
  CHECK(df.df(kaspersky) == 2.0);
  // idf = ln((1 + N) / (1 + df)) + 1, N = documents of the term's language (3 for entities).
  CHECK(df.idf(haus) == doctest::Approx(1.0));                      // ln(3/3) + 1
  CHECK(df.idf(verbot) == doctest::Approx(1.4054651081081644));     // ln(3/2) + 1
  CHECK(df.idf(divieto) == doctest::Approx(1.0));                   // ln(2/2) + 1
  CHECK(df.idf(kaspersky) == doctest::Approx(1.2876820724517808));  // ln(4/3) + 1
  // A term never counted gets the highest idf of its language.
  CHECK(df.idf(id(v, "de", "neu")) == doctest::Approx(std::log(3.0) + 1.0));
  // idf_ratio: 1 + N of the term's language (of all documents for a neutral term), 1 + df.
  CHECK(df.idf_ratio(verbot).documents == 3.0);
  CHECK(df.idf_ratio(verbot).frequency == 2.0);
  CHECK(df.idf_ratio(divieto).documents == 2.0);
  CHECK(df.idf_ratio(kaspersky).documents == 4.0);
  CHECK(df.idf_ratio(kaspersky).frequency == 3.0);
}

TEST_CASE("tfidf: weigh applies sublinear tf, title and entity boosts, L2 norm (hand-computed)") {
  Vocabulary v;
  DocumentFrequencies df(v);
  const auto de = v.lang_slot_of("de");
  const auto it = v.lang_slot_of("it");
  const TermId haus = id(v, "de", "haus");
  const TermId verbot = id(v, "de", "verbot");
  const TermId kaspersky = id(v, "", "kaspersky", FeatureKind::entity);
  df.add(de, std::vector{haus, verbot, kaspersky});
  df.add(de, std::vector{haus});
  df.add(it, std::vector{kaspersky});
  // haus twice in the body, verbot once in the title, kaspersky once in the body.
  const std::vector<TermCount> counts{
      {haus, 2.0f, 0.0f}, {verbot, 0.0f, 1.0f}, {kaspersky, 1.0f, 0.0f}};
  // Weights before the norm: (1 + ln 2) * 1, 1 * 1.405465, 1 * 1.287682.
  const auto plain = crossnews::weigh(counts, df, WeightingOptions{});
  CHECK(plain.weight(haus) == doctest::Approx(0.6640965074546205));
  CHECK(plain.weight(verbot) == doctest::Approx(0.5512600914796356));
  CHECK(plain.weight(kaspersky) == doctest::Approx(0.5050625113076984));
  // title_boost 2 makes verbot's count 2 (tf 1 + ln 2); entity_boost 1.5 scales kaspersky.
  WeightingOptions boosted;
  boosted.title_boost = 2.0f;
  boosted.entity_boost = 1.5f;
  const auto b = crossnews::weigh(counts, df, boosted);
  CHECK(b.weight(haus) == doctest::Approx(0.48355294820922934));
  CHECK(b.weight(verbot) == doctest::Approx(0.6796167966309061));
  CHECK(b.weight(kaspersky) == doctest::Approx(0.5516317213642702));
  CHECK(b.norm() == doctest::Approx(1.0));
  // A title weighed at half a body occurrence stays positive (linear below one occurrence).
  WeightingOptions half;
  half.title_boost = 0.5f;
  const auto h = crossnews::weigh(counts, df, half);
  CHECK(h.weight(verbot) > 0.0f);
  CHECK(h.weight(verbot) < plain.weight(verbot));
  WeightingOptions no_titles;
  no_titles.title_boost = 0.0f;
  CHECK(crossnews::weigh(counts, df, no_titles).weight(verbot) == 0.0f);
  WeightingOptions bad;
  bad.entity_boost = -1.0f;
  CHECK_THROWS_AS((void)crossnews::weigh(counts, df, bad), crossnews::ConfigError);
}

TEST_CASE("tfidf: equals scikit-learn TfidfVectorizer(sublinear_tf=True) with boosts off") {
  // Expected values from /usr/bin/python3 with scikit-learn 1.2.1:
  //   TfidfVectorizer(sublinear_tf=True, analyzer=str.split)
  //       .fit_transform(["a b b c", "a c d", "d d d e"])
  // columns a b c d e; idf_ =
  // [1.2876820725, 1.6931471806, 1.2876820725, 1.2876820725, 1.6931471806]
  const std::vector<std::string> corpus{"a b b c", "a c d", "d d d e"};
  const std::vector<std::vector<double>> expected{
      {0.379148583, 0.844092829, 0.379148583, 0.0, 0.0},
      {0.577350269, 0.0, 0.577350269, 0.577350269, 0.0},
      {0.0, 0.0, 0.0, 0.847408485, 0.530941484},
  };
  Vocabulary v;
  DocumentFrequencies df(v);
  std::vector<std::vector<TermCount>> counts;
  for (const auto& doc : corpus) counts.push_back(count_into(df, v, words("en", doc)));
  const std::vector<std::string> columns{"a", "b", "c", "d", "e"};
  CHECK(df.idf(*v.find("en", "b", FeatureKind::word)) == doctest::Approx(1.6931471806));
  CHECK(df.idf(*v.find("en", "d", FeatureKind::word)) == doctest::Approx(1.2876820725));
  for (std::size_t d = 0; d < corpus.size(); ++d) {
    const auto vec = crossnews::weigh(counts[d], df, WeightingOptions{});
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const TermId t = *v.find("en", columns[c], FeatureKind::word);
      CHECK(vec.weight(t) == doctest::Approx(expected[d][c]).epsilon(1e-6));
    }
  }
}

TEST_CASE("tfidf: top_k keeps the heaviest weights and re-normalises") {
  Vocabulary v;
  DocumentFrequencies df(v);
  const auto counts = count_into(df, v, words("en", "a a a a b b c"));
  WeightingOptions options;
  options.top_k = 2;
  const auto vec = crossnews::weigh(counts, df, options);
  REQUIRE(vec.size() == 2);
  CHECK(vec.weight(*v.find("en", "c", FeatureKind::word)) == 0.0f);
  CHECK(vec.norm() == doctest::Approx(1.0));
  // All idfs are 1 here, so the kept weights are the tf's (1 + ln 4, 1 + ln 2) normalised.
  const double a = 1 + std::log(4.0), b = 1 + std::log(2.0);
  CHECK(vec.weight(*v.find("en", "a", FeatureKind::word)) ==
        doctest::Approx(a / std::sqrt(a * a + b * b)));
}

TEST_CASE("df: remove is the exact inverse of add") {
  Vocabulary v;
  DocumentFrequencies df(v);
  const auto de = v.lang_slot_of("de");
  const TermId a = id(v, "de", "a"), b = id(v, "de", "b");
  df.add(de, std::vector{a, b});
  df.add(de, std::vector{a});
  df.remove(de, std::vector{a, b});
  CHECK(df.df(a) == 1.0);
  CHECK(df.df(b) == 0.0);
  CHECK(df.documents(de) == 1.0);
  CHECK(df.total_documents() == 1.0);
  CHECK_THROWS_AS(df.add(de, std::vector{TermId(77)}), crossnews::InputError);
  CHECK_THROWS_AS(df.add(LangSlot{40}, std::vector{a}), crossnews::InputError);
}

TEST_CASE("df: options are validated") {
  Vocabulary v;
  CHECK_THROWS_AS(DocumentFrequencies(v, DfOptions{-1.0, 0.0}), crossnews::ConfigError);
  CHECK_THROWS_AS(DocumentFrequencies(v, DfOptions{0.0, std::nan("")}), crossnews::ConfigError);
}

TEST_CASE("df: decay halves a document's weight every half-life") {
  Vocabulary v;
  DocumentFrequencies df(v, DfOptions{1.0, 0.0});
  const auto de = v.lang_slot_of("de");
  const TermId x = id(v, "de", "x"), y = id(v, "de", "y");
  df.add(de, std::vector{x}, 0);
  CHECK(df.df(x) == doctest::Approx(1.0));
  df.advance_to(kDay);
  CHECK(df.now() == kDay);
  CHECK(df.df(x) == doctest::Approx(0.5));
  CHECK(df.documents(de) == doctest::Approx(0.5));
  CHECK(df.idf(x) == doctest::Approx(1.0));  // df == N keeps the minimum idf
  df.add(de, std::vector{y}, kDay);
  CHECK(df.df(y) == doctest::Approx(1.0));
  CHECK(df.documents(de) == doctest::Approx(1.5));
  CHECK(df.idf(y) == doctest::Approx(std::log(2.5 / 2.0) + 1.0));
  df.advance_to(3 * kDay);
  CHECK(df.df(x) == doctest::Approx(0.125));
  CHECK(df.df(y) == doctest::Approx(0.25));
  // Time never moves back; an old document arrives already decayed.
  df.advance_to(0);
  CHECK(df.now() == 3 * kDay);
  df.add(de, std::vector{x}, 2 * kDay);
  CHECK(df.df(x) == doctest::Approx(0.125 + 0.5));
  df.remove(de, std::vector{x}, 2 * kDay);
  CHECK(df.df(x) == doctest::Approx(0.125));
}

TEST_CASE("df: decay stays exact across renormalisation over many half-lives") {
  Vocabulary v;
  DocumentFrequencies df(v, DfOptions{1.0, 0.0});
  const auto en = v.lang_slot_of("en");
  const TermId old_term = id(v, "en", "old"), fresh = id(v, "en", "fresh");
  df.add(en, std::vector{old_term}, 0);
  for (int day = 10; day <= 100; day += 10) df.advance_to(day * kDay);
  CHECK(df.df(old_term) / std::exp2(-100.0) == doctest::Approx(1.0).epsilon(1e-9));
  df.add(en, std::vector{fresh}, 100 * kDay);
  CHECK(df.df(fresh) == doctest::Approx(1.0));
  // Far beyond double range for a naive forward weight (2^2000): still finite and right.
  for (int day = 200; day <= 2000; day += 100) df.advance_to(std::int64_t{day} * kDay);
  df.add(en, std::vector{fresh}, 2000 * kDay);
  CHECK(std::isfinite(df.documents(en)));
  CHECK(df.df(fresh) == doctest::Approx(1.0));
  CHECK(df.documents(en) == doctest::Approx(1.0));
}

TEST_CASE("df: the window keeps a document between W and W + 1 days (per-day buckets)") {
  Vocabulary v;
  DocumentFrequencies df(v, DfOptions{0.0, 2.0});
  const auto it = v.lang_slot_of("it");
  const auto de = v.lang_slot_of("de");
  const TermId x = id(v, "it", "x"), y = id(v, "it", "y");
  const TermId k = id(v, "", "kaspersky", FeatureKind::entity);
  df.add(it, std::vector{x, k}, kDay / 2);      // day 0
  df.add(it, std::vector{y}, kDay + kDay / 2);  // day 1
  df.add(de, std::vector{k}, 2 * kDay + 100);   // day 2
  CHECK(df.documents(it) == 2.0);
  CHECK(df.total_documents() == 3.0);
  CHECK(df.df(k) == 2.0);
  // Day 0 leaves when its last second falls out of (now - 2 days, now].
  df.advance_to(3 * kDay - 2);
  CHECK(df.df(x) == 1.0);
  df.advance_to(3 * kDay - 1);
  CHECK(df.df(x) == 0.0);
  CHECK(df.df(k) == 1.0);
  CHECK(df.documents(it) == 1.0);
  CHECK(df.total_documents() == 2.0);
  // A document older than the window is not counted, and removing it changes nothing.
  df.add(it, std::vector{x}, kDay / 4);
  CHECK(df.df(x) == 0.0);
  df.remove(it, std::vector{x}, kDay / 4);
  CHECK(df.documents(it) == 1.0);
  // Removing a document still in the window undoes it.
  df.remove(it, std::vector{y}, kDay + kDay / 2);
  CHECK(df.df(y) == 0.0);
  CHECK(df.documents(it) == 0.0);
  // Documents without a time count as of now.
  df.add(it, std::vector{y});
  CHECK(df.df(y) == 1.0);
  df.advance_to(10 * kDay);
  CHECK(df.df(y) == 0.0);
  CHECK(df.total_documents() == 0.0);
}

namespace {

struct RandomDoc {
  std::string lang;
  std::vector<std::pair<std::string, FeatureKind>> terms;  // distinct
  std::int64_t time = 0;
};

std::vector<RandomDoc> random_corpus(std::mt19937& rng, std::size_t n, std::int64_t first_day,
                                     std::int64_t last_day) {
  const std::vector<std::string> langs{"de", "it", "en"};
  std::uniform_int_distribution<int> pick_lang(0, 2);
  std::uniform_int_distribution<int> pick_word(0, 39);
  std::uniform_int_distribution<int> pick_entity(0, 9);
  std::uniform_int_distribution<int> length(1, 8);
  std::uniform_int_distribution<std::int64_t> time(first_day * kDay, last_day * kDay);
  std::vector<RandomDoc> docs(n);
  for (auto& d : docs) {
    d.lang = langs[pick_lang(rng)];
    d.time = time(rng);
    const int len = length(rng);
    for (int i = 0; i < len; ++i) {
      std::pair<std::string, FeatureKind> t =
          i % 3 == 2 ? std::pair{"e" + std::to_string(pick_entity(rng)), FeatureKind::entity}
                     : std::pair{"w" + std::to_string(pick_word(rng)), FeatureKind::word};
      if (std::find(d.terms.begin(), d.terms.end(), t) == d.terms.end()) d.terms.push_back(t);
    }
  }
  return docs;
}

void count_corpus(DocumentFrequencies& df, Vocabulary& v, const std::vector<RandomDoc>& docs,
                  bool timed) {
  for (const auto& d : docs) {
    std::vector<TermId> ids;
    for (const auto& [text, kind] : d.terms) ids.push_back(v.intern(d.lang, text, kind));
    df.add(v.lang_slot_of(d.lang), ids, timed ? std::optional<std::int64_t>(d.time) : std::nullopt);
  }
}

// Every term and language of `expected` has the same counts in `actual`, matched by text.
void check_same_counts(const DocumentFrequencies& expected, const DocumentFrequencies& actual) {
  const Vocabulary& ve = expected.vocabulary();
  const Vocabulary& va = actual.vocabulary();
  CHECK(actual.total_documents() == doctest::Approx(expected.total_documents()).epsilon(1e-9));
  for (std::uint16_t s = 0; s < ve.language_count(); ++s) {
    const auto slot = va.find_lang_slot(ve.slot_lang(LangSlot{s}));
    const double got = slot ? actual.documents(*slot) : 0.0;
    CHECK(got == doctest::Approx(expected.documents(LangSlot{s})).epsilon(1e-9));
  }
  for (std::uint32_t i = 0; i < ve.size(); ++i) {
    const TermId t(i);
    const auto other = va.find(ve.lang(t), ve.text(t), ve.kind(t));
    const double got = other ? actual.df(*other) : 0.0;
    CHECK(got == doctest::Approx(expected.df(t)).epsilon(1e-9));
    if (other) CHECK(actual.idf(*other) == doctest::Approx(expected.idf(t)).epsilon(1e-9));
  }
}

}  // namespace

TEST_CASE("df: merging two tables equals counting both corpora (property)") {
  // Half-lives of a few hours make the tables renormalise at different times, so their
  // reference times differ when merged.
  const std::vector<DfOptions> settings{{0.0, 0.0}, {2.0, 0.0}, {0.1, 0.0},
                                        {0.0, 3.0}, {1.5, 4.0}, {0.25, 2.0}};
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    for (const DfOptions& options : settings) {
      CAPTURE(seed);
      CAPTURE(options.half_life_days);
      CAPTURE(options.window_days);
      std::mt19937 rng(seed);
      // The second corpus is older: merging must drop (or decay) what the later "now" expires.
      const auto first = random_corpus(rng, 60, 4, 14);
      const auto second = random_corpus(rng, 45, 0, 6);
      const bool timed = options.half_life_days > 0 || options.window_days > 0;
      Vocabulary vc;
      DocumentFrequencies both(vc, options);
      count_corpus(both, vc, first, timed);
      count_corpus(both, vc, second, timed);
      for (const bool older_into_newer : {true, false}) {
        CAPTURE(older_into_newer);
        Vocabulary va, vb;
        // Different interning orders, so the same text has different ids in each vocabulary.
        for (int i = 39; i >= 0; --i) vb.intern("it", "w" + std::to_string(i), FeatureKind::word);
        (void)vb.lang_slot_of("en");
        DocumentFrequencies a(va, options), b(vb, options);
        count_corpus(a, va, first, timed);
        count_corpus(b, vb, second, timed);
        DocumentFrequencies& into = older_into_newer ? a : b;
        into.merge(older_into_newer ? b : a);
        CHECK(into.now() == both.now());
        check_same_counts(both, into);
        check_same_counts(into, both);
      }
    }
  }
}

TEST_CASE("df: merge rejects other options and handles merging with itself") {
  Vocabulary v;
  DocumentFrequencies a(v), decaying(v, DfOptions{1.0, 0.0});
  CHECK_THROWS_AS(a.merge(decaying), crossnews::ConfigError);
  const TermId t = id(v, "de", "t");
  a.add(v.lang_slot_of("de"), std::vector{t});
  a.merge(a);
  CHECK(a.df(t) == 2.0);
  CHECK(a.total_documents() == 2.0);
}

namespace {

// A small table exercising every snapshot section: languages, neutral terms, decay and buckets.
struct SampleTable {
  Vocabulary vocabulary;
  DocumentFrequencies df{vocabulary, DfOptions{3.0, 5.0}};
  SampleTable() {
    count_into(df, vocabulary, words("de", "twitt werbung verbot"), 10 * kDay);
    AnalyzedText it = words("it", "twitt pubblicit");
    add_term(it, "kaspersky", TermKind::entity);
    count_into(df, vocabulary, it, 11 * kDay);
    count_into(df, vocabulary, words("de", "werbung"), 12 * kDay + 5);
  }
};

}  // namespace

TEST_CASE("df snapshot: round trip into another vocabulary") {
  SampleTable sample;
  const std::string bytes = snapshot_of(sample.df);

  Vocabulary other;
  other.intern("fr", "publicit", FeatureKind::word);  // shifts every id and slot
  DocumentFrequencies loaded(other, DfOptions{3.0, 5.0});
  load_from(loaded, bytes);
  CHECK(loaded.now() == sample.df.now());
  check_same_counts(sample.df, loaded);
  check_same_counts(loaded, sample.df);
  // The restarted table keeps streaming like the original: same decay, same expiring buckets.
  sample.df.advance_to(16 * kDay);
  loaded.advance_to(16 * kDay);
  check_same_counts(sample.df, loaded);
  CHECK(loaded.df(*other.find("de", "verbot", FeatureKind::word)) == 0.0);  // day 10 expired
  // Loading into a fresh vocabulary reproduces the very same bytes.
  Vocabulary fresh;
  DocumentFrequencies again(fresh, DfOptions{3.0, 5.0});
  load_from(again, bytes);
  CHECK(snapshot_of(again) == bytes);
}

TEST_CASE("df snapshot: several snapshots can follow each other in one stream") {
  SampleTable sample;
  Vocabulary v;
  DocumentFrequencies plain(v);
  count_into(plain, v, words("en", "ban ads"));
  std::stringstream stream;
  sample.df.save(stream);
  plain.save(stream);
  Vocabulary v1, v2;
  DocumentFrequencies first(v1, DfOptions{3.0, 5.0}), second(v2);
  first.load(stream);
  second.load(stream);
  check_same_counts(sample.df, first);
  check_same_counts(plain, second);
}

TEST_CASE("df snapshot: other options are a ConfigError") {
  SampleTable sample;
  Vocabulary v;
  DocumentFrequencies plain(v);
  std::istringstream in(snapshot_of(sample.df));
  CHECK_THROWS_AS(plain.load(in), crossnews::ConfigError);
}

TEST_CASE("df snapshot: every flipped byte and every truncation is a FormatError") {
  SampleTable sample;
  const std::string bytes = snapshot_of(sample.df);
  Vocabulary v;
  DocumentFrequencies target(v, DfOptions{3.0, 5.0});
  count_into(target, v, words("de", "vorher"), 12 * kDay);
  const TermId before = *v.find("de", "vorher", FeatureKind::word);
  const std::size_t vocabulary_size = v.size();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string broken = bytes;
      broken[i] = static_cast<char>(broken[i] ^ mask);
      CAPTURE(i);
      CHECK_THROWS_AS(load_from(target, broken), crossnews::FormatError);
    }
  }
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    CAPTURE(len);
    CHECK_THROWS_AS(load_from(target, bytes.substr(0, len)), crossnews::FormatError);
  }
  // Failed loads leave the table and the vocabulary as they were.
  CHECK(target.df(before) == 1.0);
  CHECK(v.size() == vocabulary_size);
}

TEST_CASE("df snapshot: random bytes and a bad version are FormatErrors with clear messages") {
  Vocabulary v;
  DocumentFrequencies df(v);
  std::mt19937 rng(3);
  for (int round = 0; round < 50; ++round) {
    std::string junk(static_cast<std::size_t>(rng() % 200), '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    CHECK_THROWS_AS(load_from(df, junk), crossnews::FormatError);
  }
  std::string bytes = snapshot_of(df);
  bytes[8] = 9;  // version field
  try {
    load_from(df, bytes);
    FAIL("expected a FormatError");
  } catch (const crossnews::FormatError& e) {
    CHECK(std::string(e.what()).find("unsupported version 9") != std::string::npos);
  }
}

namespace {

// Wraps a hand-made payload in a valid header, so only the payload checks can reject it.
std::string with_header(const std::string& payload) {
  std::string out = "CNXDF\x89\r\n";
  auto put = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put(1, 4);
  put(payload.size(), 8);
  put(crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())),
      4);
  return out + payload;
}

void put(std::string& out, std::uint64_t v, int bytes = 8) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_f64(std::string& out, double v) { put(out, std::bit_cast<std::uint64_t>(v)); }

std::string payload_prefix(std::uint64_t languages) {
  std::string p;
  put_f64(p, 0.0);  // half_life_days
  put_f64(p, 0.0);  // window_days
  put(p, 0);        // now
  put(p, 0);        // reference
  put_f64(p, 1.0);  // total
  put(p, languages);
  return p;
}

std::string format_error_of(const std::string& bytes) {
  Vocabulary v;
  DocumentFrequencies df(v);
  try {
    load_from(df, bytes);
  } catch (const crossnews::FormatError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("df snapshot: sizes are checked against the bytes present, even with a valid checksum") {
  // A huge language count must be refused before anything is allocated for it.
  CHECK(format_error_of(with_header(payload_prefix(std::uint64_t{1} << 60))).find("'languages'") !=
        std::string::npos);

  std::string p = payload_prefix(1);
  put(p, 0, 4);       // language "" (length 0)
  put_f64(p, 1.0);    // documents of slot 0
  put(p, 1'000'000);  // terms: far more than the bytes left
  CHECK(format_error_of(with_header(p)).find("'terms'") != std::string::npos);

  std::string q = payload_prefix(1);
  put(q, 0, 4);
  put_f64(q, 1.0);
  put(q, 1);               // one term
  put(q, 0, 1);            // kind word
  put(q, 0, 4);            // language 0
  put(q, 0xffffffffu, 4);  // text length beyond the end
  put_f64(q, 1.0);         // (enough bytes left for the term count to pass)
  CHECK(format_error_of(with_header(q)).find("'term text'") != std::string::npos);

  std::string r = payload_prefix(1);
  put(r, 0, 4);
  put_f64(r, -1.0);  // negative document count
  CHECK(format_error_of(with_header(r)).find("'documents'") != std::string::npos);

  std::string s = payload_prefix(1);
  put(s, 0, 4);
  put_f64(s, 1.0);
  put(s, 1);
  put(s, 7, 1);  // unknown kind
  put(s, 0, 4);
  put(s, 0, 4);
  put_f64(s, 1.0);
  CHECK(format_error_of(with_header(s)).find("'term kind'") != std::string::npos);
}
