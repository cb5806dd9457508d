#include "cluster/detail/story_builder.hpp"

#include "cluster/detail/doc_index.hpp"
#include "cluster/detail/parallel.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <cmath>

namespace crossnews::detail {

namespace {

// The surface form most members of `group` used for `feature`, "" when none has one recorded.
std::string_view member_form(const Featurizer& featurizer, TermId feature,
                             std::span<const std::size_t> group) {
  std::array<std::uint32_t, Featurizer::kNoForm> votes{};
  LangSlot lang_slot;
  for (const std::size_t doc : group) {
    const DocFeatures& f = featurizer.features(doc_id(doc));
    lang_slot = f.lang_slot;
    const auto entries = f.vector.entries();
    const auto it = std::lower_bound(entries.begin(), entries.end(), feature,
                                     [](const SparseEntry& e, TermId t) { return e.term < t; });
    if (it == entries.end() || it->term != feature) continue;
    const std::uint8_t form = f.forms[static_cast<std::size_t>(it - entries.begin())];
    if (form < votes.size()) ++votes[form];
  }
  std::optional<std::uint8_t> best;
  for (std::uint8_t form = 0; form < votes.size(); ++form) {
    if (votes[form] == 0) continue;
    if (!best || votes[form] > votes[*best] ||
        (votes[form] == votes[*best] && featurizer.surface_count(feature, lang_slot, form) >
                                            featurizer.surface_count(feature, lang_slot, *best))) {
      best = form;
    }
  }
  return best ? featurizer.surface_form(feature, lang_slot, *best) : std::string_view{};
}

// Lower-cased (ASCII) words of a label, to keep one word from showing in two keywords.
std::vector<std::string> label_words(std::string_view label) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i <= label.size(); ++i) {
    if (i == label.size() || label[i] == ' ' || label[i] == '-') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(label[i]))));
    }
  }
  return words;
}

// The normalised sum of member vectors, accumulated densely by TermId: a story costs the terms of
// its members, where merging into a sorted sum cost the sum's size per member (quadratic in the
// size of a large story). Sums are taken in member order in double and normalised in term order,
// exactly as CentroidAccumulator::centroid() does for the positive weights articles have.
class CentroidScratch {
 public:
  explicit CentroidScratch(std::size_t terms) : sum_(terms, 0.0), weight_(terms, 0.0f),
                                                 stamp_(terms, 0) {}

  void add(const SparseVector& v) {
    for (const SparseEntry& e : v.entries()) {
      const auto t = e.term.value();
      if (stamp_[t] != epoch_) {
        stamp_[t] = epoch_;
        sum_[t] = 0.0;
        touched_.push_back(e.term);
      }
      sum_[t] += static_cast<double>(e.weight);
    }
  }

  // Ends the current sum: returns its normalised entries, sorted by term, and keeps them for dot().
  std::span<const SparseEntry> finish() {
    std::sort(touched_.begin(), touched_.end());
    double norm = 0.0;
    for (const TermId t : touched_) norm += sum_[t.value()] * sum_[t.value()];
    norm = std::sqrt(norm);
    centroid_.clear();
    for (const TermId t : touched_) {
      const float w = norm == 0.0 ? 0.0f : static_cast<float>(sum_[t.value()] / norm);
      weight_[t.value()] = w;
      if (norm != 0.0) centroid_.push_back({t, w});
    }
    touched_.clear();
    ++epoch_;
    return centroid_;
  }

  // centroid . v for a member v of the last finished sum, summed in v's term order as
  // SparseVector::dot does (a member's terms are all in the centroid).
  [[nodiscard]] float dot(const SparseVector& v) const {
    double sum = 0.0;
    for (const SparseEntry& e : v.entries()) {
      sum += static_cast<double>(weight_[e.term.value()]) * e.weight;
    }
    return static_cast<float>(sum);
  }

 private:
  std::vector<double> sum_;
  std::vector<float> weight_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t epoch_ = 1;
  std::vector<TermId> touched_;
  std::vector<SparseEntry> centroid_;
};

void summarize(const Featurizer& featurizer, std::span<const std::size_t> members,
               const MemberTextOf& text_of, std::size_t keywords_per_language,
               CentroidScratch& scratch, StorySummary& story) {
  story.size = members.size();
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t doc : members) {
    const DocFeatures& f = featurizer.features(doc_id(doc));
    groups[std::string(featurizer.language(f.lang_slot))].push_back(doc);
    story.member_ids.emplace_back(text_of(doc).id);
    if (f.time) {
      story.first_time = story.first_time ? std::min(*story.first_time, *f.time) : *f.time;
      story.last_time = story.last_time ? std::max(*story.last_time, *f.time) : *f.time;
    }
  }
  std::vector<SparseEntry> entries;
  for (const auto& [lang, group] : groups) {
    story.languages[lang] = group.size();
    for (std::size_t doc : group) scratch.add(featurizer.features(doc_id(doc)).vector);
    const auto centroid = scratch.finish();
    // The most central article speaks for the story in this language.
    std::string_view best = text_of(group.front()).title;
    float best_score = -1.0f;
    for (std::size_t doc : group) {
      const float score = scratch.dot(featurizer.features(doc_id(doc)).vector);
      const std::string_view title = text_of(doc).title;
      if (score > best_score && !title.empty()) {
        best_score = score;
        best = title;
      }
    }
    story.titles[lang] = best;
    entries.assign(centroid.begin(), centroid.end());
    std::sort(entries.begin(), entries.end(), [](const SparseEntry& a, const SparseEntry& b) {
      return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
    });
    // Keywords are words the members wrote, each word once ("Saddam Hussein", not "Saddam" too).
    auto& keywords = story.keywords[lang];
    std::vector<std::string> shown_words;
    for (const auto& e : entries) {
      if (keywords.size() >= keywords_per_language) break;
      const std::string_view label = member_form(featurizer, e.term, group);
      if (label.empty()) continue;
      auto words = label_words(label);
      const bool repeats = std::any_of(words.begin(), words.end(), [&](const std::string& w) {
        return std::find(shown_words.begin(), shown_words.end(), w) != shown_words.end();
      });
      if (repeats) continue;
      shown_words.insert(shown_words.end(), words.begin(), words.end());
      keywords.emplace_back(label);
    }
  }
}

}  // namespace

std::vector<StorySummary> summarize_groups(const Featurizer& featurizer,
                                           std::span<const StoryMembers> groups,
                                           const MemberTextOf& text_of, std::size_t threads,
                                           std::size_t keywords_per_language) {
  std::vector<StorySummary> stories(groups.size());
  const std::size_t terms = featurizer.vocabulary().size();
  detail::parallel_for(groups.size(), threads,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                         CentroidScratch scratch(terms);
                         for (std::size_t s = begin; s < end; ++s) {
                           stories[s].id = groups[s].id;
                           summarize(featurizer, groups[s].docs, text_of, keywords_per_language,
                                     scratch, stories[s]);
                         }
                       });
  return stories;
}

void sort_stories(std::vector<StorySummary>& stories) {
  std::sort(stories.begin(), stories.end(), [](const StorySummary& a, const StorySummary& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  });
}

std::vector<StorySummary> summarize_stories(const Featurizer& featurizer,
                                            std::span<const ClusterId> assignment,
                                            std::span<const ArticleMeta> meta,
                                            std::size_t threads,
                                            std::size_t keywords_per_language) {
  absl::flat_hash_map<ClusterId, std::size_t> index_of;
  std::vector<StoryMembers> groups;
  for (std::size_t doc = 0; doc < assignment.size(); ++doc) {
    auto [it, added] = index_of.try_emplace(assignment[doc], groups.size());
    if (added) groups.push_back({assignment[doc], {}});
    groups[it->second].docs.push_back(doc);
  }
  auto stories = summarize_groups(
      featurizer, groups,
      [&](std::size_t doc) { return MemberText{meta[doc].id, meta[doc].title}; }, threads,
      keywords_per_language);
  sort_stories(stories);
  return stories;
}

}  // namespace crossnews::detail
