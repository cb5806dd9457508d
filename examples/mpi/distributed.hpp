#pragma once
// crossnews-mpi cluster: the steps each rank runs (docs/distributed.md).

#include "../cli/common.hpp"
#include "comm.hpp"

#include <string>
#include <vector>

namespace crossnews::mpi {

struct MpiClusterArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string stories;
  std::string stories_format = "jsonl";
  std::string rejected;
  std::string mode = "batch";
  std::string strategy = "joint";
  bool quiet = false;
  bool timings = false;
  ClusterOptions options;
  cli::LexiconArgs lexicon;
};

/// Checks the arguments every rank sees alike (throws cli::ExitError, the same on every rank),
/// then runs the job; rank 0 writes the outputs. Other failures throw from the rank they hit.
void run_cluster(const MpiClusterArgs& args, Comm& comm);

}  // namespace crossnews::mpi
