#pragma once
// The state behind DocumentFrequencies: per-term and per-language counts with forward decay and
// per-day window buckets (df_table.cpp), and its binary snapshot (df_snapshot.cpp).

#include <crossnews/tfidf.hpp>
#include <crossnews/vocabulary.hpp>

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace crossnews::detail {

inline constexpr double kSecondsPerDay = 86400.0;

/// value += delta, where a removal that leaves only rounding residue (or goes below zero, for a
/// document never counted) gives exactly 0.
void bump(double& value, double delta);
void bump_at(std::vector<double>& values, std::size_t index, double delta);
inline double value_at(const std::vector<double>& values, std::size_t index) {
  return index < values.size() ? values[index] : 0.0;
}

struct DayBucket {
  std::int64_t day = 0;
  double total = 0.0;
  std::vector<double> documents;                  // by language slot
  absl::flat_hash_map<std::uint32_t, double> df;  // by TermId value
};

struct DfTable {
  Vocabulary* vocabulary = nullptr;
  DfOptions options;
  std::vector<double> df;         // by TermId value, in forward-decay units
  std::vector<double> documents;  // by language slot
  double total = 0.0;
  std::int64_t now = 0;
  std::int64_t reference = 0;      // forward-decay reference time
  std::vector<DayBucket> buckets;  // sorted by day; only with a window

  [[nodiscard]] bool decays() const { return options.half_life_days > 0.0; }
  [[nodiscard]] bool windowed() const { return options.window_days > 0.0; }
  [[nodiscard]] double half_life_seconds() const { return options.half_life_days * kSecondsPerDay; }
  /// Converts stored (forward) values to values as of `now`.
  [[nodiscard]] double scale() const;
  [[nodiscard]] double forward_weight(std::int64_t time) const;
  /// A bucket is dropped once every second of its day lies outside (now - window, now].
  [[nodiscard]] bool expired(std::int64_t day) const;

  void advance(std::int64_t time);
  void count(std::uint16_t slot, std::span<const TermId> terms, std::optional<std::int64_t> time,
             double sign);
  void merge(const DfTable& other);
  void check_compatible(const DfOptions& other, std::string_view what) const;

  void save(std::ostream& out) const;
  void load(std::istream& in);

 private:
  void renormalise();
  void expire();
  DayBucket* bucket(std::int64_t day, bool create);
  void load_payload(std::string_view payload);
};

/// The table behind a DocumentFrequencies, for filling it with counts made elsewhere.
struct DfAccess {
  static DfTable& table(DocumentFrequencies& frequencies);
};

}  // namespace crossnews::detail
