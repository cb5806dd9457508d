#pragma once
// Writing and reading a StreamClusterer's state (StreamClusterer::save / load). One list of
// fields per type serves both directions: `fields(io, object)` calls io(a, b, ...) and the io
// writes them or reads into them, so what is saved and what is loaded cannot drift apart.
// Integers are stored little-endian at their own width (bool and 8-bit in 1 byte, 16- and 32-bit
// in 4, 64-bit in 8), floats by their bits, so a loaded state equals the saved one bit for bit.
// The reader trusts no count: vectors grow element by element as bytes are read, so a corrupt
// count ends in FormatError, never in a huge allocation.

#include <crossnews/clusterer.hpp>
#include <crossnews/document.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/sparse_vector.hpp>
#include <crossnews/strong_id.hpp>

#include "cluster/detail/story_builder.hpp"
#include "model/detail/binary.hpp"

#include <array>
#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace crossnews::detail {

template <class Io, class D>
  requires std::same_as<std::remove_const_t<D>, DocFeatures>
void fields(Io& io, D& d) {
  io(d.lang_slot, d.lang_detected, d.truncated, d.time, d.vector, d.crosslingual_norm,
     d.neutral_norm, d.forms);
}
template <class Io, class A>
  requires std::same_as<std::remove_const_t<A>, Article>
void fields(Io& io, A& a) {
  io(a.id, a.title, a.text, a.lang, a.time, a.story);
}
template <class Io, class M>
  requires std::same_as<std::remove_const_t<M>, ArticleMeta>
void fields(Io& io, M& m) {
  io(m.id, m.title);
}
template <class Io, class M>
  requires std::same_as<std::remove_const_t<M>, MergeEvent>
void fields(Io& io, M& m) {
  io(m.from, m.into, m.time);
}

// Types that list their own fields: `template <class Io, class Self> static void fields(Io&,
// Self&)`.
template <class T, class Io>
concept HasOwnFields = requires(Io& io, T& t) { T::fields(io, t); };
template <class T, class Io>
concept HasFreeFields = requires(Io& io, T& t) { fields(io, t); };

class StateWriter {
 public:
  explicit StateWriter(std::string& out) : w_(out) {}

  template <class... T>
  void operator()(const T&... values) {
    (one(values), ...);
  }

 private:
  template <class T>
  void one(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      w_.u8(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T> && sizeof(T) == 1) {
      w_.u8(static_cast<std::uint8_t>(v));
    } else if constexpr (std::is_integral_v<T> && sizeof(T) <= 4) {
      w_.u32(static_cast<std::uint32_t>(v));
    } else if constexpr (std::is_integral_v<T>) {
      w_.u64(static_cast<std::uint64_t>(v));
    } else if constexpr (std::is_same_v<T, float>) {
      w_.u32(std::bit_cast<std::uint32_t>(v));
    } else if constexpr (std::is_same_v<T, double>) {
      w_.f64(v);
    } else if constexpr (HasOwnFields<const T, StateWriter>) {
      T::fields(*this, v);
    } else if constexpr (HasFreeFields<const T, StateWriter>) {
      fields(*this, v);
    } else {
      special(v);
    }
  }
  template <class Tag, class Rep>
  void special(const StrongId<Tag, Rep>& id) {
    one(id.value());
  }
  void special(std::string_view s) {
    w_.u64(s.size());
    w_.bytes(s);
  }
  template <class T, std::size_t N>
  void special(const std::array<T, N>& a) {
    for (const auto& x : a) one(x);
  }
  template <class T>
  void special(const std::optional<T>& v) {
    one(v.has_value());
    if (v) one(*v);
  }
  template <class A, class B>
  void special(const std::pair<A, B>& p) {
    one(p.first);
    one(p.second);
  }
  template <class T>
  void special(const std::vector<T>& v) {
    w_.u64(v.size());
    for (const auto& x : v) one(x);
  }
  void special(const SparseVector& v) {
    w_.u64(v.size());
    for (const auto& e : v.entries()) (*this)(e.term, e.weight);
  }
  void special(const CentroidAccumulator& c) {
    w_.u64(c.sums().size());
    for (const auto& e : c.sums()) (*this)(e.term, e.weight);
    one(c.members());
  }
  void special(const Featurizer& f);  // featurizer_state.cpp

  ByteWriter w_;
};

class StateReader {
 public:
  explicit StateReader(std::string_view payload) : r_(payload, "stream state") {}

  template <class... T>
  void operator()(T&... values) {
    (one(values), ...);
  }

  [[nodiscard]] std::size_t remaining() const { return r_.remaining(); }
  [[noreturn]] void fail(std::string_view field, std::string_view problem) const {
    r_.fail(field, r_.position(), problem);
  }
  /// Throws FormatError unless `index` < `size`.
  void check_index(std::uint64_t index, std::uint64_t size, std::string_view field) const {
    if (index >= size) fail(field, "refers to " + std::to_string(index) + " of " + std::to_string(size));
  }
  ByteReader& bytes() { return r_; }

 private:
  template <class T>
  void one(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      const auto b = r_.u8("flag");
      if (b > 1) fail("flag", "is neither 0 nor 1");
      v = b == 1;
    } else if constexpr (std::is_integral_v<T> && sizeof(T) == 1) {
      v = static_cast<T>(r_.u8("byte"));
    } else if constexpr (std::is_integral_v<T> && sizeof(T) <= 4) {
      const std::uint32_t raw = r_.u32("integer");
      if (raw > static_cast<std::uint32_t>(std::numeric_limits<T>::max())) {
        fail("integer", "is out of range");
      }
      v = static_cast<T>(raw);
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(r_.u64("integer"));
    } else if constexpr (std::is_same_v<T, float>) {
      v = std::bit_cast<float>(r_.u32("number"));
    } else if constexpr (std::is_same_v<T, double>) {
      v = r_.f64("number");
    } else if constexpr (HasOwnFields<T, StateReader>) {
      T::fields(*this, v);
    } else if constexpr (HasFreeFields<T, StateReader>) {
      fields(*this, v);
    } else {
      special(v);
    }
  }
  template <class Tag, class Rep>
  void special(StrongId<Tag, Rep>& id) {
    Rep value{};
    one(value);
    id = StrongId<Tag, Rep>(value);
  }
  void special(std::string& s) { s = r_.bytes(r_.count("text length", 1), "text"); }
  template <class T, std::size_t N>
  void special(std::array<T, N>& a) {
    for (auto& x : a) one(x);
  }
  template <class T>
  void special(std::optional<T>& v) {
    bool present = false;
    one(present);
    v.reset();
    if (present) one(v.emplace());
  }
  template <class A, class B>
  void special(std::pair<A, B>& p) {
    one(p.first);
    one(p.second);
  }
  template <class T>
  void special(std::vector<T>& v) {
    const std::uint64_t n = r_.count("count", 1);
    v.clear();
    for (std::uint64_t i = 0; i < n; ++i) one(v.emplace_back());
  }
  template <class Entry>
  std::vector<Entry> sorted_entries() {
    std::vector<Entry> entries;
    const std::uint64_t n = r_.count("entries", 8);
    for (std::uint64_t i = 0; i < n; ++i) {
      Entry& e = entries.emplace_back();
      (*this)(e.term, e.weight);
      if (i > 0 && !(entries[i - 1].term < e.term)) fail("entries", "are not sorted by term");
    }
    return entries;
  }
  void special(SparseVector& v) { v = SparseVector::from_sorted(sorted_entries<SparseEntry>()); }
  void special(CentroidAccumulator& c) {
    auto sums = sorted_entries<CentroidAccumulator::SumEntry>();
    std::size_t members = 0;
    one(members);
    c = CentroidAccumulator::from_sums(std::move(sums), members);
  }
  void special(Featurizer& f);  // featurizer_state.cpp

  ByteReader r_;
};

}  // namespace crossnews::detail
