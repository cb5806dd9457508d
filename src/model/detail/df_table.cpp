#include "model/detail/df_table.hpp"

#include <crossnews/error.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace crossnews::detail {

namespace {

// Forward decay stores a document's weight as 2^((time - reference) / half-life) so that adding
// it never touches the other entries. Stored values grow as time moves on; once "now" is this
// many half-lives past the reference, one pass rescales the table (values stay below 2^64,
// far from overflow, and the pass is rare).
constexpr double kMaxLagHalfLives = 64.0;
// A count that a removal brings below this fraction of the removed weight is rounding residue.
constexpr double kResidueFraction = 1e-12;

std::int64_t day_of(std::int64_t time) {
  constexpr std::int64_t kDay = 86400;
  return time >= 0 ? time / kDay : -((-(time + 1)) / kDay) - 1;
}

// Maps another table's slots and terms into this table's vocabulary by (language, text, kind).
class Translator {
 public:
  Translator(const Vocabulary& from, Vocabulary& to) : from_(from), to_(to) {}

  std::uint16_t slot(std::uint16_t s) {
    if (&from_ == &to_) return s;
    if (s >= slots_.size()) slots_.resize(s + 1, kUnmapped);
    if (slots_[s] == kUnmapped) slots_[s] = to_.lang_slot_of(from_.slot_lang(LangSlot{s})).value();
    return static_cast<std::uint16_t>(slots_[s]);
  }
  std::uint32_t term(std::uint32_t id) {
    if (&from_ == &to_) return id;
    if (id >= terms_.size()) terms_.resize(id + 1, kUnmapped);
    if (terms_[id] == kUnmapped) {
      const TermId t(id);
      terms_[id] = to_.intern_in_slot(LangSlot{slot(from_.lang_slot(t).value())}, from_.text(t),
                                      from_.kind(t))
                       .value();
    }
    return terms_[id];
  }

 private:
  static constexpr std::uint32_t kUnmapped = 0xffffffffu;
  const Vocabulary& from_;
  Vocabulary& to_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint32_t> terms_;
};

}  // namespace

void bump(double& value, double delta) {
  value += delta;
  if (delta < 0.0 && value < -delta * kResidueFraction) value = 0.0;
}

void bump_at(std::vector<double>& values, std::size_t index, double delta) {
  if (index >= values.size()) values.resize(index + 1, 0.0);
  bump(values[index], delta);
}

double DfTable::scale() const {
  if (!decays()) return 1.0;
  return std::exp2((static_cast<double>(reference) - static_cast<double>(now)) /
                   half_life_seconds());
}

double DfTable::forward_weight(std::int64_t time) const {
  if (!decays()) return 1.0;
  return std::exp2((static_cast<double>(time) - static_cast<double>(reference)) /
                   half_life_seconds());
}

bool DfTable::expired(std::int64_t day) const {
  if (!windowed()) return false;
  const double day_end = (static_cast<double>(day) + 1.0) * kSecondsPerDay - 1.0;
  return day_end <= static_cast<double>(now) - options.window_days * kSecondsPerDay;
}

void DfTable::advance(std::int64_t time) {
  if (time <= now) return;
  now = time;
  if (decays() && static_cast<double>(now) - static_cast<double>(reference) >
                      kMaxLagHalfLives * half_life_seconds()) {
    renormalise();
  }
  if (windowed()) expire();
}

void DfTable::renormalise() {
  const double factor = scale();
  for (double& v : df) v *= factor;
  for (double& v : documents) v *= factor;
  total *= factor;
  for (DayBucket& b : buckets) {
    for (double& v : b.documents) v *= factor;
    for (auto& [term, v] : b.df) v *= factor;
    b.total *= factor;
  }
  reference = now;
}

void DfTable::expire() {
  const auto first_kept = std::find_if(buckets.begin(), buckets.end(),
                                       [&](const DayBucket& b) { return !expired(b.day); });
  for (auto it = buckets.begin(); it != first_kept; ++it) {
    for (std::size_t slot = 0; slot < it->documents.size(); ++slot) {
      bump_at(documents, slot, -it->documents[slot]);
    }
    bump(total, -it->total);
    for (const auto& [term, v] : it->df) bump_at(df, term, -v);
  }
  buckets.erase(buckets.begin(), first_kept);
}

DayBucket* DfTable::bucket(std::int64_t day, bool create) {
  if (expired(day)) return nullptr;
  auto it = std::lower_bound(buckets.begin(), buckets.end(), day,
                             [](const DayBucket& b, std::int64_t d) { return b.day < d; });
  if (it != buckets.end() && it->day == day) return &*it;
  if (!create) return nullptr;
  it = buckets.insert(it, DayBucket{});
  it->day = day;
  return &*it;
}

void DfTable::count(std::uint16_t slot, std::span<const TermId> terms,
                    std::optional<std::int64_t> time, double sign) {
  if (slot >= vocabulary->language_count()) {
    throw InputError("DocumentFrequencies: language slot " + std::to_string(slot) +
                     " is not in the vocabulary");
  }
  for (const TermId term : terms) {
    if (term.value() >= vocabulary->size()) {
      throw InputError("DocumentFrequencies: TermId " + std::to_string(term.value()) +
                       " is not in the vocabulary");
    }
  }
  if (time) advance(*time);
  const std::int64_t t = time.value_or(now);
  DayBucket* day_bucket = nullptr;
  if (windowed()) {
    day_bucket = bucket(day_of(t), sign > 0.0);
    if (day_bucket == nullptr) return;  // outside the window, or nothing to remove
  }
  const double w = sign * forward_weight(t);
  bump_at(documents, slot, w);
  bump(total, w);
  for (const TermId term : terms) bump_at(df, term.value(), w);
  if (day_bucket != nullptr) {
    bump_at(day_bucket->documents, slot, w);
    bump(day_bucket->total, w);
    for (const TermId term : terms) bump(day_bucket->df[term.value()], w);
  }
}

void DfTable::check_compatible(const DfOptions& other, std::string_view what) const {
  if (other.half_life_days != options.half_life_days || other.window_days != options.window_days) {
    throw ConfigError(
        std::string(what) + ": half_life_days/window_days " + std::to_string(other.half_life_days) +
        "/" + std::to_string(other.window_days) + " differ from this table's " +
        std::to_string(options.half_life_days) + "/" + std::to_string(options.window_days));
  }
}

void DfTable::merge(const DfTable& other) {
  check_compatible(other.options, "DocumentFrequencies::merge");
  advance(other.now);
  // Brings the other table's forward values onto this table's reference time.
  const double factor =
      decays() ? std::exp2((static_cast<double>(other.reference) - static_cast<double>(reference)) /
                           half_life_seconds())
               : 1.0;
  Translator translate(*other.vocabulary, *vocabulary);
  if (!windowed()) {
    for (std::size_t s = 0; s < other.documents.size(); ++s) {
      if (other.documents[s] != 0.0) {
        bump_at(documents, translate.slot(static_cast<std::uint16_t>(s)),
                other.documents[s] * factor);
      }
    }
    bump(total, other.total * factor);
    for (std::size_t id = 0; id < other.df.size(); ++id) {
      if (other.df[id] != 0.0) {
        bump_at(df, translate.term(static_cast<std::uint32_t>(id)), other.df[id] * factor);
      }
    }
    return;
  }
  // With a window every count lives in a day bucket; buckets this table has already expired are
  // left out, exactly as if their documents had been added here.
  for (const DayBucket& theirs : other.buckets) {
    DayBucket* mine = bucket(theirs.day, true);
    if (mine == nullptr) continue;
    for (std::size_t s = 0; s < theirs.documents.size(); ++s) {
      const double v = theirs.documents[s] * factor;
      if (v == 0.0) continue;
      const std::uint16_t slot = translate.slot(static_cast<std::uint16_t>(s));
      bump_at(documents, slot, v);
      bump_at(mine->documents, slot, v);
    }
    bump(total, theirs.total * factor);
    bump(mine->total, theirs.total * factor);
    for (const auto& [id, value] : theirs.df) {
      const std::uint32_t term = translate.term(id);
      bump_at(df, term, value * factor);
      bump(mine->df[term], value * factor);
    }
  }
}

}  // namespace crossnews::detail
