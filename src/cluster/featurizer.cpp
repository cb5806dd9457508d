#include <crossnews/featurizer.hpp>

#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>
#include <crossnews/model.hpp>

#include "cluster/detail/featurizer_impl.hpp"
#include "cluster/detail/featurizer_state.hpp"
#include "cluster/detail/model_options.hpp"
#include "cluster/detail/parallel.hpp"
#include "cluster/detail/surface_forms.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <thread>

namespace crossnews {

Featurizer::Featurizer(const Analyzer& analyzer, const Lexicon* lexicon, FeaturizerOptions options)
    : impl_(std::make_unique<Impl>(analyzer, lexicon, options)) {}
Featurizer::Featurizer(const Model& model, FeaturizerOptions options)
    : Featurizer(model.analyzer(), &model.lexicon(), detail::with_background(model, options)) {}

void Featurizer::add(std::span<const Article> articles) {
  auto& m = *impl_;
  // In slices small enough that an article's analysis is still in the cache when it is interned,
  // projected and kept (a whole batch's staged articles take hundreds of megabytes); two halves
  // of the staging buffers take turns, so that one slice is kept while the next is analysed.
  const std::size_t slice = Impl::kSliceArticlesPerWorker * m.workers.size();
  if (m.staged.size() < 2 * slice) m.staged.resize(2 * slice);
  std::span<Impl::Staged> unkept;
  for (std::size_t start = 0, half = 0; start < articles.size(); start += slice, half ^= 1) {
    const auto part = articles.subspan(start, std::min(slice, articles.size() - start));
    const std::span<Impl::Staged> staged(m.staged.data() + half * slice, part.size());
    m.analyze_while_keeping(part, staged, unkept);
    m.intern_and_project(part, staged);
    unkept = staged;
  }
  m.keep_all(unkept);
  m.finished = false;
}

// Analysis and look-ups only read the vocabulary; keeping the previous slice only writes counts,
// frequencies and surface forms: with more than one worker, both run at once.
void Featurizer::Impl::analyze_while_keeping(std::span<const Article> articles,
                                             std::span<Staged> staged, std::span<Staged> unkept) {
  const auto analyze = [&] {
    detail::parallel_for(articles.size(), workers.size(),
                         [&](std::size_t worker, std::size_t begin, std::size_t end) {
                           for (std::size_t i = begin; i < end; ++i) {
                             staged[i].article = &articles[i];
                             workers[worker].analyze(articles[i], staged[i].text);
                             look_up(staged[i], memos[worker]);
                           }
                         });
  };
  if (workers.size() == 1 || unkept.empty()) {
    keep_all(unkept);
    analyze();
    return;
  }
  std::exception_ptr error;
  std::thread keeper([&] {
    try {
      keep_all(unkept);
    } catch (...) {
      error = std::current_exception();
    }
  });
  try {
    analyze();
  } catch (...) {
    keeper.join();
    throw;
  }
  keeper.join();
  if (error) std::rethrow_exception(error);
}

// Interning changes shared state and runs in article order; projection only reads it and runs
// in parallel.
void Featurizer::Impl::intern_and_project(std::span<const Article> articles,
                                          std::span<Staged> staged) {
  for (std::size_t i = 0; i < articles.size(); ++i) {
    staged[i].meta = meta_of(articles[i], staged[i].text);
    remember(articles[i]);
    intern_unknown(staged[i]);
  }
  detail::parallel_for(articles.size(), workers.size(),
                       [&](std::size_t worker, std::size_t begin, std::size_t end) {
                         for (std::size_t i = begin; i < end; ++i) {
                           project(staged[i], project_scratch[worker]);
                         }
                       });
}

void Featurizer::Impl::project(Staged& s, ProjectScratch& scratch) const {
  // Grouped by term in a small table, not by sorting the article's tokens.
  auto& counter = scratch.counter;
  counter.reset(s.terms.size());
  for (std::size_t i = 0; i < s.terms.size(); ++i) {
    const TermCount& t = s.terms[i];
    counter.add(t.term, t.body, t.title, static_cast<std::uint32_t>(i));
  }
  auto& projected = scratch.projected;  // parallel to the counter's entries
  projected.clear();
  scratch.order.clear();
  s.word_tokens = s.mapped_tokens = 0;
  const auto counted = counter.entries();
  for (std::size_t k = 0; k < counted.size(); ++k) {
    if (k + kProjectAhead < counted.size()) {
      const auto ahead = counted[k + kProjectAhead].term.value();
      __builtin_prefetch(&projection[ahead]);
      __builtin_prefetch(&flags[ahead]);
      __builtin_prefetch(&link_weight[ahead]);
    }
    const auto& count = counted[k];
    const auto i = count.term.value();
    const TermId feature = projection[i];
    const auto n = static_cast<std::uint32_t>(count.body + count.title);
    if (is_word_feature(flags[i])) {
      s.word_tokens += n;
      if (feature != count.term) s.mapped_tokens += n;
    }
    PackedCount packed{feature,
                       static_cast<std::uint16_t>(std::min(count.body, float(kMaxBodyCount))),
                       Featurizer::kNoForm, saturate<std::uint8_t>(count.title),
                       saturate<std::uint8_t>(std::round(link_weight[i] * 255.0f))};
    projected.push_back({packed, n, source_text(*s.article, s.text.terms[count.first])});
    scratch.order.push_back(std::uint64_t{feature.value()} << 32 | i);
  }
  // Packed keys sort without moving the counts.
  std::sort(scratch.order.begin(), scratch.order.end());
  merge_projected(s, scratch);
}

// Several words may project onto one concept: their counts add up, the strongest link counts,
// the most frequent word shows (the first in term order on a tie).
void Featurizer::Impl::merge_projected(Staged& s, const ProjectScratch& scratch) {
  s.counts.clear();
  s.forms.clear();
  std::uint32_t form_tokens = 0;
  for (const std::uint64_t key : scratch.order) {
    const TermId word(static_cast<std::uint32_t>(key));
    const auto& p = scratch.projected[scratch.counter.index_of(word)];
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

void Featurizer::Impl::keep_all(std::span<Staged> staged) {
  std::vector<TermId> ids;
  for (Staged& s : staged) keep(s, ids);
}

DocFeatures Featurizer::Impl::meta_of(const Article& article, const AnalyzedText& text) {
  DocFeatures meta;
  meta.lang_slot = vocabulary.lang_slot_of(text.lang);
  meta.lang_detected = text.lang_detected;
  meta.truncated = text.truncated;
  meta.time = article.time;
  return meta;
}

DocFeatures Featurizer::Impl::weigh_doc(const DocFeatures& meta,
                                          std::span<const PackedCount> counts,
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
  doc.forms.reserve(doc.vector.size());  // exact: a stream holds many of these at once
  c = 0;
  for (const auto& entry : doc.vector.entries()) {
    while (counts[c].term < entry.term) ++c;
    doc.forms.push_back(static_cast<std::uint8_t>(counts[c].form));
  }
  set_norms(doc);
  return doc;
}

void Featurizer::Impl::set_norms(DocFeatures& doc) const {
  double xl = 0.0, neutral = 0.0;
  for (const auto& e : doc.vector.entries()) {
    const auto f = flags[e.term.value()];
    if (f & kCrosslingualFlag) xl += double(e.weight) * e.weight;
    if (f & kNeutralFlag) neutral += double(e.weight) * e.weight;
  }
  doc.crosslingual_norm = static_cast<float>(std::sqrt(xl));
  doc.neutral_norm = static_cast<float>(std::sqrt(neutral));
}

// What a document's weights are made of besides the idf of their terms (tf, boosts, the links'
// weights, the norm): each weight over its term's idf, as weigh_doc() just left them.
std::vector<float> Featurizer::Impl::idf_factors(const DocFeatures& doc) const {
  std::vector<float> factors;
  factors.reserve(doc.vector.size());
  for (const auto& e : doc.vector.entries()) {
    factors.push_back(static_cast<float>(e.weight / df.idf(e.term)));
  }
  return factors;
}

void Featurizer::finish(const ProgressCallback& progress) {
  auto& m = *impl_;
  const std::size_t n = m.slot_of_doc.size();
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
                             if (!m.pending.has(i)) continue;  // weighed already
                             DocFeatures& doc = m.docs[m.slot_of_doc[i]];
                             doc = m.weigh_doc(doc, m.pending.of(i), scratch[worker]);
                           }
                         });
    m.pending.drop_before(stop);
    if (progress) progress("weigh", stop, n);
  }
  m.finished = true;
}

DocumentFrequencies Featurizer::frequencies_of(std::span<const DocId> docs) {
  auto& m = *impl_;
  if (m.finished) throw ConfigError("Featurizer::frequencies_of: call before finish()");
  DocumentFrequencies out(m.vocabulary, m.options.df);
  std::vector<TermId> ids;
  for (const DocId id : docs) {
    const std::uint32_t slot = m.slot(id);
    ids.clear();
    for (const auto& c : m.pending.of(id.value())) ids.push_back(c.term);
    out.add(m.docs[slot].lang_slot, ids, m.docs[slot].time);
  }
  return out;
}

void Featurizer::use_document_frequencies(const DocumentFrequencies& frequencies) {
  auto& m = *impl_;
  if (m.finished) throw ConfigError("Featurizer::use_document_frequencies: call before finish()");
  DocumentFrequencies replaced(m.vocabulary, m.options.df);
  replaced.merge(frequencies);
  replaced.set_background(m.options.background);
  m.df = std::move(replaced);
  m.forget_idfs();
  // Terms only other processes saw are now in the vocabulary: give them their projections.
  m.resolve_new_terms();
}

DocFeatures Featurizer::featurize_one(const Article& article) {
  auto& m = *impl_;
  if (m.staged.empty()) m.staged.resize(1);
  Impl::Staged& s = m.staged.front();
  s.article = &article;
  m.workers.front().analyze(article, s.text);
  m.look_up(s, m.memos.front());
  return m.featurize_staged(s);
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
                           m.look_up(m.staged[i], m.memos[worker]);
                         }
                       });
}

const DocFeatures& Featurizer::featurize_analyzed(std::size_t i) {
  return impl_->featurize_staged(impl_->staged.at(i));
}

const DocFeatures& Featurizer::weighed_again(DocId doc) {
  auto& m = *impl_;
  const std::uint32_t slot = m.slot(doc);
  const DocFeatures& then = m.docs[slot];
  if (slot >= m.streamed_factors.size() || m.streamed_factors[slot].size() != then.vector.size()) {
    throw InputError("Featurizer::weighed_again: document " + to_string(doc) +
                     " was not weighed as it came (featurize_one)");
  }
  // The terms kept when it came, each by its weight then over its idf then, times its idf now.
  std::vector<SparseEntry> entries(then.vector.entries().begin(), then.vector.entries().end());
  const std::vector<float>& factors = m.streamed_factors[slot];
  if (m.term_idf_memo.size() < m.vocabulary.size()) m.term_idf_memo.resize(m.vocabulary.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i].weight = factors[i] * m.idf_now(entries[i].term);
  }
  DocFeatures& now = m.weighed_again;
  now.lang_slot = then.lang_slot;
  now.lang_detected = then.lang_detected;
  now.truncated = then.truncated;
  now.time = then.time;
  now.vector = SparseVector::from_sorted(std::move(entries));
  now.vector.normalize();
  now.forms = then.forms;
  m.set_norms(now);
  return now;
}

float Featurizer::Impl::idf_now(TermId term) {
  TermIdfMemo& memo = term_idf_memo[term.value()];
  std::optional<DocumentFrequencies::IdfRatio> ratio;
  if (memo.generation != idf_generation) {
    ratio = df.idf_ratio(term);
    memo.log_frequency = std::log(ratio->frequency);
    memo.language =
        is_language_neutral(vocabulary.kind(term)) ? 0 : vocabulary.lang_slot(term).value() + 1u;
    memo.generation = idf_generation;
  }
  if (language_idf_memo.size() <= memo.language) language_idf_memo.resize(memo.language + 1);
  LanguageIdfMemo& language = language_idf_memo[memo.language];
  if (language.counted != ids.size() || language.generation != idf_generation) {
    if (!ratio) ratio = df.idf_ratio(term);
    language.log_documents = std::log(ratio->documents);
    language.counted = ids.size();
    language.generation = idf_generation;
  }
  return static_cast<float>(language.log_documents - memo.log_frequency + 1.0);
}

void Featurizer::release(DocId doc) { impl_->release(doc); }

bool Featurizer::released(DocId doc) const {
  impl_->check_doc(doc);
  return impl_->slot_of_doc[doc.value()] == detail::kReleasedDoc;
}

std::size_t Featurizer::size() const { return impl_->slot_of_doc.size(); }
bool Featurizer::finished() const { return impl_->finished; }
const DocFeatures& Featurizer::features(DocId doc) const {
  return impl_->docs[impl_->slot(doc)];
}
const Vocabulary& Featurizer::vocabulary() const { return impl_->vocabulary; }
const DocumentFrequencies& Featurizer::document_frequencies() const { return impl_->df; }
FeatureKind Featurizer::kind(TermId term) const { return impl_->vocabulary.kind(term); }
bool Featurizer::is_crosslingual(TermId term) const {
  return (impl_->flags[term.value()] & kCrosslingualFlag) != 0;
}
bool Featurizer::is_name(TermId term) const { return (impl_->flags[term.value()] & kNeutralFlag) != 0; }
std::string_view Featurizer::language(LangSlot lang_slot) const {
  return impl_->vocabulary.slot_lang(lang_slot);
}

std::optional<std::uint32_t> Featurizer::concept_of(TermId term) const {
  const auto c = impl_->concept_of.at(term.value());
  if (c == kNoConcept) return std::nullopt;
  return c;
}

std::string_view Featurizer::id(DocId doc) const {
  impl_->check_doc(doc);
  return impl_->ids[doc.value()];
}

std::optional<DocId> Featurizer::find(std::string_view id) const {
  const auto doc = impl_->ids.find(id);
  if (!doc) return std::nullopt;
  return DocId{static_cast<DocId::rep_type>(*doc)};
}

bool Featurizer::keeps_articles() const { return impl_->options.keep_articles; }

std::string_view Featurizer::title(DocId doc) const {
  impl_->check_doc(doc);
  if (!keeps_articles()) {
    throw ConfigError("titles are kept only with FeaturizerOptions::keep_articles");
  }
  impl_->check_held(doc);
  return impl_->articles[doc.value()].title;
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

std::vector<std::vector<WordUse>> Featurizer::words_for(DocId doc,
                                                        std::span<const TermId> terms) const {
  impl_->check_doc(doc);
  if (!keeps_articles()) {
    throw ConfigError("the words of a document are kept only with FeaturizerOptions::keep_articles");
  }
  impl_->check_held(doc);
  return words_for(impl_->articles[doc.value()], terms);
}

std::string_view Featurizer::surface_form(TermId feature, LangSlot lang_slot,
                                          std::uint8_t form) const {
  const auto* forms = impl_->forms.find(feature, lang_slot.value());
  return forms && form < forms->used ? impl_->forms.text(*forms, form) : std::string_view{};
}

std::uint32_t Featurizer::surface_count(TermId feature, LangSlot lang_slot,
                                        std::uint8_t form) const {
  const auto* forms = impl_->forms.find(feature, lang_slot.value());
  return forms && form < forms->used ? forms->count[form] : 0;
}

detail::FeaturizerMembers Featurizer::members() const {
  auto& m = *impl_;
  return {m.options,          m.vocabulary,  m.df,          m.forms,    m.docs,
          m.streamed_factors, m.slot_of_doc, m.ids,         m.articles, m.tokens_per_slot,
          m.mapped_per_slot,  m.projection,  m.link_weight, m.flags};
}

void Featurizer::rebuild_after_load() {
  auto& m = *impl_;
  m.pending = {};
  m.forget_idfs();
  m.resolve_new_terms();
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
    out.push_back(
        {std::string(impl_->vocabulary.slot_lang(LangSlot{static_cast<std::uint16_t>(slot)})),
         impl_->tokens_per_slot[slot], impl_->mapped_per_slot[slot]});
  }
  std::sort(out.begin(), out.end(),
            [](const Coverage& a, const Coverage& b) { return a.lang < b.lang; });
  return out;
}

}  // namespace crossnews
