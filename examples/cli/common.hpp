#pragma once
// Shared pieces of the crossnews CLI: exit codes, progress on stderr, option groups that several
// subcommands take, and building the keyword map.

#include <crossnews/crossnews.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace crossnews::cli {

/// Exit codes of the CLI contract.
enum ExitCode : int { kOk = 0, kFailure = 1, kUsage = 2 };

/// Thrown inside subcommands to end with a message on stderr and an exit code.
struct ExitError {
  int code;
  std::string message;
};

/// Options of the keyword map, shared by cluster, explain and lexicon stats.
struct LexiconArgs {
  std::vector<std::string> lexicons;
  std::vector<std::string> freedicts;
  bool no_builtin = false;
  bool no_pivot = false;
};

/// The arguments of `cluster`, shared with crossnews-mpi.
struct ClusterArgs {
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string stories;
  std::string stories_format = "jsonl";
  std::string rejected;
  std::string mode = "batch";
  std::string strategy = "joint";
  bool quiet = false;
  ClusterOptions options;
  LexiconArgs lexicon;
};

void add_lexicon_options(CLI::App& app, LexiconArgs& args);
void add_cluster_options(CLI::App& app, ClusterOptions& options, std::string& mode,
                         std::string& strategy);
/// Applies --mode / --strategy strings (validated by CLI11) to the options.
void apply_mode(ClusterOptions& options, const std::string& mode, const std::string& strategy);

/// Builds the keyword map; skipped lexicon lines are reported on stderr (unless quiet).
/// Missing files end with kUsage, corrupt dictionaries with kFailure.
Lexicon build_lexicon(const Analyzer& analyzer, const LexiconArgs& args, bool quiet);

/// Reads all inputs at once (for commands that need every article in memory).
Corpus read_inputs(const std::vector<std::string>& inputs);

/// Progress on stderr, drawn only when stderr is a terminal and not quiet.
class Progress {
 public:
  explicit Progress(bool quiet);
  void update(std::string_view stage, std::uint64_t done, std::uint64_t total);
  void finish();

 private:
  bool enabled_;
  std::string last_stage_;
  double last_draw_ = -1.0;
};

/// Writers of `cluster` outputs, shared with crossnews-mpi: a story summary as one JSON line, as
/// a readable block, and a rejected input line as one JSON line.
void write_story(std::ostream& out, const StorySummary& s);
void write_story_text(std::ostream& out, const StorySummary& s);
void write_rejected(std::ostream& out, const Rejected& r);

/// "2018-01-26T10:00:00Z"
std::string format_time(std::int64_t seconds);
double seconds_since(const std::chrono::steady_clock::time_point& start);

// Each adds its subcommand to `root`; the subcommand runs from its CLI11 callback and ends by
// returning normally (exit 0) or throwing ExitError.
void register_cluster(CLI::App& root);
void register_eval(CLI::App& root);
void register_explain(CLI::App& root);
void register_analyze(CLI::App& root);
void register_lexicon(CLI::App& root);

}  // namespace crossnews::cli
