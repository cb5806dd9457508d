#include "partition.hpp"

#include <crossnews/error.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>
#include <unordered_map>

namespace crossnews::mpi {

std::vector<Piece> pieces_for_rank(std::span<const std::uint64_t> sizes, int rank, int ranks) {
  std::uint64_t total = 0;
  for (const auto size : sizes) total += size;
  // 128-bit products: total * ranks may pass 2^64 for archives of many TB on many ranks.
  const auto share = [&](int r) {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(total) * unsigned(r) /
                                      unsigned(ranks));
  };
  const std::uint64_t begin = share(rank), end = share(rank + 1);
  std::vector<Piece> pieces;
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const std::uint64_t lo = std::max(begin, offset), hi = std::min(end, offset + sizes[i]);
    if (lo < hi) pieces.push_back({i, lo - offset, hi - offset});
    offset += sizes[i];
  }
  return pieces;
}

namespace {

// Reads from `in` until a '\n' (appended to `out`, when given) or the end of the file.
void read_to_line_end(std::ifstream& in, std::string* out) {
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    const auto* newline = std::find(buffer, buffer + got, '\n');
    if (newline != buffer + got) {
      if (out) out->append(buffer, static_cast<std::size_t>(newline + 1 - buffer));
      in.clear();
      in.seekg(-static_cast<std::streamoff>(buffer + got - newline - 1), std::ios::cur);
      return;
    }
    if (out) out->append(buffer, got);
  }
}

}  // namespace

std::string read_lines_in(const std::string& path, std::uint64_t begin, std::uint64_t end) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open '" + path + "'");
  if (begin > 0) {
    // A line belongs to the piece holding its first byte: skip the end of one begun before.
    in.seekg(static_cast<std::streamoff>(begin - 1));
    if (in.get() != '\n') read_to_line_end(in, nullptr);
  }
  std::string out;
  const std::streamoff start = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (start < 0 || std::uint64_t(start) >= end) {
    if (in.bad()) throw IoError("cannot read '" + path + "'");
    return out;
  }
  out.resize(end - std::uint64_t(start));
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  if (!out.empty() && out.back() != '\n' && in) read_to_line_end(in, &out);
  if (in.bad()) throw IoError("cannot read '" + path + "'");
  return out;
}

std::uint64_t order_key(std::size_t input, std::uint64_t line) {
  return (std::uint64_t(input) << 48) | line;
}

int TimeRanges::range_of(std::int64_t time) const {
  return static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), time) - cuts.begin());
}

int TimeRanges::owner(std::int64_t key) const { return range_of(key + window); }

std::vector<int> TimeRanges::holders(std::int64_t key) const {
  const int own = owner(key);
  std::vector<int> out{own};
  for (int r = range_of(key); r <= range_of(key + 2 * window); ++r) {
    if (r != own) out.push_back(r);
  }
  return out;
}

std::int64_t bucket_width(std::int64_t min_time, std::int64_t max_time) {
  const auto span = static_cast<std::uint64_t>(max_time - min_time) + 1;
  return static_cast<std::int64_t>((span + kHistogramBuckets - 1) / kHistogramBuckets);
}

TimeRanges cut_time(std::span<const std::uint64_t> histogram, std::int64_t min_time,
                    std::int64_t width, int ranks, std::int64_t window, bool one_range) {
  TimeRanges ranges;
  ranges.window = window;
  std::uint64_t total = 0;
  for (const auto count : histogram) total += count;
  if (one_range || ranks <= 1 || total == 0) return ranges;
  std::uint64_t running = 0;
  int k = 1;
  for (std::size_t i = 0; i < histogram.size() && k < ranks; ++i) {
    running += histogram[i];
    while (k < ranks && running * std::uint64_t(ranks) >= total * std::uint64_t(k)) {
      ranges.cuts.push_back(min_time + std::int64_t(i + 1) * width);
      ++k;
    }
  }
  return ranges;
}

namespace {

std::uint64_t label_of(const Placement& p) { return (std::uint64_t(p.rank) << 32) | p.local_story; }

// Pairs (a rank's story holding copies, the owner story of those copies) that choose each other:
// the owner story holding most of the story's copies, and the story of that rank holding most
// copies of the owner story; ties to the smaller label.
std::vector<std::pair<std::uint64_t, std::uint64_t>> joins(
    std::span<const Placement> placements,
    const std::unordered_map<std::uint64_t, std::uint64_t>& owner_label) {
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> votes;  // (story, owner story)
  for (const auto& p : placements) {
    if (!p.owned) ++votes[{label_of(p), owner_label.at(p.order)}];
  }
  using Best = std::pair<std::size_t, std::uint64_t>;  // (copies, label)
  const auto better = [](const Best& a, const Best& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  std::map<std::uint64_t, Best> best_owner;                            // story -> owner story
  std::map<std::pair<std::uint64_t, std::uint32_t>, Best> best_story;  // (owner story, rank)
  for (const auto& [pair, count] : votes) {
    const auto [story, owner] = pair;
    auto [o, o_added] = best_owner.try_emplace(story, count, owner);
    if (!o_added && better({count, owner}, o->second)) o->second = {count, owner};
    auto [s, s_added] = best_story.try_emplace({owner, std::uint32_t(story >> 32)}, count, story);
    if (!s_added && better({count, story}, s->second)) s->second = {count, story};
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const auto& [story, choice] : best_owner) {
    if (best_story.at({choice.second, std::uint32_t(story >> 32)}).second == story) {
      out.emplace_back(story, choice.second);
    }
  }
  return out;
}

}  // namespace

Stitched stitch(std::span<const Placement> placements) {
  Stitched result;
  std::unordered_map<std::uint64_t, std::uint64_t> owner_label;
  for (std::size_t i = 0; i < placements.size(); ++i) {
    if (!placements[i].owned) continue;
    if (!owner_label.emplace(placements[i].order, label_of(placements[i])).second) {
      throw InputError("article owned by two ranks");
    }
    result.owned.push_back(i);
  }
  // Union-find whose root is the smallest label of a set, so the result does not depend on the
  // order of the joins.
  std::unordered_map<std::uint64_t, std::uint64_t> parent;
  const auto find = [&](std::uint64_t label) {
    for (auto it = parent.find(label); it != parent.end(); it = parent.find(label))
      label = it->second;
    return label;
  };
  for (const auto& [story, owner] : joins(placements, owner_label)) {
    const std::uint64_t a = find(story), b = find(owner);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }

  std::sort(result.owned.begin(), result.owned.end(), [&](std::size_t a, std::size_t b) {
    return placements[a].order < placements[b].order;
  });
  std::unordered_map<std::uint64_t, ClusterId> id_of;
  std::map<std::uint64_t, ClusterId> part_story;
  for (const std::size_t i : result.owned) {
    const std::uint64_t label = label_of(placements[i]);
    auto [it, added] = id_of.try_emplace(find(label), ClusterId(id_of.size() + 1));
    result.story.push_back(it->second);
    part_story.emplace(label, it->second);
  }
  result.part_story.assign(part_story.begin(), part_story.end());
  return result;
}

namespace {

// Adds a part's counts, times and members into the combined summary.
void add_counts(StorySummary& into, const StoryPart& part,
                std::vector<std::pair<std::uint64_t, std::string>>& members) {
  const StorySummary& s = part.summary;
  into.size += s.size;
  for (const auto& [lang, count] : s.languages) into.languages[lang] += count;
  if (s.first_time)
    into.first_time = std::min(into.first_time.value_or(*s.first_time), *s.first_time);
  if (s.last_time) into.last_time = std::max(into.last_time.value_or(*s.last_time), *s.last_time);
  for (std::size_t m = 0; m < s.member_ids.size(); ++m) {
    members.emplace_back(part.member_order[m], s.member_ids[m]);
  }
}

}  // namespace

std::vector<StorySummary> combine_parts(
    std::vector<StoryPart> parts, std::span<const std::pair<std::uint64_t, ClusterId>> part_story) {
  std::sort(parts.begin(), parts.end(), [](const StoryPart& a, const StoryPart& b) {
    return std::tie(a.rank, a.local_story) < std::tie(b.rank, b.local_story);
  });
  std::map<ClusterId, std::vector<const StoryPart*>> by_story;
  for (const auto& part : parts) {
    const std::uint64_t key = (std::uint64_t(part.rank) << 32) | part.local_story;
    auto it =
        std::lower_bound(part_story.begin(), part_story.end(), std::make_pair(key, ClusterId()),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
    if (it == part_story.end() || it->first != key) continue;  // a story of overlap copies only
    by_story[it->second].push_back(&part);
  }
  std::vector<StorySummary> out;
  for (auto& [id, story_parts] : by_story) {
    StorySummary s;
    s.id = id;
    std::vector<std::pair<std::uint64_t, std::string>> members;
    for (const StoryPart* part : story_parts) add_counts(s, *part, members);
    std::sort(members.begin(), members.end());
    for (auto& m : members) s.member_ids.push_back(std::move(m.second));
    // Per language, the words of the part that holds most of the story's articles in it.
    std::map<std::string, std::pair<std::size_t, const StoryPart*>> voice;
    for (const StoryPart* part : story_parts) {
      for (const auto& [lang, words] : part->summary.keywords) voice.try_emplace(lang, 0, part);
      for (const auto& [lang, title] : part->summary.titles) voice.try_emplace(lang, 0, part);
      for (const auto& [lang, count] : part->summary.languages) {
        auto [it, added] = voice.try_emplace(lang, count, part);
        if (!added && count > it->second.first) it->second = {count, part};
      }
    }
    for (const auto& [lang, choice] : voice) {
      const StorySummary& from = choice.second->summary;
      if (auto k = from.keywords.find(lang); k != from.keywords.end()) s.keywords[lang] = k->second;
      if (auto t = from.titles.find(lang); t != from.titles.end()) s.titles[lang] = t->second;
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const StorySummary& a, const StorySummary& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  });
  return out;
}

}  // namespace crossnews::mpi
