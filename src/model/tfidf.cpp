#include <crossnews/error.hpp>
#include <crossnews/tfidf.hpp>

#include "model/detail/df_table.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace crossnews {

struct DocumentFrequencies::Impl : detail::DfTable {};

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
  impl_->vocabulary = &vocabulary;
  impl_->options = options;
}

DocumentFrequencies::~DocumentFrequencies() = default;
DocumentFrequencies::DocumentFrequencies(DocumentFrequencies&&) noexcept = default;
DocumentFrequencies& DocumentFrequencies::operator=(DocumentFrequencies&&) noexcept = default;

void DocumentFrequencies::add(std::uint16_t doc_lang_slot, std::span<const TermId> distinct_terms,
                              std::optional<std::int64_t> time) {
  impl_->count(doc_lang_slot, distinct_terms, time, 1.0);
}

void DocumentFrequencies::remove(std::uint16_t doc_lang_slot,
                                 std::span<const TermId> distinct_terms,
                                 std::optional<std::int64_t> time) {
  impl_->count(doc_lang_slot, distinct_terms, time, -1.0);
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

double DocumentFrequencies::documents(std::uint16_t lang_slot) const {
  return detail::value_at(impl_->documents, lang_slot) * impl_->scale();
}

double DocumentFrequencies::total_documents() const { return impl_->total * impl_->scale(); }

double DocumentFrequencies::idf(TermId term) const {
  const Vocabulary& vocabulary = *impl_->vocabulary;
  const double n = is_language_neutral(vocabulary.kind(term))
                       ? total_documents()
                       : documents(vocabulary.lang_slot(term));
  return std::log((1.0 + n) / (1.0 + df(term))) + 1.0;
}

const Vocabulary& DocumentFrequencies::vocabulary() const { return *impl_->vocabulary; }

const DfOptions& DocumentFrequencies::options() const { return impl_->options; }

void DocumentFrequencies::save(std::ostream& out) const { impl_->save(out); }

void DocumentFrequencies::load(std::istream& in) { impl_->load(in); }

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
