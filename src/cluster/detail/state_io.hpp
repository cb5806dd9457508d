#pragma once
// Writing and reading a StreamClusterer's state (StreamClusterer::save / load). One list of
// fields per type serves both directions: `fields(io, object)` calls io(a, b, ...) and the io
// writes them or reads into them, so what is saved and what is loaded cannot drift apart.
// Integers wider than a byte, counts and lengths are stored as varints (ByteWriter::varint;
// signed ones zigzagged), bool and 8-bit in 1 byte, floats by their bits, so a loaded state equals
// the saved one bit for bit; a sparse vector's terms are stored as gaps from the previous one.
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
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto wide = static_cast<std::int64_t>(v);
      w_.varint((static_cast<std::uint64_t>(wide) << 1) ^ static_cast<std::uint64_t>(wide >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      w_.varint(static_cast<std::uint64_t>(v));
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
    w_.varint(s.size());
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
    w_.varint(v.size());
    for (const auto& x : v) one(x);
  }
  void special(const SparseVector& v) {
    w_.varint(v.size());
    std::uint32_t previous = 0;
    for (const auto& e : v.entries()) {
      w_.varint(e.term.value() - previous);
      previous = e.term.value();
      one(e.weight);
    }
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
  /// A count of records of at least `min_record_size` bytes each (FormatError beyond the bytes).
  std::uint64_t count(std::string_view field, std::size_t min_record_size) {
    return r_.varint_count(field, min_record_size);
  }
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
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const std::uint64_t raw = r_.varint("integer");
      const auto wide = static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
      if (wide < std::numeric_limits<T>::min() || wide > std::numeric_limits<T>::max()) {
        fail("integer", "is out of range");
      }
      v = static_cast<T>(wide);
    } else if constexpr (std::is_integral_v<T>) {
      const std::uint64_t raw = r_.varint("integer");
      if (raw > std::numeric_limits<T>::max()) fail("integer", "is out of range");
      v = static_cast<T>(raw);
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
  void special(std::string& s) { s = r_.bytes(count("text length", 1), "text"); }
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
    const std::uint64_t n = count("count", 1);
    v.clear();
    for (std::uint64_t i = 0; i < n; ++i) one(v.emplace_back());
  }
  void special(SparseVector& v) {
    std::vector<SparseEntry> entries;
    const std::uint64_t n = count("entries", 5);
    std::uint64_t term = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t gap = r_.varint("term");
      if (i > 0 && gap == 0) fail("entries", "are not sorted by term");
      term += gap;
      if (term > std::numeric_limits<std::uint32_t>::max()) fail("term", "is out of range");
      SparseEntry& e = entries.emplace_back();
      e.term = TermId(static_cast<std::uint32_t>(term));
      one(e.weight);
    }
    v = SparseVector::from_sorted(std::move(entries));
  }
  void special(Featurizer& f);  // featurizer_state.cpp

  ByteReader r_;
};

}  // namespace crossnews::detail
