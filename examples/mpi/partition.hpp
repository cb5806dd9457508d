#pragma once
// The parts of crossnews-mpi that need no MPI, so they are tested alone: cutting the input files
// into byte ranges at line ends, cutting time into one contiguous range per rank, and stitching
// the ranks' stories into one clustering (docs/distributed.md explains the rules).

#include <crossnews/clusterer.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace crossnews::mpi {

/// A byte range [begin, end) of input `input`, before it is moved to line ends.
struct Piece {
  std::size_t input = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

/// Rank `rank`'s share of the files of `sizes` (bytes, one per input; 0 for inputs read whole),
/// as if they were one stream cut into `ranks` equal ranges.
std::vector<Piece> pieces_for_rank(std::span<const std::uint64_t> sizes, int rank, int ranks);

/// The lines of `path` whose first byte lies in [begin, end): reading starts at the first line
/// start at or after `begin` and ends with the line holding byte end - 1. So the pieces of all
/// ranks hold every line exactly once. Throws IoError if the file cannot be read.
std::string read_lines_in(const std::string& path, std::uint64_t begin, std::uint64_t end);

/// Where an article stands in the input: input index in the top 16 bits, then its line (JSONL)
/// or its position (directory). Sorting by it gives the order `crossnews cluster` reads in.
std::uint64_t order_key(std::size_t input, std::uint64_t line);

/// Time cut into one contiguous range per rank: range r is [cuts[r - 1], cuts[r]) (the first is
/// open below, the last above), chosen on a histogram of the article times so that the ranges
/// hold about equal numbers of articles. Rank r clusters the articles of its range and of the two
/// windows before it (the overlap). It owns (counts in the frequencies, decides the story of)
/// the articles whose time plus one window falls in its range: so it holds the whole
/// neighbourhood [t - window, t + window] of each article it owns, and every pair of articles
/// within a window of each other meets on some rank.
struct TimeRanges {
  std::vector<std::int64_t> cuts;  ///< ranks - 1 ascending cut points (seconds)
  std::int64_t window = 0;         ///< --window-days in seconds

  [[nodiscard]] int range_of(std::int64_t time) const;
  [[nodiscard]] int owner(std::int64_t key) const;
  /// The ranks that cluster an article with this key, its owner first.
  [[nodiscard]] std::vector<int> holders(std::int64_t key) const;
};

/// Buckets of the time histogram: [min_time + i * width, min_time + (i + 1) * width).
inline constexpr std::size_t kHistogramBuckets = 1 << 16;
std::int64_t bucket_width(std::int64_t min_time, std::int64_t max_time);
/// Cuts where the running count of `histogram` passes k / ranks of the total. One range holds
/// everything (no cuts) when `one_range` (no times, or no window).
TimeRanges cut_time(std::span<const std::uint64_t> histogram, std::int64_t min_time,
                    std::int64_t width, int ranks, std::int64_t window, bool one_range);

/// An article as a rank clustered it: its place in the input, the rank and the story it got
/// there, and whether that rank owns it (else it is an overlap copy).
struct Placement {
  std::uint64_t order = 0;
  std::uint32_t rank = 0;
  std::uint32_t local_story = 0;
  bool owned = false;
};

/// The stitching rule. Each article takes the story its owner rank gave it. A story of one rank
/// holding copies of articles owned elsewhere and the owner story holding most of those copies
/// are one story when they choose each other: the owner story holds most of that story's copies,
/// and of that rank's stories that one holds most copies of the owner story (ties to the smaller
/// rank and local story). Returns the owned placements' indices in input order, with final story
/// ids numbered from 1 by each story's first article (as `crossnews cluster` numbers them).
struct Stitched {
  std::vector<std::size_t> owned;  ///< indices into the placements, by order
  std::vector<ClusterId> story;    ///< parallel to `owned`
  /// Final story of each (rank, local story) that owns articles: key rank << 32 | local story.
  std::vector<std::pair<std::uint64_t, ClusterId>> part_story;
};
Stitched stitch(std::span<const Placement> placements);

/// A story's owned articles on one rank, to be combined with its other parts.
struct StoryPart {
  std::uint32_t rank = 0;
  std::uint32_t local_story = 0;
  /// Size, languages, times and members of the owned articles only; keywords and titles of the
  /// whole local story.
  StorySummary summary;
  std::vector<std::uint64_t> member_order;  ///< order key of each member
};

/// One summary per final story from its parts: sizes and languages add up, times span all parts,
/// members in input order, keywords and title of a language from the part with most articles in
/// it (ties to the lower rank). Largest first, then by id.
std::vector<StorySummary> combine_parts(
    std::vector<StoryPart> parts, std::span<const std::pair<std::uint64_t, ClusterId>> part_story);

}  // namespace crossnews::mpi
