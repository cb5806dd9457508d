#include <crossnews/error.hpp>
#include <crossnews/metrics.hpp>

#include "io_test_util.hpp"

#include <doctest/doctest.h>

#include "skip.hpp"
#include <simdjson.h>

#include <unistd.h>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using crossnews::ClusteringScores;
using crossnews::evaluate;
using crossnews::evaluate_files;
using crossnews::kScoreRatios;
using crossnews::ScoreRatio;
using io_test::kData;
namespace fs = std::filesystem;
using io_test::TempDir;
using io_test::write_file;

namespace {

std::vector<std::string> split(const std::string& chars) {
  std::vector<std::string> out;
  for (char c : chars) out.emplace_back(1, c);
  return out;
}

/// Pair counts by enumerating all pairs, the definition the contingency counts must equal.
struct PairCounts {
  std::uint64_t gold = 0, pred = 0, both = 0, xl_gold = 0, xl_pred = 0, xl_both = 0;
};

PairCounts brute_force(const std::vector<std::string>& g, const std::vector<std::string>& p,
                       const std::vector<std::string>& l) {
  PairCounts c;
  for (std::size_t i = 0; i < g.size(); ++i) {
    for (std::size_t j = i + 1; j < g.size(); ++j) {
      const bool same_gold = g[i] == g[j], same_pred = p[i] == p[j], cross = l[i] != l[j];
      c.gold += same_gold;
      c.pred += same_pred;
      c.both += same_gold && same_pred;
      c.xl_gold += same_gold && cross;
      c.xl_pred += same_pred && cross;
      c.xl_both += same_gold && same_pred && cross;
    }
  }
  return c;
}

}  // namespace

TEST_CASE("evaluate: hand-computed mixed example") {
  // gold {a,b,c}{d,e}; pred {a,b}{c,d,e}; langs a=de b=en c=de d=it e=it (score.py's example 1)
  // B3 P = (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15;  B3 R = (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15
  // pairs: gold 3 + 1 = 4, pred 1 + 3 = 4, correct ab + de = 2 -> P = R = F = 1/2
  // cross-lingual: gold ab, bc = 2 (ac are both de; de both it); pred ab, cd, ce = 3;
  // correct ab = 1 -> P = 1/3, R = 1/2, F = 2 * (1/6) / (5/6) = 2/5
  const auto gold = split("GGGHH");
  const auto pred = split("11222");
  const std::vector<std::string> langs = {"de", "en", "de", "it", "it"};
  const ClusteringScores s = evaluate(gold, pred, langs);
  CHECK(s.n == 5);
  CHECK(s.gold_stories == 2);
  CHECK(s.pred_stories == 2);
  CHECK(s.bcubed_precision == doctest::Approx(11.0 / 15).epsilon(1e-12));
  CHECK(s.bcubed_recall == doctest::Approx(11.0 / 15).epsilon(1e-12));
  CHECK(s.bcubed_f1 == doctest::Approx(11.0 / 15).epsilon(1e-12));
  CHECK(s.true_pairs == 4);
  CHECK(s.pred_pairs == 4);
  CHECK(s.correct_pairs == 2);
  CHECK(s.pairwise_precision == 0.5);
  CHECK(s.pairwise_recall == 0.5);
  CHECK(s.pairwise_f1 == 0.5);
  CHECK(s.cl_true_pairs == 2);
  CHECK(s.cl_pred_pairs == 3);
  CHECK(s.cl_correct_pairs == 1);
  CHECK(s.crosslingual_precision == doctest::Approx(1.0 / 3).epsilon(1e-12));
  CHECK(s.crosslingual_recall == 0.5);
  CHECK(s.crosslingual_f1 == doctest::Approx(0.4).epsilon(1e-12));
}

TEST_CASE("evaluate: a relabelled perfect prediction scores 1 everywhere") {
  const auto gold = split("AABBC");
  const std::vector<std::string> pred = {"x", "x", "y", "y", "z"};
  const std::vector<std::string> langs = {"de", "it", "de", "de", "en"};
  const ClusteringScores s = evaluate(gold, pred, langs);
  CHECK(s.bcubed_f1 == 1.0);
  CHECK(s.pairwise_f1 == 1.0);
  CHECK(s.crosslingual_f1 == 1.0);
  // pairs: AA (de-it, cross) and BB (de-de) -> 2 pairs, 1 cross-lingual
  CHECK(s.correct_pairs == 2);
  CHECK(s.cl_correct_pairs == 1);
}

TEST_CASE("evaluate: zero denominators are 1.0, and F1 of P = R = 0 is 0") {
  // all singletons vs gold {a,b}{c}: B3 P = 1, R = (1/2 + 1/2 + 1) / 3 = 2/3, F = 4/5;
  // no predicted pair -> pairwise P = 0/0 = 1.0, R = 0/1 = 0, F = 0
  const auto gold = split("AAB");
  const auto pred = split("123");
  const std::vector<std::string> langs(3, "de");
  const ClusteringScores s = evaluate(gold, pred, langs);
  CHECK(s.bcubed_precision == 1.0);
  CHECK(s.bcubed_recall == doctest::Approx(2.0 / 3).epsilon(1e-12));
  CHECK(s.bcubed_f1 == doctest::Approx(0.8).epsilon(1e-12));
  CHECK(s.pairwise_precision == 1.0);
  CHECK(s.pairwise_recall == 0.0);
  CHECK(s.pairwise_f1 == 0.0);
  // one language: no cross-lingual pair anywhere -> 0/0 on both sides -> 1.0, F = 1.0
  CHECK(s.cl_true_pairs == 0);
  CHECK(s.crosslingual_precision == 1.0);
  CHECK(s.crosslingual_recall == 1.0);
  CHECK(s.crosslingual_f1 == 1.0);
}

TEST_CASE("evaluate: everything in one cluster") {
  // gold {a,b}{c,d}: B3 P = 1/2, R = 1, F = 2/3; pairs correct 2, pred 6, gold 2 -> P = 1/3
  const auto gold = split("AABB");
  const std::vector<std::string> pred(4, "0");
  const std::vector<std::string> langs(4, "en");
  const ClusteringScores s = evaluate(gold, pred, langs);
  CHECK(s.bcubed_precision == 0.5);
  CHECK(s.bcubed_recall == 1.0);
  CHECK(s.bcubed_f1 == doctest::Approx(2.0 / 3).epsilon(1e-12));
  CHECK(s.pairwise_precision == doctest::Approx(1.0 / 3).epsilon(1e-12));
  CHECK(s.pairwise_recall == 1.0);
  CHECK(s.pairwise_f1 == 0.5);
}

TEST_CASE("evaluate: an empty language is one shared language") {
  // gold {a,b}, pred {a,b}; langs "" and "": same language -> no cross-lingual pair;
  // langs "" and "de": one cross-lingual pair
  const auto gold = split("AA");
  const auto pred = split("xx");
  CHECK(evaluate(gold, pred, std::vector<std::string>{"", ""}).cl_true_pairs == 0);
  CHECK(evaluate(gold, pred, std::vector<std::string>{"", "de"}).cl_true_pairs == 1);
}

TEST_CASE("evaluate: no articles gives NaN ratios, mismatched sizes throw") {
  const std::vector<std::string> none;
  const ClusteringScores s = evaluate(none, none, none);
  CHECK(s.n == 0);
  CHECK(std::isnan(s.bcubed_f1));
  CHECK(std::isnan(s.pairwise_precision));
  CHECK(std::isnan(s.crosslingual_recall));
  const auto two = split("AB");
  const auto three = split("ABC");
  CHECK_THROWS_AS(evaluate(two, three, two), crossnews::InputError);
  CHECK_THROWS_AS(evaluate(two, two, three), crossnews::InputError);
}

TEST_CASE("evaluate: contingency pair counts equal pair enumeration on random labelings") {
  std::mt19937_64 rng(20180126);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n = 1 + rng() % 40;
    std::vector<std::string> g, p, l;
    for (std::size_t i = 0; i < n; ++i) {
      g.push_back("g" + std::to_string(rng() % 6));
      p.push_back("p" + std::to_string(rng() % 6));
      l.push_back(std::vector<std::string>{"de", "it", "en", ""}[rng() % 4]);
    }
    const PairCounts want = brute_force(g, p, l);
    const ClusteringScores s = evaluate(g, p, l);
    REQUIRE(s.true_pairs == want.gold);
    REQUIRE(s.pred_pairs == want.pred);
    REQUIRE(s.correct_pairs == want.both);
    REQUIRE(s.cl_true_pairs == want.xl_gold);
    REQUIRE(s.cl_pred_pairs == want.xl_pred);
    REQUIRE(s.cl_correct_pairs == want.xl_both);
  }
}

TEST_CASE("evaluate: a million articles with closed-form counts") {
  // gold stories of 10 consecutive articles, predicted clusters of 5: each predicted cluster
  // lies inside one story. Languages alternate de/it.
  // gold pairs 100000 * C(10,2) = 4.5M; pred pairs = correct = 200000 * C(5,2) = 2M;
  // a 10-story has 5 de + 5 it: cross pairs 45 - 2 * 10 = 25 -> 2.5M;
  // a 5-cluster starting at an even index has 3 de + 2 it: 10 - 3 - 1 = 6 cross pairs;
  // one starting at an odd index has 2 de + 3 it: also 6 -> 1.2M.
  // B3: precision 1; recall = 5/10 for everyone.
  constexpr std::size_t kN = 1'000'000;
  std::vector<std::string> gold, pred, langs;
  gold.reserve(kN);
  pred.reserve(kN);
  langs.reserve(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    gold.push_back(std::to_string(i / 10));
    pred.push_back(std::to_string(i / 5));
    langs.emplace_back(i % 2 == 0 ? "de" : "it");
  }
  const ClusteringScores s = evaluate(gold, pred, langs);
  CHECK(s.gold_stories == 100'000);
  CHECK(s.pred_stories == 200'000);
  CHECK(s.true_pairs == 4'500'000);
  CHECK(s.pred_pairs == 2'000'000);
  CHECK(s.correct_pairs == 2'000'000);
  CHECK(s.cl_true_pairs == 2'500'000);
  CHECK(s.cl_pred_pairs == 1'200'000);
  CHECK(s.cl_correct_pairs == 1'200'000);
  CHECK(s.bcubed_precision == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(s.bcubed_recall == doctest::Approx(0.5).epsilon(1e-12));
}

TEST_CASE("evaluate_files: gold JSONL and prediction TSV, score.py conventions") {
  // gold: d1 de s1, i1 it s1, e1 en s1, d2 de s2, d3 (no lang) story 2, id 3 it story "2"
  // (the number 2 and the string "2" are one label, as with Python's str()); skipped: a repeated
  // id d1, an article without story, a non-JSON line; the blank line does not count.
  // pred: A{d1,i1} B{e1,d2} C{d3}; "3" missing -> its own cluster; the second d1 line and the
  // unknown id zz are ignored; d3's line ends in CRLF.
  // cells: (s1,A)=2 (s1,B)=1 (s2,B)=1 (2,C)=1 (2,missing)=1
  // B3 P = (1 + 1 + 1/2 + 1/2 + 1 + 1) / 6 = 5/6
  // B3 R = (2/3 + 2/3 + 1/3 + 1 + 1/2 + 1/2) / 6 = 11/18; F = 55/78
  // pairs: gold 3 + 1 = 4, pred 1 + 1 = 2, correct 1 -> P 1/2, R 1/4, F 1/3
  // cross-lingual: gold d1i1 d1e1 i1e1 + (d3 "", 3 it) = 4; pred d1i1, e1d2 = 2; correct 1
  const ClusteringScores s = evaluate_files(kData + "gold.jsonl", kData + "pred.tsv");
  CHECK(s.n == 6);
  CHECK(s.gold_stories == 3);
  CHECK(s.pred_stories == 4);
  CHECK(s.missing == 1);
  CHECK(s.gold_skipped_lines == 3);
  CHECK(s.bcubed_precision == doctest::Approx(5.0 / 6).epsilon(1e-12));
  CHECK(s.bcubed_recall == doctest::Approx(11.0 / 18).epsilon(1e-12));
  CHECK(s.bcubed_f1 == doctest::Approx(55.0 / 78).epsilon(1e-12));
  CHECK(s.true_pairs == 4);
  CHECK(s.pred_pairs == 2);
  CHECK(s.correct_pairs == 1);
  CHECK(s.pairwise_f1 == doctest::Approx(1.0 / 3).epsilon(1e-12));
  CHECK(s.cl_true_pairs == 4);
  CHECK(s.cl_pred_pairs == 2);
  CHECK(s.cl_correct_pairs == 1);
  CHECK(s.crosslingual_recall == 0.25);
}

TEST_CASE("evaluate_files: two missing articles are two singletons, not one cluster") {
  TempDir dir("metrics_missing");
  write_file(dir.file("g.jsonl"),
             "{\"id\":\"a\",\"story\":\"S\"}\n{\"id\":\"b\",\"story\":\"S\"}\n"
             "{\"id\":\"c\",\"story\":\"S\"}\n");
  write_file(dir.file("p.tsv"), "a\tk\n");
  const ClusteringScores s = evaluate_files(dir.file("g.jsonl"), dir.file("p.tsv"));
  // B3 recall: every article is alone in its predicted cluster -> 1/3 each
  CHECK(s.missing == 2);
  CHECK(s.pred_stories == 3);
  CHECK(s.pred_pairs == 0);
  CHECK(s.bcubed_recall == doctest::Approx(1.0 / 3).epsilon(1e-12));
}

TEST_CASE("evaluate_files: unreadable files and non-UTF-8 predictions throw") {
  const std::string missing = kData + "no_such_gold.jsonl";
  try {
    evaluate_files(missing, kData + "pred.tsv");
    FAIL("expected IoError");
  } catch (const crossnews::IoError& e) {
    CHECK(std::string(e.what()).find(missing) != std::string::npos);
  }
  CHECK_THROWS_AS(evaluate_files(kData + "gold.jsonl", kData + "no_such_pred.tsv"),
                  crossnews::IoError);
  TempDir dir("metrics_utf8");
  write_file(dir.file("p.tsv"), "d1\tA\ni1\t\xff\n");
  try {
    evaluate_files(kData + "gold.jsonl", dir.file("p.tsv"));
    FAIL("expected InputError");
  } catch (const crossnews::InputError& e) {
    CHECK(std::string(e.what()).find("p.tsv:2") != std::string::npos);
  }
}

namespace {

/// Deterministic awkward gold/pred files: numeric, boolean and repeated ids, ids with tabs and
/// non-ASCII, stories of every JSON type, missing and non-string langs, malformed and blank
/// lines, predictions with CRLF, repeated and unknown ids.
void write_awkward_pair(const std::string& gold_path, const std::string& pred_path) {
  std::mt19937_64 rng(7);
  const std::vector<std::string> stories = {"\"s1\"",     "\"s2\"",
                                            "2",          "\"2\"",
                                            "2.0",        "1e2",
                                            "100.0",      "true",
                                            "[1, \"a\"]", "{\"k\": [false, null], \"k\": 3}",
                                            "\"Ä\"",      "0.0001",
                                            "1e-5",       "12345678901234567890"};
  const std::vector<std::string> langs = {"\"de\"", "\"it\"", "\"en\"", "\"\"", "5", "null"};
  std::string gold, pred;
  for (int i = 0; i < 400; ++i) {
    const std::uint64_t r = rng();
    std::string id;
    switch (r % 7) {
      case 0:
        id = std::to_string(i);
        break;
      case 1:
        id = std::to_string(i) + ".5";
        break;
      case 2:
        id = "\"dup" + std::to_string(i % 13) + "\"";
        break;
      case 3:
        id = "\"t\\tab" + std::to_string(i) + "\"";
        break;
      case 4:
        id = "\"ü" + std::to_string(i) + "\"";
        break;
      default:
        id = "\"a" + std::to_string(i) + "\"";
        break;
    }
    const std::string& story = stories[(r >> 8) % stories.size()];
    const std::string& lang = langs[(r >> 16) % langs.size()];
    switch ((r >> 24) % 20) {
      case 0:
        gold += "\n";
        break;
      case 1:
        gold += "{\"id\": " + id + ", \"story\": " + story + "\n";
        break;  // malformed
      case 2:
        gold += "{\"id\": " + id + ", \"lang\": " + lang + "}\n";
        break;  // no story
      case 3:
        gold += "{\"id\": null, \"story\": " + story + "}\n";
        break;
      default:
        gold += "{\"id\": " + id + ", \"story\": " + story + ", \"lang\": " + lang + "}\n";
    }
    // the prediction names gold ids by Python's str() of them
    std::string pid = id;
    if (pid.front() == '"') pid = pid.substr(1, pid.size() - 2);
    if (const auto esc = pid.find("\\t"); esc != std::string::npos) pid.replace(esc, 2, "\t");
    if ((r >> 32) % 5 != 0) {
      pred += pid + "\tc" + std::to_string((r >> 40) % 9) + ((r >> 48) % 4 == 0 ? "\r\n" : "\n");
    }
    if ((r >> 52) % 10 == 0) pred += "unknown" + std::to_string(i) + "\tc1\n";
  }
  write_file(gold_path, gold);
  write_file(pred_path, pred);
}

}  // namespace

TEST_CASE("evaluate_files agrees with score.py on awkward input") {
  const std::string python = "/usr/bin/python3";
  const std::string script = std::string(CROSSNEWS_SHARED_DIR) + "/peers/score.py";
  if (crossnews::test::skip_if(!fs::exists(python) || !fs::exists(script),
                               "python3 or " + script + " is absent")) {
    return;
  }
  TempDir dir("metrics_scorepy");
  const std::string gold = dir.file("gold.jsonl"), pred = dir.file("pred.tsv");
  const std::string out = dir.file("score.json");
  write_awkward_pair(gold, pred);
  const std::string command = python + " " + script + " '" + gold + "' '" + pred + "' > '" + out +
                              "' 2> '" + dir.file("err.txt") + "'";
  if (crossnews::test::skip_if(std::system(command.c_str()) != 0,
                               "score.py did not run (numpy missing?)")) {
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element want;
  REQUIRE(parser.load(out).get(want) == simdjson::SUCCESS);
  const ClusteringScores got = evaluate_files(gold, pred);
  CHECK(got.n > 100);
  CHECK(got.missing > 0);
  CHECK(got.gold_skipped_lines > 0);
  CHECK(got.n == std::uint64_t(want["n"]));
  CHECK(got.gold_stories == std::uint64_t(want["gold_clusters"]));
  CHECK(got.pred_stories == std::uint64_t(want["pred_clusters"]));
  CHECK(got.missing == std::uint64_t(want["missing"]));
  CHECK(got.gold_skipped_lines == std::uint64_t(want["gold_skipped_lines"]));
  for (const ScoreRatio& ratio : kScoreRatios) {
    INFO(ratio.name);
    CHECK(std::abs(got.*ratio.value - double(want[ratio.name])) <= 1e-12);
  }
  const simdjson::dom::element pairs = want["pairs"];
  CHECK(got.correct_pairs == std::uint64_t(pairs["tp"]));
  CHECK(got.pred_pairs == std::uint64_t(pairs["pred"]));
  CHECK(got.true_pairs == std::uint64_t(pairs["gold"]));
  CHECK(got.cl_correct_pairs == std::uint64_t(pairs["xl_tp"]));
  CHECK(got.cl_pred_pairs == std::uint64_t(pairs["xl_pred"]));
  CHECK(got.cl_true_pairs == std::uint64_t(pairs["xl_gold"]));
}
