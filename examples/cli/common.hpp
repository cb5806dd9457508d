#pragma once
// Shared pieces of the crossnews CLI: exit codes, progress on stderr, option groups that several
// subcommands take, and building the keyword map.

#include <crossnews/crossnews.hpp>

#include "output.hpp"

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

/// Why a FreeDict file's languages are unknown, for CLI users.
inline constexpr const char* kFreeDictNaming =
    "cannot tell the dictionary's languages from its name: FreeDict indexes are named "
    "freedict-<from>-<to>.index with ISO 639-3 codes, e.g. freedict-deu-ita.index";

/// Where Debian's dict-freedict-* packages install their dictionaries.
inline constexpr const char* kDebianDictionaries = "/usr/share/dictd";

/// Options of the keyword map, shared by cluster, explain and lexicon stats.
struct LexiconArgs {
  std::vector<std::string> lexicons;
  std::vector<std::string> freedicts;
  bool no_freedict = false;  // --no-freedict: not the dictionaries installed in freedict_dir
  std::string freedict_dir = kDebianDictionaries;
  bool no_builtin = false;
  bool no_pivot = false;
  std::string model;  // --model: a saved model instead of the options above
  bool no_builtin_background = false;
};

/// CLI11 checks of the text of a value, before any range check: a finite decimal number ("abc",
/// "nan", "1e400" refused), or a whole number >= 0 that fits 64 bits ("-1", "2.5" refused).
CLI::Validator finite_number();
CLI::Validator whole_number();
/// A number option shown with its default: finite if it is a float, whole if it is a count (the
/// option structs check the ranges).
template <class T>
CLI::Option* add_number(CLI::App& app, const std::string& name, T& value, const std::string& help) {
  return app.add_option(name, value, help)
      ->check(std::is_floating_point_v<T> ? finite_number() : whole_number())
      ->capture_default_str();
}
/// An existing file, or "-" for stdin.
CLI::Validator existing_file_or_stdin();
/// Adds an option that may be repeated, one value per occurrence (`--lexicon A INPUT` leaves
/// INPUT to the positional argument); its help is `help` and "; one per option, repeatable".
CLI::Option* add_repeatable_option(CLI::App& app, const std::string& name,
                                   std::vector<std::string>& values, const std::string& help);
/// -q,--quiet: "Print nothing on stderr but errors", and what else it leaves out, if `left_out`.
CLI::Option* add_quiet_flag(CLI::App& app, bool& quiet, const std::string& left_out = "");
/// The INPUT arguments of the commands that read articles as they come (cluster, stream).
CLI::Option* add_input_arguments(CLI::App& app, std::vector<std::string>& inputs);

/// The arguments of `cluster`, shared with crossnews-mpi.
struct ClusterArgs {
  std::vector<std::string> inputs;
  std::string output;  // empty: stdout, unless --stories or --rejected asked for it
  std::string stories;
  std::string stories_format = "jsonl";
  bool stories_format_given = false;
  std::string rejected;
  std::string merges;  // stream mode: the merge log, JSONL
  std::string mode = "batch";
  std::string strategy = "joint";
  bool quiet = false;
  ClusterOptions options;
  LexiconArgs lexicon;
};

void add_lexicon_options(CLI::App& app, LexiconArgs& args);
/// --model FILE, --no-builtin-background and --background-documents, for the commands that
/// cluster or explain.
void add_model_options(CLI::App& app, LexiconArgs& args, DfOptions& df);
/// `mode`, when given, takes --mode batch|stream: only the commands that can cluster either way
/// offer it (the library's clusterers are separate classes; the command picks one).
void add_cluster_options(CLI::App& app, ClusterOptions& options, std::string& strategy,
                         std::string* mode = nullptr);
/// --dense-map, --dense-weight, --dense-rank: the learned cross-lingual map, for the commands that
/// cluster in batch (cluster, explain, lexicon learn).
void add_dense_map_options(CLI::App& app, DenseMapOptions& options);
/// The option groups of the commands that cluster a corpus (cluster, stream): add_cluster_options,
/// add_dense_map_options (with `mode`), add_stream_options, add_lexicon_options and
/// add_model_options.
void add_clustering_options(CLI::App& app, ClusterOptions& options, std::string& strategy,
                            LexiconArgs& lexicon, std::string* mode = nullptr);
/// Applies the --strategy string (checked by CLI11) to the options, then checks every
/// value with the library's validate(): an out-of-range value ends with kUsage naming the option
/// and its accepted range.
/// --merge-threshold and --late-articles, for the commands that cluster as a stream.
void add_stream_options(CLI::App& app, ClusterOptions& options);
void apply_cluster_args(ClusterOptions& options, const std::string& strategy);

/// The FreeDict dictionaries of a run: the --freedict files, then those installed in
/// --freedict-dir unless --no-freedict, each once. An unlistable directory ends with kUsage.
std::vector<std::string> freedicts_of(const LexiconArgs& args);
/// Adds the keyword-map sources of `args`, with the dictionaries `freedicts`, to `builder`;
/// skipped lexicon lines are written to `warnings`. Missing files end with kUsage, corrupt
/// dictionaries with kFailure. "-" reads a lexicon from stdin.
void add_lexicon_sources(LexiconBuilder& builder, const LexiconArgs& args,
                         const std::vector<std::string>& freedicts, std::ostream& warnings,
                         bool quiet);
/// The model of a run: --model loaded (a corrupt, foreign or mismatched file ends with kFailure
/// naming it; keyword-map options beside it with kUsage), else built from the keyword-map
/// options and the shipped background (unless --no-builtin-background); built with FreeDict
/// dictionaries, it is kept in the model cache (model_cache.hpp) and read from there next time.
/// Skipped lexicon lines are reported on stderr (unless quiet).
Model load_or_build_model(const Analyzer& analyzer, const LexiconArgs& args, bool quiet);
/// The inputs and lexicon files as NamedPaths, for check_outputs.
std::vector<NamedPath> named_inputs(const std::string& option,
                                    const std::vector<std::string>& paths,
                                    const LexiconArgs* lexicon = nullptr);

/// One reader over all inputs, opened before any work: a missing input ends with kUsage, and
/// duplicate ids are caught across files.
std::unique_ptr<ArticleReader> open_reader(const std::vector<std::string>& inputs);
/// Reads all inputs at once (for commands that need every article in memory). Unreadable
/// inputs end with kUsage; inputs without a single accepted article with kFailure.
Corpus read_inputs(const std::vector<std::string>& inputs);
/// Ends with kFailure when no input line became an article, giving the count of rejected lines
/// and the first reason (a JSON array file, a CSV, a corrupt gzip).
void require_articles(std::size_t accepted, std::uint64_t rejected, const Rejected* first);

/// Progress on stderr, drawn only when stderr is a terminal and not quiet.
/// A stage with a known total draws a bar and done/total; one without (reading, clustering)
/// draws its count, or only its name while the count is 0. Redrawn at most 10 times a second,
/// and on every change of stage.
class Progress {
 public:
  explicit Progress(bool quiet);
  void update(std::string_view stage, std::uint64_t done, std::uint64_t total);
  void finish();

 private:
  bool enabled_;
  std::string last_stage_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// A rejected input line as one JSON line of the --rejected report (shared with crossnews-mpi).
void write_rejected(std::ostream& out, const Rejected& r);

/// One merge as a JSON line of a --merges file: from, into, time (null when unknown) and the
/// id of the article that made it.
void write_merge(std::ostream& out, const MergeEvent& merge, std::string_view article);

class JsonObject;
/// Ends the closing line of a run (stderr) with its time and speed: seconds, articles_per_s.
void close_summary(JsonObject& json, std::uint64_t articles, double seconds);

/// "2018-01-26T10:00:00Z"; years before 1000 keep four digits ("0999-01-01T00:00:00Z").
std::string format_time(std::int64_t seconds);
double seconds_since(const std::chrono::steady_clock::time_point& start);

/// Adds the subcommand `name` to `parent`: `add_options` declares its options, which fill in an
/// `Args` kept as long as the subcommand, and `run(args)` does its work once the command line is
/// parsed. Returns the subcommand.
template <class Args, class Run>
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& help,
                      void (*add_options)(CLI::App&, Args&), Run run) {
  auto args = std::make_shared<Args>();
  CLI::App* command = parent.add_subcommand(name, help);
  add_options(*command, *args);
  command->callback([args, run] { run(*args); });
  return command;
}

// Each adds its subcommand to `root`; the subcommand runs from its CLI11 callback and ends by
// returning normally (exit 0) or throwing ExitError.
void register_cluster(CLI::App& root);
void register_eval(CLI::App& root);
void register_explain(CLI::App& root);
void register_analyze(CLI::App& root);
void register_lexicon(CLI::App& root);
void register_model(CLI::App& root);
void register_stream(CLI::App& root);

}  // namespace crossnews::cli
