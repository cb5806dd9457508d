// Corpus-scale benchmark: the whole pipeline (read, analyse, weigh, link, cluster, summarise) on a
// JSONL corpus or on a deterministic synthetic one, printed as one JSON line.
//
//   corpus_bench --docs 100000 --threads 2
//   corpus_bench --input corpus.jsonl --threads 2 --score
//   corpus_bench --input c1M.jsonl --sizes 10000,100000,1000000 --threads 2 --score   (one table)
//   corpus_bench --docs 20000 --repeat 5 --no-times --threads 2   (repeated content, no dates)

#include <crossnews/crossnews.hpp>

#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds of all threads (user + system): on a shared machine wall time mostly measures the
// other tenants, this measures us.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double current_rss_mb() {
  std::ifstream statm("/proc/self/statm");
  double total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// A deterministic synthetic corpus: per language a Zipf-distributed vocabulary of made-up words,
// stories with their own topical words per language and shared names, lognormal lengths, times
// spread over `days`. For speed and scaling only: it says nothing about quality.
class SyntheticCorpus {
 public:
  SyntheticCorpus(std::size_t docs, std::uint64_t seed, std::size_t days)
      : docs_(docs), rng_(seed), days_(days) {
    const char* langs[] = {"de", "it", "en", "fr", "es"};
    const char* syllables[][8] = {{"ber", "sch", "ung", "lich", "ein", "ten", "keit", "rat"},
                                  {"zio", "ne", "ta", "ri", "con", "men", "to", "gli"},
                                  {"ing", "tion", "er", "the", "ment", "ly", "st", "ow"},
                                  {"eau", "ment", "que", "tion", "oir", "ain", "eur", "le"},
                                  {"ción", "mente", "ar", "os", "ue", "ero", "dad", "ía"}};
    for (std::size_t l = 0; l < 5; ++l) {
      Language lang{langs[l], {}};
      for (std::size_t w = 0; w < kVocabulary; ++w) {
        std::string word;
        std::size_t x = w * 2654435761u + l;
        for (int s = 0; s < 2 + int(w % 3); ++s) {
          word += syllables[l][x % 8];
          x /= 8;
          x += w;
        }
        word += std::to_string(w % 97);  // keeps the tail distinct
        lang.words.push_back(word);
      }
      languages_.push_back(std::move(lang));
    }
    stories_ = std::max<std::size_t>(1, docs_ / 8);
  }

  bool next(std::vector<crossnews::Article>& batch, std::size_t max) {
    std::lognormal_distribution<double> length(std::log(400.0) - 0.08, 0.4);
    std::uniform_int_distribution<std::size_t> story_pick(0, stories_ - 1);
    // Zipf by inverse transform on a continuous power law over ranks.
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto zipf_rank = [&] {
      return static_cast<std::size_t>(std::pow(kVocabulary, unit(rng_))) - 1;
    };
    while (batch.size() < max && produced_ < docs_) {
      const std::size_t story = story_pick(rng_);
      const Language& lang = languages_[(story + produced_) % languages_.size()];
      crossnews::Article a;
      a.id = "syn-" + std::to_string(produced_);
      a.lang = lang.code;
      a.story = "s" + std::to_string(story);
      a.time = 1735689600 + std::int64_t((story * 7919) % (days_ * 86400)) +
               std::int64_t(produced_ % 3600);
      const auto words = static_cast<std::size_t>(length(rng_));
      a.title = "Name" + std::to_string(story) + " " + lang.words[(story * 31) % kVocabulary];
      a.text.reserve(words * 8);
      for (std::size_t w = 0; w < words; ++w) {
        if (w % 9 == 0) {
          // Story words and names: what makes articles of one story alike.
          a.text += lang.words[(story * 131 + w) % kVocabulary];
          a.text += (w % 36 == 0) ? " Name" + std::to_string(story) + " " : " ";
        } else {
          a.text += lang.words[zipf_rank()];
          a.text += (w % 17 == 16) ? ". " : " ";
        }
      }
      batch.push_back(std::move(a));
      ++produced_;
    }
    return produced_ < docs_;
  }

 private:
  static constexpr std::size_t kVocabulary = 50000;
  struct Language {
    std::string code;
    std::vector<std::string> words;
  };
  std::size_t docs_;
  std::mt19937_64 rng_;
  std::size_t days_;
  std::size_t stories_ = 1;
  std::size_t produced_ = 0;
  std::vector<Language> languages_;
};

struct BenchConfig {
  std::string input;
  std::size_t docs = 10000, threads = 1, days = 30;
  std::uint64_t seed = 1;
  std::string mode = "batch";
  bool score = false;
  /// Articles read at most from --input (0: all), so one corpus serves several sizes.
  std::size_t limit = 0;
  /// The corpus read this many times, ids made unique: copies, as wire stories make them.
  std::size_t repeat = 1;
  /// Times dropped, as in files without dates.
  bool no_times = false;
  /// Stream: a line of articles so far, seconds and resident memory every this many (0: none).
  std::size_t report_every = 0;
  crossnews::ClusterOptions options;
};

/// One size's figures, for the table of --sizes.
struct BenchSummary {
  std::uint64_t articles = 0;
  double seconds = 0, cpu_seconds = 0, peak_rss_mb = 0, bcubed_f1 = -1;
  std::map<std::string, double> stage_seconds;
};

// A JSON object of stage figures; `total`, when given, is appended under that name.
void print_stages(const char* key, const std::map<std::string, double>& stages, const char* format,
                  std::optional<double> total) {
  std::printf("\"%s\":{", key);
  const char* separator = "";
  for (const auto& [name, value] : stages) {
    std::printf("%s\"%s\":", separator, name.c_str());
    std::printf(format, value);
    separator = ",";
  }
  if (total) {
    std::printf("%s\"total\":", separator);
    std::printf(format, *total);
  }
  std::printf("},");
}

// Runs the pipeline once and prints its JSON line.
BenchSummary run_once(BenchConfig config) {
  const auto start = Clock::now();
  // Peak RSS when a stage was last left: the first stage whose figure jumps holds the peak.
  std::map<std::string, double> stage_seconds, stage_cpu_seconds, stage_peak_rss_mb;
  std::string stage = "setup";
  auto stage_start = Clock::now();
  double stage_cpu_start = cpu_seconds();
  auto enter = [&](const std::string& next) {
    if (next == stage) return;
    stage_seconds[stage] += since(stage_start);
    const double cpu = cpu_seconds();
    stage_cpu_seconds[stage] += cpu - stage_cpu_start;
    stage_peak_rss_mb[stage] = peak_rss_mb();
    stage = next;
    stage_start = Clock::now();
    stage_cpu_start = cpu;
  };

  crossnews::Analyzer analyzer;
  crossnews::LexiconBuilder builder(analyzer);
  builder.add_builtin();
  const crossnews::Lexicon lexicon = builder.build();
  crossnews::ClusterOptions& options = config.options;
  options.features.threads = config.threads;
  const bool stream = config.mode == "stream";

  std::unique_ptr<crossnews::ArticleReader> reader;
  std::unique_ptr<SyntheticCorpus> synthetic;
  std::size_t pass = 0;  // of `repeat`
  const auto open_corpus = [&] {
    if (!config.input.empty()) {
      reader = std::make_unique<crossnews::ArticleReader>(config.input);
    } else {
      synthetic = std::make_unique<SyntheticCorpus>(config.docs, config.seed, config.days);
    }
  };
  open_corpus();
  const std::uint64_t limit = config.limit > 0 ? config.limit : UINT64_MAX;
  std::vector<crossnews::Article> batch;
  std::uint64_t bytes = 0, articles = 0;
  std::vector<std::string> gold, langs;
  auto next_batch = [&] {
    enter("read");
    batch.clear();
    if (articles >= limit) return false;
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(8192, limit - articles));
    const std::size_t this_pass = pass;
    bool more = reader ? reader->next(batch, want) : synthetic->next(batch, want);
    if (!more && pass + 1 < config.repeat) {
      ++pass;
      open_corpus();
      more = true;
    }
    for (auto& a : batch) {
      if (this_pass > 0) a.id += "-copy" + std::to_string(this_pass);
      if (config.no_times) a.time.reset();
      bytes += a.text.size() + a.title.size();
      if (config.score) {
        gold.push_back(a.story);
        langs.push_back(a.lang);
      }
    }
    articles += batch.size();
    return more || !batch.empty();
  };

  crossnews::ClusteringResult result;
  std::size_t stream_stories = 0;
  if (!stream) {
    crossnews::BatchClusterer clusterer(analyzer, &lexicon, options);
    while (next_batch()) {
      enter("analyze");
      clusterer.add(batch);
    }
    // Each stage reports (stage, 0, total) when it starts, so time is charged to the right stage.
    result = clusterer.run(
        [&](std::string_view s, std::uint64_t, std::uint64_t) { enter(std::string(s)); });
  } else {
    crossnews::StreamClusterer clusterer(analyzer, &lexicon, options);
    std::size_t reported = 0;
    while (next_batch()) {
      enter("stream");
      clusterer.add(batch);
      if (config.report_every > 0 && articles / config.report_every > reported) {
        reported = articles / config.report_every;
        const auto& featurizer = clusterer.featurizer();
        std::size_t held = 0;  // articles whose features are still held
        for (std::size_t doc = 0; doc < featurizer.size(); ++doc) {
          held += featurizer.released(crossnews::DocId{static_cast<std::uint32_t>(doc)}) ? 0 : 1;
        }
        std::fprintf(stderr,
                     "{\"articles\":%zu,\"seconds\":%.1f,\"rss_mb\":%.0f,\"held\":%zu,"
                     "\"live_stories\":%zu}\n",
                     articles, since(start), current_rss_mb(), held, clusterer.live_stories());
      }
    }
    enter("summarize");
    result.assignment = clusterer.assignment();
    // One summary at a time, as a stream's stories would be written out: a count is all we print.
    clusterer.for_each_story([&](const crossnews::StorySummary&) { ++stream_stories; });
  }
  enter("done");
  stage_seconds.erase("done");
  const double total = since(start);

  BenchSummary summary{articles, total, cpu_seconds(), peak_rss_mb(), -1, stage_seconds};
  std::printf("{\"articles\":%llu,\"bytes\":%llu,\"threads\":%zu,\"mode\":\"%s\",\"stories\":%zu,",
              static_cast<unsigned long long>(articles), static_cast<unsigned long long>(bytes),
              config.threads, config.mode.c_str(), stream ? stream_stories : result.stories.size());
  print_stages("seconds", stage_seconds, "%.3f", total);
  print_stages("cpu_seconds", stage_cpu_seconds, "%.3f", summary.cpu_seconds);
  print_stages("peak_rss_mb_after", stage_peak_rss_mb, "%.0f", std::nullopt);
  std::printf("\"articles_per_s\":%.1f,\"mb_per_s\":%.2f,\"peak_rss_mb\":%.0f",
              double(articles) / total, double(bytes) / 1e6 / total, summary.peak_rss_mb);
  if (config.score) {
    std::vector<std::string> predicted;
    for (auto id : result.assignment) predicted.push_back(std::to_string(id.value()));
    const auto s = crossnews::evaluate(gold, predicted, langs);
    summary.bcubed_f1 = s.bcubed_f1;
    std::printf(",\"bcubed_f1\":%.4f,\"crosslingual_f1\":%.4f,\"bcubed_p\":%.4f,\"bcubed_r\":%.4f",
                s.bcubed_f1, s.crosslingual_f1, s.bcubed_precision, s.bcubed_recall);
  }
  std::printf("}\n");
  std::fflush(stdout);
  return summary;
}

// Each size runs in a child process of its own, so its peak RSS is its own; the child sends its
// summary back through a pipe as one line: articles seconds cpu rss bcubed {stage seconds}...
std::optional<BenchSummary> run_in_child(const BenchConfig& config) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  const pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    close(fds[0]);
    const BenchSummary s = run_once(config);
    std::string line = std::to_string(s.articles) + ' ' + std::to_string(s.seconds) + ' ' +
                       std::to_string(s.cpu_seconds) + ' ' + std::to_string(s.peak_rss_mb) + ' ' +
                       std::to_string(s.bcubed_f1);
    for (const auto& [name, seconds] : s.stage_seconds) {
      line += ' ' + name + ' ' + std::to_string(seconds);
    }
    line += '\n';
    const bool written = write(fds[1], line.data(), line.size()) == ssize_t(line.size());
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, got);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  std::istringstream in(text);
  BenchSummary s;
  in >> s.articles >> s.seconds >> s.cpu_seconds >> s.peak_rss_mb >> s.bcubed_f1;
  std::string name;
  double seconds = 0;
  while (in >> name >> seconds) s.stage_seconds[name] = seconds;
  return s;
}

// The scaling curve as one table: stage seconds, peak RSS and B-cubed F1 per size, and each
// size's time against the previous one's.
void print_table(const std::vector<BenchSummary>& rows) {
  std::set<std::string> stages;
  for (const auto& r : rows) {
    for (const auto& [name, seconds] : r.stage_seconds) stages.insert(name);
  }
  std::printf("\n| articles | seconds | cpu s | vs previous |");
  for (const auto& name : stages) std::printf(" %s s |", name.c_str());
  std::printf(" peak RSS MB | B-cubed F1 |\n|---:|---:|---:|---:|");
  for (std::size_t i = 0; i < stages.size(); ++i) std::printf("---:|");
  std::printf("---:|---:|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BenchSummary& r = rows[i];
    std::printf("| %llu | %.2f | %.2f | ", static_cast<unsigned long long>(r.articles), r.seconds,
                r.cpu_seconds);
    if (i > 0 && rows[i - 1].seconds > 0) {
      std::printf("%.1f× |", r.seconds / rows[i - 1].seconds);
    } else {
      std::printf("– |");
    }
    for (const auto& name : stages) {
      const auto it = r.stage_seconds.find(name);
      std::printf(" %.2f |", it == r.stage_seconds.end() ? 0.0 : it->second);
    }
    std::printf(" %.0f |", r.peak_rss_mb);
    if (r.bcubed_f1 >= 0)
      std::printf(" %.4f |\n", r.bcubed_f1);
    else
      std::printf(" – |\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"crossnews corpus-scale benchmark: prints one JSON line of stage timings per run"};
  BenchConfig config;
  std::vector<std::size_t> sizes;
  app.add_option("--input", config.input, "JSONL corpus (e.g. from shared/peers/gen_corpus.py)");
  app.add_option("--docs", config.docs, "Synthetic articles to generate when no --input")
      ->capture_default_str();
  app.add_option("--sizes", sizes,
                 "Comma-separated corpus sizes, each run in a process of its own, then one table "
                 "(with --input: its first N articles)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", config.seed, "Synthetic corpus seed")->capture_default_str();
  app.add_option("--days", config.days, "Days the synthetic corpus spans")->capture_default_str();
  app.add_option("--threads", config.threads, "Worker threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--mode", config.mode, "batch or stream")
      ->check(CLI::IsMember({"batch", "stream"}))
      ->capture_default_str();
  app.add_flag("--score", config.score, "Score against the corpus's story labels");
  app.add_option("--repeat", config.repeat,
                 "Read the corpus this many times, ids made unique (copies)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--no-times", config.no_times,
               "Drop the articles' times, as in files without dates");
  app.add_option("--report-every", config.report_every,
                 "Stream: print articles, seconds, resident memory, articles held and live stories "
                 "to stderr every N articles")
      ->capture_default_str();
  app.add_option("--query-terms", config.options.query_terms,
                 "Heaviest terms per neighbour query (0: all)")
      ->capture_default_str();
  app.add_option("--postings-per-term", config.options.postings_per_term,
                 "Postings read per query term, nearest in time (0: all)")
      ->capture_default_str();
  app.add_flag("--dense-map", config.options.dense_map.enabled,
               "Batch: the learned cross-lingual map (crosslingual_map.hpp), for its cost");
  CLI11_PARSE(app, argc, argv);

  if (sizes.empty()) {
    run_once(config);
    return 0;
  }
  std::vector<BenchSummary> rows;
  for (const std::size_t size : sizes) {
    BenchConfig sized = config;
    (config.input.empty() ? sized.docs : sized.limit) = size;
    const auto summary = run_in_child(sized);
    if (!summary) {
      std::fprintf(stderr, "corpus_bench: the run of %zu articles failed\n", size);
      return 1;
    }
    rows.push_back(*summary);
  }
  print_table(rows);
  return 0;
}
