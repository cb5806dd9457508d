// Nothing lost, nothing destroyed (issue 17 items 1 and 7): outputs are replaced whole or not at
// all, never overwrite an input, never interleave between runs, and write errors fail the run.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <csignal>
#include <string>
#include <vector>

using namespace cli_harness;
using namespace std::string_literals;

namespace {

/// Files in `dir` whose name marks them as a temporary output.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (contains(name, ".tmp-")) found.push_back(name);
  }
  return found;
}

/// A fresh directory holding a copy of the example corpus as news.jsonl.
fs::path workspace(const std::string& name) {
  const fs::path dir = temp_dir() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(example_corpus(), dir / "news.jsonl");
  return dir;
}

/// A FreeDict pair whose body is cut short, so reading it fails (exit 1).
fs::path corrupt_freedict(const fs::path& dir) {
  const fs::path index = dir / "freedict-deu-ita.index";
  std::ofstream(index, std::ios::binary) << "Hochwasser\tA\tV\nFeuerwehr\tV\tb\n";
  std::ofstream(dir / "freedict-deu-ita.dict", std::ios::binary) << "Hochwasser\nalluvio";
  return index;
}

/// Whether process `pid` still runs (a zombie no parent reaps has ended too).
bool running(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t state = stat.rfind(") ");
  return state != std::string::npos && stat[state + 2] != 'Z';
}

}  // namespace

TEST_CASE("an output that is an input or another output is a usage error naming both") {
  const fs::path dir = workspace("same_file");
  const fs::path news = dir / "news.jsonl";
  const std::string original = slurp(news);
  fs::create_hard_link(news, dir / "hardlink.jsonl");
  fs::create_symlink(news, dir / "symlink.jsonl");
  for (const std::string& option : {"-o"s, "--stories"s, "--rejected"s}) {
    for (const std::string& target : {"news.jsonl"s, "./hardlink.jsonl"s, "symlink.jsonl"s}) {
      CAPTURE(option);
      CAPTURE(target);
      const Run r = run("cluster -q news.jsonl " + option + " " + target, "", "", dir);
      CHECK(r.code == 2);
      CHECK(contains(r.err, option + " '" + target + "'"));
      CHECK(contains(r.err, "'news.jsonl'"));
      CHECK(slurp(news) == original);
    }
  }
  // two outputs naming one new file, by different spellings
  Run r = run("cluster -q news.jsonl -o out.tsv --stories ./sub/../out.tsv", "", "", dir);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "-o 'out.tsv'"));
  CHECK(contains(r.err, "--stories './sub/../out.tsv'"));
  CHECK_FALSE(fs::exists(dir / "out.tsv"));
  r = run("lexicon learn --input news.jsonl -o news.jsonl", "", "", dir);
  CHECK(r.code == 2);
  CHECK(slurp(news) == original);
  fs::copy_file(dir / "news.jsonl", dir / "pairs.tsv");
  r = run("cluster -q --lexicon pairs.tsv news.jsonl --stories pairs.tsv", "", "", dir);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "--lexicon 'pairs.tsv'"));
  // an output inside an input directory is fine
  write_file("same_file/texts/a.txt", "Hochwasser in Passau\nDie Donau hat Passau überflutet.\n");
  r = run("cluster -q texts -o texts/assign.tsv", "", "", dir);
  CHECK(r.code == 0);
  CHECK(slurp(dir / "texts" / "assign.tsv") == "a\t1\n");
}

TEST_CASE("a failed run leaves earlier outputs untouched and no temporary file") {
  const fs::path dir = workspace("failed_run");
  const fs::path index = corrupt_freedict(dir);
  const std::vector<std::string> outputs = {"assign.tsv", "stories.jsonl", "rejected.jsonl"};
  for (const auto& name : outputs) write_file("failed_run/" + name, "earlier " + name + "\n");
  const std::string all_outputs = "-o assign.tsv --stories stories.jsonl --rejected rejected.jsonl";
  // a typo in the input path (exit 2), a corrupt dictionary (exit 1), no article (exit 1)
  write_file("failed_run/array.jsonl", "[1,2]\n");
  for (const std::string& failing :
       {"-q news.jsonl nwes.jsonl"s, "-q --freedict " + quote(index) + " news.jsonl",
        "-q array.jsonl"s}) {
    CAPTURE(failing);
    const Run r = run("cluster " + failing + " " + all_outputs, "", "", dir);
    CHECK(r.code != 0);
    for (const auto& name : outputs) CHECK(slurp(dir / name) == "earlier " + name + "\n");
    CHECK(temporaries(dir).empty());
  }
  write_file("failed_run/pairs.tsv", "earlier pairs\n");
  Run r = run("lexicon import-freedict " + quote(index) + " -o pairs.tsv", "", "", dir);
  CHECK(r.code == 1);
  r = run("lexicon learn --input nwes.jsonl -o pairs.tsv", "", "", dir);
  CHECK(r.code == 2);
  CHECK(slurp(dir / "pairs.tsv") == "earlier pairs\n");
  CHECK(temporaries(dir).empty());
  // a successful run replaces every output whole
  r = run("cluster " + all_outputs + " news.jsonl", "", "", dir);
  REQUIRE(r.code == 0);
  CHECK(count_lines(slurp(dir / "assign.tsv")) == count_lines(slurp(dir / "news.jsonl")));
  CHECK(contains(slurp(dir / "stories.jsonl"), "\"members\""));
  CHECK(slurp(dir / "rejected.jsonl").empty());
  CHECK(temporaries(dir).empty());
  // through a symlink, the file it names is replaced and the link kept
  fs::create_symlink("assign.tsv", dir / "link.tsv");
  r = run("cluster -q -o link.tsv array.jsonl news.jsonl", "", "", dir);
  REQUIRE(r.code == 0);
  CHECK(fs::is_symlink(dir / "link.tsv"));
  CHECK(slurp(dir / "assign.tsv").starts_with("ex-001\t"));
  CHECK(count_lines(slurp(dir / "assign.tsv")) == count_lines(slurp(dir / "news.jsonl")));
}

TEST_CASE("two runs writing one -o at once leave one run's whole output") {
  const fs::path dir = workspace("concurrent");
  std::string other;
  for (int i = 0; i < 3000; ++i) {
    other += "{\"id\":\"other-" + std::to_string(i) + "\",\"lang\":\"en\",\"text\":\"Report " +
             std::to_string(i % 50) + " on the harbour strike and the ferry timetable\"}\n";
  }
  write_file("concurrent/other.jsonl", other);
  const std::string expected_news = run("cluster -q news.jsonl", "", "", dir).out;
  const std::string expected_other = run("cluster -q other.jsonl", "", "", dir).out;
  REQUIRE(count_lines(expected_other) == 3000);
  for (int round = 0; round < 4; ++round) {
    const std::string cli = "'"s + CROSSNEWS_CLI + "'";
    const std::string both = "cd " + quote(dir) + " && (" + cli +
                             " cluster -q other.jsonl -o out.tsv & " + cli +
                             " cluster -q news.jsonl -o out.tsv & wait)";
    REQUIRE(std::system(both.c_str()) == 0);
    const std::string written = slurp(dir / "out.tsv");
    CHECK((written == expected_news || written == expected_other));
    CHECK(temporaries(dir).empty());
  }
}

TEST_CASE("write errors exit 1 with a message, on stdout and on -o") {
  const fs::path dir = workspace("write_errors");
  for (const std::string& command :
       {"cluster -q news.jsonl"s, "eval --gold news.jsonl --allow-missing /dev/null"s,
        "analyze news.jsonl"s, "explain --input news.jsonl ex-001 ex-002"s, "lexicon stats"s,
        "lexicon learn --input news.jsonl"s, "cluster -q --stories - -o assign.tsv news.jsonl"s}) {
    CAPTURE(command);
    const Run r = run(command, "", "/dev/full", dir);
    CHECK(r.code == 1);
    CHECK(contains(r.err, "cannot write to stdout"));
  }
  write_file("write_errors/bad.jsonl", "[1]\n" + slurp(dir / "news.jsonl"));
  for (const std::string& option : {"-o"s, "--stories"s, "--rejected"s}) {
    CAPTURE(option);
    const Run r = run("cluster -q bad.jsonl " + option + " /dev/full", "", "", dir);
    CHECK(r.code == 1);
    CHECK(contains(r.err, option + ": cannot write '/dev/full': "));
  }
  CHECK(run("lexicon learn --input news.jsonl -o /dev/full", "", "", dir).code == 1);
}

TEST_CASE("a run ended by a signal leaves no temporary file and the old output") {
  const fs::path dir = workspace("signalled");
  write_file("signalled/assign.tsv", "earlier\n");
  const fs::path fifo = dir / "stdin.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const fs::path pid_file = dir / "pid";
  // The shell opening the FIFO waits for our writer; the CLI then waits for input that never
  // comes, with its temporary output open.
  const std::string start = "cd " + quote(dir) + " && ('" + CROSSNEWS_CLI +
                            "' cluster -q - -o assign.tsv < stdin.fifo > /dev/null 2>&1 & echo $! > " +
                            quote(pid_file) + ")";
  REQUIRE(std::system(start.c_str()) == 0);
  std::ofstream writer(fifo);
  for (int i = 0; i < 600 && temporaries(dir).empty(); ++i) ::usleep(50'000);
  REQUIRE(temporaries(dir).size() == 1);
  const pid_t pid = std::stoi(slurp(pid_file));
  REQUIRE(::kill(pid, SIGTERM) == 0);
  for (int i = 0; i < 600 && running(pid); ++i) ::usleep(50'000);
  writer.close();
  CHECK_FALSE(running(pid));
  CHECK(temporaries(dir).empty());
  CHECK(slurp(dir / "assign.tsv") == "earlier\n");
}
