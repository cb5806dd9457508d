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

/// What the average of two groups is taken over.
enum class Linkage : std::uint8_t {
  /// All pairs of their members: edge sum / (size_a * size_b), a pair without an edge counting
  /// as 0, so one strong edge cannot chain two groups.
  all_pairs,
  /// The pairs that have an edge: edge sum / number of edges. For near-copies, whose pairs left
  /// out of a bounded neighbour list are as alike as those in it.
  linked_pairs,
};

/// Average linkage on a graph: merges groups while the best pair's average similarity is at
/// least `threshold`; ties go to the smaller ids, so the result is deterministic. `sizes` gives
/// each group's member count (1 when left out; all_pairs only). Returns, for each of the `n`
/// groups, the smallest group id of its final cluster.
std::vector<std::uint32_t> agglomerate(std::size_t n, std::span<const GroupEdge> edges,
                                       double threshold, std::span<const std::uint32_t> sizes = {},
                                       Linkage linkage = Linkage::all_pairs);

}  // namespace crossnews::detail
