#include "common.hpp"
#include "json_writer.hpp"
#include "model_cache.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

namespace crossnews::cli {

CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const char* begin = value.c_str();
        char* end = nullptr;
        errno = 0;
        const double number = std::strtod(begin, &end);
        if (value.empty() || end != begin + value.size() || std::isnan(number) ||
            value.find_first_of("xXpP") != std::string::npos) {
          return "'" + value + "' is not a number";
        }
        if (errno == ERANGE || std::isinf(number)) return "'" + value + "' is out of range";
        return "";
      },
      "", "finite number");
}

CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        std::uint64_t number = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), number);
        if (value.empty() || end != value.data() + value.size() ||
            error == std::errc::invalid_argument) {
          return "'" + value + "' is not a whole number >= 0";
        }
        if (error == std::errc::result_out_of_range) return "'" + value + "' is out of range";
        return "";
      },
      "", "whole number");
}

CLI::Validator existing_file_or_stdin() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return value == "-" ? std::string() : CLI::ExistingFile(value);
      },
      "", "file or -");
}

CLI::Option* add_repeatable_option(CLI::App& app, const std::string& name,
                                   std::vector<std::string>& values, const std::string& help) {
  return app.add_option(name, values, help + "; one per option, repeatable")
      ->allow_extra_args(false);
}

CLI::Option* add_quiet_flag(CLI::App& app, bool& quiet, const std::string& left_out) {
  const std::string help = "Print nothing on stderr but errors";
  return app.add_flag("-q,--quiet", quiet, left_out.empty() ? help : help + ": " + left_out);
}

CLI::Option* add_input_arguments(CLI::App& app, std::vector<std::string>& inputs) {
  return app.add_option("INPUT", inputs, "JSONL file, '-' for stdin, or a directory of .txt files")
      ->required();
}

void add_lexicon_options(CLI::App& app, LexiconArgs& args) {
  add_repeatable_option(app, "--lexicon", args.lexicons,
                        "Extra keyword-map TSV (pairs, concept or wide form), '-' for stdin")
      ->check(existing_file_or_stdin());
  add_repeatable_option(app, "--freedict", args.freedicts,
                        "FreeDict dictionary index, e.g. /usr/share/dictd/freedict-deu-ita.index "
                        "(its .dict.dz is read from beside it, so not '-')")
      ->check(CLI::ExistingFile);
  app.add_flag("--no-freedict", args.no_freedict,
               "Leave out the FreeDict dictionaries installed in --freedict-dir (loaded by "
               "default, their links weighted below the built-in lexicon's; --freedict files "
               "still load)");
  app.add_option("--freedict-dir", args.freedict_dir,
                 "Where installed FreeDict dictionaries (freedict-<from>-<to>.index) are found")
      ->capture_default_str();
  app.add_flag("--no-builtin-lexicon", args.no_builtin,
               "Leave out the news lexicon compiled into crossnews");
  app.add_flag("--no-pivot", args.no_pivot,
               "Do not compose dictionaries through English (de->en->it)");
}

void add_cluster_options(CLI::App& app, ClusterOptions& options, std::string& strategy,
                         std::string* mode) {
  add_number(app, "--threshold", options.threshold,
             "Minimum similarity to join a story, in [0, 1] (higher: smaller, purer stories)");
  add_number(app, "--window-days", options.window_days,
             "Articles further apart in time are never linked; 0 = no window, at most " +
                 std::to_string(static_cast<int>(kMaxDays)));
  add_number(app, "--threads", options.features.threads,
             "Worker threads, 1 to " + std::to_string(kMaxThreads));
  if (mode != nullptr) {
    app.add_option("--mode", *mode, "batch (whole corpus, refined) or stream (in input order)")
        ->check(CLI::IsMember({"batch", "stream"}))
        ->capture_default_str();
  }
  app.add_option("--strategy", strategy,
                 "joint, or monolingual_first (stories per language, then linked)")
      ->check(CLI::IsMember({"joint", "monolingual_first"}))
      ->capture_default_str();
  add_number(app, "--entity-weight", options.entity_weight,
             "Weight of shared names and numbers in the similarity, in [0, 1]");
  add_number(app, "--time-weight", options.time_weight, "Weight of closeness in time, in [0, 1]");
  add_number(app, "--top-terms", options.features.weighting.top_k,
             "Terms kept per article vector, heaviest first; 0 keeps all (slower)");
  add_number(app, "--crosslingual-scale", options.crosslingual_scale,
             "Multiplier of cross-lingual similarities, in [0, " +
                 std::to_string(static_cast<int>(kMaxCrosslingualScale)) + "]");
}

void add_dense_map_options(CLI::App& app, DenseMapOptions& options) {
  app.add_flag("--dense-map", options.enabled,
               "Batch: learn a dense cross-lingual map from a first clustering's confident links "
               "and mix it into cross-lingual similarities");
  add_number(app, "--dense-weight", options.weight,
             "Share of the learned map in cross-lingual content similarity, in [0, 1]");
  add_number(
      app, "--dense-rank", options.rank,
      "Dimensions of the learned map per language pair, 1 to " + std::to_string(kMaxDenseRank));
}

void add_stream_options(CLI::App& app, ClusterOptions& options) {
  add_number(app, "--merge-threshold", options.merge_threshold,
             "Stream: merge two alike stories when one article is this similar to both, in "
             "[0, 1]");
  add_number(app, "--late-articles", options.late_articles,
             "Stream: a story idle past the window leaves once this many more articles came");
  add_number(app, "--df-half-life", options.features.df.half_life_days,
             "Days after which an article counts half in the document frequencies (older "
             "news weighs words less); 0 = no decay");
  add_number(app, "--df-window-days", options.features.df.window_days,
             "Only articles of the last DAYS days count in the document frequencies; 0 = all");
}

void add_clustering_options(CLI::App& app, ClusterOptions& options, std::string& strategy,
                            LexiconArgs& lexicon, std::string* mode) {
  add_cluster_options(app, options, strategy, mode);
  if (mode != nullptr) add_dense_map_options(app, options.dense_map);
  add_stream_options(app, options);
  add_lexicon_options(app, lexicon);
  add_model_options(app, lexicon, options.features.df);
}

void apply_cluster_args(ClusterOptions& options, const std::string& strategy) {
  options.strategy =
      strategy == "monolingual_first" ? ClusterStrategy::monolingual_first : ClusterStrategy::joint;
  // The library words its messages after its fields; the user typed options.
  static const std::pair<std::string_view, std::string_view> kOptionOfField[] = {
      {"ClusterOptions::threshold", "--threshold"},
      {"ClusterOptions::window_days", "--window-days"},
      {"ClusterOptions::entity_weight", "--entity-weight"},
      {"ClusterOptions::time_weight", "--time-weight"},
      {"ClusterOptions::crosslingual_scale", "--crosslingual-scale"},
      {"ClusterOptions::merge_threshold", "--merge-threshold"},
      {"DenseMapOptions::weight", "--dense-weight"},
      {"DenseMapOptions::rank", "--dense-rank"},
      {"DenseMapOptions::enabled", "--dense-map"},
      {"FeaturizerOptions::threads", "--threads"},
      {"FeaturizerOptions::df.background_documents", "--background-documents"},
      {"FeaturizerOptions::df.half_life_days", "--df-half-life"},
      {"FeaturizerOptions::df.window_days", "--df-window-days"}};
  try {
    validate(options);
  } catch (const ConfigError& e) {
    std::string message = e.what();
    for (const auto& [field, option] : kOptionOfField) {
      if (message.starts_with(field)) message.replace(0, field.size(), option);
    }
    throw ExitError{kUsage, message};
  }
}

void add_model_options(CLI::App& app, LexiconArgs& args, DfOptions& df) {
  app.add_option("--background-documents", df.background_documents,
                 "How many documents the background frequencies count as (default 100; 0 "
                 "ignores them)")
      ->check(finite_number());
  app.add_option("--model", args.model,
                 "A model written by `crossnews model build` (keyword map and background "
                 "frequencies), instead of --lexicon/--freedict")
      ->check(CLI::ExistingFile);
  app.add_flag("--no-builtin-background", args.no_builtin_background,
               "Weigh terms by the input's frequencies alone, without the background compiled "
               "into crossnews");
}

namespace {

Model load_model_file(const Analyzer& analyzer, const LexiconArgs& args) {
  if (!args.lexicons.empty() || !args.freedicts.empty() || args.no_builtin ||
      args.no_builtin_background) {
    throw ExitError{kUsage,
                    "--model holds the keyword map and background: it cannot be combined with "
                    "--lexicon, --freedict, --no-builtin-lexicon or --no-builtin-background"};
  }
  if (args.no_freedict || args.freedict_dir != kDebianDictionaries) {
    throw ExitError{kUsage,
                    "--model holds the keyword map with the dictionaries it was built with: it "
                    "cannot be combined with --no-freedict or --freedict-dir"};
  }
  try {
    return Model::load(args.model, analyzer);
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  } catch (const Error& e) {
    throw ExitError{kFailure, std::string("--model ") + e.what()};
  }
}

// What a built model depends on besides the files it reads and the crossnews build.
std::vector<std::string> model_switches(const LexiconArgs& args) {
  return {std::string("builtin-lexicon ") + (args.no_builtin ? "no" : "yes"),
          std::string("pivot ") + (args.no_pivot ? "no" : "yes"),
          std::string("builtin-background ") + (args.no_builtin_background ? "no" : "yes")};
}

}  // namespace

Model load_or_build_model(const Analyzer& analyzer, const LexiconArgs& args, bool quiet) {
  if (!args.model.empty()) return load_model_file(analyzer, args);
  const std::vector<std::string> freedicts = freedicts_of(args);
  const auto build = [&] {
    std::ostringstream warnings;
    ModelBuilder builder(analyzer);
    add_lexicon_sources(builder.lexicon(), args, freedicts, warnings, quiet);
    if (!args.no_builtin_background) builder.add_builtin_background();
    return BuiltModel{builder.build(), std::move(warnings).str()};
  };
  const bool reads_stdin =
      std::find(args.lexicons.begin(), args.lexicons.end(), "-") != args.lexicons.end();
  const std::string cache_dir = model_cache_dir();
  // Without dictionaries a model builds in a fraction of a second: not worth a file.
  if (freedicts.empty() || reads_stdin || cache_dir.empty()) {
    BuiltModel built = build();
    if (!quiet) std::cerr << built.warnings;
    return std::move(built.model);
  }
  std::vector<std::string> files = args.lexicons;
  for (const auto& index : freedicts) {
    std::string base = index;
    if (base.ends_with(".index")) base.resize(base.size() - std::string_view(".index").size());
    files.insert(files.end(), {index, base + ".dict.dz", base + ".dict"});  // either body
  }
  return cached_model(cache_dir, model_cache_key(model_switches(args), files), analyzer, build,
                      quiet);
}

std::vector<std::string> freedicts_of(const LexiconArgs& args) {
  std::vector<std::string> freedicts = args.freedicts;
  if (args.no_freedict) return freedicts;
  std::vector<std::string> installed;
  try {
    installed = find_freedicts(args.freedict_dir);
  } catch (const IoError& e) {
    throw ExitError{kUsage, std::string("--freedict-dir: ") + e.what()};
  }
  for (const auto& path : installed) {
    const bool given = std::any_of(freedicts.begin(), freedicts.end(), [&](const auto& other) {
      std::error_code ec;
      return std::filesystem::equivalent(path, other, ec);
    });
    if (!given) freedicts.push_back(path);
  }
  return freedicts;
}

void add_lexicon_sources(LexiconBuilder& builder, const LexiconArgs& args,
                         const std::vector<std::string>& freedicts, std::ostream& warnings,
                         bool quiet) {
  if (!args.no_builtin) builder.add_builtin();
  auto report_skipped = [&](const LexiconLoadReport& report) {
    for (const auto& issue : report.skipped) {
      warnings << "crossnews: warning: " << issue.source << ":" << issue.line << ": "
               << issue.reason << " (line skipped)\n";
    }
  };
  for (const auto& path : args.lexicons) {
    try {
      if (path == "-") {
        const std::string text(std::istreambuf_iterator<char>(std::cin), {});
        report_skipped(builder.load_tsv_text("<stdin>", text));
      } else {
        report_skipped(builder.load_tsv(path));
      }
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    }
  }
  Progress progress(quiet);
  for (std::size_t i = 0; i < freedicts.size(); ++i) {
    progress.update("dictionaries", i, freedicts.size());
    const std::string& path = freedicts[i];
    try {
      report_skipped(builder.load_freedict(path));
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    } catch (const FormatError& e) {
      throw ExitError{kFailure, e.what()};
    } catch (const InputError&) {
      throw ExitError{kUsage, "--freedict '" + path + "': " + kFreeDictNaming};
    }
  }
  progress.finish();
  if (!args.no_pivot && !freedicts.empty()) builder.compose_pivot("en");
}

std::vector<NamedPath> named_inputs(const std::string& option,
                                    const std::vector<std::string>& paths,
                                    const LexiconArgs* lexicon) {
  std::vector<NamedPath> named;
  for (const auto& path : paths) named.push_back({option, path});
  if (lexicon) {
    for (const auto& path : lexicon->lexicons) named.push_back({"--lexicon", path});
    for (const auto& path : lexicon->freedicts) named.push_back({"--freedict", path});
    if (!lexicon->model.empty()) named.push_back({"--model", lexicon->model});
  }
  return named;
}

std::unique_ptr<ArticleReader> open_reader(const std::vector<std::string>& inputs) {
  try {
    return std::make_unique<ArticleReader>(std::span<const std::string>(inputs));
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  }
}

Corpus read_inputs(const std::vector<std::string>& inputs) {
  Corpus corpus;
  try {
    corpus = read_corpus(inputs);
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  }
  require_articles(corpus.articles.size(), corpus.rejected.size(),
                   corpus.rejected.empty() ? nullptr : &corpus.rejected.front());
  return corpus;
}

void require_articles(std::size_t accepted, std::uint64_t rejected, const Rejected* first) {
  if (accepted > 0) return;
  if (!first) throw ExitError{kFailure, "no article in the input: it is empty"};
  throw ExitError{kFailure, "no article in the input: all " + std::to_string(rejected) +
                                " lines were rejected; the first, " + first->source + ":" +
                                std::to_string(first->line) + ", because: " + first->reason};
}

Progress::Progress(bool quiet) : enabled_(!quiet && isatty(STDERR_FILENO) != 0) {}

void Progress::update(std::string_view stage, std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (stage == last_stage_ && done != total && now - last_draw_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_stage_ = std::string(stage);
  last_draw_ = now;
  // "\033[K" clears what a longer earlier line left behind.
  if (total == 0) {
    if (done == 0) {
      std::fprintf(stderr, "\r%s ...\033[K", last_stage_.c_str());
    } else {
      std::fprintf(stderr, "\r%-10s %llu\033[K", last_stage_.c_str(),
                   static_cast<unsigned long long>(done));
    }
  } else {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(double(std::min(done, total)) / double(total) * kWidth);
    const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
    std::fprintf(stderr, "\r%-10s [%s] %llu/%llu\033[K", last_stage_.c_str(), bar.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  }
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && !last_stage_.empty()) std::fprintf(stderr, "\r\033[K");
}

std::string format_time(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  const long long year = 1900LL + tm.tm_year;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%04lld-%02d-%02dT%02d:%02d:%02dZ", year < 0 ? "-" : "",
                year < 0 ? -year : year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

void close_summary(JsonObject& json, std::uint64_t articles, double seconds) {
  json.number("seconds", seconds);
  json.number("articles_per_s", seconds > 0 ? double(articles) / seconds : 0.0).close();
}

double seconds_since(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace crossnews::cli
