#include <crossnews/clusterer.hpp>

#include <crossnews/error.hpp>

#include <cstdio>

namespace crossnews {
namespace {

// Throws unless lo <= value <= hi (NaN fails every comparison, so it is refused too).
void check_range(const char* field, double value, double lo, double hi, const char* unit = "") {
  if (value >= lo && value <= hi) return;
  char text[160];
  std::snprintf(text, sizeof text, "%s must lie in [%g, %g]%s, got %g", field, lo, hi, unit, value);
  throw ConfigError(text);
}

}  // namespace

void validate(const FeaturizerOptions& o) {
  check_range("FeaturizerOptions::threads", double(o.threads), 1, double(kMaxThreads));
  check_range("FeaturizerOptions::weighting.title_boost", o.weighting.title_boost, 0, 1e6);
  check_range("FeaturizerOptions::weighting.entity_boost", o.weighting.entity_boost, 0, 1e6);
  check_range("FeaturizerOptions::df.background_documents", o.df.background_documents, 0, 1e12);
  check_range("FeaturizerOptions::df.half_life_days", o.df.half_life_days, 0, kMaxDays,
              " days (0: no decay)");
  check_range("FeaturizerOptions::df.window_days", o.df.window_days, 0, kMaxDays,
              " days (0: no window)");
}

void validate(const DenseMapOptions& o) {
  check_range("DenseMapOptions::weight", o.weight, 0, 1);
  check_range("DenseMapOptions::rank", double(o.rank), 1, double(kMaxDenseRank));
  check_range("DenseMapOptions::regularization", o.regularization, 1e-6, 1e6);
  check_range("DenseMapOptions::min_similarity", o.min_similarity, 0, 1);
}

void validate(const ClusterOptions& o) {
  check_range("ClusterOptions::threshold", o.threshold, 0, 1);
  check_range("ClusterOptions::entity_weight", o.entity_weight, 0, 1);
  check_range("ClusterOptions::time_weight", o.time_weight, 0, 1);
  check_range("ClusterOptions::merge_threshold", o.merge_threshold, 0, 1);
  check_range("ClusterOptions::candidate_min_score", o.candidate_min_score, 0, 1);
  check_range("ClusterOptions::crosslingual_scale", o.crosslingual_scale, 0, kMaxCrosslingualScale);
  check_range("ClusterOptions::window_days", o.window_days, 0, kMaxDays, " days (0: no window)");
  check_range("ClusterOptions::time_sigma_days", o.time_sigma_days, 0, kMaxDays, " days (above 0)");
  if (o.time_sigma_days == 0) throw ConfigError("ClusterOptions::time_sigma_days must be above 0");
  if (o.neighbours == 0) throw ConfigError("ClusterOptions::neighbours must be at least 1, got 0");
  validate(o.dense_map);
  validate(o.features);
}

}  // namespace crossnews
