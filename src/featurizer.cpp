#include <crossnews/featurizer.hpp>

#include <crossnews/lexicon.hpp>

#include "detail/parallel.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crossnews {
namespace {

constexpr std::uint32_t kNoConcept = std::numeric_limits<std::uint32_t>::max();

// A term count kept between add() and finish(): 8 bytes, so a million articles of a few hundred
// distinct terms fit in a few GB. Counts saturate (tf is logarithmic: no visible loss); the link
// weight of a projected word is kept in 1/255 steps.
struct PackedCount {
  TermId term;
  std::uint16_t body = 0;
  std::uint8_t title = 0;
  std::uint8_t link = 255;
};

template <class T>
T saturate(float count) {
  return static_cast<T>(std::min(count, float(std::numeric_limits<T>::max())));
}

bool is_word_kind(FeatureKind kind) {
  return kind == FeatureKind::word || kind == FeatureKind::compound_part;
}

// Levenshtein distance of a and b if it is at most 1, else 2 (all we need to know).
int distance_up_to_one(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return 2;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return static_cast<int>(b.size() - a.size());
  // First difference: a substitution, or an insertion into a.
  const bool same_length = a.size() == b.size();
  const std::string_view rest_a = a.substr(same_length ? i + 1 : i);
  const std::string_view rest_b = b.substr(i + 1);
  return rest_a == rest_b ? 1 : 2;
}

// Names long enough that one letter more or less is a spelling variant, not another name
// ("Eletronic Frontier Foundation" in the Italian seed): in bytes.
constexpr std::size_t kMinVariantLength = 8;
constexpr float kVariantWeight = 0.9f;

}  // namespace

struct Featurizer::Impl {
  const Analyzer& analyzer;
  const Lexicon* lexicon;
  FeaturizerOptions options;
  Vocabulary vocabulary;
  DocumentFrequencies df;
  std::vector<Analyzer::Worker> workers;

  // Per TermId: the feature it is counted under (itself, or a concept), that link's weight, and
  // for concept features the concept they stand for.
  std::vector<TermId> projection;
  std::vector<float> link_weight;
  std::vector<std::uint32_t> concept_of;
  std::vector<std::uint8_t> flags;  // bit 0: cross-lingual feature, bit 1: neutral token

  // Long entity tokens by their first three bytes, to find spelling variants of earlier names.
  absl::flat_hash_map<std::string, std::vector<TermId>> entities_by_prefix;

  std::vector<DocFeatures> docs;
  std::vector<std::vector<PackedCount>> pending;  // raw counts until finish()
  std::vector<std::uint64_t> tokens_per_slot, mapped_per_slot;
  bool finished = false;

  Impl(const Analyzer& a, const Lexicon* l, FeaturizerOptions o)
      : analyzer(a), lexicon(l), options(o), df(vocabulary, o.df) {
    options.threads = std::max<std::size_t>(1, options.threads);
    for (std::size_t i = 0; i < options.threads; ++i) workers.push_back(analyzer.worker());
  }

  // Extends the per-term tables to the vocabulary, resolving each new term's projection. Concept
  // features interned on the way are appended to the vocabulary and resolved by the same loop.
  void resolve_new_terms() {
    const std::size_t first_new = projection.size();
    while (projection.size() < vocabulary.size()) {
      const TermId id(static_cast<std::uint32_t>(projection.size()));
      const FeatureKind kind = vocabulary.kind(id);
      projection.push_back(id);
      link_weight.push_back(1.0f);
      concept_of.push_back(kNoConcept);
      flags.push_back(static_cast<std::uint8_t>(
          is_language_neutral(kind) ? (kind == FeatureKind::concept_ ? 1 : 3) : 0));
      if (kind == FeatureKind::concept_) {
        concept_of.back() = static_cast<std::uint32_t>(
            std::stoul(std::string(vocabulary.text(id).substr(1))));
        continue;
      }
      if (kind == FeatureKind::entity && link_entity_variant(id)) continue;
      if (lexicon == nullptr) continue;
      const std::string_view lang = is_language_neutral(kind) ? "" : vocabulary.lang(id);
      auto links = lexicon->lookup(lang, vocabulary.text(id));
      if (links.empty()) continue;
      // The strongest link decides; ties keep the lexicon's order, so results are deterministic.
      const ConceptLink* best = &links.front();
      for (const auto& link : links) {
        if (link.weight > best->weight) best = &link;
      }
      projection[id.value()] = concept_feature(best->concept_id);
      link_weight[id.value()] = best->weight;
    }
    // A concept that a name maps to ("Kaspersky" -> the company) still counts as a shared name.
    for (std::size_t i = first_new; i < projection.size(); ++i) {
      if (flags[i] & 2) flags[projection[i].value()] |= 2;
    }
  }

  // Counts a long name under an earlier one that differs by one letter. Returns true if linked.
  bool link_entity_variant(TermId id) {
    const std::string_view text = vocabulary.text(id);
    if (text.size() < kMinVariantLength) return false;
    auto& bucket = entities_by_prefix[std::string(text.substr(0, 3))];
    for (TermId earlier : bucket) {
      if (distance_up_to_one(vocabulary.text(earlier), text) == 1) {
        projection[id.value()] = projection[earlier.value()];
        link_weight[id.value()] = kVariantWeight;
        return true;
      }
    }
    bucket.push_back(id);
    return false;
  }

  // The feature standing for a concept ("c" + its id; resolved by resolve_new_terms).
  TermId concept_feature(std::uint32_t concept_id) {
    return vocabulary.intern("", "c" + std::to_string(concept_id), FeatureKind::concept_);
  }

  // Counts one analysed article under projected features; returns them sorted by term.
  std::vector<PackedCount> project(const AnalyzedText& text, std::uint16_t slot,
                                   std::vector<TermCount>& scratch) {
    count_terms(text, vocabulary, scratch);
    resolve_new_terms();
    std::vector<PackedCount> out;
    out.reserve(scratch.size());
    if (slot >= tokens_per_slot.size()) {
      tokens_per_slot.resize(slot + 1, 0);
      mapped_per_slot.resize(slot + 1, 0);
    }
    for (const TermCount& count : scratch) {
      const auto i = count.term.value();
      const TermId feature = projection[i];
      if (is_word_kind(vocabulary.kind(count.term))) {
        const auto n = static_cast<std::uint64_t>(count.body + count.title);
        tokens_per_slot[slot] += n;
        if (feature != count.term) mapped_per_slot[slot] += n;
      }
      out.push_back({feature, saturate<std::uint16_t>(count.body),
                     saturate<std::uint8_t>(count.title),
                     saturate<std::uint8_t>(std::round(link_weight[i] * 255.0f))});
    }
    std::sort(out.begin(), out.end(),
              [](const PackedCount& a, const PackedCount& b) { return a.term < b.term; });
    // Several words may project onto one concept: their counts add up, the strongest link counts.
    std::size_t w = 0;
    for (std::size_t r = 0; r < out.size(); ++r) {
      if (w > 0 && out[w - 1].term == out[r].term) {
        auto& kept = out[w - 1];
        kept.body = saturate<std::uint16_t>(float(kept.body) + out[r].body);
        kept.title = saturate<std::uint8_t>(float(kept.title) + out[r].title);
        kept.link = std::max(kept.link, out[r].link);
      } else {
        out[w++] = out[r];
      }
    }
    out.resize(w);
    return out;
  }

  void count_df(std::uint16_t slot, const std::vector<PackedCount>& counts,
                std::optional<std::int64_t> time, std::vector<TermId>& ids) {
    ids.clear();
    for (const auto& c : counts) ids.push_back(c.term);
    df.add(slot, ids, time);
  }

  DocFeatures weigh_doc(const DocFeatures& meta, const std::vector<PackedCount>& counts,
                        std::vector<TermCount>& scratch) const {
    scratch.clear();
    for (const auto& c : counts) scratch.push_back({c.term, float(c.body), float(c.title)});
    DocFeatures doc = meta;
    WeightingOptions unpruned = options.weighting;
    unpruned.top_k = 0;
    SparseVector weighted = weigh(scratch, df, unpruned);
    // A word reached through a weak link (dictionary, pivot) speaks for its concept less.
    std::vector<SparseEntry> entries(weighted.entries().begin(), weighted.entries().end());
    std::size_t c = 0;
    for (auto& entry : entries) {
      while (c < counts.size() && counts[c].term < entry.term) ++c;
      if (c < counts.size() && counts[c].term == entry.term) entry.weight *= counts[c].link / 255.0f;
    }
    doc.vector = SparseVector::from_sorted(std::move(entries));
    doc.vector.prune_top_k(options.weighting.top_k);
    doc.vector.normalize();
    double xl = 0.0, neutral = 0.0;
    for (const auto& e : doc.vector.entries()) {
      const auto f = flags[e.term.value()];
      if (f & 1) xl += double(e.weight) * e.weight;
      if (f & 2) neutral += double(e.weight) * e.weight;
    }
    doc.crosslingual_norm = static_cast<float>(std::sqrt(xl));
    doc.neutral_norm = static_cast<float>(std::sqrt(neutral));
    return doc;
  }

  void analyze_batch(std::span<const Article> articles, std::vector<AnalyzedText>& texts) {
    texts.resize(articles.size());
    detail::parallel_for(articles.size(), workers.size(),
                         [&](std::size_t worker, std::size_t begin, std::size_t end) {
                           for (std::size_t i = begin; i < end; ++i) {
                             workers[worker].analyze(articles[i], texts[i]);
                           }
                         });
  }

  DocFeatures meta_of(const Article& article, const AnalyzedText& text) {
    DocFeatures meta;
    meta.lang_slot = vocabulary.lang_slot_of(text.lang);
    meta.lang_detected = text.lang_detected;
    meta.truncated = text.truncated;
    meta.time = article.time;
    return meta;
  }
};

Featurizer::Featurizer(const Analyzer& analyzer, const Lexicon* lexicon, FeaturizerOptions options)
    : impl_(std::make_unique<Impl>(analyzer, lexicon, options)) {}
Featurizer::~Featurizer() = default;
Featurizer::Featurizer(Featurizer&&) noexcept = default;
Featurizer& Featurizer::operator=(Featurizer&&) noexcept = default;

void Featurizer::add(std::span<const Article> articles) {
  auto& m = *impl_;
  std::vector<AnalyzedText> texts;
  m.analyze_batch(articles, texts);
  std::vector<TermCount> scratch;
  std::vector<TermId> ids;
  for (std::size_t i = 0; i < articles.size(); ++i) {
    DocFeatures meta = m.meta_of(articles[i], texts[i]);
    auto counts = m.project(texts[i], meta.lang_slot, scratch);
    m.count_df(meta.lang_slot, counts, meta.time, ids);
    m.docs.push_back(std::move(meta));
    m.pending.push_back(std::move(counts));
  }
  m.finished = false;
}

void Featurizer::finish(const ProgressCallback& progress) {
  auto& m = *impl_;
  const std::size_t n = m.docs.size();
  const std::size_t chunk = 4096;
  std::vector<std::vector<TermCount>> scratch(m.workers.size());
  for (std::size_t start = 0; start < n; start += chunk * m.workers.size()) {
    const std::size_t stop = std::min(n, start + chunk * m.workers.size());
    detail::parallel_for(stop - start, m.workers.size(),
                         [&](std::size_t worker, std::size_t begin, std::size_t end) {
                           for (std::size_t i = start + begin; i < start + end; ++i) {
                             if (m.pending[i].empty() && !m.docs[i].vector.empty()) continue;
                             m.docs[i] = m.weigh_doc(m.docs[i], m.pending[i], scratch[worker]);
                             std::vector<PackedCount>().swap(m.pending[i]);
                           }
                         });
    if (progress) progress("weigh", stop, n);
  }
  m.finished = true;
}

DocFeatures Featurizer::featurize_one(const Article& article) {
  auto& m = *impl_;
  AnalyzedText text;
  m.workers.front().analyze(article, text);
  std::vector<TermCount> scratch;
  std::vector<TermId> ids;
  DocFeatures meta = m.meta_of(article, text);
  auto counts = m.project(text, meta.lang_slot, scratch);
  if (article.time) m.df.advance_to(*article.time);
  m.count_df(meta.lang_slot, counts, meta.time, ids);
  DocFeatures doc = m.weigh_doc(meta, counts, scratch);
  m.docs.push_back(doc);
  m.pending.emplace_back();
  return doc;
}

std::size_t Featurizer::size() const { return impl_->docs.size(); }
const DocFeatures& Featurizer::features(std::size_t doc) const { return impl_->docs.at(doc); }
const Vocabulary& Featurizer::vocabulary() const { return impl_->vocabulary; }
const DocumentFrequencies& Featurizer::document_frequencies() const { return impl_->df; }
FeatureKind Featurizer::kind(TermId term) const { return impl_->vocabulary.kind(term); }
bool Featurizer::is_crosslingual(TermId term) const {
  return (impl_->flags[term.value()] & 1) != 0;
}
bool Featurizer::is_name(TermId term) const { return (impl_->flags[term.value()] & 2) != 0; }
std::string_view Featurizer::language(std::uint16_t lang_slot) const {
  return impl_->vocabulary.slot_lang(lang_slot);
}

std::optional<std::uint32_t> Featurizer::concept_of(TermId term) const {
  const auto c = impl_->concept_of.at(term.value());
  if (c == kNoConcept) return std::nullopt;
  return c;
}

std::vector<std::string> Featurizer::words_for(const Article& article, TermId term) {
  auto& m = *impl_;
  AnalyzedText text;
  m.workers.front().analyze(article, text);
  std::vector<std::string> words;
  const std::string_view lang = text.lang;
  for (const Term& t : text.terms) {
    const FeatureKind kind = feature_kind(t.kind);
    auto id = m.vocabulary.find(is_language_neutral(kind) ? "" : lang, text.text(t), kind);
    if (!id || id->value() >= m.projection.size() || m.projection[id->value()] != term) continue;
    std::string word(text.text(t));
    if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(word);
  }
  return words;
}

std::vector<Featurizer::Coverage> Featurizer::coverage() const {
  std::vector<Coverage> out;
  for (std::size_t slot = 0; slot < impl_->tokens_per_slot.size(); ++slot) {
    if (impl_->tokens_per_slot[slot] == 0) continue;
    out.push_back({std::string(impl_->vocabulary.slot_lang(static_cast<std::uint16_t>(slot))),
                   impl_->tokens_per_slot[slot], impl_->mapped_per_slot[slot]});
  }
  std::sort(out.begin(), out.end(),
            [](const Coverage& a, const Coverage& b) { return a.lang < b.lang; });
  return out;
}

}  // namespace crossnews
