// crossnews stream: resume equals one run, kill -9 at any moment then resume equals one run,
// a corrupt or foreign state is refused and left as it was, stdin is read line by line.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

extern char** environ;

namespace {

using namespace cli_harness;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end + 1 - start));
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += lines[i];
  return out;
}

// The example corpus `rounds` times, each copy with its own ids: enough articles for merges and
// many checkpoints.
std::vector<std::string> repeated_corpus(std::size_t rounds) {
  const auto base = lines_of(slurp(example_corpus()));
  std::vector<std::string> out;
  for (std::size_t r = 0; r < rounds; ++r) {
    for (const auto& line : base) {
      const auto id_end = line.find('"', line.find("\"id\": \"") + 7);
      REQUIRE(id_end != std::string::npos);
      out.push_back(line.substr(0, id_end) + "-r" + std::to_string(r) + line.substr(id_end));
    }
  }
  return out;
}

// Options under which the repeated corpus merges stories, and stories retire (their articles
// let go) while the run goes on.
const std::string kOptions =
    " --threshold 0.3 --merge-threshold 0.2 --window-days 1 --late-articles 16 ";

struct Outputs {
  std::string assignments, merges;
};

Outputs uninterrupted(const fs::path& dir, const fs::path& corpus) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Run r = run("stream --state " + quote(dir / "s") + " -o " + quote(dir / "a.tsv") +
                    " --merges " + quote(dir / "m.jsonl") + kOptions + quote(corpus));
  REQUIRE(r.code == 0);
  return {slurp(dir / "a.tsv"), slurp(dir / "m.jsonl")};
}

TEST_CASE("stream: a run resumed after the first, a middle or the last article equals one run") {
  const fs::path dir = temp_dir() / "stream_resume";
  const auto lines = repeated_corpus(3);
  const fs::path all = write_file("stream_resume_all.jsonl", join(lines, 0, lines.size()));
  const Outputs one = uninterrupted(dir / "one", all);
  REQUIRE(count_lines(one.assignments) == lines.size());
  REQUIRE_FALSE(one.merges.empty());
  for (const std::size_t k : {std::size_t{1}, lines.size() / 2, lines.size()}) {
    CAPTURE(k);
    const fs::path d = dir / ("k" + std::to_string(k));
    fs::remove_all(d);
    const fs::path first = write_file("stream_first.jsonl", join(lines, 0, k));
    const fs::path rest = write_file("stream_rest.jsonl", join(lines, k, lines.size()));
    const std::string outputs = " --state " + quote(d / "s") + " -o " + quote(d / "a.tsv") +
                                " --merges " + quote(d / "m.jsonl") + kOptions;
    REQUIRE(run("stream" + outputs + quote(first)).code == 0);
    // Given all the input again: the first k articles are skipped and counted.
    const Run again = run("stream" + outputs + quote(all));
    CHECK(again.code == 0);
    CHECK(contains(again.err, "\"skipped\":" + std::to_string(k) + ","));
    CHECK(slurp(d / "a.tsv") == one.assignments);
    CHECK(slurp(d / "m.jsonl") == one.merges);
    // Given only the rest, from a state cut at k again: the same.
    fs::remove_all(d);
    REQUIRE(run("stream" + outputs + quote(first)).code == 0);
    if (k < lines.size()) REQUIRE(run("stream" + outputs + quote(rest)).code == 0);
    CHECK(slurp(d / "a.tsv") == one.assignments);
    CHECK(slurp(d / "m.jsonl") == one.merges);
  }
}

pid_t spawn_cli(const std::vector<std::string>& args, int stdin_fd, int stdout_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> all{CROSSNEWS_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, CROSSNEWS_CLI, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("stream: killed with SIGKILL at 20 points, the resumed runs end as one run did") {
  const fs::path dir = temp_dir() / "stream_kill";
  const auto lines = repeated_corpus(10);
  const fs::path corpus = write_file("stream_kill.jsonl", join(lines, 0, lines.size()));
  const Outputs one = uninterrupted(dir / "one", corpus);
  const fs::path d = dir / "killed";
  fs::remove_all(d);
  fs::create_directories(d);
  const std::vector<std::string> args{
      "stream", "--state", (d / "s").string(), "-o", (d / "a.tsv").string(), "--merges",
      (d / "m.jsonl").string(), "--checkpoint-every", "10", "--threshold", "0.3",
      "--merge-threshold", "0.2", "--window-days", "1", "--late-articles", "16", corpus.string()};
  // Kill points: when -o holds a given number of lines, rising over the run, plus a random
  // pause of up to 30 ms, so that some kills land inside checkpoints and some in start-up.
  std::mt19937 random(20250513);
  std::vector<std::size_t> targets(20);
  for (auto& t : targets)
    t = std::uniform_int_distribution<std::size_t>(0, lines.size() - 1)(random);
  std::sort(targets.begin(), targets.end());
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int finished_early = 0;
  for (const std::size_t target : targets) {
    CAPTURE(target);
    const pid_t pid = spawn_cli(args, null_in, -1);
    bool exited = false;
    while (!exited && count_lines(slurp(d / "a.tsv")) < target) {
      int status = 0;
      exited = waitpid(pid, &status, WNOHANG) == pid;
      ::usleep(500);
    }
    if (exited) {
      ++finished_early;
      continue;
    }
    ::usleep(std::uniform_int_distribution<unsigned>(0, 30'000)(random));
    ::kill(pid, SIGKILL);
    wait_exit(pid);
  }
  ::close(null_in);
  MESSAGE("runs that ended before their kill: " << finished_early);
  const Run last =
      run("stream --state " + quote(d / "s") + " -o " + quote(d / "a.tsv") + " --merges " +
          quote(d / "m.jsonl") + " --checkpoint-every 10" + kOptions + quote(corpus));
  CHECK(last.code == 0);
  CHECK(slurp(d / "a.tsv") == one.assignments);
  CHECK(slurp(d / "m.jsonl") == one.merges);
}

TEST_CASE("stream: a corrupt, truncated or foreign state is refused, named, and left as it was") {
  const fs::path dir = temp_dir() / "stream_corrupt";
  const Outputs one = uninterrupted(dir, example_corpus());
  const fs::path state = dir / "s" / "state.bin";
  const std::string good = slurp(state);
  const std::string command = "stream --state " + quote(dir / "s") + " -o " + quote(dir / "a.tsv") +
                              " --merges " + quote(dir / "m.jsonl") + kOptions +
                              quote(example_corpus());
  auto refused_with = [&](const std::string& bytes, const std::string& words) {
    std::ofstream(state, std::ios::binary | std::ios::trunc) << bytes;
    const Run r = run(command);
    CHECK(r.code == 1);
    CHECK(contains(r.err, state.string()));
    CHECK(contains(r.err, words));
    CHECK(slurp(state) == bytes);
    CHECK(slurp(dir / "a.tsv") == one.assignments);
  };
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x04);
  refused_with(flipped, "checksum mismatch");
  std::string header_flipped = good;
  header_flipped[good.find("output=") + 7] ^= 0x01;  // a digit of the -o length
  refused_with(header_flipped, "header is corrupt");
  refused_with(good.substr(0, good.size() - 100), "truncated");
  refused_with(slurp(example_corpus()), "not a crossnews stream checkpoint");
  std::ofstream(state, std::ios::binary | std::ios::trunc) << good;
  // Made with other options.
  const Run other = run("stream --state " + quote(dir / "s") + " -o " + quote(dir / "a.tsv") +
                        " --threshold 0.5 " + quote(example_corpus()));
  CHECK(other.code == 1);
  CHECK(contains(other.err, "threshold = 0.3"));
  CHECK(slurp(state) == good);
  // Document frequencies that decay are part of the options a state records.
  const Run decaying = run("stream --state " + quote(dir / "s") + " -o " + quote(dir / "a.tsv") +
                           kOptions + " --df-half-life 3 " + quote(example_corpus()));
  CHECK(decaying.code == 1);
  CHECK(contains(decaying.err, "half_life_days = 0, not 3"));
  CHECK(slurp(state) == good);
  // A directory that is not a state's.
  write_file("stream_foreign/notes.txt", "mine");
  const Run foreign = run("stream --state " + quote(temp_dir() / "stream_foreign") + " -o " +
                          quote(dir / "b.tsv") + " " + quote(example_corpus()));
  CHECK(foreign.code == 1);
  CHECK(contains(foreign.err, "notes.txt"));
  CHECK_FALSE(fs::exists(temp_dir() / "stream_foreign" / "state.bin"));
  // A new state never overwrites an -o file it did not write.
  const fs::path kept = write_file("stream_kept.tsv", "x\t1\n");
  const Run fresh = run("stream --state " + quote(dir / "new") + " -o " + quote(kept) + " " +
                        quote(example_corpus()));
  CHECK(fresh.code == 1);
  CHECK(contains(fresh.err, kept.string()));
  CHECK(slurp(kept) == "x\t1\n");
}

// Reads one line from fd (up to '\n'); fails after a minute without one.
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (c != '\n') {
    pollfd p{fd, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 60'000) == 1);
    REQUIRE(::read(fd, &c, 1) == 1);
    line += c;
  }
  return line;
}

TEST_CASE("stream: from stdin, each article is assigned as soon as its line arrives") {
  const fs::path dir = temp_dir() / "stream_stdin";
  fs::remove_all(dir);
  const auto lines = lines_of(slurp(example_corpus()));
  int to_cli[2], from_cli[2];
  REQUIRE(::pipe2(to_cli, O_CLOEXEC) == 0);  // the CLI must not hold its own stdin open
  REQUIRE(::pipe2(from_cli, O_CLOEXEC) == 0);
  const pid_t pid =
      spawn_cli({"stream", "--state", (dir / "s").string(), "-"}, to_cli[0], from_cli[1]);
  ::close(to_cli[0]);
  ::close(from_cli[1]);
  std::string written;
  for (std::size_t i = 0; i < 5; ++i) {
    // The next line is sent only once the previous one's assignment came back.
    REQUIRE(::write(to_cli[1], lines[i].data(), lines[i].size()) == ssize_t(lines[i].size()));
    const std::string assigned = read_line(from_cli[0]);
    CHECK(assigned.starts_with(lines[i].substr(8, 6) + "\t"));  // {"id": "ex-00N"
    written += assigned;
  }
  ::close(to_cli[1]);
  ::close(from_cli[0]);
  CHECK(wait_exit(pid) == 0);
}

TEST_CASE("cluster --mode stream: merges counted in the closing line, logged with --merges") {
  const fs::path dir = temp_dir() / "stream_cluster";
  const auto lines = repeated_corpus(3);
  const fs::path corpus = write_file("stream_cluster.jsonl", join(lines, 0, lines.size()));
  const Outputs one = uninterrupted(dir / "one", corpus);
  const Run r = run("cluster --mode stream" + kOptions + quote(corpus) + " -o /dev/null --merges " +
                    quote(dir / "m.jsonl"));
  CHECK(r.code == 0);
  CHECK_FALSE(contains(r.err, "merged story"));
  CHECK(contains(r.err, "\"merges\":" + std::to_string(count_lines(one.merges)) + ","));
  CHECK(slurp(dir / "m.jsonl") == one.merges);
  CHECK(run("cluster " + quote(corpus) + " --merges " + quote(dir / "b.jsonl")).code == 2);
}

}  // namespace
