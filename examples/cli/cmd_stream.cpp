// crossnews stream: assign each article to a story as it arrives, with a state that survives
// restarts and crashes (stream_state_dir.hpp).

#include "common.hpp"
#include "json_writer.hpp"
#include "stream_state_dir.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace crossnews::cli {

namespace {

struct StreamArgs {
  std::vector<std::string> inputs;
  std::string state;
  std::string output = "-";
  std::string merges;
  std::string stories;
  std::string stories_format = "jsonl";
  std::string rejected;
  std::uint64_t checkpoint_every = 10'000;
  std::string strategy = "joint";
  bool quiet = false;
  ClusterOptions options;
  LexiconArgs lexicon;
};

// Checks every option and where each output goes, before anything is read or written.
void check_args(StreamArgs& args) {
  apply_cluster_args(args.options, args.strategy);
  if (args.checkpoint_every == 0) throw ExitError{kUsage, "--checkpoint-every must be at least 1"};
  std::vector<NamedPath> outputs{{"-o", args.output}};
  if (!args.merges.empty()) outputs.push_back({"--merges", args.merges});
  if (!args.stories.empty()) outputs.push_back({"--stories", args.stories});
  if (!args.rejected.empty()) outputs.push_back({"--rejected", args.rejected});
  check_outputs(named_inputs("INPUT", args.inputs, &args.lexicon), outputs);
}

// One run of `crossnews stream`: resumes the state, assigns every new article, checkpoints.
class StreamRun {
 public:
  StreamRun(StreamArgs& args, std::unique_ptr<ArticleReader> reader)
      : args_(args),
        reader_(std::move(reader)),
        model_(load_or_build_model(analyzer_, args.lexicon, args.quiet)),
        dir_(args.state),
        clusterer_(resume()) {}

  void run() {
    std::vector<Article> batch;
    // One article per call: from a pipe, each is assigned as soon as its line arrives.
    while (reader_->next(batch, 1)) {
      for (const Article& a : batch) assign(a);
      batch.clear();
      report_rejected();
    }
    checkpoint();
    require_articles(added_ + skipped_, rejected_count_,
                     first_rejected_ ? &*first_rejected_ : nullptr);
    if (stories_) {
      StoryWriter writer(stories_->stream(), parse_story_format(args_.stories_format));
      clusterer_.for_each_story([&](const StorySummary& s) { writer.write(s); });
      writer.finish();
      stories_->commit();
    }
    if (rejected_) rejected_->commit();
  }

  void print_summary(double seconds) const {
    if (args_.quiet) return;
    JsonObject json(std::cerr);
    json.count("articles", added_).count("skipped", skipped_).count("rejected", rejected_count_);
    json.count("stories", story_count()).count("merges", merges_written_);
    json.count("checkpoints", checkpoints_);
    close_summary(json, added_, seconds);
  }

 private:
  static constexpr std::uint64_t kWarningsShown = 20;

  // The saved clusterer, or a new one; then the outputs, cut back to the checkpoint.
  StreamClusterer resume() {
    // A saved state keeps counts, not the model: its background comes from the model given now.
    args_.options.features.background = &model_.background();
    std::optional<Checkpoint> saved =
        dir_.read(model_.analyzer(), &model_.lexicon(), args_.options);
    const bool fresh = !saved;
    const OutputMarks marks = saved ? saved->marks : OutputMarks{};
    output_ = std::make_unique<LineOutput>("-o", args_.output, marks.output, fresh);
    if (!args_.merges.empty()) {
      merges_ = std::make_unique<LineOutput>("--merges", args_.merges, marks.merges, fresh);
    }
    if (!args_.stories.empty()) {
      stories_ = std::make_unique<AtomicOutput>(NamedPath{"--stories", args_.stories});
    }
    if (!args_.rejected.empty()) {
      rejected_ = std::make_unique<AtomicOutput>(NamedPath{"--rejected", args_.rejected});
    }
    if (saved) return std::move(saved->clusterer);
    StreamClusterer fresh_clusterer(model_, args_.options);
    // A checkpoint before the first line: a crash from here on resumes from it.
    dir_.write(fresh_clusterer, current_marks());
    return fresh_clusterer;
  }

  void assign(const Article& article) {
    if (clusterer_.featurizer().find(article.id)) {
      ++skipped_;
      return;
    }
    const std::size_t merges_before = clusterer_.merges().size();
    const ClusterId story = clusterer_.add(article);
    output_->write(article.id + '\t' + std::to_string(story.value()) + '\n');
    const auto& merges = clusterer_.merges();
    for (std::size_t i = merges_before; i < merges.size(); ++i) {
      if (merges_) {
        std::ostringstream line;
        write_merge(line, merges[i], article.id);
        merges_->write(line.view());
      }
      ++merges_written_;
    }
    if (++added_ % args_.checkpoint_every == 0) checkpoint();
  }

  void checkpoint() {
    output_->sync();
    if (merges_) merges_->sync();
    dir_.write(clusterer_, current_marks());
    ++checkpoints_;
  }

  [[nodiscard]] OutputMarks current_marks() const {
    return {output_->bytes(), merges_ ? merges_->bytes() : 0};
  }

  void report_rejected() {
    for (const auto& r : reader_->rejected()) {
      if (rejected_) write_rejected(rejected_->stream(), r);
      if (rejected_count_++ == 0) first_rejected_ = r;
    }
    reader_->rejected().clear();
    for (const auto& w : reader_->warnings()) {
      if (!args_.quiet && warnings_++ < kWarningsShown) {
        std::cerr << "crossnews: warning: " << w.source << ":" << w.line << ": " << w.message
                  << '\n';
      }
    }
    reader_->warnings().clear();
  }

  [[nodiscard]] std::size_t story_count() const {
    const auto assignment = clusterer_.assignment();
    return std::set<ClusterId>(assignment.begin(), assignment.end()).size();
  }

  StreamArgs& args_;
  std::unique_ptr<ArticleReader> reader_;
  Analyzer analyzer_;
  Model model_;
  StateDir dir_;
  std::unique_ptr<LineOutput> output_, merges_;
  std::unique_ptr<AtomicOutput> stories_, rejected_;
  StreamClusterer clusterer_;
  std::uint64_t added_ = 0, skipped_ = 0, rejected_count_ = 0, merges_written_ = 0;
  std::uint64_t checkpoints_ = 0, warnings_ = 0;
  std::optional<Rejected> first_rejected_;
};

void run(StreamArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  check_args(args);
  StreamRun stream(args, open_reader(args.inputs));
  stream.run();
  stream.print_summary(seconds_since(start));
}

void add_stream_args(CLI::App& app, StreamArgs& args) {
  add_input_arguments(app, args.inputs);
  app.add_option("--state", args.state, "State directory (created if missing)")->required();
  app.add_option("-o,--output", args.output,
                 "Assignments TSV, appended per article; '-' for stdout")
      ->capture_default_str();
  app.add_option("--merges", args.merges,
                 "Append each merge of two stories here as JSONL: from, into, time, article");
  app.add_option("--stories", args.stories,
                 "Write the summaries of all stories here at the end; '-' for stdout");
  app.add_option("--stories-format", args.stories_format, "jsonl or text")
      ->check(CLI::IsMember({"jsonl", "text"}))
      ->capture_default_str();
  app.add_option("--rejected", args.rejected,
                 "Write rejected input lines as JSONL here; '-' for stdout");
  add_number(app, "--checkpoint-every", args.checkpoint_every,
             "Write a checkpoint after every N new articles");
  add_quiet_flag(app, args.quiet, "no warnings or summary");
  add_clustering_options(app, args.options, args.strategy, args.lexicon);
}

}  // namespace

void register_stream(CLI::App& root) {
  add_command(
      root, "stream",
      "Assign each article to a story as it arrives, keeping the state in a directory.\n\n"
      "Reads articles in order (JSONL files, directories of .txt files, or '-': stdin, line by\n"
      "line as lines arrive, as from 'tail -f feed.jsonl') and writes 'id<TAB>story' for each at\n"
      "once, flushed per line.\n"
      "DIR (created if missing) holds a checkpoint, written atomically every N articles and at\n"
      "the end. Run again with the same DIR and more input to go on: ids and stories are those\n"
      "of one uninterrupted run, and articles the state holds already are skipped. After a\n"
      "crash, the same command again cuts -o and --merges back to the last checkpoint and\n"
      "replays the articles after it: the files end as an uninterrupted run leaves them.\n\n"
      "Examples:\n"
      "  crossnews stream --state state -o stream.tsv day1.jsonl\n"
      "  crossnews stream --state state -o stream.tsv day1.jsonl day2.jsonl\n"
      "  cat news.jsonl | crossnews stream --state live -o live.tsv --merges merges.jsonl -",
      add_stream_args, run);
}

}  // namespace crossnews::cli
