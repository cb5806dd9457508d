// The rules of the whole CLI (issues 16 and 17): one value per option occurrence, '-' for
// stdin/stdout, -q silent, invalid values refused with their accepted range, did-you-mean, no
// silent success on input without a single article, eval's coverage, dates of every year.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include "skip.hpp"

#include <string>
#include <utility>
#include <vector>

using namespace cli_harness;
using namespace std::string_literals;

namespace {

const std::string kInput = quote(example_corpus());

/// A small FreeDict dictionary that reads cleanly.
fs::path good_freedict() {
  const fs::path dir = temp_dir() / "freedict";
  fs::create_directories(dir);
  const fs::path index = dir / "freedict-deu-ita.index";
  std::ofstream(index, std::ios::binary) << "Hochwasser\tA\tV\nFeuerwehr\tV\tb\n";
  std::ofstream(dir / "freedict-deu-ita.dict", std::ios::binary)
      << "Hochwasser\nalluvione\nFeuerwehr\nvigili del fuoco\n";
  return index;
}

}  // namespace

TEST_CASE("invalid values are usage errors naming the option and what is accepted") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"cluster --threshold abc", "--threshold: 'abc' is not a number"},
      {"cluster --threshold 1.5", "--threshold must lie in [0, 1], got 1.5"},
      {"cluster --window-days -1",
       "--window-days must lie in [0, 36500] days (0: no window), got -1"},
      {"cluster --window-days nan", "--window-days: 'nan' is not a number"},
      {"cluster --window-days inf", "--window-days: 'inf' is out of range"},
      {"cluster --window-days 1e15", "--window-days must lie in [0, 36500]"},
      {"cluster --window-days 1e400", "--window-days: '1e400' is out of range"},
      {"cluster --crosslingual-scale NaN", "--crosslingual-scale: 'NaN' is not a number"},
      {"cluster --crosslingual-scale 1000", "--crosslingual-scale must lie in [0, 100]"},
      {"cluster --top-terms -1", "--top-terms: '-1' is not a whole number >= 0"},
      {"cluster --threads 0", "--threads must lie in [1, 256], got 0"},
      {"cluster --threads 99999999999999999999999",
       "--threads: '99999999999999999999999' is out of range"},
      {"cluster --entity-weight 2", "--entity-weight must lie in [0, 1], got 2"},
      {"explain --time-weight -0.5 ex-001 ex-002 --input", "--time-weight must lie in [0, 1]"},
      {"lexicon learn --min-similarity nan --input", "--min-similarity: 'nan' is not a number"},
      {"cluster --stories-format text", "--stories-format needs --stories"},
      {"cluster --dense-weight 2", "--dense-weight must lie in [0, 1], got 2"},
      {"cluster --dense-rank 0", "--dense-rank must lie in [1, 256], got 0"},
      {"cluster --dense-map --mode stream", "--dense-map is learned from a first clustering"},
      {"explain --dense-weight nan ex-001 ex-002 --input", "--dense-weight: 'nan' is not a number"},
  };
  for (const auto& [args, message] : cases) {
    CAPTURE(args);
    const Run r = run(args + " " + kInput);
    CHECK(r.code == 2);
    CHECK(contains(r.err, message));
    CHECK(r.err.size() < 300);  // no 300-digit numbers
  }
  const Run lang = run("analyze --lang German " + kInput);
  CHECK(lang.code == 2);
  CHECK(contains(lang.err, "German"));
  CHECK(contains(lang.err, "de,"));
  CHECK(contains(lang.err, "it,"));
}

TEST_CASE("each option takes one value; repeat it for more") {
  const fs::path index = good_freedict();
  Run r = run("cluster -q --freedict " + quote(index) + " " + kInput);
  CHECK(r.code == 0);
  CHECK(count_lines(r.out) == count_lines(slurp(example_corpus())));
  const fs::path lexicon = write_file("extra.tsv", "de\tHochwasser\tit\talluvione\n");
  r = run("cluster -q --lexicon " + quote(lexicon) + " " + kInput + " --lexicon " + quote(lexicon));
  CHECK(r.code == 0);
  r = run("explain --input " + kInput + " ex-001 ex-002");
  CHECK(r.code == 0);
  CHECK(contains(r.out, "\"a\":\"ex-001\",\"b\":\"ex-002\""));
  const std::string corpus = slurp(example_corpus());
  const std::size_t middle = corpus.find('\n', corpus.size() / 2) + 1;
  const fs::path half1 = write_file("half1.jsonl", corpus.substr(0, middle));
  const fs::path half2 = write_file("half2.jsonl", corpus.substr(middle));
  r = run("lexicon stats --input " + quote(half1) + " --input " + quote(half2));
  CHECK(r.code == 0);
  CHECK(contains(r.out, "\"articles\":" + std::to_string(count_lines(corpus))));
  CHECK(run("lexicon stats --input " + quote(half1) + " " + quote(half2)).code == 2);
  CHECK(run("explain --input " + kInput + " ex-001").code == 2);
}

TEST_CASE("'-' is stdin or stdout for every file option; two outputs on stdout are refused") {
  const std::string corpus = slurp(example_corpus());
  const std::string bad = "[1]\n" + corpus;
  // --rejected - : the report on stdout, the assignments (not asked for) nowhere
  Run r = run("cluster -q --rejected - -", bad);
  REQUIRE(r.code == 0);
  CHECK(r.out ==
        "{\"source\":\"<stdin>\",\"line\":1,\"reason\":\"not a JSON object (found array)\"}\n");
  const fs::path assign = temp_dir() / "dash_assign.tsv";
  r = run("cluster -q --stories - -o " + quote(assign) + " " + kInput);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "\"members\""));
  CHECK(count_lines(slurp(assign)) == count_lines(corpus));
  r = run("cluster -q --stories - " + kInput);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("{\"id\":") == 0);
  r = run("cluster -q -o - --stories - " + kInput);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "-o ('-') and --stories ('-')"));
  CHECK(run("cluster -q --stories - --rejected - " + kInput).code == 2);
  // inputs
  r = run("cluster -q --lexicon - " + kInput, "de\tHochwasser\tit\talluvione\n");
  CHECK(r.code == 0);
  r = run("explain --input - ex-001 ex-002", corpus);
  CHECK(r.code == 0);
  r = run("lexicon learn --input -", corpus);
  CHECK(r.code == 0);
  r = run("eval --gold " + kInput + " -", run("cluster -q " + kInput).out);
  CHECK(r.code == 0);
  CHECK(contains(r.out, "\"missing\":0"));
  CHECK(run("eval --gold - -").code == 2);
  r = run("cluster -q --lexicon - -", corpus);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "cannot both read stdin"));
}

TEST_CASE("-q prints nothing but errors") {
  Run r = run("cluster -q " + kInput);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  r = run("cluster " + kInput);
  CHECK(contains(r.err, "{\"articles\":"));
  r = run("cluster -q /no/such.jsonl");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "/no/such.jsonl"));
}

TEST_CASE("a misspelt subcommand or option gets 'did you mean'") {
  Run r = run("clustr " + kInput);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "unknown command 'clustr'; did you mean 'cluster'?"));
  CHECK_FALSE(contains(r.err, "A subcommand is required"));
  r = run("lexicon lern --input x");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "did you mean 'learn'?"));
  r = run("cluster --thresold 0.5 " + kInput);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "unknown option '--thresold'; did you mean '--threshold'?"));
  r = run("eval --gold=x --alow-missing y");
  CHECK(contains(r.err, "did you mean '--allow-missing'?"));
}

TEST_CASE("input without a single article exits 1 with the count and the first reason") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"array.json", "[{\"id\":\"a\",\"text\":\"x\"},\n{\"id\":\"b\",\"text\":\"y\"}]\n"},
      {"table.csv", "id,text\n1,Hochwasser in Passau\n2,Alluvione a Passau\n"},
      {"corrupt.jsonl.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage that is not deflate"s},
  };
  for (const auto& [name, content] : cases) {
    CAPTURE(name);
    const fs::path file = write_file(name, content);
    for (const std::string& command : {"cluster -q "s, "analyze "s, "lexicon learn --input "s}) {
      const Run r = run(command + quote(file));
      CHECK(r.code == 1);
      CHECK(contains(r.err, "no article in the input: all "));
      CHECK(contains(r.err, "the first, " + file.string() + ":"));
    }
  }
  const Run empty = run("cluster -q " + quote(write_file("empty.jsonl", "")));
  CHECK(empty.code == 1);
  CHECK(contains(empty.err, "it is empty"));
}

TEST_CASE("import-freedict on a file not named like a FreeDict index speaks to a CLI user") {
  const fs::path file = write_file("x.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n");
  Run r = run("lexicon import-freedict " + quote(file));
  CHECK(r.code == 2);
  CHECK(contains(r.err, "freedict-<from>-<to>.index"));
  CHECK(contains(r.err, "--from and --to"));
  CHECK_FALSE(contains(r.err, "FreeDictOptions"));
  const fs::path index = good_freedict();
  const fs::path renamed = temp_dir() / "freedict" / "german-italian.index";
  fs::copy_file(index, renamed, fs::copy_options::overwrite_existing);
  fs::copy_file(temp_dir() / "freedict" / "freedict-deu-ita.dict",
                temp_dir() / "freedict" / "german-italian.dict",
                fs::copy_options::overwrite_existing);
  r = run("lexicon import-freedict --from de --to it " + quote(renamed));
  CHECK(r.code == 0);
  CHECK(contains(r.out, "de\tHochwasser\tit\talluvione"));
}

TEST_CASE("eval reports missing, extra and duplicate ids and refuses partial predictions") {
  const fs::path gold =
      write_file("eval_gold.jsonl",
                 "{\"id\":\"x\",\"text\":\"t\",\"lang\":\"de\",\"story\":\"s1\"}\n"
                 "{\"id\":\"y\",\"text\":\"t\",\"lang\":\"it\",\"story\":\"s1\"}\n"
                 "{\"id\":\"z\",\"text\":\"t\",\"lang\":\"en\",\"story\":\"s2\"}\n");
  const fs::path partial = write_file("eval_partial.tsv", "x\t1\nx\t2\nq\t1\nw\t3\n");
  Run r = run("eval --gold " + quote(gold) + " " + quote(partial));
  CHECK(r.code == 1);
  CHECK(contains(r.out, "\"missing\":2,\"extra\":2,\"duplicate\":1"));
  CHECK(contains(r.err, "lacks 2 of the 3 gold articles"));
  r = run("eval --allow-missing --gold " + quote(gold) + " " + quote(partial));
  CHECK(r.code == 0);
  const fs::path empty = write_file("eval_empty.tsv", "");
  r = run("eval --gold " + quote(gold) + " " + quote(empty));
  CHECK(r.code == 1);
  CHECK(contains(r.out, "\"missing\":3"));
  r = run("eval --gold " + quote(empty) + " " + quote(partial));
  CHECK(r.code == 1);
  CHECK(contains(r.err, "has no article"));
}

TEST_CASE("story times before year 1000 and before 1970 keep four-digit years") {
  const fs::path input = write_file("old.jsonl",
                                    "{\"id\":\"a\",\"lang\":\"de\",\"text\":\"Die Donau hat Passau "
                                    "überflutet.\",\"time\":\"0999-01-01\"}\n"
                                    "{\"id\":\"b\",\"lang\":\"de\",\"text\":\"Der Rhein hat Köln "
                                    "überflutet.\",\"time\":\"0005-06-07T08:09:10Z\"}\n"
                                    "{\"id\":\"c\",\"lang\":\"de\",\"text\":\"Die Elbe hat Dresden "
                                    "überflutet.\",\"time\":-86400}\n");
  const Run r = run("cluster -q --window-days 0 --stories - -o /dev/null " + quote(input));
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "\"first_time\":\"0999-01-01T00:00:00Z\""));
  CHECK(contains(r.out, "\"first_time\":\"0005-06-07T08:09:10Z\""));
  CHECK(contains(r.out, "\"first_time\":\"1969-12-31T00:00:00Z\""));
}

bool has_script() { return std::system("command -v script > /dev/null") == 0; }

// util-linux `script` gives the CLI a terminal to draw on.
TEST_CASE("progress on a terminal: cleared lines, a count while reading, no stage at 0/0") {
  if (crossnews::test::skip_if(!has_script(), "util-linux script is absent")) return;
  const fs::path typescript = temp_dir() / "typescript";
  const std::string command = "script -qec \"'"s + CROSSNEWS_CLI + "' cluster -o /dev/null " +
                              kInput + "\" " + quote(typescript) + " > /dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string drawn = slurp(typescript);
  std::size_t draws = 0;
  for (std::size_t at = drawn.find('\r'); at != std::string::npos; at = drawn.find('\r', at + 1)) {
    const std::size_t end = drawn.find_first_of("\r\n", at + 1);
    const std::string line = drawn.substr(at + 1, end - at - 1);
    if (line.empty()) continue;  // the "\r\n" of the terminal
    CAPTURE(line);
    ++draws;
    CHECK(contains(line, "\033[K"));  // what a longer earlier line left is cleared
    CHECK_FALSE(contains(line, " 0/0"));
    if (line.starts_with("read")) CHECK_FALSE(contains(line, "[."));  // no empty bar
  }
  CHECK(draws >= 3);
  CHECK(contains(drawn, "read "));
  CHECK(contains(drawn, "cluster ..."));
}
