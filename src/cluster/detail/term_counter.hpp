#pragma once
// An article's terms counted by id: an open-addressing table of entry numbers, sized for the
// article (a few KB, in L1) and emptied per article, in front of the distinct terms in the order
// they first occur. Counting a term is one probe; sorting every token of the article by term to
// group them (what project() did before) cost more than the counting itself.

#include <crossnews/strong_id.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

namespace crossnews::detail {

class TermCounter {
 public:
  struct Entry {
    TermId term;
    float body = 0.0f;
    float title = 0.0f;
    std::uint32_t first = 0;  // position of the term's first occurrence
  };

  TermCounter() { reset(0); }

  /// Empties the counter for at most `terms` distinct terms (an article's term count will do):
  /// the table never grows while counting, and at most half of its slots hold entries, so probes
  /// stay short.
  void reset(std::size_t terms) {
    const std::size_t size = std::bit_ceil(std::max<std::size_t>(64, 2 * terms));
    slots_.assign(size, kEmpty);
    shift_ = 64 - std::countr_zero(size);
    entries_.clear();
  }

  /// Adds one occurrence at `position` (positions increase from call to call).
  void add(TermId term, float body, float title, std::uint32_t position) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = slot_of(term);; i = (i + 1) & mask) {
      const std::uint32_t e = slots_[i];
      if (e == kEmpty) {
        slots_[i] = static_cast<std::uint32_t>(entries_.size());
        entries_.push_back({term, body, title, position});
        return;
      }
      if (entries_[e].term == term) {
        entries_[e].body += body;
        entries_[e].title += title;
        return;
      }
    }
  }

  /// The distinct terms, in the order of their first occurrence.
  [[nodiscard]] std::span<const Entry> entries() const { return entries_; }

  /// The number of `term`'s entry (its place in entries()), kMissing if it was not added.
  [[nodiscard]] std::uint32_t index_of(TermId term) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = slot_of(term);; i = (i + 1) & mask) {
      const std::uint32_t e = slots_[i];
      if (e == kEmpty || entries_[e].term == term) return e;
    }
  }
  static constexpr std::uint32_t kMissing = ~std::uint32_t{0};

 private:
  static constexpr std::uint32_t kEmpty = kMissing;
  // Fibonacci hashing: ids are dense and often close together within an article.
  [[nodiscard]] std::size_t slot_of(TermId term) const {
    return static_cast<std::size_t>((std::uint64_t{term.value()} * 0x9E3779B97F4A7C15ULL) >>
                                    shift_);
  }

  std::vector<std::uint32_t> slots_;
  std::vector<Entry> entries_;
  int shift_ = 64;
};

}  // namespace crossnews::detail
