#pragma once
// crossnews-mpi cluster: the steps each rank runs (docs/distributed.md).

#include "../cli/common.hpp"
#include "comm.hpp"

#include <string>
#include <vector>

namespace crossnews::mpi {

/// The arguments of `crossnews cluster` (with -o required) and --timings.
struct MpiClusterArgs {
  cli::ClusterArgs cluster;
  bool timings = false;
};

/// Checks the arguments every rank sees alike (throws cli::ExitError, the same on every rank),
/// then runs the job; rank 0 writes the outputs. Other failures throw from the rank they hit.
void run_cluster(const MpiClusterArgs& args, Comm& comm);

}  // namespace crossnews::mpi
