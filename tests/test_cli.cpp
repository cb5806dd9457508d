// The CLI contract: subcommands, output formats and exit codes that scripts depend on.

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("crossnews_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// Runs the CLI through the shell with stdout and stderr captured in files.
Run run(const std::string& args, const std::string& stdin_text = "") {
  const fs::path out = temp_dir() / "stdout", err = temp_dir() / "stderr",
                 in = temp_dir() / "stdin";
  std::ofstream(in, std::ios::binary) << stdin_text;
  const std::string command = std::string("'") + CROSSNEWS_CLI + "' " + args + " < '" +
                              in.string() + "' > '" + out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(command.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

fs::path write_file(const std::string& name, const std::string& content) {
  const fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

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
  const Run r = run("cluster --quiet '" + input.string() + "' --rejected '" + rejected.string() +
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
  const Run r = run("cluster --quiet --mode stream -", kMixed);
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

TEST_CASE("lexicon audit: one JSON line per finding, exit 1 with findings and 0 without") {
  const fs::path doubtful = write_file("audit_doubtful.tsv", "concept\tit\nads\tpubblicità\npublic\tpubblico\n");
  const Run found = run("lexicon audit --no-builtin --lexicon '" + doubtful.string() + "'");
  CHECK(found.code == 1);
  CHECK(found.out.find("\"kind\":\"shared_term\",\"lang\":\"it\"") != std::string::npos);
  const fs::path clean = write_file("audit_clean.tsv", "concept\tit\tde\nads\tpubblicità\tWerbung\n");
  const Run none = run("lexicon audit --no-builtin --lexicon '" + clean.string() + "'");
  CHECK(none.code == 0);
  CHECK(none.out.empty());
}
