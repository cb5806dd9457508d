#pragma once
// Strong integer ids: a TermId cannot be passed where a DocId is expected.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace crossnews {

template <class Tag, class Rep = std::uint32_t>
class StrongId {
 public:
  using rep_type = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}
  [[nodiscard]] constexpr Rep value() const { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;

  template <class H>
  friend H AbslHashValue(H h, StrongId id) {
    return H::combine(std::move(h), id.value_);
  }

 private:
  Rep value_ = 0;
};

struct TermTag;
struct DocTag;
struct ClusterTag;
struct LangSlotTag;

/// An interned term of a Vocabulary (a stem of one language, a language-neutral token, or a concept).
using TermId = StrongId<TermTag>;
/// A document's position in the order it was added to a pipeline (input order).
using DocId = StrongId<DocTag>;
/// A story id; stable for the life of a clusterer, never reused.
using ClusterId = StrongId<ClusterTag, std::uint64_t>;
/// A Vocabulary's small dense index of a language (0 = language-neutral), for per-language tables.
using LangSlot = StrongId<LangSlotTag, std::uint16_t>;

/// The id's number, as text ("42"): what the CLI writes for a story id.
template <class Tag, class Rep>
[[nodiscard]] std::string to_string(StrongId<Tag, Rep> id) {
  return std::to_string(id.value());
}

template <class Tag, class Rep>
std::ostream& operator<<(std::ostream& out, StrongId<Tag, Rep> id) {
  return out << id.value();
}

}  // namespace crossnews

template <class Tag, class Rep>
struct std::hash<crossnews::StrongId<Tag, Rep>> {
  std::size_t operator()(crossnews::StrongId<Tag, Rep> id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
