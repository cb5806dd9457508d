#include <crossnews/error.hpp>
#include <crossnews/tfidf.hpp>

#include "model/detail/df_table.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace crossnews {

struct DocumentFrequencies::Impl : detail::DfTable {
  // The background (set_background) and its counts by this table's TermIds and language slots,
  // looked up once per term by text: idf() runs once per term of every weighed article.
  const DocumentFrequencies* background = nullptr;
  double background_scale = 0.0;  // lambda = background_documents / the background's total
  std::vector<double> background_df;
  std::vector<double> background_documents;

  [[nodiscard]] double background_df_of(TermId term) const {
    const Vocabulary& from = *vocabulary;
    const auto slot = background->vocabulary().find_lang_slot(from.lang(term));
    if (!slot) return 0.0;
    const auto id = background->vocabulary().find_in_slot(*slot, from.text(term), from.kind(term));
    return id ? background->df(*id) : 0.0;
  }
  [[nodiscard]] double background_documents_of(LangSlot slot) const {
    const auto own = background->vocabulary().find_lang_slot(vocabulary->slot_lang(slot));
    return own ? background->documents(*own) : 0.0;
  }
  // Extends the looked-up counts to every term and language the vocabulary holds now.
  void sync_background() {
    if (background == nullptr) return;
    for (auto id = static_cast<std::uint32_t>(background_df.size()); id < vocabulary->size(); ++id) {
      background_df.push_back(background_df_of(TermId(id)));
    }
    for (auto s = background_documents.size(); s < vocabulary->language_count(); ++s) {
      background_documents.push_back(
          background_documents_of(LangSlot{static_cast<std::uint16_t>(s)}));
    }
  }
};

DocumentFrequencies::DocumentFrequencies(Vocabulary& vocabulary, DfOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!std::isfinite(options.half_life_days) || options.half_life_days < 0.0) {
    throw ConfigError("DfOptions::half_life_days must be >= 0, got " +
                      std::to_string(options.half_life_days));
  }
  if (!std::isfinite(options.window_days) || options.window_days < 0.0) {
    throw ConfigError("DfOptions::window_days must be >= 0, got " +
                      std::to_string(options.window_days));
  }
  if (!std::isfinite(options.background_documents) || options.background_documents < 0.0) {
    throw ConfigError("DfOptions::background_documents must be >= 0, got " +
                      std::to_string(options.background_documents));
  }
  impl_->vocabulary = &vocabulary;
  impl_->options = options;
}

void DocumentFrequencies::add(LangSlot doc_lang_slot, std::span<const TermId> distinct_terms,
                              std::optional<std::int64_t> time) {
  impl_->count(doc_lang_slot.value(), distinct_terms, time, 1.0);
  impl_->sync_background();
}

void DocumentFrequencies::remove(LangSlot doc_lang_slot, std::span<const TermId> distinct_terms,
                                 std::optional<std::int64_t> time) {
  impl_->count(doc_lang_slot.value(), distinct_terms, time, -1.0);
}

void DocumentFrequencies::merge(const DocumentFrequencies& other) {
  if (&other == this) {
    const detail::DfTable copy = *impl_;
    impl_->merge(copy);
  } else {
    impl_->merge(*other.impl_);
  }
}

void DocumentFrequencies::advance_to(std::int64_t time) { impl_->advance(time); }

std::int64_t DocumentFrequencies::now() const { return impl_->now; }

double DocumentFrequencies::df(TermId term) const {
  return detail::value_at(impl_->df, term.value()) * impl_->scale();
}

double DocumentFrequencies::documents(LangSlot lang_slot) const {
  return detail::value_at(impl_->documents, lang_slot.value()) * impl_->scale();
}

double DocumentFrequencies::total_documents() const { return impl_->total * impl_->scale(); }

double DocumentFrequencies::idf(TermId term) const {
  const IdfRatio ratio = idf_ratio(term);
  return std::log(ratio.documents / ratio.frequency) + 1.0;
}

DocumentFrequencies::IdfRatio DocumentFrequencies::idf_ratio(TermId term) const {
  const Impl& m = *impl_;
  const Vocabulary& vocabulary = *m.vocabulary;
  const bool neutral = is_language_neutral(vocabulary.kind(term));
  double n = neutral ? total_documents() : documents(vocabulary.lang_slot(term));
  double frequency = df(term);
  if (m.background != nullptr) {
    // Terms added since the last add() (a weigh() of uncounted terms) are looked up here.
    const LangSlot slot = vocabulary.lang_slot(term);
    n += m.background_scale * (neutral ? m.background->total_documents()
                               : slot.value() < m.background_documents.size()
                                   ? m.background_documents[slot.value()]
                                   : m.background_documents_of(slot));
    frequency += m.background_scale * (term.value() < m.background_df.size()
                                           ? m.background_df[term.value()]
                                           : m.background_df_of(term));
  }
  return {1.0 + n, 1.0 + frequency};
}

void DocumentFrequencies::set_background(const DocumentFrequencies* background) {
  Impl& m = *impl_;
  m.background = background;
  m.background_df.clear();
  m.background_documents.clear();
  m.background_scale = 0.0;
  if (background == nullptr) return;
  const double total = background->total_documents();
  m.background_scale = total > 0.0 ? m.options.background_documents / total : 0.0;
  m.sync_background();
}

const DocumentFrequencies* DocumentFrequencies::background() const { return impl_->background; }

const Vocabulary& DocumentFrequencies::vocabulary() const { return *impl_->vocabulary; }

const DfOptions& DocumentFrequencies::options() const { return impl_->options; }

void DocumentFrequencies::save(std::ostream& out) const { impl_->save(out); }

void DocumentFrequencies::load(std::istream& in) { impl_->load(in); }

namespace detail {
DfTable& DfAccess::table(DocumentFrequencies& frequencies) { return *frequencies.impl_; }
}  // namespace detail

// --- weighting -----------------------------------------------------------------------------------

SparseVector weigh(std::span<const TermCount> counts, const DocumentFrequencies& df,
                   const WeightingOptions& options) {
  if (!(options.title_boost >= 0.0f) || !std::isfinite(options.title_boost) ||
      !(options.entity_boost >= 0.0f) || !std::isfinite(options.entity_boost)) {
    throw ConfigError("WeightingOptions: title_boost and entity_boost must be finite and >= 0");
  }
  const Vocabulary& vocabulary = df.vocabulary();
  std::vector<SparseEntry> entries;
  entries.reserve(counts.size());
  for (const TermCount& c : counts) {
    const double count = static_cast<double>(c.body) + double{options.title_boost} * c.title;
    if (!(count > 0.0)) continue;
    // Below one occurrence (a fractional title boost) 1 + ln would turn negative: stay linear.
    const double tf = options.sublinear_tf && count >= 1.0 ? 1.0 + std::log(count) : count;
    double w = tf * df.idf(c.term);
    const FeatureKind kind = vocabulary.kind(c.term);
    if (kind == FeatureKind::entity || kind == FeatureKind::number) w *= options.entity_boost;
    if (w != 0.0) entries.push_back({c.term, static_cast<float>(w)});
  }
  SparseVector v = SparseVector::from_sorted(std::move(entries));
  v.normalize();
  if (options.top_k > 0 && v.size() > options.top_k) {
    v.prune_top_k(options.top_k);
    v.normalize();
  }
  return v;
}

}  // namespace crossnews
