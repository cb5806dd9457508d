// The CLI contract: subcommands, output formats and exit codes that scripts depend on.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cli_harness;

namespace {

const char* kMixed =
    R"({"id":"a1","lang":"de","title":"Hochwasser in Passau","text":"Die Donau hat die Altstadt von Passau überflutet.","time":"2025-03-04"})"
    "\n"
    R"({"id":"a2","lang":"it","title":"Alluvione a Passau","text":"Il Danubio ha allagato il centro di Passau.","time":"2025-03-04T10:00:00Z"})"
    "\n"
    "{this is not json\n"
    R"(["an","array"])"
    "\n"
    R"({"id":"a3","title":"no text"})"
    "\n"
    R"({"id":"a1","text":"duplicate id"})"
    "\n"
    R"({"id":"a4","lang":"en","text":"Central bank raises rates to 4 percent.","time":"not a date"})"
    "\n";

}  // namespace

TEST_CASE("--help names every subcommand and exits 0") {
  const Run r = run("--help");
  CHECK(r.code == 0);
  for (const char* sub : {"cluster", "eval", "explain", "analyze", "lexicon"}) {
    CHECK_MESSAGE(r.out.find(sub) != std::string::npos, sub);
  }
  CHECK(run("cluster --help").code == 0);
  CHECK(run("cluster --help").out.find("--threshold") != std::string::npos);
}

TEST_CASE("usage errors exit 2") {
  CHECK(run("").code == 2);
  CHECK(run("cluster").code == 2);  // INPUT is required
  CHECK(run("cluster --no-such-option x.jsonl").code == 2);
  CHECK(run("cluster --mode sideways x.jsonl").code == 2);
}

TEST_CASE("a missing input exits 2 and names it") {
  const Run r = run("cluster /no/such/file.jsonl");
  CHECK(r.code == 2);
  CHECK(r.err.find("/no/such/file.jsonl") != std::string::npos);
}

TEST_CASE("an unwritable output exits 1 with a message") {
  const fs::path input = write_file("mixed.jsonl", kMixed);
  const Run r = run("cluster --quiet -o /no/such/dir/out.tsv '" + input.string() + "'");
  CHECK(r.code == 1);
  CHECK(r.err.find("/no/such/dir/out.tsv") != std::string::npos);
}

TEST_CASE("cluster: every input line is assigned or rejected, and the summary adds up") {
  const fs::path input = write_file("mixed.jsonl", kMixed);
  const fs::path rejected = temp_dir() / "rejected.jsonl";
  const fs::path stories = temp_dir() / "stories.jsonl";
  const Run r = run("cluster '" + input.string() + "' --rejected '" + rejected.string() +
                    "' --stories '" + stories.string() + "'");
  REQUIRE(r.code == 0);
  const std::string rejects = slurp(rejected);
  CHECK(count_lines(r.out) == 3);  // a1, a2, a4
  CHECK(count_lines(rejects) == 4);
  CHECK(count_lines(r.out) + count_lines(rejects) == count_lines(kMixed));
  CHECK(r.out.find("a1\t") == 0);
  CHECK(rejects.find("\"line\":3") != std::string::npos);  // the malformed line, by number
  CHECK(rejects.find("\"reason\"") != std::string::npos);
  // One JSON line on stderr at the end.
  CHECK(r.err.find("\"articles\":3") != std::string::npos);
  CHECK(r.err.find("\"rejected\":4") != std::string::npos);
  CHECK(r.err.find("\"articles_per_s\"") != std::string::npos);
  const std::string summaries = slurp(stories);
  CHECK(summaries.find("\"members\"") != std::string::npos);
  CHECK(summaries.find("\"keywords\"") != std::string::npos);
}

TEST_CASE("cluster reads stdin and stream mode gives the same accounting") {
  const Run r = run("cluster --mode stream -", kMixed);
  REQUIRE(r.code == 0);
  CHECK(count_lines(r.out) == 3);
  CHECK(r.err.find("\"rejected\":4") != std::string::npos);
}

TEST_CASE("eval prints every score field") {
  const fs::path gold = write_file(
      "gold.jsonl",
      R"({"id":"x","text":"t","lang":"de","story":"s1"})" "\n"
      R"({"id":"y","text":"t","lang":"it","story":"s1"})" "\n"
      R"({"id":"z","text":"t","lang":"en","story":"s2"})" "\n");
  const fs::path pred = write_file("pred.tsv", "x\t1\ny\t1\nz\t2\n");
  const Run r = run("eval --gold '" + gold.string() + "' '" + pred.string() + "'");
  REQUIRE(r.code == 0);
  for (const char* key : {"\"n\":3", "\"gold_stories\":2", "\"pred_stories\":2",
                          "\"bcubed_precision\":1", "\"bcubed_recall\":1", "\"bcubed_f1\":1",
                          "\"pairwise_precision\":1", "\"pairwise_recall\":1", "\"pairwise_f1\":1",
                          "\"crosslingual_precision\":1", "\"crosslingual_recall\":1",
                          "\"crosslingual_f1\":1"}) {
    CHECK_MESSAGE(r.out.find(key) != std::string::npos, key);
  }
  CHECK(run("eval --gold /no/such/gold.jsonl '" + pred.string() + "'").code == 2);
}

TEST_CASE("analyze prints terms with kind and field") {
  const Run r = run("analyze --text --lang de -", "Twitter sperrt Kaspersky für Werbung 2018\n");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"lang\":\"de\"") != std::string::npos);
  CHECK(r.out.find("\"lang_detected\":false") != std::string::npos);
  CHECK(r.out.find("{\"t\":\"kaspersky\",\"kind\":\"entity\",\"field\":\"body\"}") !=
        std::string::npos);
  CHECK(r.out.find("{\"t\":\"2018\",\"kind\":\"number\",\"field\":\"body\"}") !=
        std::string::npos);
}

TEST_CASE("explain: unknown ids exit 2, known ids give shared features") {
  const fs::path input = write_file("mixed.jsonl", kMixed);
  CHECK(run("explain --input '" + input.string() + "' a1 nope").code == 2);
  const Run r = run("explain --input '" + input.string() + "' a1 a2");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"similarity\":") != std::string::npos);
  CHECK(r.out.find("\"concept\":\"passau\"") != std::string::npos);
  CHECK(r.out.find("\"source\":\"entity\"") != std::string::npos);
}

TEST_CASE("lexicon stats and import-freedict") {
  const Run stats = run("lexicon stats");
  REQUIRE(stats.code == 0);
  CHECK(stats.out.find("\"concepts\":") != std::string::npos);
  CHECK(stats.out.find("\"a\":\"de\",\"b\":\"it\"") != std::string::npos);
  CHECK(run("lexicon import-freedict /no/such.index").code == 2);
  const fs::path broken = write_file("freedict-deu-ita.index", "word\tA\tZZZZ\n");
  write_file("freedict-deu-ita.dict.dz", "not a gzip body");
  CHECK(run("lexicon import-freedict '" + broken.string() + "'").code == 1);
}
