// Every example command in README.md and in each `--help` runs as written (issue 16 item 5).
//
// Extraction: README lines inside ``` blocks that start with "crossnews ", and indented help
// lines that start with "crossnews " or pipe into it ("echo ... | crossnews ...").
// Placeholders: examples name news.jsonl, day1.jsonl and day2.jsonl for the user's own data. They
// run, through bash with `crossnews` on PATH, in one workspace directory that holds the example
// corpus as news.jsonl and its two halves as day1.jsonl and day2.jsonl, and examples/data from
// the source tree. Examples run in order (README, then `crossnews --help`, then each
// subcommand's help), so files one writes (assign.tsv, learned.tsv) are there for those after
// it. Each must exit 0 and print something, or write its -o file. Examples naming
// /usr/share/dictd run in a test case of their own, skipped when that dictionary is absent.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include "skip.hpp"

#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace cli_harness;
using namespace std::string_literals;

namespace {

const std::string kDictionary = "/usr/share/dictd/freedict-deu-ita.index";

std::string trim(const std::string& line) {
  const std::size_t begin = line.find_first_not_of(' ');
  return begin == std::string::npos ? "" : line.substr(begin);
}

std::vector<std::string> readme_examples() {
  std::istringstream readme(slurp(fs::path(CROSSNEWS_SOURCE_DIR) / "README.md"));
  std::vector<std::string> found;
  bool in_code = false;
  for (std::string line; std::getline(readme, line);) {
    if (line.starts_with("```")) in_code = !in_code;
    if (in_code && line.starts_with("crossnews ")) found.push_back(line);
  }
  return found;
}

// The subcommand names listed under "Subcommands:" in a help text.
std::vector<std::string> subcommands(const std::string& help) {
  std::istringstream lines(help.substr(std::min(help.size(), help.find("\nSubcommands:"))));
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 2 && line.starts_with("  ") && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return names;
}

// Example lines of `crossnews <command> --help`, then of its subcommands' help.
void help_examples(const std::string& command, std::vector<std::string>& found) {
  const Run help = run(command + " --help");
  REQUIRE(help.code == 0);
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) {
    const std::string text = trim(line);
    if (!line.starts_with(" ")) continue;  // examples are indented, descriptions are not
    if (text.starts_with("crossnews ") || text.find("| crossnews ") != std::string::npos) {
      found.push_back(text);
    }
  }
  for (const auto& sub : subcommands(help.out)) help_examples(command + " " + sub, found);
}

std::vector<std::string> all_examples() {
  std::vector<std::string> found = readme_examples();
  help_examples("", found);
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& e : found) {
    if (seen.insert(e).second) unique.push_back(e);
  }
  return unique;
}

fs::path workspace() {
  const fs::path dir = temp_dir() / "examples";
  fs::remove_all(dir);
  fs::create_directories(dir / "examples");
  fs::create_directories(dir / "bin");
  fs::create_symlink(fs::path(CROSSNEWS_SOURCE_DIR) / "examples" / "data",
                     dir / "examples" / "data");
  fs::create_symlink(CROSSNEWS_CLI, dir / "bin" / "crossnews");
  const std::string corpus = slurp(example_corpus());
  std::size_t middle = corpus.size() / 2;
  middle = corpus.find('\n', middle) + 1;
  write_file("examples/news.jsonl", corpus);
  write_file("examples/day1.jsonl", corpus.substr(0, middle));
  write_file("examples/day2.jsonl", corpus.substr(middle));
  return dir;
}

// The -o file an example writes, or "".
std::string output_file(const std::string& example) {
  std::istringstream words(example);
  for (std::string word; words >> word;) {
    if (word == "-o" && words >> word) return word;
  }
  return "";
}

void run_examples(bool with_dictionary) {
  const fs::path dir = workspace();
  std::size_t ran = 0;
  for (const auto& example : all_examples()) {
    if (contains(example, "/usr/share/dictd/") != with_dictionary) continue;
    CAPTURE(example);
    ++ran;
    const fs::path script = temp_dir() / "example.sh";
    std::ofstream(script) << "export PATH=" << quote(dir / "bin") << ":\"$PATH\"\ncd " << quote(dir)
                          << "\n"
                          << example << "\n";
    const fs::path out = temp_dir() / "example.out", err = temp_dir() / "example.err";
    const std::string command =
        "bash " + quote(script) + " > " + quote(out) + " 2> " + quote(err) + " < /dev/null";
    const int status = std::system(command.c_str());
    INFO(slurp(err));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const std::string written = output_file(example);
    CHECK((!slurp(out).empty() || (!written.empty() && !slurp(dir / written).empty())));
  }
  CHECK(ran >= (with_dictionary ? 3u : 12u));
}

bool has_dictionary() { return fs::exists(kDictionary); }

}  // namespace

TEST_CASE("the README's command table lists every subcommand") {
  const std::string readme = slurp(fs::path(CROSSNEWS_SOURCE_DIR) / "README.md");
  const Run help = run("--help");
  for (const auto& command : subcommands(help.out)) {
    const Run sub = run(command + " --help");
    const auto nested = subcommands(sub.out);
    if (nested.empty()) {
      CHECK_MESSAGE(contains(readme, "| `crossnews " + command + " "), command);
    }
    for (const auto& leaf : nested) {
      CHECK_MESSAGE(contains(readme, "| `crossnews " + command + " " + leaf), leaf);
    }
  }
}

TEST_CASE("every example in README.md and in --help runs") { run_examples(false); }

TEST_CASE("the FreeDict examples run with the dictionary installed") {
  if (crossnews::test::skip_if(!has_dictionary(), kDictionary + " is absent")) return;
  run_examples(true);
}
