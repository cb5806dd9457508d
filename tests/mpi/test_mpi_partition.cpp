// crossnews-mpi's rules without MPI: byte ranges cut at line ends, time ranges and their
// overlap, stitching, and combining story parts (examples/mpi/partition.hpp).

#include "partition.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace crossnews;
using namespace crossnews::mpi;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& content) {
  const fs::path path = fs::temp_directory_path() / ("crossnews_test_mpi_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// What all ranks read of the files, concatenated in rank order.
std::string read_by_ranks(const std::vector<fs::path>& files, int ranks) {
  std::vector<std::uint64_t> sizes;
  for (const auto& f : files) sizes.push_back(fs::file_size(f));
  std::vector<std::string> per_file(files.size());
  for (int r = 0; r < ranks; ++r) {
    for (const Piece& p : pieces_for_rank(sizes, r, ranks)) {
      per_file[p.input] += read_lines_in(files[p.input].string(), p.begin, p.end);
    }
  }
  std::string all;
  for (const auto& s : per_file) all += s;
  return all;
}

}  // namespace

TEST_CASE("byte ranges cut at line ends give every line to exactly one rank") {
  std::mt19937 rng(7);
  std::string content;
  for (int line = 0; line < 300; ++line) {
    content += std::string(rng() % 200, 'a' + char(line % 26));  // blank lines too
    content += '\n';
  }
  const std::string unterminated = content + "last line without newline";
  const auto one = write_temp("one.jsonl", content);
  const auto two = write_temp("two.jsonl", unterminated);
  const auto tiny = write_temp("tiny.jsonl", "x\n");
  for (int ranks : {1, 2, 3, 4, 7, 64, 1000}) {
    CAPTURE(ranks);
    CHECK(read_by_ranks({one}, ranks) == content);
    CHECK(read_by_ranks({one, two, tiny}, ranks) == content + unterminated + "x\n");
  }
  // The pieces of one rank start at line starts and end after a newline (or the file's end).
  const std::vector<std::uint64_t> sizes{fs::file_size(one)};
  for (const Piece& p : pieces_for_rank(sizes, 1, 3)) {
    const std::string piece = read_lines_in(one.string(), p.begin, p.end);
    REQUIRE(!piece.empty());
    CHECK(piece.back() == '\n');
    CHECK(content.find(piece) != std::string::npos);
    CHECK((content.find(piece) == 0 || content[content.find(piece) - 1] == '\n'));
  }
}

TEST_CASE("time ranges: balanced cuts, and each owner holds the whole window around an article") {
  std::vector<std::uint64_t> histogram(100, 10);  // uniform over 100 buckets of width 10
  const TimeRanges ranges = cut_time(histogram, 0, 10, 4, 30, false);
  REQUIRE(ranges.cuts.size() == 3);
  CHECK(ranges.cuts[0] == 250);
  CHECK(ranges.cuts[1] == 500);
  CHECK(ranges.cuts[2] == 750);
  CHECK(ranges.owner(0) == 0);
  CHECK(ranges.owner(219) == 0);
  CHECK(ranges.owner(220) == 1);  // 220 + one window lies in the second range
  for (std::int64_t t = -50; t < 1100; t += 7) {
    const auto holders = ranges.holders(t);
    CHECK(holders.front() == ranges.owner(t));
    for (std::int64_t u = t - ranges.window; u <= t + ranges.window; u += 3) {
      const auto others = ranges.holders(u);
      CAPTURE(t);
      CAPTURE(u);
      CHECK(std::find(others.begin(), others.end(), holders.front()) != others.end());
    }
  }
  CHECK(cut_time(histogram, 0, 10, 4, 30, true).cuts.empty());
  CHECK(cut_time(histogram, 0, 10, 1, 30, false).cuts.empty());
}

TEST_CASE("stitching joins stories that choose each other and numbers them by first article") {
  // Rank 0 owns 1-4 (story 1: 1, 2, 3; story 2: 4). Rank 1 owns 5-8 and holds copies of 2, 3, 4:
  // its story 1 = {2, 3, 5, 6}, story 2 = {4, 7}, story 3 = {8}.
  const std::vector<Placement> placements = {
      {1, 0, 1, true},  {2, 0, 1, true},  {3, 0, 1, true}, {4, 0, 2, true},
      {2, 1, 1, false}, {3, 1, 1, false}, {5, 1, 1, true}, {6, 1, 1, true},
      {4, 1, 2, false}, {7, 1, 2, true},  {8, 1, 3, true},
  };
  const Stitched s = stitch(placements);
  REQUIRE(s.owned.size() == 8);
  std::vector<std::uint32_t> story;
  for (std::size_t k = 0; k < s.owned.size(); ++k) {
    CHECK(placements[s.owned[k]].order == k + 1);
    story.push_back(s.story[k].value());
  }
  CHECK(story == std::vector<std::uint32_t>{1, 1, 1, 2, 1, 1, 2, 3});
  // A second story of rank 1 holding fewer copies of rank 0's story 1 stays apart.
  auto more = placements;
  more.push_back({1, 1, 4, false});
  more.push_back({9, 1, 4, true});
  const Stitched t = stitch(more);
  CHECK(t.story.back().value() == 4);
  CHECK(t.story[0].value() == 1);
  CHECK(t.story[4].value() == 1);
}

TEST_CASE("story parts combine into one summary") {
  StoryPart a, b;
  a.rank = 0;
  a.local_story = 1;
  a.summary.size = 2;
  a.summary.languages = {{"de", 2}};
  a.summary.first_time = 100;
  a.summary.last_time = 200;
  a.summary.member_ids = {"x", "z"};
  a.member_order = {1, 3};
  a.summary.keywords = {{"de", {"Krone"}}, {"it", {"corona-a"}}};
  a.summary.titles = {{"de", "Krone gestohlen"}};
  b.rank = 1;
  b.local_story = 5;
  b.summary.size = 3;
  b.summary.languages = {{"de", 1}, {"it", 2}};
  b.summary.first_time = 150;
  b.summary.last_time = 400;
  b.summary.member_ids = {"y", "v", "w"};
  b.member_order = {2, 4, 5};
  b.summary.keywords = {{"de", {"Museum"}}, {"it", {"corona"}}};
  b.summary.titles = {{"it", "Rubata la corona"}, {"de", "Museum"}};
  const std::vector<std::pair<std::uint64_t, ClusterId>> part_story = {
      {1, ClusterId(1)}, {(std::uint64_t{1} << 32) | 5, ClusterId(1)}};
  const auto stories = combine_parts({a, b}, part_story);
  REQUIRE(stories.size() == 1);
  const StorySummary& s = stories[0];
  CHECK(s.size == 5);
  CHECK(s.languages.at("de") == 3);
  CHECK(s.languages.at("it") == 2);
  CHECK(*s.first_time == 100);
  CHECK(*s.last_time == 400);
  CHECK(s.member_ids == std::vector<std::string>{"x", "y", "z", "v", "w"});
  CHECK(s.keywords.at("de") == std::vector<std::string>{"Krone"});  // rank 0 has 2 of 3 de
  CHECK(s.keywords.at("it") == std::vector<std::string>{"corona"});
  CHECK(s.titles.at("de") == "Krone gestohlen");
  CHECK(s.titles.at("it") == "Rubata la corona");
}
