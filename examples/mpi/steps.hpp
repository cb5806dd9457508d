#pragma once
// The steps of crossnews-mpi cluster: reading and placing the input (input_steps.cpp), the
// clustering (distributed.cpp), stitching and writing on rank 0 (root_output.cpp).

#include "comm.hpp"
#include "distributed.hpp"
#include "partition.hpp"

#include "../cli/common.hpp"
#include "../cli/json_writer.hpp"

#include <chrono>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace crossnews::mpi {

using Clock = std::chrono::steady_clock;

// Wall time and bytes sent by this rank per phase, for --timings.
class Timings {
 public:
  explicit Timings(const Comm& comm) : comm_(comm), last_(Clock::now()) {}
  void mark(const char* phase) {
    phases_.push_back({phase, cli::seconds_since(last_), comm_.bytes_sent - last_bytes_});
    last_ = Clock::now();
    last_bytes_ = comm_.bytes_sent;
  }
  void print() const {
    std::ostringstream line;
    line << "{\"rank\":" << comm_.rank << ",\"phases\":{";
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      line << (i ? "," : "") << '"' << phases_[i].name << "\":{\"seconds\":";
      cli::write_json_number(line, phases_[i].seconds);
      line << ",\"bytes_sent\":" << phases_[i].bytes << '}';
    }
    line << "},\"bytes_sent\":" << comm_.bytes_sent << "}\n";
    std::cerr << line.str() << std::flush;
  }

 private:
  struct Phase {
    const char* name;
    double seconds;
    std::uint64_t bytes;
  };
  const Comm& comm_;
  Clock::time_point last_;
  std::uint64_t last_bytes_ = 0;
  std::vector<Phase> phases_;
};

// How an input is read: plain JSONL files are cut into byte ranges over all ranks; gzip files,
// directories and stdin are read whole by one rank.
struct InputPlan {
  std::string source_name;
  std::uint64_t size = 0;  ///< bytes to cut into ranges; 0 when read whole
  int whole_reader = -1;   ///< the rank reading it whole, or -1
};

// What one rank read: accepted articles with their order keys, rejected lines with theirs.
struct LocalInput {
  std::vector<Article> articles;
  std::vector<std::uint64_t> order;
  std::vector<std::pair<std::uint64_t, Rejected>> rejected;
  std::vector<InputWarning> warnings;
};

// The time ranges, and the key of an article without a time (the earliest time: such articles
// are clustered in the first range).
struct Ranges {
  TimeRanges ranges;
  std::int64_t timeless_key = 0;
};

// The articles a rank clusters, in input order: its own and the overlap copies of others'.
struct HeldArticles {
  std::vector<Article> articles;
  std::vector<std::uint64_t> order;
  std::vector<std::uint8_t> owned;  ///< 1 if this rank owns the article, 0 for an overlap copy
};

/// Input kinds and sizes; the CLI's usage errors (cli::ExitError) for missing inputs.
std::vector<InputPlan> plan_inputs(const std::vector<std::string>& inputs, int ranks);
/// This rank's byte ranges of the plain files and the whole inputs it reads.
LocalInput read_local(const std::vector<std::string>& inputs, const std::vector<InputPlan>& plan,
                      Comm& comm);
Ranges plan_ranges(const LocalInput& local, const ClusterOptions& options, Comm& comm);
/// Sends each article to the ranks that cluster it (its owner and the overlap); returns what
/// this rank clusters, in input order.
HeldArticles send_to_holders(LocalInput& local, const Ranges& ranges, Comm& comm);

/// A story part's counts, times, keywords and titles (members go separately).
void pack_summary(Packer& p, const StorySummary& s);

struct WriteCounts {
  std::size_t articles = 0;
  std::size_t rejected = 0;
  std::size_t stories = 0;
};
/// Rank 0: stitches the ranks' reports (distributed.cpp's pack_report) and writes the outputs,
/// each to a temporary file renamed into place once all are written.
WriteCounts write_outputs(std::vector<std::string> reports, const MpiClusterArgs& args,
                          const std::vector<InputPlan>& plan);

}  // namespace crossnews::mpi
