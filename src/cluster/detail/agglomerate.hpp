#pragma once
// Average-linkage agglomeration over a sparse candidate graph, and the batch clusterer's stories
// over its graph of articles.

#include <cstdint>
#include <span>
#include <vector>

namespace crossnews::detail {

/// Same-language articles of which each holds at least this share of the other's terms are
/// near-copies: one wire story with a sentence changed. Similarity cannot tell them: when a story
/// is copied hundreds of times its words become common, their TF-IDF weights fall towards 0, and
/// what is left are the few words each copy has of its own (1,000 copies of a 107-word article
/// that differ by a dateline: similarity below 0.45, term overlap 0.98).
inline constexpr double kNearCopyOverlap = 0.8;

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

/// An edge of the batch candidate graph, between two nodes (groups of exact duplicates). 16
/// bytes, the language flag packed beside b: a million articles make tens of millions of edges.
struct CandidateEdge {
  static constexpr std::uint32_t kMaxNodes = std::uint32_t{1} << 31;
  std::uint32_t a = 0;  // a < b
  std::uint32_t b : 31 = 0;
  bool same_language : 1 = false;
  float similarity = 0.0f;
  float overlap = 0.0f;  // share of the longer vector's terms that both hold

  /// (a, b) as one number, for sorting.
  [[nodiscard]] std::uint64_t pair() const { return std::uint64_t{a} << 32 | b; }
};
static_assert(sizeof(CandidateEdge) == 16);

/// Stories over the batch candidate graph (edges sorted by (a, b), no repeats; `sizes`: articles
/// per node). Near-copies first: same-language nodes each holding 80 % of the other's terms, on
/// average over their linked pairs, form one group, and its similarity to another group is the
/// average of their linked pairs counted for all their pairs of articles. Then average linkage
/// over all pairs at `threshold`; with `monolingual_first`, over same-language links first, then
/// over all links between the stories that gives. Returns each node's story as its smallest node.
/// Takes the edges, to free them as soon as they are summed into the groups' links. `threads`
/// sort the links; the result does not depend on their number.
std::vector<std::uint32_t> cluster_graph(std::vector<CandidateEdge> edges,
                                         std::span<const std::uint32_t> sizes, double threshold,
                                         bool monolingual_first, std::size_t threads = 1);

}  // namespace crossnews::detail
