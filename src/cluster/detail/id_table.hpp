#pragma once
// The ids of a featurizer's documents, in adding order, and the document of each id: one text
// arena, its offsets, and a hash set of document numbers keyed by their text. A stream keeps
// every id it has seen (to skip repeats, to name a story's members), so an id costs its bytes and
// about 16 more, not a string and a map node (about 100).

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

class IdTable {
 public:
  IdTable() = default;
  // The set's hasher and equality point at this table: not copied or moved.
  IdTable(const IdTable&) = delete;
  IdTable& operator=(const IdTable&) = delete;

  /// Appends the id of the next document; find() keeps answering the first document of an id.
  void add(std::string_view id) {
    text_.append(id);
    end_.push_back(text_.size());
    by_text_.insert(static_cast<std::uint32_t>(end_.size() - 1));
  }

  [[nodiscard]] std::size_t size() const { return end_.size(); }

  [[nodiscard]] std::string_view operator[](std::size_t doc) const {
    const std::uint64_t begin = doc == 0 ? 0 : end_[doc - 1];
    return std::string_view(text_).substr(begin, end_[doc] - begin);
  }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const {
    const auto it = by_text_.find(id);
    if (it == by_text_.end()) return std::nullopt;
    return *it;
  }

  void clear() {
    text_.clear();
    end_.clear();
    by_text_.clear();
  }

 private:
  // Hashes and compares documents by their ids, and ids given as text (heterogeneous look-up).
  struct ByText {
    using is_transparent = void;
    const IdTable* table;
    [[nodiscard]] std::string_view text(std::uint32_t doc) const { return (*table)[doc]; }
    [[nodiscard]] static std::string_view text(std::string_view id) { return id; }
    template <class A>
    std::size_t operator()(const A& a) const {
      return absl::Hash<std::string_view>{}(text(a));
    }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return text(a) == text(b);
    }
  };

  std::string text_;
  std::vector<std::uint64_t> end_;  // by document: where its id ends in text_
  absl::flat_hash_set<std::uint32_t, ByText, ByText> by_text_{0, ByText{this}, ByText{this}};
};

}  // namespace crossnews::detail
