#pragma once
// Builds StorySummary records from an assignment of articles to stories.

#include <crossnews/clusterer.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

/// What the clusterers keep of each article for summaries (its text is long gone).
struct ArticleMeta {
  std::string id;
  std::string title;
};

/// One story to summarise: its id and its members (document numbers, in adding order).
struct StoryMembers {
  ClusterId id;
  std::vector<std::size_t> docs;
};

/// A member's id and title, as its story's summary shows them.
struct MemberText {
  std::string_view id;
  std::string_view title;
};
using MemberTextOf = std::function<MemberText(std::size_t doc)>;

/// The summary of each of `stories`, in their order, made on `threads` threads (the same for any
/// count) as summarize_stories makes it.
std::vector<StorySummary> summarize_groups(const Featurizer& featurizer,
                                           std::span<const StoryMembers> stories,
                                           const MemberTextOf& text_of, std::size_t threads = 1,
                                           std::size_t keywords_per_language = 8);

/// Largest first, then by id: the order of ClusteringResult::stories.
void sort_stories(std::vector<StorySummary>& stories);

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
