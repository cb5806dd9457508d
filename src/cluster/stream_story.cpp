#include "cluster/detail/stream_story.hpp"

#include "cluster/detail/doc_index.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace crossnews::detail {

namespace {

// Per language, in the order the languages first came.
using LanguageSums = std::vector<std::pair<LangSlot, CentroidAccumulator>>;

CentroidAccumulator& sums_of(LanguageSums& sums, LangSlot lang_slot) {
  const auto it = std::find_if(sums.begin(), sums.end(),
                               [&](const auto& s) { return s.first == lang_slot; });
  if (it != sums.end()) return it->second;
  return sums.emplace_back(lang_slot, CentroidAccumulator{}).second;
}

void merge_into(LanguageSums& into, LanguageSums&& from) {
  for (auto& [lang_slot, sum] : from) {
    const auto it = std::find_if(into.begin(), into.end(),
                                 [&](const auto& s) { return s.first == lang_slot; });
    if (it == into.end()) {
      into.emplace_back(lang_slot, std::move(sum));
    } else {
      it->second.merge(sum);
    }
  }
}

// Replays a story's joins and merges in their order, a merged story's own replay first (no
// recursion: a chain of merges may be long).
LanguageSums replay(std::span<const StreamStory> stories, std::uint32_t story,
                    const Featurizer& featurizer) {
  struct Frame {
    std::uint32_t story;
    std::size_t joined = 0, absorbed = 0;
    LanguageSums sums{};
  };
  std::vector<Frame> stack{{story}};
  while (true) {
    Frame& top = stack.back();
    const StreamStory& s = stories[top.story];
    if (top.absorbed < s.absorbed.size() && s.absorbed[top.absorbed].after_joined <= top.joined) {
      const std::uint32_t merged = s.absorbed[top.absorbed].story;
      stack.push_back({merged});
      continue;
    }
    if (top.joined < s.joined.size()) {
      const DocFeatures& doc = featurizer.features(doc_id(s.joined[top.joined++]));
      sums_of(top.sums, doc.lang_slot).add(doc.vector);
      continue;
    }
    if (stack.size() == 1) return std::move(top.sums);
    LanguageSums done = std::move(top.sums);
    stack.pop_back();
    merge_into(stack.back().sums, std::move(done));
    ++stack.back().absorbed;
  }
}

}  // namespace

std::vector<std::size_t> story_members(std::span<const StreamStory> stories, std::uint32_t story) {
  std::vector<std::size_t> docs;
  std::vector<std::uint32_t> pending{story};
  while (!pending.empty()) {
    const StreamStory& s = stories[pending.back()];
    pending.pop_back();
    docs.insert(docs.end(), s.joined.begin(), s.joined.end());
    for (const auto& a : s.absorbed) pending.push_back(a.story);
  }
  std::sort(docs.begin(), docs.end());
  return docs;
}

std::vector<LanguageView> language_views(std::span<const StreamStory> stories,
                                         std::uint32_t story, const Featurizer& featurizer,
                                         std::size_t top_k) {
  std::vector<LanguageView> views;
  for (const auto& [lang_slot, sum] : replay(stories, story, featurizer)) {
    LanguageView& v = views.emplace_back();
    v.lang_slot = lang_slot;
    v.members = sum.members();
    v.view.vector = sum.centroid(top_k);
    v.coherence = static_cast<float>(sum.mean_norm());
    double xl = 0.0, neutral = 0.0;
    for (const auto& e : v.view.vector.entries()) {
      if (featurizer.is_crosslingual(e.term)) xl += double(e.weight) * e.weight;
      if (featurizer.is_name(e.term)) neutral += double(e.weight) * e.weight;
    }
    v.view.crosslingual_norm = static_cast<float>(std::sqrt(xl));
    v.view.neutral_norm = static_cast<float>(std::sqrt(neutral));
    v.view.lang_slot = lang_slot;
    v.view.time = stories[story].last_time;
  }
  return views;
}

}  // namespace crossnews::detail
