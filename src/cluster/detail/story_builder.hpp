#pragma once
// Builds StorySummary records from an assignment of articles to stories.

#include <crossnews/clusterer.hpp>

#include <span>
#include <string>
#include <vector>

namespace crossnews::detail {

/// What the clusterers keep of each article for summaries (its text is long gone).
struct ArticleMeta {
  std::string id;
  std::string title;
};

/// Summaries for every story in `assignment` (parallel to `meta` and the featurizer's documents),
/// largest first, then by id; stories are summarised on `threads` threads (same result for any).
/// Keywords per language are the heaviest features of the language's centroid, each shown as the
/// surface form most of its members wrote, no word twice; a feature no member has a recorded form
/// of is passed over.
std::vector<StorySummary> summarize_stories(const Featurizer& featurizer,
                                            std::span<const ClusterId> assignment,
                                            std::span<const ArticleMeta> meta,
                                            std::size_t threads = 1,
                                            std::size_t keywords_per_language = 8);

}  // namespace crossnews::detail
