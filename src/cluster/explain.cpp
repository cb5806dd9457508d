#include <crossnews/explain.hpp>

#include <crossnews/clusterer.hpp>
#include <crossnews/crosslingual_map.hpp>
#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>

#include "cluster/detail/link_score.hpp"

#include <algorithm>

namespace crossnews {
namespace {

struct SharedTerm {
  TermId term;
  float weight = 0.0f;
};

std::vector<SharedTerm> shared_terms(const DocFeatures& a, const DocFeatures& b) {
  std::vector<SharedTerm> shared;
  for_each_shared_term(a.vector, b.vector, [&](const SparseEntry& x, const SparseEntry& y) {
    shared.push_back({x.term, x.weight * y.weight});
  });
  return shared;
}

// The article's own words for a feature or, should re-analysis not find them (offsets lost to
// repaired UTF-8), the form most articles of its language wrote.
std::string side_words(const Featurizer& featurizer, TermId term, LangSlot lang_slot,
                       const std::vector<WordUse>& uses) {
  if (uses.empty()) return std::string(featurizer.surface_form(term, lang_slot, 0));
  std::string joined;
  for (const WordUse& use : uses) joined += (joined.empty() ? "" : "|") + use.surface;
  return joined;
}

// Where the link of a concept came from: the lexicon link of the first word that made it.
std::string concept_source(const Featurizer& featurizer, const Lexicon* lexicon,
                           std::uint32_t concept_id, const std::string& lang,
                           const std::vector<WordUse>& uses) {
  if (lexicon == nullptr || uses.empty()) return "lexicon";
  const TermId term = uses.front().term;
  const bool neutral = is_language_neutral(featurizer.kind(term));
  const auto links = lexicon->lookup(neutral ? "" : lang, featurizer.vocabulary().text(term));
  const auto link = std::find_if(links.begin(), links.end(), [&](const ConceptLink& l) {
    return l.concept_id == concept_id;
  });
  return std::string(to_string(link != links.end() ? link->source : LinkSource::lexicon));
}

void check_doc(const Featurizer& featurizer, DocId doc) {
  if (doc.value() >= featurizer.size()) {
    throw InputError("explain_link: document " + to_string(doc) +
                     " out of range (the featurizer has " + std::to_string(featurizer.size()) +
                     ")");
  }
}

// The words of `doc` behind its share of the learned-space cosine, as the article wrote them.
std::vector<std::string> dense_side(const Featurizer& featurizer, DocId doc,
                                    const std::vector<DenseContribution>& contributions) {
  std::vector<TermId> terms;
  for (const auto& c : contributions) terms.push_back(c.term);
  const auto uses = featurizer.words_for(doc, terms);
  const LangSlot lang = featurizer.features(doc).lang_slot;
  std::vector<std::string> words;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    std::string word = uses[k].empty() ? std::string(featurizer.surface_form(terms[k], lang, 0))
                                       : uses[k].front().surface;
    if (!word.empty() && std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(std::move(word));
    }
  }
  return words;
}

// Words per side shown for the learned space.
constexpr std::size_t kDenseWords = 6;

}  // namespace

LinkExplanation explain_link(const Featurizer& featurizer, const Lexicon* lexicon, DocId doc_a,
                             DocId doc_b, const ClusterOptions& options) {
  return explain_link(featurizer, lexicon, doc_a, doc_b, options, nullptr);
}

LinkExplanation explain_link(const Featurizer& featurizer, const Lexicon* lexicon, DocId doc_a,
                             DocId doc_b, const ClusterOptions& options,
                             const CrosslingualMap* dense_map) {
  check_doc(featurizer, doc_a);
  check_doc(featurizer, doc_b);
  if (!featurizer.keeps_articles()) {
    throw ConfigError("explain_link shows the articles' words: build the featurizer with "
                      "FeaturizerOptions::keep_articles");
  }
  const DocFeatures& fa = featurizer.features(doc_a);
  const DocFeatures& fb = featurizer.features(doc_b);
  LinkExplanation out = detail::score_link(featurizer, fa, fb, options, dense_map);
  const std::string lang_a(featurizer.language(fa.lang_slot));
  const std::string lang_b(featurizer.language(fb.lang_slot));
  if (out.dense) {
    const auto contributions = dense_map->contributions(featurizer, fa, fb, kDenseWords);
    out.dense_words[lang_a] = dense_side(featurizer, doc_a, contributions.a);
    out.dense_words[lang_b] = dense_side(featurizer, doc_b, contributions.b);
  }
  const auto shared = shared_terms(fa, fb);
  std::vector<TermId> terms;
  for (const auto& s : shared) terms.push_back(s.term);
  const auto words_a = featurizer.words_for(doc_a, terms);
  const auto words_b = featurizer.words_for(doc_b, terms);
  for (std::size_t k = 0; k < shared.size(); ++k) {
    const TermId term = shared[k].term;
    SharedFeature feature;
    feature.weight = shared[k].weight;
    const FeatureKind kind = featurizer.kind(term);
    if (const auto concept_id = featurizer.concept_of(term)) {
      feature.concept_name = lexicon ? std::string(lexicon->concept_name(*concept_id))
                                     : std::string(featurizer.vocabulary().text(term));
      feature.source = concept_source(featurizer, lexicon, *concept_id, lang_a, words_a[k]);
    } else {
      feature.concept_name = std::string(featurizer.vocabulary().text(term));
      feature.source = is_language_neutral(kind) ? "entity" : "word";
    }
    // Each side's own spelling: a name may be linked to a one-letter variant of itself.
    feature.terms[lang_a] = side_words(featurizer, term, fa.lang_slot, words_a[k]);
    feature.terms[lang_b] = side_words(featurizer, term, fb.lang_slot, words_b[k]);
    out.shared.push_back(std::move(feature));
  }
  std::sort(out.shared.begin(), out.shared.end(), [](const SharedFeature& x, const SharedFeature& y) {
    return x.weight != y.weight ? x.weight > y.weight : x.concept_name < y.concept_name;
  });
  return out;
}

}  // namespace crossnews
