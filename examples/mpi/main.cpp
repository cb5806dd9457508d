// crossnews-mpi: cluster one corpus over the ranks of an MPI job, with the stories
// `crossnews cluster` would give (docs/distributed.md).

#include "distributed.hpp"

#include <mpi.h>

#include <iostream>
#include <memory>

namespace {

using namespace crossnews;
using namespace crossnews::mpi;

void register_cluster(CLI::App& root, MpiClusterArgs& args) {
  auto* app = root.add_subcommand(
      "cluster",
      "Assign every article to a story, over all ranks of the job.\n\n"
      "Plain JSONL inputs are cut into byte ranges, one per rank; gzip files and directories of\n"
      ".txt files are read whole by one rank, stdin by rank 0. Rank 0 writes 'id<TAB>story' per\n"
      "accepted article in input order, as `crossnews cluster` does.\n\nExample:\n"
      "  mpirun -np 4 crossnews-mpi cluster news.jsonl -o assign.tsv --stories stories.jsonl");
  app->add_option("INPUT", args.cluster.inputs,
                  "JSONL file (plain or gzip), directory of .txt files, '-'")
      ->required();
  app->add_option("-o,--output", args.cluster.output, "Assignments TSV")->required();
  app->add_option("--stories", args.cluster.stories, "Write story summaries here");
  app->add_option("--stories-format", args.cluster.stories_format,
                  "jsonl (one summary per line) or text (readable)")
      ->check(CLI::IsMember({"jsonl", "text"}))
      ->capture_default_str();
  app->add_option("--rejected", args.cluster.rejected, "Write rejected input lines as JSONL here");
  cli::add_quiet_flag(*app, args.cluster.quiet);
  app->add_flag("--timings", args.timings,
                "Print per rank, on stderr, the seconds and bytes sent of each phase (JSON lines)");
  cli::add_cluster_options(*app, args.cluster.options, args.cluster.strategy, &args.cluster.mode);
  cli::add_lexicon_options(*app, args.cluster.lexicon);
}

// Runs the command line; returns the exit code. Failures that hit every rank alike (usage, an
// unwritable output) end the job normally, reported once by rank 0; a failure of one rank aborts
// the whole job, naming the rank.
int run(int argc, char** argv, Comm& comm) {
  CLI::App app{"crossnews-mpi clusters a corpus over the ranks of an MPI job.", "crossnews-mpi"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("crossnews-mpi ") + crossnews::version_string);
  MpiClusterArgs args;
  register_cluster(app, args);
  const auto say = [&](const std::string& message) {
    if (comm.rank == 0) std::cerr << "crossnews-mpi: " << message << '\n';
  };
  try {
    app.parse(argc, argv);
    run_cluster(args, comm);
  } catch (const CLI::ParseError& e) {
    if (comm.rank != 0) return e.get_exit_code() == 0 ? cli::kOk : cli::kUsage;
    const int code = app.exit(e);
    return code == 0 ? cli::kOk : cli::kUsage;
  } catch (const cli::ExitError& e) {
    say(e.message);
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << "crossnews-mpi: rank " << comm.rank << " of " << comm.ranks
              << " failed: " << e.what() << "; aborting the job\n"
              << std::flush;
    MPI_Abort(MPI_COMM_WORLD, cli::kFailure);
  }
  return cli::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  Comm comm;
  MPI_Comm_rank(MPI_COMM_WORLD, &comm.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &comm.ranks);
  // Communication errors come back as codes (comm.cpp turns them into exceptions), not aborts
  // without a word.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  const int code = run(argc, argv, comm);
  MPI_Finalize();
  return code;
}
