#pragma once
// The union-find TermGraph::build() groups terms into concepts with.

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

namespace crossnews::detail {

/// Union-find whose roots count their members per language, so a merge can be refused when it
/// would put more than the cap of one language into one concept.
class CappedUnionFind {
 public:
  CappedUnionFind(std::size_t n, std::span<const std::uint16_t> slots) : parent_(n), counts_(n) {
    std::iota(parent_.begin(), parent_.end(), 0u);
    for (std::size_t i = 0; i < n; ++i) counts_[i].push_back({slots[i], 1});
  }

  std::uint32_t find(std::uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }

  [[nodiscard]] std::uint32_t size(std::uint32_t root) const {
    std::uint32_t total = 0;
    for (const auto& count : counts_[root]) total += count.second;
    return total;
  }

  /// Whether joining adds no term to a language beyond the cap. A language only one side has is
  /// not checked: a lexicon row may hold more forms than the cap and still take on terms of
  /// other languages.
  [[nodiscard]] bool fits(std::uint32_t root_a, std::uint32_t root_b, std::size_t cap) const {
    for (const auto& [slot, count] : counts_[root_b]) {
      const std::uint32_t other = count_of(root_a, slot);
      if (other > 0 && count + other > cap) return false;
    }
    return true;
  }

  /// Joins two roots and returns the new root.
  std::uint32_t unite(std::uint32_t root_a, std::uint32_t root_b) {
    if (root_a == root_b) return root_a;
    if (size(root_a) < size(root_b)) std::swap(root_a, root_b);
    parent_[root_b] = root_a;
    for (const auto& [slot, count] : counts_[root_b]) {
      auto it = std::find_if(counts_[root_a].begin(), counts_[root_a].end(),
                             [slot = slot](const auto& c) { return c.first == slot; });
      if (it == counts_[root_a].end()) {
        counts_[root_a].push_back({slot, count});
      } else {
        it->second += count;
      }
    }
    counts_[root_b].clear();
    return root_a;
  }

 private:
  [[nodiscard]] std::uint32_t count_of(std::uint32_t root, std::uint16_t slot) const {
    for (const auto& [s, count] : counts_[root]) {
      if (s == slot) return count;
    }
    return 0;
  }

  std::vector<std::uint32_t> parent_;
  std::vector<boost::container::small_vector<std::pair<std::uint16_t, std::uint32_t>, 2>> counts_;
};

}  // namespace crossnews::detail
