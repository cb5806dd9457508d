#pragma once
// The state behind Featurizer and the steps an article takes through add() and finish(): look-up,
// interning, projection onto concepts, counting, weighing (the public API is in featurizer.cpp).

#include <crossnews/error.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/lexicon.hpp>

#include "cluster/detail/featurizer_state.hpp"
#include "cluster/detail/id_table.hpp"
#include "cluster/detail/parallel.hpp"
#include "cluster/detail/pending_counts.hpp"
#include "cluster/detail/surface_forms.hpp"
#include "cluster/detail/term_counter.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace crossnews {

namespace detail {

constexpr std::uint32_t kNoConcept = std::numeric_limits<std::uint32_t>::max();

template <class T>
T saturate(float count) {
  return static_cast<T>(std::min(count, float(std::numeric_limits<T>::max())));
}

// Words and compound parts, the kinds of one language, are the only features without the
// cross-lingual flag: a flag look-up tells them apart without the vocabulary's term table.
inline bool is_word_feature(std::uint8_t flags) { return (flags & kCrosslingualFlag) == 0; }

// Levenshtein distance of a and b if it is at most 1, else 2 (all we need to know).
inline int distance_up_to_one(std::string_view a, std::string_view b) {
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

// How many counts ahead keep() starts reading a feature's surface forms (FormTable::prefetch_*):
// the entry's number, the entry, the text.
constexpr std::size_t kFormFirstAhead = 12, kFormEntryAhead = 8, kFormTextAhead = 4;
// How many terms ahead look_up() starts reading a term's memoized id, and project() a counted
// term's projection.
constexpr std::size_t kMemoAhead = 8, kProjectAhead = 8;

// Names long enough that one letter more or less is a spelling variant, not another name
// ("Eletronic Frontier Foundation" in the Italian seed): in bytes.
constexpr std::size_t kMinVariantLength = 8;
constexpr float kVariantWeight = 0.9f;

}  // namespace detail

using detail::find_phrases, detail::FormTable, detail::source_text, detail::spanning;
using detail::kCrosslingualFlag, detail::kNeutralFlag, detail::kPhraseStartFlag;
using detail::distance_up_to_one, detail::is_word_feature, detail::saturate;
using detail::kFormEntryAhead, detail::kFormFirstAhead, detail::kFormTextAhead;
using detail::kMemoAhead, detail::kProjectAhead;
using detail::kMaxBodyCount, detail::kMinVariantLength, detail::kNoConcept, detail::kVariantWeight;
using detail::PackedCount, detail::PendingCounts;

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

  // The documents not released (Featurizer::release), by slot: a document's slot is its number
  // until documents are released, whose slots are then reused, so an endless stream holds the
  // features of the documents it still uses only.
  std::vector<DocFeatures> docs;
  PendingCounts pending;  // by document: raw counts until finish()
  // By slot, for documents weighed as they came (a stream): each weight of the vector over its
  // term's idf then, to weigh it again by the idf now (Featurizer::weighed_again).
  std::vector<std::vector<float>> streamed_factors;
  DocFeatures weighed_again;               // Featurizer::weighed_again()'s result
  // For weighed_again(), which a stream runs on every neighbour of every article: idf(t) split
  // as ln(1 + N) - ln(1 + df(t)) + 1 (DocumentFrequencies::idf_ratio), so that counting an
  // article retakes the logarithm of its language's N and of its own terms' df only. By term:
  // ln(1 + df) and which language's N goes with it (0: the language-neutral terms' total, else
  // slot + 1), valid while `generation` is idf_generation; counting the term sets it to 0.
  struct TermIdfMemo {
    double log_frequency = 0.0;
    std::uint32_t generation = 0;
    std::uint32_t language = 0;
  };
  // By language as above: ln(1 + N) while `counted` documents were counted, in `generation`.
  struct LanguageIdfMemo {
    double log_documents = 0.0;
    std::size_t counted = 0;
    std::uint32_t generation = 0;
  };
  std::vector<TermIdfMemo> term_idf_memo;
  std::vector<LanguageIdfMemo> language_idf_memo;
  std::uint32_t idf_generation = 1;
  // Every term's idf may have changed (decay, a window, frequencies replaced): no memo holds.
  void forget_idfs() {
    if (++idf_generation != 0) return;
    for (auto& memo : term_idf_memo) memo.generation = 0;
    for (auto& memo : language_idf_memo) memo.generation = 0;
    idf_generation = 1;
  }
  // idf(t) now, for weighed_again().
  float idf_now(TermId term);
  std::vector<std::uint32_t> slot_of_doc;  // by document: its slot, kReleasedDoc once released
  std::vector<std::uint32_t> free_slots;
  std::vector<std::uint64_t> tokens_per_slot, mapped_per_slot;
  FormTable forms;
  bool finished = false;

  // Ids of all documents; titles and texts only with options.keep_articles.
  detail::IdTable ids;
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
  // Featurizer::add() in slices of this many articles per worker (featurizer.cpp).
  static constexpr std::size_t kSliceArticlesPerWorker = 64;
  void analyze_while_keeping(std::span<const Article> articles, std::span<Staged> staged,
                             std::span<Staged> unkept);
  void intern_and_project(std::span<const Article> articles, std::span<Staged> staged);
  void keep_all(std::span<Staged> staged);

  // Per worker: project()'s scratch, which a batch's staged articles need not each hold.
  struct ProjectScratch {
    detail::TermCounter counter;
    std::vector<std::uint64_t> order;  // feature << 32 | word, one per counted word, sorted
    struct Projected {
      PackedCount count;
      std::uint32_t tokens;   // occurrences of the word counted
      std::string_view form;  // its first surface form in the article
    };
    std::vector<Projected> projected;
  };
  std::vector<ProjectScratch> project_scratch;

  // Per worker and language slot: the TermId of each term key the worker's analyzer handed out
  // (AnalyzedText::keys), so that a term seen before costs an array read instead of a vocabulary
  // look-up, a hash of its text into a table too large for the cache. Only found ids are kept:
  // an id never changes once interned.
  struct TermMemo {
    static constexpr TermId kNotLooked{std::numeric_limits<TermId::rep_type>::max()};
    std::uint64_t key_space = 0;
    std::vector<TermId> ids;  // by key
    // A corpus's keys take a few MB per language: look-ups some terms ahead start reading the id
    // (a hint: nothing changes; always inlined, as FormTable::prefetch_first).
    [[gnu::always_inline]] void prefetch(std::uint32_t key) const {
      if (key < ids.size()) __builtin_prefetch(&ids[key]);
    }
  };
  std::vector<std::vector<TermMemo>> memos;

  Impl(const Analyzer& a, const Lexicon* l, FeaturizerOptions o)
      : analyzer(a), lexicon(l), options(o), df(vocabulary, o.df) {
    // Each worker holds an analyzer's buffers: no more of them than can run at once.
    options.threads =
        detail::worker_count(options.threads, std::numeric_limits<std::size_t>::max());
    for (std::size_t i = 0; i < options.threads; ++i) workers.push_back(analyzer.worker());
    project_scratch.resize(options.threads);
    memos.resize(options.threads);
    df.set_background(options.background);
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
  // workers can look up concurrently (each with its own memos); terms it lacks are left to
  // intern_unknown().
  void look_up(Staged& s, std::vector<TermMemo>& worker_memos) const {
    s.terms.clear();
    s.unknown.clear();
    const auto slot = vocabulary.find_lang_slot(s.text.lang);
    TermMemo* memo = nullptr;
    if (slot && s.text.keys.size() == s.text.terms.size()) {
      if (worker_memos.size() <= slot->value()) worker_memos.resize(slot->value() + 1);
      memo = &worker_memos[slot->value()];
      if (memo->key_space != s.text.key_space) {
        memo->key_space = s.text.key_space;
        memo->ids.clear();
      }
    }
    for (std::size_t i = 0; i < s.text.terms.size(); ++i) {
      if (memo && i + kMemoAhead < s.text.keys.size()) memo->prefetch(s.text.keys[i + kMemoAhead]);
      const Term& term = s.text.terms[i];
      std::optional<TermId> id;
      if (memo) {
        id = find_memoized(*slot, s.text, i, *memo);
      } else if (slot) {
        id = vocabulary.find_in_slot(*slot, s.text.text(term), feature_kind(term.kind));
      }
      if (!id) s.unknown.push_back(static_cast<std::uint32_t>(i));
      const bool title = term.field == Field::title;
      s.terms.push_back({id.value_or(TermId{}), title ? 0.0f : 1.0f, title ? 1.0f : 0.0f});
    }
  }

  std::optional<TermId> find_memoized(LangSlot slot, const AnalyzedText& text, std::size_t i,
                                      TermMemo& memo) const {
    const std::uint32_t key = text.keys[i];
    if (key < memo.ids.size() && memo.ids[key] != TermMemo::kNotLooked) return memo.ids[key];
    const Term& term = text.terms[i];
    const auto id = vocabulary.find_in_slot(slot, text.text(term), feature_kind(term.kind));
    if (id && key != AnalyzedText::kNoKey) {
      if (key >= memo.ids.size()) {
        memo.ids.resize(std::max<std::size_t>(key + 1, 2 * memo.ids.size()), TermMemo::kNotLooked);
      }
      memo.ids[key] = *id;
    }
    return id;
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
  // concurrently (featurizer.cpp).
  void project(Staged& s, ProjectScratch& scratch) const;
  static void merge_projected(Staged& s, const ProjectScratch& scratch);

  // Counts a projected article into the frequencies and keeps it; its counts wait for finish()
  // in `pending`, unless `weigh_now` (streaming: the article is weighed against the frequencies
  // so far).
  void keep(Staged& s, std::vector<TermId>& ids, bool weigh_now = false) {
    const std::uint16_t slot = s.meta.lang_slot.value();
    if (slot >= tokens_per_slot.size()) {
      tokens_per_slot.resize(slot + 1, 0);
      mapped_per_slot.resize(slot + 1, 0);
    }
    tokens_per_slot[slot] += s.word_tokens;
    mapped_per_slot[slot] += s.mapped_tokens;
    const std::size_t n = s.counts.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kFormFirstAhead < n) forms.prefetch_first(s.counts[i + kFormFirstAhead].term);
      if (i + kFormEntryAhead < n) forms.prefetch_entry(s.counts[i + kFormEntryAhead].term);
      if (i + kFormTextAhead < n) forms.prefetch_text(s.counts[i + kFormTextAhead].term);
      s.counts[i].form = forms.record(s.counts[i].term, slot, s.forms[i]);
    }
    count_df(s.meta.lang_slot, s.counts, s.meta.time, ids);
    const std::size_t doc = slot_of_doc.size();
    const std::uint32_t at = store(std::move(s.meta));
    if (weigh_now) {
      std::vector<TermCount> scratch;
      docs[at] = weigh_doc(docs[at], s.counts, scratch);
      if (streamed_factors.size() <= at) streamed_factors.resize(at + 1);
      streamed_factors[at] = idf_factors(docs[at]);
    } else {
      pending.push(doc, s.counts);
    }
  }

  // Places the next document in a released slot if any, else in a new one at the end; returns
  // the slot.
  std::uint32_t store(DocFeatures&& meta) {
    if (free_slots.empty()) {
      slot_of_doc.push_back(static_cast<std::uint32_t>(docs.size()));
      docs.push_back(std::move(meta));
      return slot_of_doc.back();
    }
    const std::uint32_t slot = free_slots.back();
    free_slots.pop_back();
    slot_of_doc.push_back(slot);
    docs[slot] = std::move(meta);
    return slot;
  }

  // The slot of a document that is held; InputError for one out of range or released.
  [[nodiscard]] std::uint32_t slot(DocId doc) const {
    check_doc(doc);
    const std::uint32_t s = slot_of_doc[doc.value()];
    if (s == detail::kReleasedDoc) {
      throw InputError("document " + to_string(doc) + " (id '" + std::string(ids[doc.value()]) +
                       "') was released: only its id is kept");
    }
    return s;
  }
  void check_held(DocId doc) const { (void)slot(doc); }

  void release(DocId doc) {
    check_doc(doc);
    const std::uint32_t s = slot_of_doc[doc.value()];
    if (s == detail::kReleasedDoc) return;
    if (pending.has(doc.value())) {
      throw ConfigError("Featurizer::release: document " + to_string(doc) +
                        " waits for finish() to be weighed");
    }
    docs[s] = DocFeatures{};
    free_slots.push_back(s);
    if (s < streamed_factors.size()) std::vector<float>().swap(streamed_factors[s]);
    slot_of_doc[doc.value()] = detail::kReleasedDoc;
    if (options.keep_articles) articles[doc.value()] = Article{};
  }

  void count_df(LangSlot slot, std::span<const PackedCount> counts,
                std::optional<std::int64_t> time, std::vector<TermId>& ids) {
    ids.clear();
    for (const auto& c : counts) ids.push_back(c.term);
    df.add(slot, ids, time);
    for (const TermId t : ids) {
      if (t.value() < term_idf_memo.size()) term_idf_memo[t.value()].generation = 0;
    }
  }

  // An article's counts weighed against the frequencies so far: its unit vector, the surface form
  // of each kept feature, and the norms of its cross-lingual and neutral parts (featurizer.cpp).
  DocFeatures weigh_doc(const DocFeatures& meta, std::span<const PackedCount> counts,
                        std::vector<TermCount>& scratch) const;

  [[nodiscard]] std::vector<float> idf_factors(const DocFeatures& doc) const;
  void set_norms(DocFeatures& doc) const;  // crosslingual_norm and neutral_norm of its vector
  void remember(const Article& article) {
    ids.add(article.id);
    if (options.keep_articles) {
      Article kept;
      kept.title = article.title;
      kept.text = article.text;
      kept.lang = article.lang;  // re-analysis must see the language the article gave
      articles.push_back(std::move(kept));
    }
  }

  void check_doc(DocId doc) const {
    if (doc.value() >= ids.size()) {
      throw InputError("document " + to_string(doc) + " out of range: the featurizer has " +
                       std::to_string(ids.size()));
    }
  }

  // The rest of featurize_one() for an analysed, looked-up article: interned, projected,
  // counted, and weighed against the frequencies so far.
  const DocFeatures& featurize_staged(Staged& s) {
    const Article& article = *s.article;
    s.meta = meta_of(article, s.text);
    remember(article);
    intern_unknown(s);
    project(s, project_scratch.front());
    if (article.time) {
      df.advance_to(*article.time);
      if (options.df.half_life_days > 0.0 || options.df.window_days > 0.0) forget_idfs();
    }
    std::vector<TermId> ids;
    keep(s, ids, true);
    return docs[slot_of_doc.back()];
  }

  DocFeatures meta_of(const Article& article, const AnalyzedText& text);
};

}  // namespace crossnews
