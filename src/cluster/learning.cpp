#include <crossnews/clusterer.hpp>
#include <crossnews/lexicon.hpp>

#include "cluster/detail/aligned_pairs.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <map>

namespace crossnews {
namespace {

// The language-specific words of an article: what no concept or name covers yet.
std::vector<std::string_view> unlinked_words(const Featurizer& featurizer, const DocFeatures& doc) {
  std::vector<std::string_view> words;
  for (const auto& e : doc.vector.entries()) {
    if (!featurizer.is_crosslingual(e.term)) words.push_back(featurizer.vocabulary().text(e.term));
  }
  return words;
}

// Stories with more than this many articles contribute this many pairs at most per language
// pair, so one huge story cannot dominate what is learned.
constexpr std::size_t kMaxPairsPerStory = 64;

}  // namespace

void detail::for_each_aligned_pair(const Featurizer& featurizer,
                                   std::span<const ClusterId> assignment,
                                   const ClusterOptions& options, float min_similarity,
                                   const std::function<void(DocId, DocId, float)>& visit) {
  absl::flat_hash_map<ClusterId, std::vector<DocId>> members;
  for (std::uint32_t doc = 0; doc < assignment.size(); ++doc) {
    members[assignment[doc]].push_back(DocId{doc});
  }
  std::vector<ClusterId> stories;
  for (const auto& [id, docs] : members) {
    if (docs.size() > 1) stories.push_back(id);
  }
  std::sort(stories.begin(), stories.end());
  for (ClusterId story : stories) {
    const auto& docs = members[story];
    std::map<std::pair<LangSlot, LangSlot>, std::size_t> used;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      for (std::size_t j = i + 1; j < docs.size(); ++j) {
        const DocFeatures& a = featurizer.features(docs[i]);
        const DocFeatures& b = featurizer.features(docs[j]);
        if (a.lang_slot == b.lang_slot) continue;
        auto& count = used[std::minmax(a.lang_slot, b.lang_slot)];
        if (count >= kMaxPairsPerStory) continue;
        const float s = similarity(featurizer, a, b, options);
        if (s < min_similarity) continue;
        ++count;
        visit(docs[i], docs[j], s);
      }
    }
  }
}

std::vector<LearnedPair> learn_pairs(const Featurizer& featurizer,
                                     std::span<const ClusterId> assignment,
                                     const ClusterOptions& options, float min_similarity,
                                     std::size_t min_count) {
  PairLearner learner;
  detail::for_each_aligned_pair(
      featurizer, assignment, options, min_similarity, [&](DocId doc_a, DocId doc_b, float) {
        const DocFeatures& a = featurizer.features(doc_a);
        const DocFeatures& b = featurizer.features(doc_b);
        const auto words_a = unlinked_words(featurizer, a);
        const auto words_b = unlinked_words(featurizer, b);
        learner.observe(featurizer.language(a.lang_slot), words_a,
                        featurizer.language(b.lang_slot), words_b);
      });
  std::vector<LearnedPair> learned = learner.pairs(min_count);

  // Cognates among each language's unlinked words (Präsident / presidente).
  std::map<std::string, absl::flat_hash_set<std::string_view>> words_by_lang;
  for (std::uint32_t doc = 0; doc < featurizer.size(); ++doc) {
    const DocFeatures& d = featurizer.features(DocId{doc});
    const std::string lang(featurizer.language(d.lang_slot));
    if (lang.empty()) continue;
    for (auto w : unlinked_words(featurizer, d)) words_by_lang[lang].insert(w);
  }
  std::vector<std::pair<std::string, std::vector<std::string_view>>> sorted_words;
  for (auto& [lang, set] : words_by_lang) {
    std::vector<std::string_view> words(set.begin(), set.end());
    std::sort(words.begin(), words.end());
    sorted_words.emplace_back(lang, std::move(words));
  }
  for (std::size_t i = 0; i < sorted_words.size(); ++i) {
    for (std::size_t j = i + 1; j < sorted_words.size(); ++j) {
      auto cognates = find_cognates(sorted_words[i].first, sorted_words[i].second,
                                    sorted_words[j].first, sorted_words[j].second);
      learned.insert(learned.end(), cognates.begin(), cognates.end());
    }
  }
  return learned;
}

}  // namespace crossnews
