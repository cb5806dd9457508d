#include <crossnews/analyzer.hpp>
#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>

#include <doctest/doctest.h>

#include "lexicon/dictd_support.hpp"
#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace crossnews;
using crossnews::test::dictd_base64;
using crossnews::test::TempDir;

namespace {

const Analyzer& analyzer() {
  static const Analyzer instance;
  return instance;
}

/// The analysed word a surface form stands for, as the lexicon keys it.
std::string stem(std::string_view lang, std::string_view word) {
  Analyzer::Worker worker(analyzer());
  AnalyzedText text;
  worker.analyze_phrase(word, lang, text);
  for (const Term& term : text.terms) {
    if (term.kind == TermKind::word) return std::string(text.text(term));
  }
  return {};
}

/// The concept link of an analysed term (`term` used as is).
std::optional<ConceptLink> link(const Lexicon& lexicon, std::string_view lang,
                                std::string_view term) {
  const auto links = lexicon.lookup(lang, term);
  if (links.empty()) return std::nullopt;
  return links.front();
}

/// The concept link of a surface word, analysed first.
std::optional<ConceptLink> word_link(const Lexicon& lexicon, std::string_view lang,
                                     std::string_view word) {
  return link(lexicon, lang, stem(lang, word));
}

bool same_concept(const std::optional<ConceptLink>& a, const std::optional<ConceptLink>& b) {
  return a && b && a->concept_id == b->concept_id;
}

std::vector<std::uint64_t> skipped_lines(const LexiconLoadReport& report) {
  std::vector<std::uint64_t> lines;
  for (const auto& issue : report.skipped) lines.push_back(issue.line);
  return lines;
}

std::string data_file(const std::string& name) {
  return std::string(CROSSNEWS_TEST_DATA_DIR) + "/lexicon/" + name;
}

LexiconOptions with_cap(std::size_t cap) {
  LexiconOptions options;
  options.max_terms_per_language = cap;
  return options;
}

/// Writes a dictd dictionary with a plain body; `entries` are entry bodies in order.
std::string write_dictionary(const fs::path& dir, const std::string& name,
                             const std::vector<std::string>& entries) {
  std::string body;
  std::string index;
  for (const auto& entry : entries) {
    index += entry.substr(0, entry.find('\n')) + "\t" + dictd_base64(body.size()) + "\t" +
             dictd_base64(entry.size()) + "\n";
    body += entry;
  }
  std::ofstream(dir / (name + ".index"), std::ios::binary) << index;
  std::ofstream(dir / (name + ".dict"), std::ios::binary) << body;
  return (dir / (name + ".index")).string();
}

}  // namespace

TEST_CASE("wide TSV rows become concepts that inflected forms reach") {
  LexiconBuilder builder(analyzer());
  const LexiconLoadReport report = builder.load_tsv(data_file("wide.tsv"));
  CHECK(report.skipped.empty());
  CHECK(report.lines == 6);
  CHECK(report.entries == 3);
  const Lexicon lexicon = builder.build();

  const auto verbot = word_link(lexicon, "de", "Verbot");
  REQUIRE(verbot);
  CHECK(verbot->source == LinkSource::lexicon);
  CHECK(verbot->weight == doctest::Approx(1.0));
  CHECK(lexicon.concept_name(verbot->concept_id) == "test.ban");
  CHECK(same_concept(verbot, word_link(lexicon, "it", "divieti")));
  CHECK(same_concept(word_link(lexicon, "de", "Verbote"), word_link(lexicon, "en", "bans")));
  CHECK(same_concept(word_link(lexicon, "de", "Werbung"), word_link(lexicon, "it", "pubblicità")));
  CHECK_FALSE(same_concept(verbot, word_link(lexicon, "it", "pubblicità")));
  // A row with one term links nothing and is no concept.
  CHECK_FALSE(word_link(lexicon, "de", "rundfunk"));
  CHECK(lexicon.concept_count() == 2);

  CHECK(lexicon.concept_terms(verbot->concept_id, "de") ==
        std::vector<std::string>{"Verbot", "Verbote"});
  CHECK(lexicon.concept_terms(verbot->concept_id, "it") ==
        std::vector<std::string>{"divieto", "divieti"});
  CHECK(lexicon.concept_terms(verbot->concept_id, "fr").empty());
}

TEST_CASE("concept and pairs lines load; bad lines are skipped with line numbers") {
  LexiconBuilder builder(analyzer());
  const LexiconLoadReport report = builder.load_tsv(data_file("mixed_bad.tsv"));
  CHECK(report.lines == 13);
  CHECK(report.entries == 4);
  CHECK(skipped_lines(report) == std::vector<std::uint64_t>{4, 5, 6, 8, 9, 10, 11, 13});
  REQUIRE(report.skipped.size() == 8);
  CHECK(report.skipped[0].source == data_file("mixed_bad.tsv"));
  CHECK(report.skipped[0].reason.find("found 2") != std::string::npos);
  CHECK(report.skipped[1].reason == "empty concept name");
  CHECK(report.skipped[2].reason == "empty term");
  CHECK(report.skipped[3].reason.find("bad weight 'much'") != std::string::npos);
  CHECK(report.skipped[4].reason.find("bad weight '1.5'") != std::string::npos);
  CHECK(report.skipped[5].reason == "unknown language code 'xx'");
  CHECK(report.skipped[6].reason == "unknown source 'guess'");
  CHECK(report.skipped[7].reason.find("found 7") != std::string::npos);

  const Lexicon lexicon = builder.build();
  const auto football = word_link(lexicon, "de", "Fußball");
  CHECK(same_concept(football, word_link(lexicon, "it", "calcio")));
  CHECK(lexicon.concept_name(football->concept_id) == "sport");
  const auto werbung = link(lexicon, "de", "werbung");
  REQUIRE(werbung);
  CHECK(werbung->weight == doctest::Approx(0.7));
  CHECK(werbung->source == LinkSource::lexicon);
  CHECK(lexicon.concept_name(werbung->concept_id) == "de:werbung|it:pubblic");
  const auto divieto = link(lexicon, "it", "diviet");
  REQUIRE(divieto);
  CHECK(divieto->weight == doctest::Approx(0.5));
  CHECK(divieto->source == LinkSource::freedict);
}

TEST_CASE("a header naming no language is a comment, and pairs need one word per side") {
  LexiconBuilder builder(analyzer());
  const auto report = builder.load_tsv_text(
      "inline",
      "concept\tlang\tterm\nsport\tde\t=fussball\nsport\tit\t=calcio\n"
      "de\tWerbung\tit\tpubblicità\nde\tWerbung machen\tit\tfare pubblicità\n");
  CHECK(skipped_lines(report) == std::vector<std::uint64_t>{5});
  CHECK(report.skipped.at(0).reason.find("a pair needs one on each side") != std::string::npos);
  const Lexicon lexicon = builder.build();
  CHECK(same_concept(link(lexicon, "de", "fussball"), link(lexicon, "it", "calcio")));
  CHECK(same_concept(word_link(lexicon, "de", "Werbung"), word_link(lexicon, "it", "pubblicità")));
  CHECK_THROWS_AS((void)builder.load_tsv(data_file("no_such_file.tsv")), IoError);
}

TEST_CASE("the cap keeps a polysemous chain from merging unrelated senses") {
  // de "Bank" is a bank and a bench; it "panchina" is a bench, en "bench" too.
  const std::string chain =
      "de\t=bank\ten\t=bank\t0.9\n"
      "en\t=bank\tit\t=banca\t0.85\n"
      "de\t=bank\tit\t=panchina\t0.8\n"
      "it\t=panchina\ten\t=bench\t0.75\n"
      "en\t=bench\tde\t=sitzbank\t0.7\n";
  SUBCASE("one term per language: two concepts") {
    LexiconBuilder builder(analyzer(), with_cap(1));
    builder.load_tsv_text("chain", chain);
    const Lexicon lexicon = builder.build();
    CHECK(lexicon.concept_count() == 2);
    CHECK(same_concept(link(lexicon, "de", "bank"), link(lexicon, "it", "banca")));
    CHECK(same_concept(link(lexicon, "it", "panchina"), link(lexicon, "de", "sitzbank")));
    CHECK_FALSE(same_concept(link(lexicon, "it", "banca"), link(lexicon, "it", "panchina")));
  }
  SUBCASE("without a tight cap the chain is one concept") {
    LexiconBuilder builder(analyzer(), with_cap(4));
    builder.load_tsv_text("chain", chain);
    const Lexicon lexicon = builder.build();
    CHECK(lexicon.concept_count() == 1);
    CHECK(same_concept(link(lexicon, "it", "banca"), link(lexicon, "it", "panchina")));
  }
}

TEST_CASE("rows are concepts regardless of the cap; rows repeating rows merge within it") {
  LexiconOptions options = with_cap(2);
  options.row_merge_languages = 2;
  LexiconBuilder builder(analyzer(), options);
  builder.load_tsv_text("rows",
                        // A holds three German terms: more than the cap, as its author wrote.
                        "A\tde\t=a1\nA\tde\t=a2\nA\tde\t=a3\nA\tit\t=x\nA\ten\t=p\n"
                        // B repeats A in two languages, but would give A three Italian terms.
                        "B\tde\t=a1\nB\tit\t=x|=y|=z\n"
                        // C repeats A in two languages and adds French only: merged.
                        "C\tde\t=a2\nC\ten\t=p\nC\tfr\t=f\n"
                        // D repeats A in one language only: a stemming accident, maybe.
                        "D\tde\t=a3\nD\tes\t=s1|=s2\n");
  const Lexicon lexicon = builder.build();
  CHECK(lexicon.concept_count() == 3);
  const auto a1 = link(lexicon, "de", "a1");
  REQUIRE(a1);
  CHECK(lexicon.concept_name(a1->concept_id) == "A");
  CHECK(same_concept(a1, link(lexicon, "de", "a3")));
  CHECK(same_concept(a1, link(lexicon, "it", "x")));
  CHECK(same_concept(a1, link(lexicon, "fr", "f")));
  const auto y = link(lexicon, "it", "y");
  REQUIRE(y);
  CHECK(lexicon.concept_name(y->concept_id) == "B");
  CHECK(same_concept(y, link(lexicon, "it", "z")));
  const auto s1 = link(lexicon, "es", "s1");
  REQUIRE(s1);
  CHECK(lexicon.concept_name(s1->concept_id) == "D");
}

TEST_CASE("links add terms to lexicon rows but never merge two rows") {
  LexiconBuilder builder(analyzer());
  builder.load_tsv_text("rows", "R1\tde\t=a\nR1\tit\t=b\nR2\tde\t=c\nR2\tit\t=d\n");
  builder.load_tsv_text("pairs", "de\t=a\tit\t=d\t0.9\nde\t=e\tit\t=b\t0.9\n");
  const Lexicon lexicon = builder.build();
  CHECK(lexicon.concept_count() == 2);
  CHECK_FALSE(same_concept(link(lexicon, "de", "a"), link(lexicon, "it", "d")));
  const auto e = link(lexicon, "de", "e");
  REQUIRE(e);
  CHECK(lexicon.concept_name(e->concept_id) == "R1");
  CHECK(e->weight == doctest::Approx(0.9));
  CHECK(e->source == LinkSource::lexicon);
}

TEST_CASE("a link attested by two sources combines by noisy-or, within one source it does not") {
  LexiconBuilder builder(analyzer());
  builder.load_tsv_text("one", "de\t=a\tit\t=b\t0.5\nit\t=b\tde\t=a\t0.5\n");
  CHECK(link(builder.build(), "de", "a")->weight == doctest::Approx(0.5));
  builder.load_tsv_text("two", "it\t=b\tde\t=a\t0.6\n");
  const Lexicon lexicon = builder.build();
  CHECK(link(lexicon, "de", "a")->weight == doctest::Approx(1.0 - 0.5 * 0.4));
  CHECK(link(lexicon, "it", "b")->weight == doctest::Approx(0.8));
}

TEST_CASE("pivot composition: product of the legs, times pivot_weight, over sqrt(fan-out)") {
  // The hub row holds en "p" with a German and an Italian term; with one term per language
  // neither a nor b can join it, so b is attached by the composed link a -- b alone.
  const std::string hub = "hub\tde\t=x\nhub\ten\t=p\nhub\tit\t=z\n";
  const std::string legs =
      "de\t=a\ten\t=p\t0.8\tfreedict\n"
      "de\t=a\ten\t=q\t0.8\tfreedict\n"
      "en\t=p\tit\t=b\t0.8\tfreedict\n";
  SUBCASE("a has two English translations, b one: the direction from b is not penalised") {
    LexiconBuilder builder(analyzer(), with_cap(1));
    builder.load_tsv_text("hub", hub);
    builder.load_tsv_text("legs", legs);
    CHECK(builder.compose_pivot("en") == 1);
    const Lexicon lexicon = builder.build();
    const auto b = link(lexicon, "it", "b");
    REQUIRE(b);
    CHECK(b->source == LinkSource::pivot);
    // forward a -> b: 0.8 * 0.8 * 0.6 / sqrt(2 * 1) = 0.2715; backward b -> a: / sqrt(1 * 1).
    CHECK(b->weight == doctest::Approx(0.8 * 0.8 * 0.6));
    CHECK(same_concept(b, link(lexicon, "de", "a")));
  }
  SUBCASE("b gets a second English translation: both directions fan out") {
    LexiconBuilder builder(analyzer(), with_cap(1));
    builder.load_tsv_text("hub", hub + "hub2\tde\t=x2\nhub2\ten\t=r\nhub2\tit\t=z2\n");
    builder.load_tsv_text("legs", legs + "en\t=r\tit\t=b\t0.8\tfreedict\n");
    CHECK(builder.compose_pivot("en") == 1);
    const auto b = link(builder.build(), "it", "b");
    REQUIRE(b);
    CHECK(b->weight == doctest::Approx(0.8 * 0.8 * 0.6 / std::sqrt(2.0)));
  }
  SUBCASE("a direct link is not replaced or strengthened by a pivot") {
    LexiconBuilder builder(analyzer(), with_cap(1));
    builder.load_tsv_text("hub", hub);
    builder.load_tsv_text("legs", legs + "de\t=a\tit\t=b\t0.3\tlexicon\n");
    CHECK(builder.compose_pivot("en") == 0);
    const auto b = link(builder.build(), "it", "b");
    REQUIRE(b);
    CHECK(b->source == LinkSource::lexicon);
    CHECK(b->weight == doctest::Approx(0.3));
  }
  SUBCASE("links below min_link_weight are dropped") {
    LexiconOptions options = with_cap(1);
    options.min_link_weight = 0.4f;
    LexiconBuilder builder(analyzer(), options);
    builder.load_tsv_text("hub", hub);
    builder.load_tsv_text("legs", legs);
    CHECK(builder.compose_pivot("en") == 0);
    CHECK_FALSE(link(builder.build(), "it", "b"));
  }
}

TEST_CASE("FreeDict pairs: first translations per headword, mutual entries weigh more") {
  TempDir dir("freedict");
  const std::string deu_ita =
      write_dictionary(dir.path, "freedict-deu-ita",
                       {"Verbot\ndivieto, proibizione\n",
                        "Werbung\n1. pubblicità\n2. reclutamento\n", "Haus\ncasa di campagna\n"});
  LexiconOptions options;
  options.max_translations_per_headword = 1;
  LexiconBuilder builder(analyzer(), options);
  const LexiconLoadReport report = builder.load_freedict(deu_ita);
  CHECK(report.lines == 3);
  CHECK(report.entries == 2);  // "casa di campagna" is more than one word
  CHECK(report.links == 2);
  Lexicon lexicon = builder.build();
  const auto verbot = word_link(lexicon, "de", "Verbot");
  REQUIRE(verbot);
  CHECK(verbot->source == LinkSource::freedict);
  const double w = options.freedict_weight;
  CHECK(w < options.lexicon_weight);
  CHECK(verbot->weight == doctest::Approx(w));
  CHECK(same_concept(verbot, word_link(lexicon, "it", "divieto")));
  CHECK_FALSE(word_link(lexicon, "it", "proibizione"));
  CHECK(same_concept(word_link(lexicon, "de", "Werbung"), word_link(lexicon, "it", "pubblicità")));
  CHECK_FALSE(word_link(lexicon, "de", "Haus"));

  const std::string ita_deu = write_dictionary(dir.path, "freedict-ita-deu", {"divieto\nVerbot\n"});
  builder.load_freedict(ita_deu);
  lexicon = builder.build();
  CHECK(word_link(lexicon, "de", "Verbot")->weight == doctest::Approx(1.0 - (1 - w) * (1 - w)));
  CHECK(word_link(lexicon, "de", "Werbung")->weight == doctest::Approx(w));
}

TEST_CASE("add_pair links single words and rejects bad input") {
  LexiconBuilder builder(analyzer());
  CHECK(builder.add_pair("de", "Werbung", "it", "pubblicità", 0.9f, LinkSource::lexicon));
  CHECK_FALSE(
      builder.add_pair("de", "Werbung machen", "it", "pubblicità", 0.9f, LinkSource::lexicon));
  CHECK_THROWS_AS(builder.add_pair("de", "Verbot", "it", "divieto", 0.0f, LinkSource::lexicon),
                  InputError);
  CHECK_THROWS_AS(builder.add_pair("de", "Verbot", "zz", "divieto", 0.5f, LinkSource::lexicon),
                  InputError);
  const Lexicon lexicon = builder.build();
  CHECK(lexicon.concept_count() == 1);
  CHECK(word_link(lexicon, "it", "pubblicità")->weight == doctest::Approx(0.9));

  LexiconOptions bad;
  bad.freedict_weight = 0.0f;
  CHECK_THROWS_AS(LexiconBuilder(analyzer(), bad), ConfigError);
}

TEST_CASE("an empty lexicon answers every question without linking") {
  const Lexicon lexicon;
  CHECK(lexicon.lookup("de", "verbot").empty());
  CHECK(lexicon.lookup("", "kaspersky").empty());
  CHECK(lexicon.concept_count() == 0);
  CHECK(lexicon.languages().empty());
  CHECK(lexicon.pair_stats().empty());
  CHECK_THROWS_AS((void)lexicon.concept_name(0), InputError);
  CHECK_THROWS_AS((void)lexicon.concept_terms(0, "de"), InputError);
}

TEST_CASE("pair_stats and languages describe the linked language pairs") {
  LexiconBuilder builder(analyzer());
  builder.load_tsv(data_file("wide.tsv"));
  builder.load_tsv_text("extra", "de\t=rundfunk\tfr\t=radio\t0.9\n");
  const Lexicon lexicon = builder.build();
  CHECK(lexicon.languages() == std::vector<std::string>{"de", "en", "fr", "it"});
  const auto stats = lexicon.pair_stats();
  REQUIRE(stats.size() == 4);
  CHECK((stats[0].lang_a == "de" && stats[0].lang_b == "en" && stats[0].concepts == 2));
  CHECK((stats[1].lang_a == "de" && stats[1].lang_b == "fr" && stats[1].concepts == 1));
  CHECK((stats[2].lang_a == "de" && stats[2].lang_b == "it" && stats[2].concepts == 2));
  CHECK((stats[3].lang_a == "en" && stats[3].lang_b == "it" && stats[3].concepts == 2));
}

TEST_CASE("building is deterministic") {
  const auto build = [] {
    LexiconBuilder builder(analyzer(), with_cap(2));
    builder.load_tsv(data_file("wide.tsv"));
    builder.load_tsv(data_file("mixed_bad.tsv"));
    builder.load_tsv_text("more",
                          "de\t=a\tit\t=b\t0.5\nit\t=b\ten\t=c\t0.5\nen\t=c\tde\t=d\t0.5\n");
    builder.compose_pivot("en");
    return builder.build();
  };
  const Lexicon first = build();
  const Lexicon second = build();
  REQUIRE(first.concept_count() == second.concept_count());
  for (std::uint32_t c = 0; c < first.concept_count(); ++c) {
    CHECK(first.concept_name(c) == second.concept_name(c));
    CHECK(first.concept_members(c) == second.concept_members(c));
  }
}

TEST_CASE("PairLearner scores co-occurring words of linked article pairs by Dice") {
  using Terms = std::vector<std::string_view>;
  PairLearner learner;
  const Terms de1{"werbung", "verbot", "konto"}, it1{"pubblic", "diviet", "letter"};
  const Terms de2{"werbung", "verbot", "brief", "brief"}, it2{"pubblic", "diviet", "cont"};
  const Terms de3{"werbung", "steuer"}, it3{"pubblic", "tass"};
  const Terms it4{"diviet", "pubblic"}, de4{"verbot", "werbung"};
  learner.observe("de", de1, "it", it1);
  learner.observe("de", de2, "it", it2);
  learner.observe("de", de3, "it", it3);
  learner.observe("it", it4, "de", de4);  // either side first
  CHECK(learner.observations() == 4);

  const auto strong = learner.pairs(3, 0.9f);
  REQUIRE(strong.size() == 2);
  CHECK((strong[0].lang_a == "de" && strong[0].term_a == "verbot" && strong[0].lang_b == "it" &&
         strong[0].term_b == "diviet"));
  CHECK(strong[0].score == doctest::Approx(1.0));
  CHECK((strong[1].term_a == "werbung" && strong[1].term_b == "pubblic"));

  const auto all = learner.pairs(3, 0.5f);
  REQUIRE(all.size() == 4);
  // verbot: 3 pairs, pubblic: 4 pairs, together 3: 2 * 3 / 7.
  CHECK((all[2].term_a == "verbot" && all[2].term_b == "pubblic"));
  CHECK(all[2].score == doctest::Approx(6.0 / 7.0));
  CHECK((all[3].term_a == "werbung" && all[3].term_b == "diviet"));
  // Pairs seen together once (steuer/tass, konto/letter, brief/cont) need min_count 1.
  CHECK(learner.pairs(1, 0.9f).size() == 5);

  CHECK_THROWS_AS(learner.observe("de", de1, "de", de2), InputError);
}

TEST_CASE("find_cognates pairs words spelled alike, accents aside") {
  using Terms = std::vector<std::string_view>;
  const Terms de{"telefon", "präsident", "kanzler", "haus", "telefon"};
  const Terms it{"telefono", "presidente", "cancelliere", "casa"};
  const auto cognates = find_cognates("de", de, "it", it);
  REQUIRE(cognates.size() == 2);
  CHECK((cognates[0].term_a == "telefon" && cognates[0].term_b == "telefono"));
  CHECK(cognates[0].score == doctest::Approx(1.0 - 1.0 / 8.0));
  CHECK((cognates[1].term_a == "präsident" && cognates[1].term_b == "presidente"));
  CHECK(cognates[1].score == doctest::Approx(0.8));
  CHECK(cognates[1].lang_a == "de");
  CHECK(cognates[1].lang_b == "it");
  CHECK(find_cognates("de", de, "it", it, 0.15f).size() == 1);
}

TEST_CASE("learned pairs round-trip through the TSV pairs form") {
  const std::vector<LearnedPair> pairs{{"de", "werbung", "it", "pubblic", 0.75f},
                                       {"de", "verbot", "it", "diviet", 0.6f}};
  std::ostringstream out;
  write_learned_tsv(out, pairs);
  CHECK(out.str().starts_with("de\t=werbung\tit\t=pubblic\t0.75\tlearned\n"));

  LexiconBuilder from_tsv(analyzer());
  const auto report = from_tsv.load_tsv_text("learned.tsv", out.str());
  CHECK(report.skipped.empty());
  CHECK(report.entries == 2);
  LexiconBuilder direct(analyzer());
  direct.add_learned(pairs);
  for (const Lexicon& lexicon : {from_tsv.build(), direct.build()}) {
    const auto werbung = link(lexicon, "de", "werbung");
    REQUIRE(werbung);
    CHECK(werbung->source == LinkSource::learned);
    CHECK(werbung->weight == doctest::Approx(0.75));
    CHECK(same_concept(werbung, link(lexicon, "it", "pubblic")));
    CHECK(same_concept(link(lexicon, "de", "verbot"), link(lexicon, "it", "diviet")));
  }
}

TEST_CASE("the built-in lexicon links the seed story's keywords across languages") {
  LexiconBuilder builder(analyzer());
  const LexiconLoadReport report = builder.add_builtin();
  // Every line loads; single forms may analyse to nothing (an emergency number, say).
  for (const auto& issue : report.skipped) {
    INFO(issue.source << ":" << issue.line << ": " << issue.reason);
    CHECK(issue.reason.starts_with("form '"));
  }
  const Lexicon lexicon = builder.build();
  REQUIRE(lexicon.concept_count() >= 1000);
  CHECK(same_concept(word_link(lexicon, "it", "pubblicità"), word_link(lexicon, "de", "Werbung")));
  CHECK(same_concept(word_link(lexicon, "it", "divieto"), word_link(lexicon, "de", "Verbot")));
  CHECK_FALSE(
      same_concept(word_link(lexicon, "it", "divieto"), word_link(lexicon, "de", "Werbung")));
}

TEST_CASE("random bytes never crash the TSV loader") {
  std::uint32_t state = 12345;
  const auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 24;
  };
  // Tabs, newlines, bars, '=' and '#' often, so that every form and field count comes up.
  constexpr std::string_view kAlphabet = "\t\t\n|=#ab AéÄ0.5\xff\xc3";
  LexiconBuilder builder(analyzer());
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const std::size_t length = next() % 200;
    for (std::size_t i = 0; i < length; ++i) text += kAlphabet[next() % kAlphabet.size()];
    if (round % 3 == 0) text = "concept\tde\tit\n" + text;
    const LexiconLoadReport report = builder.load_tsv_text("random", text);
    const auto newlines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
    CHECK(report.lines == newlines + (!text.empty() && text.back() != '\n' ? 1 : 0));
    CHECK(report.entries <= report.lines);
  }
  builder.compose_pivot("en");
  const Lexicon lexicon = builder.build();
  CHECK(lexicon.concept_count() <= 200 * 200);
}

TEST_CASE("the shipped lexicon loads without skipped lines") {
  LexiconBuilder builder(analyzer());
  const auto report = builder.add_builtin();
  for (const auto& issue : report.skipped) MESSAGE(issue.source << ":" << issue.line << ": " << issue.reason);
  CHECK(report.skipped.empty());
}

TEST_CASE("audit finds shared terms, phrases holding another concept's form, and stem collisions") {
  LexiconBuilder builder(analyzer());
  (void)builder.load_tsv_text("audit", "concept\tit\tes\n"
                                       "ads\tpubblicità\t\n"
                                       "public\tpubblico\t\n"
                                       "opinion\topinione pubblica\t\n"
                                       "jam\t\tcortado\n");
  const std::vector<Article> corpus(3, Article{"x", "", "Hubo cortes de agua en la ciudad.", "es", {}, ""});
  const auto findings = builder.audit(corpus, 3);
  const auto has = [&](LexiconFinding::Kind kind, std::vector<std::string> concepts) {
    return std::any_of(findings.begin(), findings.end(), [&](const LexiconFinding& f) {
      return f.kind == kind && f.concepts == concepts;
    });
  };
  CHECK(has(LexiconFinding::Kind::shared_term, {"ads", "public"}));
  CHECK(has(LexiconFinding::Kind::phrase_contains, {"opinion", "ads"}));
  CHECK(has(LexiconFinding::Kind::stem_collision, {"jam"}));
  CHECK(findings.size() == 3 + 1);  // the phrase holds "pubblica", a form of both ads and public
}
