#pragma once
// The ids of the terms the analyzer makes on the spot -- numbers, multi-word names -- which carry
// no key to memoize them by (AnalyzedText::kNoKey): a direct-mapped cache of their texts, one per
// worker, so that a term seen before costs a hash and one compare in a 160 KB table instead of a
// look-up in the vocabulary's table of the whole corpus (4 % of the terms took 4 % of the analyse
// stage there). A newer text takes the slot of an older one; longer texts are not kept.

#include <crossnews/strong_id.hpp>
#include <crossnews/vocabulary.hpp>

#include <absl/hash/hash.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace crossnews::detail {

class TermIdCache {
 public:
  static constexpr std::size_t kMaxBytes = 30;

  /// `slots` is rounded up to a power of two.
  explicit TermIdCache(std::size_t slots = 4096)
      : slots_(std::bit_ceil(std::max<std::size_t>(1, slots))) {}

  [[nodiscard]] std::optional<TermId> find(std::string_view text, FeatureKind kind) const {
    const Slot& slot = slots_[index(text, kind)];
    if (!slot.used || slot.kind != kind || slot.length != text.size() ||
        !std::equal(text.begin(), text.end(), slot.text)) {
      return std::nullopt;
    }
    return slot.id;
  }

  /// Remembers `id` for (text, kind), in place of whatever shared its slot.
  void insert(std::string_view text, FeatureKind kind, TermId id) {
    if (text.size() > kMaxBytes) return;
    Slot& slot = slots_[index(text, kind)];
    slot.id = id;
    slot.length = static_cast<std::uint8_t>(text.size());
    slot.kind = kind;
    slot.used = true;
    std::copy(text.begin(), text.end(), slot.text);
  }

 private:
  struct Slot {
    TermId id;
    std::uint8_t length = 0;
    FeatureKind kind = FeatureKind::word;
    bool used = false;
    char text[kMaxBytes];
  };

  [[nodiscard]] std::size_t index(std::string_view text, FeatureKind kind) const {
    return absl::HashOf(text, static_cast<std::uint8_t>(kind)) & (slots_.size() - 1);
  }

  std::vector<Slot> slots_;
};

}  // namespace crossnews::detail
