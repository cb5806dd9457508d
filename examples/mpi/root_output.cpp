#include "../cli/output.hpp"
#include "steps.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace crossnews::mpi {

void pack_summary(Packer& p, const StorySummary& s) {
  p.u64(s.size);
  p.u64(s.languages.size());
  for (const auto& [lang, count] : s.languages) {
    p.str(lang);
    p.u64(count);
  }
  for (const auto& time : {s.first_time, s.last_time}) {
    p.u64(time ? 1 : 0);
    p.u64(static_cast<std::uint64_t>(time.value_or(0)));
  }
  p.u64(s.keywords.size());
  for (const auto& [lang, words] : s.keywords) {
    p.str(lang);
    p.u64(words.size());
    for (const auto& w : words) p.str(w);
  }
  p.u64(s.titles.size());
  for (const auto& [lang, title] : s.titles) {
    p.str(lang);
    p.str(title);
  }
}

namespace {

constexpr std::uint64_t kLineMask = (std::uint64_t{1} << 48) - 1;

StorySummary unpack_summary(Unpacker& in) {
  StorySummary s;
  s.size = in.u64();
  for (auto n = in.u64(); n > 0; --n) {
    std::string lang = in.str();
    s.languages[lang] = in.u64();
  }
  for (auto* time : {&s.first_time, &s.last_time}) {
    const bool known = in.u64() != 0;
    const auto value = static_cast<std::int64_t>(in.u64());
    if (known) *time = value;
  }
  for (auto n = in.u64(); n > 0; --n) {
    auto& words = s.keywords[in.str()];
    for (auto w = in.u64(); w > 0; --w) words.push_back(in.str());
  }
  for (auto n = in.u64(); n > 0; --n) {
    std::string lang = in.str();
    s.titles[lang] = in.str();
  }
  return s;
}

// Everything the ranks reported, on rank 0.
struct Gathered {
  std::vector<Placement> placements;
  std::unordered_map<std::uint64_t, std::string> id_of;  ///< order key -> id, owned articles
  std::vector<std::pair<std::uint64_t, Rejected>> rejected;
  std::vector<StoryPart> parts;
};

void unpack_report(const std::string& bytes, std::uint32_t rank, Gathered& g) {
  Unpacker in(bytes);
  for (auto n = in.u64(); n > 0; --n) {
    Placement p;
    p.order = in.u64();
    p.owned = in.u64() != 0;
    p.local_story = static_cast<std::uint32_t>(in.u64());
    p.rank = rank;
    if (p.owned) g.id_of.emplace(p.order, in.str());
    g.placements.push_back(p);
  }
  for (auto n = in.u64(); n > 0; --n) {
    const std::uint64_t order = in.u64();
    Rejected r;
    r.source = in.str();
    r.line = in.u64();
    r.reason = in.str();
    g.rejected.emplace_back(order, std::move(r));
  }
  for (auto n = in.u64(); n > 0; --n) {
    StoryPart& part = g.parts.emplace_back();
    part.rank = rank;
    part.local_story = static_cast<std::uint32_t>(in.u64());
    part.summary = unpack_summary(in);
    for (auto m = in.u64(); m > 0; --m) {
      part.member_order.push_back(in.u64());
      part.summary.member_ids.push_back(in.str());
    }
  }
}

// An id that two ranks read (one rank's reader catches its own repeats) is kept where it comes
// first in the input, as `crossnews cluster` does; the later copy becomes a rejected line.
void reject_duplicates(Gathered& g, const std::vector<InputPlan>& plan) {
  std::vector<std::uint64_t> orders;
  for (const auto& [order, id] : g.id_of) orders.push_back(order);
  std::sort(orders.begin(), orders.end());
  std::unordered_map<std::string_view, std::uint64_t> first;
  std::unordered_set<std::uint64_t> dropped;
  const auto where = [&](std::uint64_t order) {
    return plan[order >> 48].source_name + ":" + std::to_string(order & kLineMask);
  };
  for (const std::uint64_t order : orders) {
    const std::string& id = g.id_of[order];
    auto [it, added] = first.emplace(id, order);
    if (added) continue;
    dropped.insert(order);
    g.rejected.push_back({order,
                          {plan[order >> 48].source_name, order & kLineMask,
                           "duplicate id '" + id + "' (first at " + where(it->second) + ")"}});
  }
  if (dropped.empty()) return;
  std::erase_if(g.placements, [&](const Placement& p) { return dropped.contains(p.order); });
  for (auto& part : g.parts) {
    for (std::size_t m = part.member_order.size(); m-- > 0;) {
      if (!dropped.contains(part.member_order[m])) continue;
      part.member_order.erase(part.member_order.begin() + std::ptrdiff_t(m));
      part.summary.member_ids.erase(part.summary.member_ids.begin() + std::ptrdiff_t(m));
      --part.summary.size;
    }
  }
}

}  // namespace

WriteCounts write_outputs(std::vector<std::string> reports, const MpiClusterArgs& args,
                          const std::vector<InputPlan>& plan) {
  Gathered g;
  for (std::size_t r = 0; r < reports.size(); ++r) {
    unpack_report(reports[r], static_cast<std::uint32_t>(r), g);
    std::string().swap(reports[r]);
  }
  reject_duplicates(g, plan);
  const Stitched stitched = stitch(g.placements);
  WriteCounts counts{stitched.owned.size(), g.rejected.size(), 0};
  cli::AtomicOutput assignments({"-o", args.cluster.output});
  for (std::size_t k = 0; k < stitched.owned.size(); ++k) {
    assignments.stream() << g.id_of[g.placements[stitched.owned[k]].order] << '\t'
                         << stitched.story[k].value() << '\n';
  }
  std::optional<cli::AtomicOutput> stories, rejected;
  if (!args.cluster.stories.empty()) {
    stories.emplace(cli::NamedPath{"--stories", args.cluster.stories});
    const auto summaries = combine_parts(std::move(g.parts), stitched.part_story);
    StoryWriter writer(stories->stream(), parse_story_format(args.cluster.stories_format));
    for (const auto& s : summaries) writer.write(s);
    writer.finish();
  }
  if (!args.cluster.rejected.empty()) {
    rejected.emplace(cli::NamedPath{"--rejected", args.cluster.rejected});
    std::stable_sort(g.rejected.begin(), g.rejected.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [order, r] : g.rejected) cli::write_rejected(rejected->stream(), r);
  }
  assignments.commit();
  if (stories) stories->commit();
  if (rejected) rejected->commit();
  std::unordered_set<std::uint32_t> distinct;
  for (const auto id : stitched.story) distinct.insert(id.value());
  counts.stories = distinct.size();
  return counts;
}

}  // namespace crossnews::mpi
