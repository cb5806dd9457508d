#pragma once
// What the fault tests of several modules share (tests/<module>/test_<module>_faults.cpp): a
// pipeline run from reader to clusterer with its accounting check (every input line ends in
// exactly one place), and two good articles to sit around damaged lines.

#include <crossnews/crossnews.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::test {

/// Which clusterer a pipeline run feeds.
enum class PipelineMode { batch, stream };

/// Lines as the reader counts them: one per '\n', plus a final line without one.
inline std::uint64_t count_lines(std::string_view content) {
  const auto newlines = std::uint64_t(std::count(content.begin(), content.end(), '\n'));
  return newlines + (!content.empty() && content.back() != '\n' ? 1 : 0);
}


/// What one run of the pipeline left behind: ids and origins of accepted articles, the reader's
/// rejects and warnings, and the clusterer's output.
struct PipelineRun {
  std::vector<std::string> ids;
  std::vector<ArticleOrigin> origins;
  std::vector<Rejected> rejected;
  std::vector<InputWarning> warnings;
  std::vector<ClusterId> assignment;
  std::vector<StorySummary> stories;
  std::uint64_t lines_read = 0;
  /// Batch mode only: the featurized articles' flags, in input order.
  std::vector<DocFeatures> features;
  std::vector<std::string> feature_langs;
};

/// Streams `inputs` through an ArticleReader in small batches into a batch or stream clusterer,
/// as an embedding service would.
inline PipelineRun run_pipeline(const std::vector<std::string>& inputs, PipelineMode mode,
                         const Lexicon* lexicon = nullptr, ReadOptions read = {}) {
  ArticleReader reader(std::span<const std::string>(inputs), read);
  ClusterOptions options;
  PipelineRun run;
  std::vector<Article> batch;
  auto drain = [&](auto&& consume) {
    while (reader.next(batch, 512, &run.origins)) {
      consume(batch);
      for (const Article& a : batch) run.ids.push_back(a.id);
      batch.clear();
    }
  };
  if (mode == PipelineMode::batch) {
    BatchClusterer clusterer(shared_analyzer(), lexicon, options);
    drain([&](const std::vector<Article>& articles) { clusterer.add(articles); });
    ClusteringResult result = clusterer.run();
    run.assignment = std::move(result.assignment);
    run.stories = std::move(result.stories);
    const Featurizer& featurizer = clusterer.featurizer();
    for (std::uint32_t i = 0; i < featurizer.size(); ++i) {
      const DocFeatures& f = featurizer.features(DocId{i});
      run.features.push_back(f);
      run.feature_langs.emplace_back(featurizer.language(f.lang_slot));
    }
  } else {
    StreamClusterer clusterer(shared_analyzer(), lexicon, options);
    drain([&](const std::vector<Article>& articles) {
      for (const Article& a : articles) clusterer.add(a);
    });
    run.assignment = clusterer.assignment();
    run.stories = clusterer.stories();
  }
  run.rejected = std::move(reader.rejected());
  run.warnings = std::move(reader.warnings());
  run.lines_read = reader.lines_read();
  return run;
}

/// Every record is accepted or rejected with a reason, every accepted article is in exactly one
/// story, and the story sizes add up.
inline void check_accounting(const PipelineRun& run, std::uint64_t expected_records) {
  CHECK(run.lines_read == expected_records);
  CHECK(run.ids.size() + run.rejected.size() == expected_records);
  CHECK(run.origins.size() == run.ids.size());
  REQUIRE(run.assignment.size() == run.ids.size());
  for (const Rejected& r : run.rejected) CHECK_FALSE(r.reason.empty());
  std::multiset<std::string> members;
  std::size_t total = 0;
  for (const StorySummary& story : run.stories) {
    total += story.size;
    members.insert(story.member_ids.begin(), story.member_ids.end());
  }
  CHECK(total == run.ids.size());
  CHECK(members == std::multiset<std::string>(run.ids.begin(), run.ids.end()));
}

/// Runs one JSONL file through batch and stream clustering; both must account for every line
/// the same way. Returns the batch run.
inline PipelineRun run_both(const std::string& path, ReadOptions read = {}) {
  const std::uint64_t lines = count_lines(read_file(path));
  PipelineRun batch = run_pipeline({path}, PipelineMode::batch, nullptr, read);
  check_accounting(batch, lines);
  const PipelineRun stream = run_pipeline({path}, PipelineMode::stream, nullptr, read);
  check_accounting(stream, lines);
  CHECK(stream.ids == batch.ids);
  CHECK(stream.rejected.size() == batch.rejected.size());
  return batch;
}

/// The reject at `line`, or nullptr.
inline const Rejected* rejected_at(const PipelineRun& run, std::uint64_t line) {
  for (const Rejected& r : run.rejected) {
    if (r.line == line) return &r;
  }
  return nullptr;
}

inline std::string reason_at(const PipelineRun& run, std::uint64_t line) {
  const Rejected* r = rejected_at(run, line);
  return r == nullptr ? std::string("<accepted>") : r->reason;
}

inline std::size_t index_of(const PipelineRun& run, const std::string& id) {
  const auto it = std::find(run.ids.begin(), run.ids.end(), id);
  REQUIRE(it != run.ids.end());
  return static_cast<std::size_t>(it - run.ids.begin());
}

// Two short reports of one story, in German, to sit around the damaged lines.
inline const std::string kGoodA =
    R"({"id":"ok-1","lang":"de","title":"Hochwasser in Passau","text":"Die Donau hat die Altstadt von Passau überflutet, die Feuerwehr pumpt Keller aus.","time":"2025-03-04"})";
inline const std::string kGoodB =
    R"({"id":"ok-2","lang":"de","title":"Passau unter Wasser","text":"Die Donau hat die Altstadt von Passau überflutet, die Feuerwehr pumpt Keller leer.","time":"2025-03-04T12:00:00Z"})";

}  // namespace crossnews::test
