#pragma once
// Average-linkage agglomeration over a sparse candidate graph.

#include <cstdint>
#include <span>
#include <vector>

namespace crossnews::detail {

/// An aggregated link between two groups: the sum of the similarities of the candidate edges
/// between their members.
struct GroupEdge {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  double sum = 0.0;
};

/// Average linkage on a graph: merges groups while the best pair's average similarity over all
/// pairs of their members (edge sum / (size_a * size_b); a pair without an edge counts as 0) is
/// at least `threshold`; ties go to the smaller ids, so the result is deterministic. `sizes` gives
/// each group's member count (1 when left out). Returns, for each of the `n` groups, the smallest
/// group id of its final cluster.
std::vector<std::uint32_t> agglomerate(std::size_t n, std::span<const GroupEdge> edges,
                                       double threshold, std::span<const std::uint32_t> sizes = {});

}  // namespace crossnews::detail
