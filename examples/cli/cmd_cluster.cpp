// crossnews cluster: assign every article to a story.

#include "common.hpp"
#include "json_writer.hpp"

#include <iostream>
#include <memory>
#include <optional>

namespace crossnews::cli {

void write_rejected(std::ostream& out, const Rejected& r) {
  JsonObject(out).text("source", r.source).count("line", r.line).text("reason", r.reason).close();
}

void write_merge(std::ostream& out, const MergeEvent& merge, std::string_view article) {
  JsonObject json(out);
  json.count("from", merge.from.value()).count("into", merge.into.value());
  if (merge.time) {
    json.text("time", format_time(*merge.time));
  } else {
    json.member("time") << "null";
  }
  json.text("article", article).close();
}

namespace {

/// The run's outputs, opened (as temporary files) before any work and committed after it.
struct ClusterOutputs {
  std::unique_ptr<AtomicOutput> assignments, stories, rejected, merges;

  void commit() {
    for (auto* out : {assignments.get(), stories.get(), rejected.get(), merges.get()}) {
      if (out) out->commit();
    }
  }
};

// Checks every option and where each output goes, before anything is read or written.
std::vector<NamedPath> check_args(ClusterArgs& args) {
  apply_cluster_args(args.options, args.strategy);
  if (args.options.dense_map.enabled && args.mode == "stream") {
    throw ExitError{kUsage, "--dense-map is learned from a first clustering of the whole corpus: "
                            "it needs --mode batch"};
  }
  if (args.stories_format_given && args.stories.empty()) {
    throw ExitError{kUsage, "--stories-format needs --stories FILE (or --stories - for stdout)"};
  }
  if (args.output.empty() && args.stories != "-" && args.rejected != "-" && args.merges != "-") {
    args.output = "-";
  }
  std::vector<NamedPath> outputs;
  if (!args.output.empty()) outputs.push_back({"-o", args.output});
  if (!args.stories.empty()) outputs.push_back({"--stories", args.stories});
  if (!args.rejected.empty()) outputs.push_back({"--rejected", args.rejected});
  if (!args.merges.empty()) {
    if (args.mode != "stream") {
      throw ExitError{kUsage, "--merges needs --mode stream (batch stories do not merge)"};
    }
    outputs.push_back({"--merges", args.merges});
  }
  check_outputs(named_inputs("INPUT", args.inputs, &args.lexicon), outputs);
  return outputs;
}

ClusterOutputs open_outputs(const std::vector<NamedPath>& outputs) {
  ClusterOutputs opened;
  for (const auto& out : outputs) {
    auto& slot = out.option == "-o"          ? opened.assignments
                 : out.option == "--stories" ? opened.stories
                 : out.option == "--merges"  ? opened.merges
                                             : opened.rejected;
    slot = std::make_unique<AtomicOutput>(out);
  }
  return opened;
}

// One run of `crossnews cluster`: reads every input, streams rejected lines to their report,
// clusters, and writes the results.
class ClusterRun {
 public:
  ClusterRun(ClusterArgs& args, ClusterOutputs& outputs, std::unique_ptr<ArticleReader> reader)
      : args_(args), outputs_(outputs), reader_(std::move(reader)), progress_(args.quiet) {}

  void run() {
    const Model model = load_or_build_model(analyzer_, args_.lexicon, args_.quiet);
    const Lexicon& lexicon = model.lexicon();
    if (args_.mode == "batch") {
      BatchClusterer clusterer(model, args_.options);
      read([&](const std::vector<Article>& articles) { clusterer.add(articles); });
      ClusteringResult result = clusterer.run(progress_callback());
      assignment_ = std::move(result.assignment);
      stories_ = std::move(result.stories);
      find_truncated(clusterer.featurizer());
      describe(clusterer.featurizer(), lexicon);
    } else {
      StreamClusterer clusterer(model, args_.options);
      read([&](const std::vector<Article>& articles) {
        for (const auto& a : articles) {
          (void)clusterer.add(a);
          merge_articles_.resize(clusterer.merges().size(), a.id);
          // Now: the features of an article whose story has ended are let go.
          note_truncated(clusterer.featurizer(), clusterer.featurizer().size() - 1);
        }
      });
      merges_ = clusterer.merges();
      assignment_ = clusterer.assignment();
      stories_ = clusterer.stories();
      describe(clusterer.featurizer(), lexicon);
    }
    progress_.finish();
    warn_truncated();
    write_results();
  }

  void print_summary(double seconds) const {
    if (args_.quiet) return;
    JsonObject json(std::cerr);
    json.count("articles", ids_.size()).count("rejected", rejected_);
    json.count("stories", stories_.size());
    if (args_.mode == "stream") json.count("merges", merges_.size());
    close_summary(json, ids_.size(), seconds);
  }

 private:
  static constexpr std::size_t kBatch = 4096;
  static constexpr std::uint64_t kWarningsShown = 20;

  ProgressCallback progress_callback() {
    return [this](std::string_view stage, std::uint64_t done, std::uint64_t total) {
      progress_.update(stage, done, total);
    };
  }

  void warn(const std::string& source, std::uint64_t line, const std::string& message) {
    if (!args_.quiet && warnings_ < kWarningsShown) {
      std::cerr << "crossnews: warning: " << source << ":" << line << ": " << message << '\n';
    }
    ++warnings_;
  }

  // Feeds every accepted article to `consume`; rejected lines go to their report as they come.
  template <typename Consume>
  void read(Consume&& consume) {
    std::vector<Article> batch;
    bool more = true;
    while (more) {
      more = reader_->next(batch, kBatch, &origins_);
      if (!batch.empty()) {
        consume(batch);
        for (const auto& a : batch) ids_.push_back(a.id);
        progress_.update("read", ids_.size(), 0);
        batch.clear();
      }
      for (const auto& r : reader_->rejected()) {
        if (outputs_.rejected) write_rejected(outputs_.rejected->stream(), r);
        if (rejected_++ == 0) first_rejected_ = r;
      }
      reader_->rejected().clear();
      for (const auto& w : reader_->warnings()) warn(w.source, w.line, w.message);
      reader_->warnings().clear();
    }
    require_articles(ids_.size(), rejected_, first_rejected_ ? &*first_rejected_ : nullptr);
  }

  // Giant pages keep only their first terms (AnalyzerOptions::max_terms); warned of at the end.
  void find_truncated(const Featurizer& featurizer) {
    for (std::size_t i = 0; i < featurizer.size(); ++i) note_truncated(featurizer, i);
  }
  void note_truncated(const Featurizer& featurizer, std::size_t doc) {
    const DocId id{static_cast<DocId::rep_type>(doc)};
    if (featurizer.features(id).truncated) truncated_.push_back(doc);
  }

  // The HTML report shows, per story, its time line and what links its languages.
  void describe(const Featurizer& featurizer, const Lexicon& lexicon) {
    if (!html_report()) return;
    for (const auto& s : stories_) {
      details_.push_back(describe_story(featurizer, &lexicon, s, args_.options));
    }
  }

  [[nodiscard]] bool html_report() const {
    return outputs_.stories && parse_story_format(args_.stories_format) == StoryFormat::html;
  }

  void warn_truncated() {
    for (const std::size_t i : truncated_) {
      warn(origins_[i].source, origins_[i].line,
           "article '" + ids_[i] + "' has more than " +
               std::to_string(analyzer_.options().max_terms) +
               " terms; only the first were analysed");
    }
    if (!args_.quiet && warnings_ > kWarningsShown) {
      std::cerr << "crossnews: " << warnings_ << " warnings in all (first " << kWarningsShown
                << " shown)\n";
    }
  }

  void write_results() {
    if (outputs_.assignments) {
      std::ostream& out = outputs_.assignments->stream();
      for (std::size_t i = 0; i < ids_.size(); ++i) {
        out << ids_[i] << '\t' << assignment_[i].value() << '\n';
      }
    }
    if (outputs_.stories) {
      StoryWriter writer(outputs_.stories->stream(), parse_story_format(args_.stories_format));
      for (std::size_t i = 0; i < stories_.size(); ++i) {
        if (html_report()) {
          writer.write(stories_[i], details_[i]);
        } else {
          writer.write(stories_[i]);
        }
      }
      writer.finish();
    }
    if (outputs_.merges) {
      for (std::size_t i = 0; i < merges_.size(); ++i) {
        write_merge(outputs_.merges->stream(), merges_[i], merge_articles_[i]);
      }
    }
  }

  ClusterArgs& args_;
  ClusterOutputs& outputs_;
  std::unique_ptr<ArticleReader> reader_;
  Progress progress_;
  Analyzer analyzer_;
  std::vector<std::string> ids_;
  std::vector<ArticleOrigin> origins_;
  std::vector<ClusterId> assignment_;
  std::vector<StorySummary> stories_;
  std::vector<MergeEvent> merges_;
  std::vector<std::string> merge_articles_;  // the article that made each merge
  std::vector<StoryDetails> details_;
  std::vector<std::size_t> truncated_;
  std::uint64_t rejected_ = 0;
  std::optional<Rejected> first_rejected_;
  std::uint64_t warnings_ = 0;
};

void run(ClusterArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<NamedPath> outputs = check_args(args);
  std::unique_ptr<ArticleReader> reader = open_reader(args.inputs);
  // The report shows titles and the articles' own words: the featurizer must keep them.
  args.options.features.keep_articles =
      !args.stories.empty() && parse_story_format(args.stories_format) == StoryFormat::html;
  ClusterOutputs opened = open_outputs(outputs);
  ClusterRun clustering(args, opened, std::move(reader));
  clustering.run();
  opened.commit();
  clustering.print_summary(seconds_since(start));
}

void add_cluster_args(CLI::App& app, ClusterArgs& args) {
  add_input_arguments(app, args.inputs);
  app.add_option("-o,--output", args.output,
                 "Assignments TSV, '-' for stdout (the default, unless --stories or --rejected "
                 "writes to stdout: then the assignments are not written)");
  app.add_option("--stories", args.stories, "Write story summaries here; '-' for stdout");
  app.add_option("--stories-format", args.stories_format,
                 "jsonl (one summary per line), text (readable) or html (one page to open in a "
                 "browser); needs --stories")
      ->check(CLI::IsMember({"jsonl", "text", "html"}))
      ->capture_default_str()
      ->each([&args](const std::string&) { args.stories_format_given = true; });
  app.add_option("--rejected", args.rejected,
                 "Write rejected input lines as JSONL here; '-' for stdout");
  app.add_option("--merges", args.merges,
                 "With --mode stream: write each merge of two stories here as JSONL (from, into, "
                 "time, article); '-' for stdout");
  add_quiet_flag(app, args.quiet, "no progress, warnings or summary");
  add_clustering_options(app, args.options, args.strategy, args.lexicon, &args.mode);
}

}  // namespace

void register_cluster(CLI::App& root) {
  add_command(
      root, "cluster",
      "Assign every article to a story.\n\n"
      "INPUT is a JSONL file (id, text, optional title, lang, time), '-' for stdin, or a directory\n"
      "of .txt files (first line the title). Writes 'id<TAB>story' per accepted article in input\n"
      "order. Output files are written whole when the run succeeds and left as they were when\n"
      "it fails; an output may not be an input or another output.\n\nExamples:\n"
      "  crossnews cluster examples/data/articles.jsonl\n"
      "  crossnews cluster news.jsonl -o assign.tsv --stories stories.jsonl --rejected bad.jsonl\n"
      "  crossnews cluster --mode stream --window-days 3 --threads 2 day1.jsonl day2.jsonl\n"
      "  crossnews cluster --no-freedict --freedict /usr/share/dictd/freedict-deu-ita.index "
      "news.jsonl\n"
      "  crossnews cluster -q news.jsonl --stories - --stories-format text",
      add_cluster_args, run);
}

}  // namespace crossnews::cli
