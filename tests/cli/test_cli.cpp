// The CLI contract: subcommands, output formats and exit codes that scripts depend on.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include "skip.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

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
  const fs::path gold = write_file("gold.jsonl", R"({"id":"x","text":"t","lang":"de","story":"s1"})"
                                                 "\n"
                                                 R"({"id":"y","text":"t","lang":"it","story":"s1"})"
                                                 "\n"
                                                 R"({"id":"z","text":"t","lang":"en","story":"s2"})"
                                                 "\n");
  const fs::path pred = write_file("pred.tsv", "x\t1\ny\t1\nz\t2\n");
  const Run r = run("eval --gold '" + gold.string() + "' '" + pred.string() + "'");
  REQUIRE(r.code == 0);
  for (const char* key :
       {"\"n\":3", "\"gold_stories\":2", "\"pred_stories\":2", "\"bcubed_precision\":1",
        "\"bcubed_recall\":1", "\"bcubed_f1\":1", "\"pairwise_precision\":1",
        "\"pairwise_recall\":1", "\"pairwise_f1\":1", "\"crosslingual_precision\":1",
        "\"crosslingual_recall\":1", "\"crosslingual_f1\":1"}) {
    CHECK_MESSAGE(r.out.find(key) != std::string::npos, key);
  }
  CHECK(run("eval --gold /no/such/gold.jsonl '" + pred.string() + "'").code == 2);
}

TEST_CASE("analyze prints terms with kind, field, surface form and byte offsets") {
  const Run r = run("analyze --text --lang de -", "Twitter sperrt Kaspersky für Werbung 2018\n");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"lang\":\"de\"") != std::string::npos);
  CHECK(r.out.find("\"lang_detected\":false") != std::string::npos);
  CHECK(r.out.find("{\"t\":\"kaspersky\",\"kind\":\"entity\",\"field\":\"body\","
                   "\"surface\":\"Kaspersky\",\"start\":15,\"end\":24}") != std::string::npos);
  // "für" is two bytes long in UTF-8: offsets are bytes.
  CHECK(r.out.find("{\"t\":\"werbung\",\"kind\":\"word\",\"field\":\"body\","
                   "\"surface\":\"Werbung\",\"start\":30,\"end\":37}") != std::string::npos);
  CHECK(r.out.find("{\"t\":\"2018\",\"kind\":\"number\",\"field\":\"body\","
                   "\"surface\":\"2018\",\"start\":38,\"end\":42}") != std::string::npos);
}

TEST_CASE("analyze: offsets are into the term's own field; names span all their words") {
  const fs::path input =
      write_file("fields.jsonl",
                 "{\"id\":\"f1\",\"lang\":\"fr\",\"title\":\"L'Europe salue Eugene Kaspersky\","
                 "\"text\":\"Selon l'Europe, tout va bien.\"}\n");
  const Run r = run("analyze '" + input.string() + "'");
  REQUIRE(r.code == 0);
  // The elided article is not part of the word.
  CHECK(r.out.find("\"field\":\"title\",\"surface\":\"Europe\",\"start\":2,\"end\":8}") !=
        std::string::npos);
  CHECK(r.out.find("\"field\":\"body\",\"surface\":\"Europe\",\"start\":8,\"end\":14}") !=
        std::string::npos);
  CHECK(r.out.find("{\"t\":\"eugene kaspersky\",\"kind\":\"entity\",\"field\":\"title\","
                   "\"surface\":\"Eugene Kaspersky\",\"start\":15,\"end\":31}") !=
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

// explain and lexicon learn always run the batch clusterer's features: they take no --mode rather
// than accept one and ignore it.
TEST_CASE("explain and lexicon learn reject --mode; cluster keeps it") {
  const fs::path input = write_file("mixed.jsonl", kMixed);
  const Run explain = run("explain --mode stream --input '" + input.string() + "' a1 a2");
  CHECK(explain.code == 2);
  CHECK(explain.err.find("--mode") != std::string::npos);
  const Run learn = run("lexicon learn --mode stream --input '" + input.string() + "'");
  CHECK(learn.code == 2);
  CHECK(learn.err.find("--mode") != std::string::npos);
  CHECK(run("cluster --mode stream -q '" + input.string() + "'").code == 0);
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

TEST_CASE("explain --format text is for people; JSON stays the default for pipes") {
  const fs::path input = write_file("mixed.jsonl", kMixed);
  const Run json = run("explain --input '" + input.string() + "' a1 a2");
  REQUIRE(json.code == 0);
  CHECK(json.out.rfind(
            "{\"a\":\"a1\",\"b\":\"a2\",\"lang_a\":\"de\",\"lang_b\":\"it\",\"similarity\":", 0) ==
        0);
  CHECK(count_lines(json.out) == 1);
  CHECK(run("explain --format json --input '" + input.string() + "' a1 a2").out == json.out);
  const Run text = run("explain --format text --input '" + input.string() + "' a1 a2");
  REQUIRE(text.code == 0);
  CHECK(text.out.rfind("a1 (de) and a2 (it): similarity ", 0) == 0);
  CHECK(text.out.find("Passau") != std::string::npos);  // the articles' own spelling
  CHECK(text.out.find('{') == std::string::npos);
  CHECK(run("explain --format yaml --input '" + input.string() + "' a1 a2").code == 2);
}

TEST_CASE("explain --pairs: one JSON line per pair in order, unknown ids reported") {
  const fs::path input = write_file("mixed.jsonl", kMixed);
  const std::string single = run("explain --input '" + input.string() + "' a1 a2").out;
  const fs::path good = write_file("pairs.tsv", "a1\ta2\na2\ta4\n");
  const Run r = run("explain --input '" + input.string() + "' --pairs '" + good.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(count_lines(r.out) == 2);
  CHECK(r.out.rfind(single, 0) == 0);  // the same analysis as a single explain
  CHECK(r.out.find("{\"a\":\"a2\",\"b\":\"a4\"", single.size()) == single.size());
  const fs::path bad = write_file("bad_pairs.tsv", "a1\tnope\nonly-one-id\na1\ta2\n");
  const Run b = run("explain --input '" + input.string() + "' --pairs '" + bad.string() + "'");
  CHECK(b.code == 1);
  CHECK(count_lines(b.out) == 3);
  CHECK(b.out.find("{\"line\":1,\"a\":\"a1\",\"b\":\"nope\",\"error\":\"no article with id 'nope' "
                   "in the input\"}") == 0);
  CHECK(b.out.find("\"line\":2") != std::string::npos);
  CHECK(b.out.find("{\"a\":\"a1\",\"b\":\"a2\"") != std::string::npos);
  CHECK(b.err.find(":1: no article with id 'nope'") != std::string::npos);
}

TEST_CASE("cluster --stories-format html writes one escaped page") {
  const fs::path input = write_file(
      "html.jsonl",
      R"({"id":"x<1>","lang":"en","title":"<script>alert(1)</script> & \"quotes\"","text":"Floods hit Passau."})"
      "\n");
  const fs::path page = temp_dir() / "report.html";
  const Run r = run("cluster -q '" + input.string() + "' --stories '" + page.string() +
                    "' --stories-format html -o '" + (temp_dir() / "a.tsv").string() + "'");
  REQUIRE(r.code == 0);
  const std::string html = slurp(page);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;") !=
        std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("x&lt;1&gt;") != std::string::npos);
}

// The example corpus's report in a real browser: it must load without console errors (the check
// itself is tried on a page that logs one) and show a section for every story.
TEST_CASE("the HTML report renders in headless Chromium") {
  if (crossnews::test::skip_if(!fs::exists("/usr/bin/chromium"), "/usr/bin/chromium is absent")) {
    return;
  }
  const auto chromium = [](const fs::path& page, const std::string& name) {
    const fs::path profile = temp_dir() / ("chromium-" + name);
    const fs::path dom = temp_dir() / (name + ".dom"), log = temp_dir() / (name + ".log");
    const std::string command =
        "/usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--enable-logging=stderr --v=0 --user-data-dir='" +
        profile.string() +
        "' --dump-dom "
        "'file://" +
        page.string() + "' > '" + dom.string() + "' 2> '" + log.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    return std::pair(slurp(dom), slurp(log));
  };
  const fs::path faulty =
      write_file("faulty.html", "<p>x</p><script>console.error('boom')</script>");
  CHECK(chromium(faulty, "faulty").second.find(":CONSOLE") != std::string::npos);

  const fs::path page = temp_dir() / "example.html", assign = temp_dir() / "example.tsv";
  const Run r = run("cluster -q '" + std::string(CROSSNEWS_SOURCE_DIR) +
                    "/examples/data/articles.jsonl' -o '" + assign.string() + "' --stories '" +
                    page.string() + "' --stories-format html");
  REQUIRE(r.code == 0);
  const auto [dom, log] = chromium(page, "example");
  CHECK_MESSAGE(log.find(":CONSOLE") == std::string::npos, log);
  std::set<std::string> stories;
  std::istringstream lines(slurp(assign));
  for (std::string line; std::getline(lines, line);)
    stories.insert(line.substr(line.find('\t') + 1));
  REQUIRE(stories.size() > 5);
  for (const auto& id : stories) {
    CHECK_MESSAGE(dom.find("id=\"story-" + id + "\"") != std::string::npos, id);
  }
  std::size_t sections = 0;
  for (auto at = dom.find("<section class=\"story\""); at != std::string::npos;
       at = dom.find("<section class=\"story\"", at + 1)) {
    ++sections;
  }
  CHECK(sections == stories.size());
  CHECK(dom.find("</footer>") != std::string::npos);  // the page was read to its end
}
TEST_CASE("lexicon audit: one JSON line per finding; --check exits 1 with findings, 0 without") {
  const fs::path doubtful =
      write_file("audit_doubtful.tsv", "concept\tit\nads\tpubblicità\npublic\tpubblico\n");
  const Run found = run("lexicon audit --check --no-builtin --lexicon '" + doubtful.string() + "'");
  CHECK(found.code == 1);
  CHECK(found.out.find("\"kind\":\"shared_term\",\"lang\":\"it\"") != std::string::npos);
  const fs::path clean =
      write_file("audit_clean.tsv", "concept\tit\tde\nads\tpubblicità\tWerbung\n");
  const Run none = run("lexicon audit --check --no-builtin --lexicon '" + clean.string() + "'");
  CHECK(none.code == 0);
  CHECK(none.out.empty());
}

TEST_CASE("lexicon audit without --check lists findings and exits 0") {
  const fs::path doubtful =
      write_file("audit_listed.tsv", "concept\tit\nads\tpubblicità\npublic\tpubblico\n");
  const Run listed = run("lexicon audit --no-builtin --lexicon '" + doubtful.string() + "'");
  CHECK(listed.code == 0);
  CHECK(listed.out.find("\"kind\":\"shared_term\"") != std::string::npos);
}

TEST_CASE("lexicon audit and explain --pairs: a missing file is a usage error naming it") {
  const Run audit = run("lexicon audit --no-builtin --lexicon /no/such/lexicon.tsv");
  CHECK(audit.code == 2);
  CHECK(audit.err.find("/no/such/lexicon.tsv") != std::string::npos);
  const std::string corpus = std::string(CROSSNEWS_SOURCE_DIR) + "/examples/data/articles.jsonl";
  const Run pairs = run("explain --input '" + corpus + "' --pairs /no/such/pairs.tsv");
  CHECK(pairs.code == 2);
  CHECK(pairs.err.find("/no/such/pairs.tsv") != std::string::npos);
}

TEST_CASE("explain --dense-map adds the learned map's cosine and each side's words behind it") {
  const std::string pair = "--input '" + example_corpus().string() + "' ex-010 ex-013";  // de, en
  const Run plain = run("explain " + pair);
  REQUIRE(plain.code == 0);
  CHECK(plain.out.find("\"dense") == std::string::npos);
  const Run json = run("explain --dense-map " + pair);
  REQUIRE(json.code == 0);
  CHECK(contains(json.out, "\"dense\":"));
  CHECK(contains(json.out, "\"dense_words\":{\"de\":[\""));
  CHECK(contains(json.out, "],\"en\":[\""));
  const Run text = run("explain --format text --dense-map " + pair);
  REQUIRE(text.code == 0);
  CHECK(contains(text.out, "learned cross-lingual map "));
  CHECK(contains(text.out, "(part of content): de "));
}
