#include "common.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

namespace crossnews::cli {

void add_lexicon_options(CLI::App& app, LexiconArgs& args) {
  app.add_option("--lexicon", args.lexicons,
                 "Extra keyword-map TSV (pairs, concept or wide form); repeatable")
      ->check(CLI::ExistingFile);
  app.add_option("--freedict", args.freedicts,
                 "FreeDict dictionary index, e.g. /usr/share/dictd/freedict-deu-ita.index; "
                 "repeatable")
      ->check(CLI::ExistingFile);
  app.add_flag("--no-builtin-lexicon", args.no_builtin,
               "Leave out the news lexicon compiled into crossnews");
  app.add_flag("--no-pivot", args.no_pivot,
               "Do not compose dictionaries through English (de->en->it)");
}

void add_cluster_options(CLI::App& app, ClusterOptions& options, std::string& mode,
                         std::string& strategy) {
  app.add_option("--threshold", options.threshold,
                 "Minimum similarity to join a story (higher: smaller, purer stories)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--window-days", options.window_days,
                 "Articles further apart in time are never linked; 0 = no window")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--threads", options.features.threads, "Worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--mode", mode, "batch (whole corpus, refined) or stream (in input order)")
      ->check(CLI::IsMember({"batch", "stream"}))
      ->capture_default_str();
  app.add_option("--strategy", strategy,
                 "joint, or monolingual_first (stories per language, then linked)")
      ->check(CLI::IsMember({"joint", "monolingual_first"}))
      ->capture_default_str();
  app.add_option("--entity-weight", options.entity_weight,
                 "Weight of shared names and numbers in the similarity")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--time-weight", options.time_weight, "Weight of closeness in time")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--top-terms", options.features.weighting.top_k,
                 "Terms kept per article vector, heaviest first; 0 keeps all (slower)")
      ->capture_default_str();
  app.add_option("--crosslingual-scale", options.crosslingual_scale,
                 "Multiplier of cross-lingual similarities")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

void apply_mode(ClusterOptions& options, const std::string& mode, const std::string& strategy) {
  options.mode = mode == "stream" ? ClusterMode::stream : ClusterMode::batch;
  options.strategy =
      strategy == "monolingual_first" ? ClusterStrategy::monolingual_first : ClusterStrategy::joint;
}

Lexicon build_lexicon(const Analyzer& analyzer, const LexiconArgs& args, bool quiet) {
  LexiconBuilder builder(analyzer);
  if (!args.no_builtin) builder.add_builtin();
  auto report_skipped = [&](const LexiconLoadReport& report) {
    if (quiet) return;
    for (const auto& issue : report.skipped) {
      std::cerr << "crossnews: warning: " << issue.source << ":" << issue.line << ": "
                << issue.reason << " (line skipped)\n";
    }
  };
  for (const auto& path : args.lexicons) {
    try {
      report_skipped(builder.load_tsv(path));
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    }
  }
  for (const auto& path : args.freedicts) {
    try {
      report_skipped(builder.load_freedict(path));
    } catch (const IoError& e) {
      throw ExitError{kUsage, e.what()};
    } catch (const FormatError& e) {
      throw ExitError{kFailure, e.what()};
    }
  }
  if (!args.no_pivot && !args.freedicts.empty()) builder.compose_pivot("en");
  return builder.build();
}

Corpus read_inputs(const std::vector<std::string>& inputs) {
  try {
    return read_corpus(inputs);
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  }
}

Progress::Progress(bool quiet) : enabled_(!quiet && isatty(STDERR_FILENO) != 0) {}

void Progress::update(std::string_view stage, std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const double fraction = total > 0 ? double(done) / double(total) : 0.0;
  if (stage == last_stage_ && fraction - last_draw_ < 0.01 && done != total) return;
  last_stage_ = std::string(stage);
  last_draw_ = fraction;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stderr, "\r%-10s [", last_stage_.c_str());
  for (int i = 0; i < kWidth; ++i) std::fputc(i < filled ? '#' : '.', stderr);
  if (total > 0) {
    std::fprintf(stderr, "] %llu/%llu ", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total));
  } else {
    std::fprintf(stderr, "] %llu ", static_cast<unsigned long long>(done));
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
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double seconds_since(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace crossnews::cli
