#pragma once
// Exact duplicates in a batch: wire copies of one agency story, in one language, give equal
// vectors. Each group of them is one node of the candidate graph: linked once, through its first
// article, and weighing as many articles as it holds. Without this, copies compete for each
// other's bounded neighbour lists and a large group of them falls apart.

#include <crossnews/featurizer.hpp>

#include <cstdint>
#include <vector>

namespace crossnews::detail {

struct DuplicateGroups {
  std::vector<std::uint32_t> group_of;        ///< per article
  std::vector<std::uint32_t> representative;  ///< per group: its first article, linked for it
  std::vector<std::uint32_t> size;            ///< per group: its number of articles
};

/// Groups articles, in input order, whose language and vector are equal and whose times, where
/// both are known, lie within `window_seconds` of the group's first article (0: no window).
/// Articles without terms share nothing and stay apart.
[[nodiscard]] DuplicateGroups group_exact_duplicates(const Featurizer& featurizer,
                                                     std::int64_t window_seconds);

}  // namespace crossnews::detail
