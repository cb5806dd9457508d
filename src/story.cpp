#include "detail/story_builder.hpp"

#include <crossnews/lexicon.hpp>

#include <absl/container/flat_hash_map.h>

#include <algorithm>

namespace crossnews::detail {

std::string feature_label(const Featurizer& featurizer, const Lexicon* lexicon, TermId term,
                          std::string_view lang) {
  if (auto concept_id = featurizer.concept_of(term); concept_id && lexicon != nullptr) {
    auto words = lexicon->concept_terms(*concept_id, lang);
    if (!words.empty()) return words.front();
    return std::string(lexicon->concept_name(*concept_id));
  }
  return std::string(featurizer.vocabulary().text(term));
}

namespace {

struct LanguageGroup {
  std::vector<std::size_t> members;
  CentroidAccumulator centroid;
};

}  // namespace

std::vector<StorySummary> summarize_stories(const Featurizer& featurizer, const Lexicon* lexicon,
                                            std::span<const ClusterId> assignment,
                                            std::span<const ArticleMeta> meta,
                                            std::size_t keywords_per_language) {
  absl::flat_hash_map<ClusterId, std::size_t> index_of;
  std::vector<std::vector<std::size_t>> members;
  std::vector<ClusterId> ids;
  for (std::size_t doc = 0; doc < assignment.size(); ++doc) {
    auto [it, added] = index_of.try_emplace(assignment[doc], members.size());
    if (added) {
      members.emplace_back();
      ids.push_back(assignment[doc]);
    }
    members[it->second].push_back(doc);
  }

  std::vector<StorySummary> stories(members.size());
  for (std::size_t s = 0; s < members.size(); ++s) {
    StorySummary& story = stories[s];
    story.id = ids[s];
    story.size = members[s].size();
    std::map<std::string, LanguageGroup> groups;
    for (std::size_t doc : members[s]) {
      const DocFeatures& f = featurizer.features(doc);
      std::string lang(featurizer.language(f.lang_slot));
      auto& group = groups[lang];
      group.members.push_back(doc);
      group.centroid.add(f.vector);
      story.member_ids.push_back(meta[doc].id);
      if (f.time) {
        story.first_time = story.first_time ? std::min(*story.first_time, *f.time) : *f.time;
        story.last_time = story.last_time ? std::max(*story.last_time, *f.time) : *f.time;
      }
    }
    for (auto& [lang, group] : groups) {
      story.languages[lang] = group.members.size();
      const SparseVector centroid = group.centroid.centroid();
      // The most central article speaks for the story in this language.
      std::size_t best = group.members.front();
      float best_score = -1.0f;
      for (std::size_t doc : group.members) {
        const float score = centroid.dot(featurizer.features(doc).vector);
        if (score > best_score && !meta[doc].title.empty()) {
          best_score = score;
          best = doc;
        }
      }
      story.titles[lang] = meta[best].title;
      std::vector<SparseEntry> entries(centroid.entries().begin(), centroid.entries().end());
      std::sort(entries.begin(), entries.end(), [](const SparseEntry& a, const SparseEntry& b) {
        return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
      });
      auto& keywords = story.keywords[lang];
      for (const auto& e : entries) {
        if (keywords.size() >= keywords_per_language) break;
        std::string label = feature_label(featurizer, lexicon, e.term, lang);
        if (std::find(keywords.begin(), keywords.end(), label) == keywords.end()) {
          keywords.push_back(std::move(label));
        }
      }
    }
  }
  std::sort(stories.begin(), stories.end(), [](const StorySummary& a, const StorySummary& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  });
  return stories;
}

}  // namespace crossnews::detail
