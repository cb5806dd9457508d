#include <crossnews/featurizer.hpp>

#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>

#include "cluster/detail/parallel.hpp"
#include "cluster/detail/surface_forms.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace crossnews {
namespace {

using detail::find_phrases, detail::FormTable, detail::source_text, detail::spanning;
using detail::kCrosslingualFlag, detail::kNeutralFlag, detail::kPhraseStartFlag;

constexpr std::uint32_t kNoConcept = std::numeric_limits<std::uint32_t>::max();

// A term count kept between add() and finish(): 8 bytes, so a million articles of a few hundred
// distinct terms fit in a few GB. Counts saturate (tf is logarithmic: no visible loss); the link
// weight of a projected word is kept in 1/255 steps; `form` is the slot of the surface form the
// article used in the feature's form table (Featurizer::kNoForm when it has none).
constexpr std::uint16_t kMaxBodyCount = (1u << 14) - 1;
struct PackedCount {
  TermId term;
  std::uint16_t body : 14 = 0;
  std::uint16_t form : 2 = Featurizer::kNoForm;
  std::uint8_t title = 0;
  std::uint8_t link = 255;
};
static_assert(sizeof(PackedCount) == 8);

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
  std::vector<std::uint8_t> flags;  // k*Flag bits: cross-lingual, neutral, starts a phrase

  // Long entity tokens by their first three bytes, to find spelling variants of earlier names.
  absl::flat_hash_map<std::string, std::vector<TermId>> entities_by_prefix;

  std::vector<DocFeatures> docs;
  std::vector<std::vector<PackedCount>> pending;  // raw counts until finish()
  std::vector<std::uint64_t> tokens_per_slot, mapped_per_slot;
  FormTable forms;
  bool finished = false;

  // Ids of all documents; titles and texts only with options.keep_articles.
  std::vector<std::string> ids;
  absl::flat_hash_map<std::string, std::size_t> doc_of_id;
  std::vector<Article> articles;

  // One article on its way through add(). Kept across batches, so the buffers keep their capacity.
  struct Staged {
    const Article* article = nullptr;
    AnalyzedText text;
    DocFeatures meta;
    std::vector<TermCount> terms;        // in text order, parallel to text.terms
    std::vector<std::uint32_t> unknown;  // positions in `terms` the vocabulary lacked at look-up
    std::vector<PackedCount> counts;
    std::vector<std::string_view> forms;  // parallel to counts
    struct Phrase {
      std::size_t first, last;
      std::uint32_t concept_id;
    };
    std::vector<Phrase> phrases;
    std::uint64_t word_tokens = 0, mapped_tokens = 0;  // for coverage()
  };
  std::vector<Staged> staged;

  // Per worker: project()'s scratch, which a batch's staged articles need not each hold.
  struct ProjectScratch {
    std::vector<std::uint32_t> order;  // positions in Staged::terms by term, then text order
    struct Projected {
      PackedCount count;
      TermId word;            // the term counted (before projection)
      std::uint32_t tokens;   // its occurrences
      std::string_view form;  // its first surface form in the article
    };
    std::vector<Projected> projected;
  };
  std::vector<ProjectScratch> project_scratch;

  Impl(const Analyzer& a, const Lexicon* l, FeaturizerOptions o)
      : analyzer(a), lexicon(l), options(o), df(vocabulary, o.df) {
    // Each worker holds an analyzer's buffers: no more of them than can run at once.
    options.threads =
        detail::worker_count(options.threads, std::numeric_limits<std::size_t>::max());
    for (std::size_t i = 0; i < options.threads; ++i) workers.push_back(analyzer.worker());
    project_scratch.resize(options.threads);
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
          is_language_neutral(kind)
              ? (kind == FeatureKind::concept_ ? kCrosslingualFlag
                                               : kCrosslingualFlag | kNeutralFlag)
              : 0));
      if (kind == FeatureKind::concept_) {
        concept_of.back() = static_cast<std::uint32_t>(
            std::stoul(std::string(vocabulary.text(id).substr(1))));
        continue;
      }
      if (kind == FeatureKind::entity && link_entity_variant(id)) continue;
      if (lexicon == nullptr) continue;
      const std::string_view lang = is_language_neutral(kind) ? "" : vocabulary.lang(id);
      if (kind == FeatureKind::word && lexicon->starts_phrase(lang, vocabulary.text(id))) {
        flags.back() |= kPhraseStartFlag;
      }
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
      if (flags[i] & kNeutralFlag) flags[projection[i].value()] |= kNeutralFlag;
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
    char name[16] = {'c'};
    const auto end = std::to_chars(name + 1, name + sizeof name, concept_id).ptr;
    return vocabulary.intern("", std::string_view(name, static_cast<std::size_t>(end - name)),
                             FeatureKind::concept_);
  }

  // The ids of an article's terms in text order, read without changing the vocabulary, so that
  // workers can look up concurrently; terms it lacks are left to intern_unknown().
  void look_up(Staged& s) const {
    s.terms.clear();
    s.unknown.clear();
    const auto slot = vocabulary.find_lang_slot(s.text.lang);
    for (std::size_t i = 0; i < s.text.terms.size(); ++i) {
      const Term& term = s.text.terms[i];
      std::optional<TermId> id;
      if (slot) id = vocabulary.find_in_slot(*slot, s.text.text(term), feature_kind(term.kind));
      if (!id) s.unknown.push_back(static_cast<std::uint32_t>(i));
      const bool title = term.field == Field::title;
      s.terms.push_back({id.value_or(TermId{}), title ? 0.0f : 1.0f, title ? 1.0f : 0.0f});
    }
  }

  // Interns what look_up() did not find and resolves the new terms. Called in article order, so
  // ids are handed out as if each article were counted alone, whatever the thread count.
  void intern_unknown(Staged& s) {
    for (const std::uint32_t i : s.unknown) {
      const Term& term = s.text.terms[i];
      s.terms[i].term =
          vocabulary.intern_in_slot(s.meta.lang_slot, s.text.text(term), feature_kind(term.kind));
    }
    resolve_new_terms();
    count_phrases(s);
  }

  // Counts each multi-word lexicon form the article has once, under its concept, in place of its
  // words (they no longer count alone: "arma de fuego" says nothing about "fuego"). Only words
  // that start a form are tried.
  void count_phrases(Staged& s) {
    if (lexicon == nullptr) return;
    s.phrases.clear();
    find_phrases(
        *lexicon, s.text,
        [&](std::size_t i) { return (flags[s.terms[i].term.value()] & kPhraseStartFlag) != 0; },
        [&](std::size_t first, std::size_t last, const ConceptLink& link) {
          s.phrases.push_back({first, last, link.concept_id});
        });
    for (const auto& phrase : s.phrases) {
      const TermId feature = concept_feature(phrase.concept_id);
      for (std::size_t i = phrase.first; i <= phrase.last; ++i) {
        if (s.text.terms[i].kind != TermKind::word) continue;
        s.terms[i].term = feature;
        if (i > phrase.first) s.terms[i].body = s.terms[i].title = 0.0f;
      }
      s.text.terms[phrase.first] = spanning(s.text.terms, phrase.first, phrase.last);
    }
    if (!s.phrases.empty()) resolve_new_terms();
  }

  // Counts an interned article under projected features, sorted by feature, each with the surface
  // form of its most frequent word. Reads the per-term tables only, so workers can project
  // concurrently.
  void project(Staged& s, ProjectScratch& scratch) const {
    auto& order = scratch.order;
    auto& projected = scratch.projected;
    const auto& terms = s.terms;
    order.resize(terms.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::tie(terms[a].term, a) < std::tie(terms[b].term, b);
    });
    projected.clear();
    s.word_tokens = s.mapped_tokens = 0;
    for (std::size_t r = 0; r < order.size();) {
      const std::uint32_t first = order[r];
      TermCount count = terms[first];
      for (++r; r < order.size() && terms[order[r]].term == count.term; ++r) {
        count.body += terms[order[r]].body;
        count.title += terms[order[r]].title;
      }
      const auto i = count.term.value();
      const TermId feature = projection[i];
      const auto n = static_cast<std::uint32_t>(count.body + count.title);
      if (is_word_kind(vocabulary.kind(count.term))) {
        s.word_tokens += n;
        if (feature != count.term) s.mapped_tokens += n;
      }
      PackedCount packed{feature, static_cast<std::uint16_t>(std::min(count.body, float(kMaxBodyCount))),
                         Featurizer::kNoForm, saturate<std::uint8_t>(count.title),
                         saturate<std::uint8_t>(std::round(link_weight[i] * 255.0f))};
      projected.push_back({packed, count.term, n, source_text(*s.article, s.text.terms[first])});
    }
    std::sort(projected.begin(), projected.end(), [](const auto& a, const auto& b) {
      return std::tie(a.count.term, a.word) < std::tie(b.count.term, b.word);
    });
    // Several words may project onto one concept: their counts add up, the strongest link counts,
    // the most frequent word shows.
    s.counts.clear();
    s.forms.clear();
    std::uint32_t form_tokens = 0;
    for (const auto& p : projected) {
      if (!s.counts.empty() && s.counts.back().term == p.count.term) {
        auto& kept = s.counts.back();
        kept.body = std::min<std::uint16_t>(kMaxBodyCount, kept.body + p.count.body);
        kept.title = saturate<std::uint8_t>(float(kept.title) + p.count.title);
        kept.link = std::max(kept.link, p.count.link);
        if (p.tokens > form_tokens) {
          form_tokens = p.tokens;
          s.forms.back() = p.form;
        }
      } else {
        s.counts.push_back(p.count);
        s.forms.push_back(p.form);
        form_tokens = p.tokens;
      }
    }
  }

  // Counts a projected article into the frequencies and keeps it (at its exact size: a million
  // articles of a few hundred features each) until finish().
  void keep(Staged& s, std::vector<TermId>& ids) {
    if (s.meta.lang_slot >= tokens_per_slot.size()) {
      tokens_per_slot.resize(s.meta.lang_slot + 1, 0);
      mapped_per_slot.resize(s.meta.lang_slot + 1, 0);
    }
    tokens_per_slot[s.meta.lang_slot] += s.word_tokens;
    mapped_per_slot[s.meta.lang_slot] += s.mapped_tokens;
    for (std::size_t i = 0; i < s.counts.size(); ++i) {
      s.counts[i].form = forms.record(s.counts[i].term, s.meta.lang_slot, s.forms[i]);
    }
    count_df(s.meta.lang_slot, s.counts, s.meta.time, ids);
    docs.push_back(std::move(s.meta));
    pending.emplace_back(s.counts.begin(), s.counts.end());
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
    doc.forms.clear();
    c = 0;
    for (const auto& entry : doc.vector.entries()) {
      while (counts[c].term < entry.term) ++c;
      doc.forms.push_back(static_cast<std::uint8_t>(counts[c].form));
    }
    double xl = 0.0, neutral = 0.0;
    for (const auto& e : doc.vector.entries()) {
      const auto f = flags[e.term.value()];
      if (f & kCrosslingualFlag) xl += double(e.weight) * e.weight;
      if (f & kNeutralFlag) neutral += double(e.weight) * e.weight;
    }
    doc.crosslingual_norm = static_cast<float>(std::sqrt(xl));
    doc.neutral_norm = static_cast<float>(std::sqrt(neutral));
    return doc;
  }

  void remember(const Article& article) {
    doc_of_id.try_emplace(article.id, ids.size());
    ids.push_back(article.id);
    if (options.keep_articles) {
      Article kept;
      kept.title = article.title;
      kept.text = article.text;
      kept.lang = article.lang;  // re-analysis must see the language the article gave
      articles.push_back(std::move(kept));
    }
  }

  void check_doc(std::size_t doc) const {
    if (doc >= ids.size()) {
      throw InputError("document " + std::to_string(doc) + " out of range: the featurizer has " +
                       std::to_string(ids.size()));
    }
  }

  // The rest of featurize_one() for an analysed, looked-up article: interned, projected,
  // counted, and weighed against the frequencies so far.
  void featurize_staged(Staged& s) {
    const Article& article = *s.article;
    s.meta = meta_of(article, s.text);
    remember(article);
    intern_unknown(s);
    project(s, project_scratch.front());
    if (article.time) df.advance_to(*article.time);
    std::vector<TermId> ids;
    keep(s, ids);
    std::vector<TermCount> scratch;
    docs.back() = weigh_doc(docs.back(), pending.back(), scratch);
    std::vector<PackedCount>().swap(pending.back());
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
  const std::size_t n = articles.size();
  if (m.staged.size() < n) m.staged.resize(n);
  // Interning and document frequencies change shared state and run in article order; analysis,
  // look-ups and projection only read it and run in parallel.
  const auto in_parallel = [&](auto&& fn) {
    detail::parallel_for(n, m.workers.size(),
                         [&](std::size_t worker, std::size_t begin, std::size_t end) {
                           for (std::size_t i = begin; i < end; ++i) fn(worker, i);
                         });
  };
  in_parallel([&](std::size_t worker, std::size_t i) {
    m.staged[i].article = &articles[i];
    m.workers[worker].analyze(articles[i], m.staged[i].text);
    m.look_up(m.staged[i]);
  });
  for (std::size_t i = 0; i < n; ++i) {
    m.staged[i].meta = m.meta_of(articles[i], m.staged[i].text);
    m.remember(articles[i]);
    m.intern_unknown(m.staged[i]);
  }
  in_parallel([&](std::size_t worker, std::size_t i) {
    m.project(m.staged[i], m.project_scratch[worker]);
  });
  std::vector<TermId> ids;
  for (std::size_t i = 0; i < n; ++i) m.keep(m.staged[i], ids);
  m.finished = false;
}

void Featurizer::finish(const ProgressCallback& progress) {
  auto& m = *impl_;
  const std::size_t n = m.docs.size();
  if (progress) progress("weigh", 0, n);
  // The batch buffers are not needed any more; their memory is better spent on what follows.
  std::vector<Impl::Staged>().swap(m.staged);
  // Up to 4096 articles per worker and chunk, and at least 64 chunks on a large corpus, so
  // progress moves steadily.
  const std::size_t chunk = std::clamp<std::size_t>(n / (64 * m.workers.size()), 256, 4096);
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

DocumentFrequencies Featurizer::frequencies_of(std::span<const std::size_t> docs) {
  auto& m = *impl_;
  if (m.finished) throw ConfigError("Featurizer::frequencies_of: call before finish()");
  DocumentFrequencies out(m.vocabulary, m.options.df);
  std::vector<TermId> ids;
  for (const std::size_t doc : docs) {
    ids.clear();
    for (const auto& c : m.pending.at(doc)) ids.push_back(c.term);
    out.add(m.docs[doc].lang_slot, ids, m.docs[doc].time);
  }
  return out;
}

void Featurizer::use_document_frequencies(const DocumentFrequencies& frequencies) {
  auto& m = *impl_;
  if (m.finished) throw ConfigError("Featurizer::use_document_frequencies: call before finish()");
  DocumentFrequencies replaced(m.vocabulary, m.options.df);
  replaced.merge(frequencies);
  m.df = std::move(replaced);
  // Terms only other processes saw are now in the vocabulary: give them their projections.
  m.resolve_new_terms();
}

DocFeatures Featurizer::featurize_one(const Article& article) {
  auto& m = *impl_;
  if (m.staged.empty()) m.staged.resize(1);
  Impl::Staged& s = m.staged.front();
  s.article = &article;
  m.workers.front().analyze(article, s.text);
  m.look_up(s);
  m.featurize_staged(s);
  return m.docs.back();
}

void Featurizer::analyze_ahead(std::span<const Article> articles) {
  auto& m = *impl_;
  if (m.staged.size() < articles.size()) m.staged.resize(articles.size());
  // Analysis and look-ups only read shared state; the rest waits for featurize_analyzed().
  detail::parallel_for(articles.size(), m.workers.size(),
                       [&](std::size_t worker, std::size_t begin, std::size_t end) {
                         for (std::size_t i = begin; i < end; ++i) {
                           m.staged[i].article = &articles[i];
                           m.workers[worker].analyze(articles[i], m.staged[i].text);
                           m.look_up(m.staged[i]);
                         }
                       });
}

const DocFeatures& Featurizer::featurize_analyzed(std::size_t i) {
  impl_->featurize_staged(impl_->staged.at(i));
  return impl_->docs.back();
}

std::size_t Featurizer::size() const { return impl_->docs.size(); }
const DocFeatures& Featurizer::features(std::size_t doc) const { return impl_->docs.at(doc); }
const Vocabulary& Featurizer::vocabulary() const { return impl_->vocabulary; }
const DocumentFrequencies& Featurizer::document_frequencies() const { return impl_->df; }
FeatureKind Featurizer::kind(TermId term) const { return impl_->vocabulary.kind(term); }
bool Featurizer::is_crosslingual(TermId term) const {
  return (impl_->flags[term.value()] & kCrosslingualFlag) != 0;
}
bool Featurizer::is_name(TermId term) const { return (impl_->flags[term.value()] & kNeutralFlag) != 0; }
std::string_view Featurizer::language(std::uint16_t lang_slot) const {
  return impl_->vocabulary.slot_lang(lang_slot);
}

std::optional<std::uint32_t> Featurizer::concept_of(TermId term) const {
  const auto c = impl_->concept_of.at(term.value());
  if (c == kNoConcept) return std::nullopt;
  return c;
}

std::string_view Featurizer::id(std::size_t doc) const {
  impl_->check_doc(doc);
  return impl_->ids[doc];
}

std::optional<std::size_t> Featurizer::find(std::string_view id) const {
  const auto it = impl_->doc_of_id.find(std::string(id));
  if (it == impl_->doc_of_id.end()) return std::nullopt;
  return it->second;
}

bool Featurizer::keeps_articles() const { return impl_->options.keep_articles; }

std::string_view Featurizer::title(std::size_t doc) const {
  impl_->check_doc(doc);
  if (!keeps_articles()) {
    throw ConfigError("titles are kept only with FeaturizerOptions::keep_articles");
  }
  return impl_->articles[doc].title;
}

std::vector<std::vector<WordUse>> Featurizer::words_for(const Article& article,
                                                        std::span<const TermId> terms) const {
  const auto& m = *impl_;
  // A worker of its own: the featurizer's workers are scratch state of add(), and this is const.
  auto worker = m.analyzer.worker();
  AnalyzedText text;
  worker.analyze(article, text);
  std::vector<std::vector<WordUse>> words(terms.size());
  const auto add = [&](std::size_t asked, const Term& source, TermId id) {
    std::string surface = clip_label(source_text(article, source));
    if (surface.empty()) surface = text.text(source);
    auto& list = words[asked];
    if (std::none_of(list.begin(), list.end(),
                     [&](const WordUse& w) { return w.surface == surface; })) {
      list.push_back({std::move(surface), id});
    }
  };
  for (const Term& t : text.terms) {
    const FeatureKind kind = feature_kind(t.kind);
    auto id = m.vocabulary.find(is_language_neutral(kind) ? "" : text.lang, text.text(t), kind);
    if (!id || id->value() >= m.projection.size()) continue;
    const auto asked = std::find(terms.begin(), terms.end(), m.projection[id->value()]);
    if (asked != terms.end()) add(static_cast<std::size_t>(asked - terms.begin()), t, *id);
  }
  if (m.lexicon == nullptr) return words;
  // Multi-word forms count as their concept in place of their words: show the whole phrase.
  find_phrases(
      *m.lexicon, text, [](std::size_t) { return true; },
      [&](std::size_t first, std::size_t last, const ConceptLink& link) {
        for (std::size_t k = 0; k < terms.size(); ++k) {
          if (concept_of(terms[k]) == link.concept_id) {
            add(k, spanning(text.terms, first, last), terms[k]);
          }
        }
      });
  return words;
}

std::vector<std::vector<WordUse>> Featurizer::words_for(std::size_t doc,
                                                        std::span<const TermId> terms) const {
  impl_->check_doc(doc);
  if (!keeps_articles()) {
    throw ConfigError("the words of a document are kept only with FeaturizerOptions::keep_articles");
  }
  return words_for(impl_->articles[doc], terms);
}

std::string_view Featurizer::surface_form(TermId feature, std::uint16_t lang_slot,
                                          std::uint8_t form) const {
  const auto* forms = impl_->forms.find(feature, lang_slot);
  return forms && form < forms->used ? impl_->forms.text(*forms, form) : std::string_view{};
}

std::uint32_t Featurizer::surface_count(TermId feature, std::uint16_t lang_slot,
                                        std::uint8_t form) const {
  const auto* forms = impl_->forms.find(feature, lang_slot);
  return forms && form < forms->used ? forms->count[form] : 0;
}

std::string clip_label(std::string_view text) {
  if (text.size() <= Featurizer::kMaxLabelBytes) return std::string(text);
  std::size_t cut = Featurizer::kMaxLabelBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "\u2026";
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
