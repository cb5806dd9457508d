#pragma once
// Average-linkage agglomeration over a sparse candidate graph.

#include <cstdint>
#include <span>
#include <vector>

namespace crossnews::detail {

/// An aggregated link between two groups: the sum of the similarities of the candidate edges
/// between their members, and how many edges there are.
struct GroupEdge {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  double sum = 0.0;
  std::uint32_t count = 0;
};

/// Merges groups while the best pair's average edge similarity (sum / count over the candidate
/// edges between them) is at least `threshold`; ties go to the smaller ids, so the result is
/// deterministic. Returns, for each of the `n` groups, the smallest group id of its final cluster.
std::vector<std::uint32_t> agglomerate(std::size_t n, std::span<const GroupEdge> edges,
                                       double threshold);

}  // namespace crossnews::detail
