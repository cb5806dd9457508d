// crossnews cluster: assign every article to a story.

#include "common.hpp"
#include "json_writer.hpp"

#include <fstream>
#include <iostream>
#include <memory>

namespace crossnews::cli {
namespace {

// Opens an output file before any work, so an unwritable path fails fast (exit 1).
std::unique_ptr<std::ofstream> open_output(const std::string& path) {
  auto out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*out) throw ExitError{kFailure, "cannot write '" + path + "'"};
  return out;
}

}  // namespace

void write_story(std::ostream& out, const StorySummary& s) {
  out << "{\"id\":" << s.id.value() << ",\"size\":" << s.size << ",\"languages\":{";
  bool first = true;
  for (const auto& [lang, count] : s.languages) {
    if (!first) out << ',';
    first = false;
    write_json_string(out, lang);
    out << ':' << count;
  }
  out << "},\"first_time\":";
  if (s.first_time) write_json_string(out, format_time(*s.first_time)); else out << "null";
  out << ",\"last_time\":";
  if (s.last_time) write_json_string(out, format_time(*s.last_time)); else out << "null";
  out << ",\"keywords\":{";
  first = true;
  for (const auto& [lang, words] : s.keywords) {
    if (!first) out << ',';
    first = false;
    write_json_string(out, lang);
    out << ':';
    write_json_array(out, words);
  }
  out << "},\"titles\":";
  write_json_object(out, s.titles);
  out << ",\"members\":";
  write_json_array(out, s.member_ids);
  out << "}\n";
}

/// A block per story for people: size and languages, time span, titles and keywords per language.
void write_story_text(std::ostream& out, const StorySummary& s) {
  out << "Story " << s.id.value() << ": " << s.size << (s.size == 1 ? " article" : " articles");
  std::string langs;
  for (const auto& [lang, count] : s.languages) {
    langs += (langs.empty() ? "" : ", ") + (lang.empty() ? std::string("?") : lang) + " " +
             std::to_string(count);
  }
  out << " (" << langs << ")";
  if (s.first_time) {
    out << ", " << format_time(*s.first_time).substr(0, 10);
    if (s.last_time && format_time(*s.last_time).substr(0, 10) !=
                           format_time(*s.first_time).substr(0, 10)) {
      out << " to " << format_time(*s.last_time).substr(0, 10);
    }
  }
  out << '\n';
  for (const auto& [lang, title] : s.titles) {
    out << "  [" << (lang.empty() ? "?" : lang) << "] " << title << '\n';
    auto kw = s.keywords.find(lang);
    if (kw != s.keywords.end() && !kw->second.empty()) {
      out << "       keywords:";
      for (const auto& k : kw->second) out << ' ' << k;
      out << '\n';
    }
  }
  out << "  members:";
  for (const auto& id : s.member_ids) out << ' ' << id;
  out << "\n\n";
}

void write_rejected(std::ostream& out, const Rejected& r) {
  out << "{\"source\":";
  write_json_string(out, r.source);
  out << ",\"line\":" << r.line << ",\"reason\":";
  write_json_string(out, r.reason);
  out << "}\n";
}

namespace {

void run(ClusterArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  apply_mode(args.options, args.mode, args.strategy);
  std::unique_ptr<std::ofstream> assign_file, stories_file, rejected_file;
  if (args.output != "-") assign_file = open_output(args.output);
  if (!args.stories.empty() && args.stories != "-") stories_file = open_output(args.stories);
  if (args.stories == "-" && args.output == "-") {
    throw ExitError{kUsage, "--stories - needs -o FILE: stdout is taken by the assignments"};
  }
  if (!args.rejected.empty()) rejected_file = open_output(args.rejected);
  std::ostream& assign_out = assign_file ? *assign_file : std::cout;

  // One reader over all inputs, opened before any work: a missing input is a usage error, and
  // duplicate ids are caught across files.
  std::unique_ptr<ArticleReader> reader;
  try {
    reader = std::make_unique<ArticleReader>(std::span<const std::string>(args.inputs));
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  }

  Analyzer analyzer;
  const Lexicon lexicon = build_lexicon(analyzer, args.lexicon, args.quiet);
  Progress progress(args.quiet);
  const ProgressCallback report = [&](std::string_view stage, std::uint64_t done,
                                      std::uint64_t total) { progress.update(stage, done, total); };

  std::vector<std::string> ids;
  std::vector<ArticleOrigin> origins;
  std::vector<ClusterId> assignment;
  std::vector<StorySummary> stories;
  std::vector<Rejected> rejected;
  std::uint64_t warnings = 0;
  std::vector<Article> batch;
  constexpr std::size_t kBatch = 4096;

  auto warn = [&](const std::string& source, std::uint64_t line, const std::string& message) {
    if (!args.quiet && warnings < 20) {
      std::cerr << "crossnews: warning: " << source << ":" << line << ": " << message << '\n';
    }
    ++warnings;
  };
  auto drain = [&](auto&& consume) {
    while (true) {
      const bool more = reader->next(batch, kBatch, &origins);
      if (!batch.empty()) {
        consume(batch);
        for (const auto& a : batch) ids.push_back(a.id);
        report("read", ids.size(), 0);
        batch.clear();
      }
      for (auto& r : reader->rejected()) rejected.push_back(std::move(r));
      reader->rejected().clear();
      for (const auto& w : reader->warnings()) warn(w.source, w.line, w.message);
      reader->warnings().clear();
      if (!more) break;
    }
  };

  // Giant pages keep only their first terms (AnalyzerOptions::max_terms); warned of at the end.
  std::vector<std::size_t> truncated;
  auto find_truncated = [&](const Featurizer& featurizer) {
    for (std::size_t i = 0; i < featurizer.size(); ++i) {
      if (featurizer.features(i).truncated) truncated.push_back(i);
    }
  };
  if (args.options.mode == ClusterMode::batch) {
    BatchClusterer clusterer(analyzer, &lexicon, args.options);
    drain([&](const std::vector<Article>& articles) { clusterer.add(articles); });
    ClusteringResult result = clusterer.run(report);
    assignment = std::move(result.assignment);
    stories = std::move(result.stories);
    find_truncated(clusterer.featurizer());
  } else {
    StreamClusterer clusterer(analyzer, &lexicon, args.options);
    drain([&](const std::vector<Article>& articles) {
      for (const auto& a : articles) clusterer.add(a);
    });
    assignment = clusterer.assignment();
    stories = clusterer.stories();
    find_truncated(clusterer.featurizer());
    if (!args.quiet) {
      for (const auto& m : clusterer.merges()) {
        std::cerr << "crossnews: merged story " << m.from.value() << " into " << m.into.value()
                  << '\n';
      }
    }
  }
  progress.finish();
  for (const std::size_t i : truncated) {
    warn(origins[i].source, origins[i].line,
         "article '" + ids[i] + "' has more than " + std::to_string(analyzer.options().max_terms) +
             " terms; only the first were analysed");
  }
  if (!args.quiet && warnings > 20) {
    std::cerr << "crossnews: " << warnings << " warnings in all (first 20 shown)\n";
  }

  for (std::size_t i = 0; i < ids.size(); ++i) {
    assign_out << ids[i] << '\t' << assignment[i].value() << '\n';
  }
  if (!args.stories.empty()) {
    std::ostream& out = stories_file ? *stories_file : std::cout;
    for (const auto& s : stories) {
      if (args.stories_format == "text") {
        write_story_text(out, s);
      } else {
        write_story(out, s);
      }
    }
  }
  if (rejected_file) {
    for (const auto& r : rejected) write_rejected(*rejected_file, r);
  }
  for (auto* f : {assign_file.get(), stories_file.get(), rejected_file.get()}) {
    if (f && !f->flush()) throw ExitError{kFailure, "writing an output file failed"};
  }
  if (!assign_file && !std::cout.flush()) throw ExitError{kFailure, "writing stdout failed"};

  const double seconds = seconds_since(start);
  std::cerr << "{\"articles\":" << ids.size() << ",\"rejected\":" << rejected.size()
            << ",\"stories\":" << stories.size() << ",\"seconds\":";
  write_json_number(std::cerr, seconds);
  std::cerr << ",\"articles_per_s\":";
  write_json_number(std::cerr, seconds > 0 ? double(ids.size()) / seconds : 0.0);
  std::cerr << "}\n";
}

}  // namespace

void register_cluster(CLI::App& root) {
  auto args = std::make_shared<ClusterArgs>();
  auto* app = root.add_subcommand(
      "cluster",
      "Assign every article to a story.\n\n"
      "INPUT is a JSONL file (id, text, optional title, lang, time), '-' for stdin, or a directory\n"
      "of .txt files (first line the title). Writes 'id<TAB>story' per accepted article in input\n"
      "order.\n\nExamples:\n"
      "  crossnews cluster examples/data/articles.jsonl\n"
      "  crossnews cluster news.jsonl -o assign.tsv --stories stories.jsonl --rejected bad.jsonl\n"
      "  crossnews cluster --mode stream --window-days 3 --threads 2 day1.jsonl day2.jsonl\n"
      "  crossnews cluster --freedict /usr/share/dictd/freedict-deu-ita.index news.jsonl");
  app->add_option("INPUT", args->inputs, "JSONL file, '-' for stdin, or a directory of .txt files")
      ->required();
  app->add_option("-o,--output", args->output, "Assignments TSV (default: stdout)");
  app->add_option("--stories", args->stories,
                  "Write story summaries here ('-': stdout, with -o FILE)");
  app->add_option("--stories-format", args->stories_format,
                  "jsonl (one summary per line) or text (readable)")
      ->check(CLI::IsMember({"jsonl", "text"}))
      ->capture_default_str();
  app->add_option("--rejected", args->rejected, "Write rejected input lines as JSONL here");
  app->add_flag("-q,--quiet", args->quiet, "No progress and no warnings on stderr");
  add_cluster_options(*app, args->options, args->mode, args->strategy);
  add_lexicon_options(*app, args->lexicon);
  app->callback([args] { run(*args); });
}

}  // namespace crossnews::cli
