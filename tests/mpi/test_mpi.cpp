// crossnews-mpi end to end: N = 1, 2, 4 ranks against `crossnews cluster` on the test data, the
// example corpus and a synthetic 20k corpus (docs/distributed.md).

#include <crossnews/metrics.hpp>

#include <doctest/doctest.h>

#include "skip.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path work_dir(const std::string& name) {
  // The process id keeps test runs of other checkouts on the machine out of each other's files.
  const fs::path dir = fs::temp_directory_path() /
                       ("crossnews_test_mpi_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int exit_code(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `crossnews-mpi` on `ranks` ranks; stderr goes to dir/log. Under the sanitizers, leak checks
// are off for it: Open MPI keeps allocations until exit by design.
int mpi(int ranks, const std::string& args, const fs::path& dir) {
  const std::string root = ::geteuid() == 0 ? " --allow-run-as-root" : "";
  const std::string env = CROSSNEWS_SANITIZED ? "env ASAN_OPTIONS=detect_leaks=0 " : "";
  return exit_code(env + MPIEXEC + root + " --oversubscribe -np " + std::to_string(ranks) + " " +
                   CROSSNEWS_MPI + " " + args + " 2>>" + (dir / "log").string());
}

int cli(const std::string& args, const fs::path& dir) {
  return exit_code(std::string(CROSSNEWS_CLI) + " " + args + " 2>>" + (dir / "log").string());
}

// id -> story of an assignments TSV; every id must appear once.
std::map<std::string, std::string> assignments(const fs::path& tsv) {
  std::map<std::string, std::string> out;
  std::istringstream in(slurp(tsv));
  for (std::string line; std::getline(in, line);) {
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    CHECK_MESSAGE(out.emplace(line.substr(0, tab), line.substr(tab + 1)).second,
                  "assigned twice: ", line);
  }
  return out;
}

// Pairwise F1 of `predicted` with `gold` taken as the truth (same ids).
double pairwise_f1(const std::map<std::string, std::string>& gold,
                   const std::map<std::string, std::string>& predicted) {
  std::vector<std::string> g, p, langs;
  for (const auto& [id, story] : gold) {
    g.push_back(story);
    p.push_back(predicted.at(id));
    langs.emplace_back();
  }
  return crossnews::evaluate(g, p, langs).pairwise_f1;
}

// Runs both programs on `inputs` and checks what issue 18 asks of N = 1, 2 and 4 ranks.
void check_agreement(const std::string& inputs, const fs::path& gold, const fs::path& dir) {
  const auto out = [&](const std::string& name) { return (dir / name).string(); };
  REQUIRE(cli("cluster -q " + inputs + " -o " + out("ref.tsv") + " --stories " +
                  out("ref.stories") + " --rejected " + out("ref.rejected"),
              dir) == 0);
  const auto reference = assignments(out("ref.tsv"));
  const double reference_bcubed =
      crossnews::evaluate_files(gold.string(), out("ref.tsv")).bcubed_f1;
  std::map<std::string, std::string> one_rank;
  for (const int ranks : {1, 2, 4}) {
    CAPTURE(ranks);
    const std::string n = std::to_string(ranks);
    REQUIRE(mpi(ranks,
                "cluster -q " + inputs + " -o " + out(n + ".tsv") + " --stories " +
                    out(n + ".stories") + " --rejected " + out(n + ".rejected"),
                dir) == 0);
    const auto got = assignments(out(n + ".tsv"));
    CHECK(got.size() == reference.size());
    for (const auto& [id, story] : reference) CHECK_MESSAGE(got.contains(id), "missing ", id);
    CHECK(slurp(out(n + ".rejected")) == slurp(out("ref.rejected")));
    if (ranks == 1) {
      CHECK(slurp(out(n + ".tsv")) == slurp(out("ref.tsv")));
      CHECK(slurp(out(n + ".stories")) == slurp(out("ref.stories")));
      one_rank = got;
      continue;
    }
    CHECK(pairwise_f1(one_rank, got) >= 0.99);
    const double bcubed = crossnews::evaluate_files(gold.string(), out(n + ".tsv")).bcubed_f1;
    CHECK(std::abs(bcubed - reference_bcubed) <= 0.005);
  }
}

}  // namespace

TEST_CASE("crossnews-mpi on the test data, with bad lines, matches crossnews cluster") {
  const fs::path dir = work_dir("testdata");
  const std::string data = CROSSNEWS_TEST_DATA_DIR;
  // Bad lines in the middle of a file: rejected with their reasons wherever the cut falls.
  std::string small = slurp(data + "/cluster_small.jsonl");
  small.insert(small.find('\n', small.size() / 2) + 1, "not json\n\n{\"id\":\"x\"}\n");
  std::ofstream(dir / "small.jsonl", std::ios::binary) << small;
  std::ofstream(dir / "gold.jsonl", std::ios::binary) << small << slurp(data + "/negatives.jsonl");
  check_agreement((dir / "small.jsonl").string() + " " + data + "/negatives.jsonl",
                  dir / "gold.jsonl", dir);
  CHECK(slurp(dir / "1.rejected").find("malformed JSON") != std::string::npos);
}

TEST_CASE("crossnews-mpi on the example corpus matches crossnews cluster") {
  const fs::path dir = work_dir("example");
  const std::string corpus = CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl";
  check_agreement(corpus, corpus, dir);
  CHECK(slurp(dir / "2.tsv") == slurp(dir / "ref.tsv"));  // 69 articles: the same stories
}

// Minutes under the sanitizers; the small corpora above cover the same code there.
TEST_CASE("crossnews-mpi on a synthetic 20k corpus agrees with one process") {
  if (crossnews::test::skip_if(CROSSNEWS_SANITIZED, "minutes under the sanitizers") ||
      crossnews::test::skip_without_shared("peers/gen_corpus.py")) {
    return;
  }
  const fs::path dir = work_dir("synthetic");
  const fs::path corpus = dir / "corpus.jsonl";
  REQUIRE(exit_code("/usr/bin/python3 " CROSSNEWS_SHARED_DIR
                    "/peers/gen_corpus.py --docs 20000 --seed 5 --langs de,it,en,es,fr > " +
                    corpus.string()) == 0);
  check_agreement(corpus.string(), corpus, dir);
  fs::remove_all(dir);
}

TEST_CASE("crossnews-mpi failures leave earlier outputs as they were") {
  const fs::path dir = work_dir("faults");
  const std::string corpus = CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl";
  std::ofstream(dir / "old.tsv") << "earlier\n";
  const std::string out = (dir / "old.tsv").string();
  CHECK(mpi(2, "cluster " + corpus + " /no/such/file.jsonl -o " + out, dir) == 2);
  CHECK(mpi(2, "cluster --mode stream " + corpus + " -o " + out, dir) == 2);
  CHECK(mpi(2, "cluster " + corpus + " -o " + corpus, dir) == 2);  // the input itself
  CHECK(mpi(2, "cluster " + corpus + " -o " + out + " --stories " + out, dir) == 2);
  CHECK(mpi(2, "cluster " + corpus + " -o /no/such/dir/a.tsv", dir) == 1);
  CHECK(slurp(out) == "earlier\n");
  CHECK(slurp(dir / "log").find("/no/such/file.jsonl") != std::string::npos);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  CHECK(files == 2);  // old.tsv and the log: no temporary file left behind
  fs::remove_all(dir);
}

// A rank that fails (here rank 1 runs out of memory under `ulimit -v`) aborts the whole job with
// a message naming it; no output appears. Address space limits and ASan do not mix. `timeout`:
// with a higher limit Open MPI's own allocations can fail first and hang the job.
TEST_CASE("crossnews-mpi: one rank failing aborts the job, naming the rank") {
  if (crossnews::test::skip_if(CROSSNEWS_SANITIZED, "the memory limit fails sanitizer runtimes")) {
    return;
  }
  const fs::path dir = work_dir("abort");
  const std::string corpus = CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl";
  const std::string root = ::geteuid() == 0 ? " --allow-run-as-root" : "";
  const int code = exit_code("timeout 120 " + std::string(MPIEXEC) + root +
                             " --oversubscribe -np 2 bash -c 'if [ $OMPI_COMM_WORLD_RANK = 1 ]; "
                             "then ulimit -v 100000; fi; exec " CROSSNEWS_MPI " cluster " +
                             corpus + " -o " + (dir / "a.tsv").string() + "' 2>>" +
                             (dir / "log").string() + " >&2");
  CHECK(code != 0);
  CHECK(slurp(dir / "log").find("rank 1 of 2 failed") != std::string::npos);
  CHECK(!fs::exists(dir / "a.tsv"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // the log only
  fs::remove_all(dir);
}

TEST_CASE("crossnews-mpi -q prints nothing on stderr but errors; without it, one closing line") {
  const fs::path dir = work_dir("quiet");
  const std::string input = CROSSNEWS_SOURCE_DIR "/examples/data/articles.jsonl";
  REQUIRE(mpi(2, "cluster -q " + input + " -o " + (dir / "a.tsv").string(), dir) == 0);
  CHECK(slurp(dir / "log").empty());
  REQUIRE(mpi(2, "cluster " + input + " -o " + (dir / "b.tsv").string(), dir) == 0);
  CHECK(slurp(dir / "log").find("\"articles\":69") != std::string::npos);
  fs::remove_all(dir);
}
