#include "distributed.hpp"

#include "../cli/output.hpp"
#include "steps.hpp"

#include <crossnews/error.hpp>

#include <mpi.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

namespace crossnews::mpi {
namespace {

using cli::ExitError;
using cli::kFailure;
using cli::kUsage;

constexpr std::size_t kBatch = 4096;

// This rank's clustering of the articles it holds, weighed with the whole corpus's frequencies.
struct LocalClustering {
  std::unique_ptr<BatchClusterer> clusterer;
  ClusteringResult result;
};

LocalClustering cluster_held(HeldArticles& held, const Analyzer& analyzer, const Lexicon& lexicon,
                             const ClusterOptions& options, Comm& comm, Timings& timings) {
  LocalClustering out{std::make_unique<BatchClusterer>(analyzer, &lexicon, options), {}};
  const std::span<const Article> all(held.articles);
  for (std::size_t start = 0; start < all.size(); start += kBatch) {
    out.clusterer->add(all.subspan(start, std::min(kBatch, all.size() - start)));
  }
  std::vector<DocId> owned;
  for (std::uint32_t i = 0; i < held.owned.size(); ++i) {
    if (held.owned[i]) owned.push_back(DocId{i});
    Article& a = held.articles[i];
    a.title = a.text = {};  // only the id is needed from now on
    a.title.shrink_to_fit();
    a.text.shrink_to_fit();
  }
  std::ostringstream snapshot;
  out.clusterer->frequencies_of(owned).save(snapshot);
  timings.mark("analyse");
  // Every rank counted only the articles it owns, so the merge counts each article once.
  std::istringstream merged(
      allreduce_frequencies(comm, std::move(snapshot).str(), options.features.df));
  Vocabulary vocabulary;
  DocumentFrequencies frequencies(vocabulary, options.features.df);
  frequencies.load(merged);
  out.clusterer->use_document_frequencies(frequencies);
  timings.mark("frequencies");
  out.result = out.clusterer->run();
  timings.mark("cluster");
  return out;
}

// The owned part of each local story: counts, times and members of the owned articles, with the
// keywords and titles of the whole local story.
std::vector<StoryPart> owned_parts(const HeldArticles& held, const LocalClustering& local,
                                   int rank) {
  std::map<std::uint32_t, StoryPart> parts;
  const Featurizer& featurizer = local.clusterer->featurizer();
  for (std::uint32_t i = 0; i < held.order.size(); ++i) {
    if (!held.owned[i]) continue;
    const auto story = local.result.assignment[i].value();
    StoryPart& part = parts[story];
    part.rank = static_cast<std::uint32_t>(rank);
    part.local_story = story;
    StorySummary& s = part.summary;
    const DocFeatures& f = featurizer.features(DocId{i});
    ++s.size;
    ++s.languages[std::string(featurizer.language(f.lang_slot))];
    if (f.time) {
      s.first_time = std::min(s.first_time.value_or(*f.time), *f.time);
      s.last_time = std::max(s.last_time.value_or(*f.time), *f.time);
    }
    s.member_ids.push_back(held.articles[i].id);
    part.member_order.push_back(held.order[i]);
  }
  for (const auto& story : local.result.stories) {
    auto it = parts.find(story.id.value());
    if (it == parts.end()) continue;
    it->second.summary.keywords = story.keywords;
    it->second.summary.titles = story.titles;
  }
  std::vector<StoryPart> out;
  for (auto& [story, part] : parts) out.push_back(std::move(part));
  return out;
}

// What a rank sends to rank 0: where its articles went, its rejected lines, its story parts.
std::string pack_report(const HeldArticles& held, const LocalClustering& local,
                        const LocalInput& input, bool with_stories, int rank) {
  Packer p;
  p.u64(held.order.size());
  for (std::size_t i = 0; i < held.order.size(); ++i) {
    p.u64(held.order[i]);
    p.u64(held.owned[i]);
    p.u64(local.result.assignment[i].value());
    if (held.owned[i]) p.str(held.articles[i].id);
  }
  p.u64(input.rejected.size());
  for (const auto& [order, r] : input.rejected) {
    p.u64(order);
    p.str(r.source);
    p.u64(r.line);
    p.str(r.reason);
  }
  const auto parts = with_stories ? owned_parts(held, local, rank) : std::vector<StoryPart>{};
  p.u64(parts.size());
  for (const auto& part : parts) {
    p.u64(part.local_story);
    pack_summary(p, part.summary);
    p.u64(part.member_order.size());
    for (std::size_t m = 0; m < part.member_order.size(); ++m) {
      p.u64(part.member_order[m]);
      p.str(part.summary.member_ids[m]);
    }
  }
  return std::move(p.bytes());
}

// An output that is an input, or two outputs that are one file, would destroy data: usage error
// (the CLI's rule).
void check_output_paths(const MpiClusterArgs& args) {
  std::vector<cli::NamedPath> outputs{{"-o", args.cluster.output}};
  if (!args.cluster.stories.empty()) outputs.push_back({"--stories", args.cluster.stories});
  if (!args.cluster.rejected.empty()) outputs.push_back({"--rejected", args.cluster.rejected});
  cli::check_outputs(cli::named_inputs("INPUT", args.cluster.inputs, &args.cluster.lexicon),
                     outputs);
}

// Rank 0 writes the outputs: it finds out before any work whether it can, and tells every rank.
void check_writable(const MpiClusterArgs& args, const Comm& comm) {
  std::string failure;
  if (comm.rank == 0) {
    try {
      for (const auto* path :
           {&args.cluster.output, &args.cluster.stories, &args.cluster.rejected}) {
        if (!path->empty()) cli::AtomicOutput probe({"-o", *path});  // uncommitted: nothing stays
      }
    } catch (const ExitError& e) {
      failure = e.message;
    }
  }
  if (any_rank(!failure.empty())) throw ExitError{kFailure, failure};
}

void warn_all(const std::vector<InputWarning>& warnings, bool quiet) {
  if (quiet) return;
  for (std::size_t i = 0; i < std::min<std::size_t>(warnings.size(), 20); ++i) {
    std::cerr << "crossnews-mpi: warning: " << warnings[i].source << ":" << warnings[i].line << ": "
              << warnings[i].message << '\n';
  }
  if (warnings.size() > 20) {
    std::cerr << "crossnews-mpi: " << warnings.size()
              << " warnings on this rank (first 20 shown)\n";
  }
}

// Giant pages keep only their first terms (AnalyzerOptions::max_terms).
std::vector<InputWarning> truncated_articles(const HeldArticles& held, const LocalClustering& local,
                                             std::size_t max_terms) {
  std::vector<InputWarning> out;
  for (std::uint32_t i = 0; i < held.order.size(); ++i) {
    if (!held.owned[i] || !local.clusterer->featurizer().features(DocId{i}).truncated) continue;
    out.push_back(
        {"article '" + held.articles[i].id + "'", 0,
         "more than " + std::to_string(max_terms) + " terms; only the first were analysed"});
  }
  return out;
}

void print_closing_line(const WriteCounts& counts, int ranks, double seconds) {
  cli::JsonObject json(std::cerr);
  json.count("articles", counts.articles).count("rejected", counts.rejected);
  json.count("stories", counts.stories).count("ranks", std::uint64_t(ranks));
  cli::close_summary(json, counts.articles, seconds);
}

}  // namespace

void run_cluster(const MpiClusterArgs& args, Comm& comm) {
  const auto start = Clock::now();
  if (args.cluster.mode == "stream") {
    throw ExitError{kUsage, "crossnews-mpi clusters in batch mode only (leave out --mode stream)"};
  }
  ClusterOptions options = args.cluster.options;
  cli::apply_cluster_args(options, args.cluster.strategy);
  check_output_paths(args);
  const auto plan = plan_inputs(args.cluster.inputs, comm.ranks);
  check_writable(args, comm);
  Analyzer analyzer;
  // The keyword map and the shipped background, as `crossnews cluster` weighs with them.
  const Model model = cli::load_or_build_model(analyzer, args.cluster.lexicon,
                                               args.cluster.quiet || comm.rank != 0);
  const Lexicon& lexicon = model.lexicon();
  options.features.background = &model.background();
  Timings timings(comm);
  LocalInput local = read_local(args.cluster.inputs, plan, comm);
  warn_all(local.warnings, args.cluster.quiet);
  timings.mark("read");
  const Ranges ranges = plan_ranges(local, options, comm);
  HeldArticles held = send_to_holders(local, ranges, comm);
  timings.mark("exchange");
  LocalClustering clustering = cluster_held(held, analyzer, lexicon, options, comm, timings);
  warn_all(truncated_articles(held, clustering, analyzer.options().max_terms), args.cluster.quiet);
  const std::string report =
      pack_report(held, clustering, local, !args.cluster.stories.empty(), comm.rank);
  clustering = {};
  auto reports = gather_to_root(comm, report);
  timings.mark("gather");
  if (comm.rank == 0) {
    const WriteCounts counts = write_outputs(std::move(reports), args, plan);
    timings.mark("write");
    // -q prints nothing but errors, as in `crossnews cluster`.
    if (!args.cluster.quiet) print_closing_line(counts, comm.ranks, cli::seconds_since(start));
  }
  if (args.timings) timings.print();
}

}  // namespace crossnews::mpi
